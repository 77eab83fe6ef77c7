"""Built-in stage: ``tokens.json`` in the W3C Design Tokens format (DTCG 2025.10).

Colours are colour objects (``colorSpace``, ``components``, ``hex``), sizes are dimension
objects (``value``, ``unit``), every group has ``$type``, and the provenance sits under
``$extensions`` with a reverse-DNS key so token tools pass it through untouched.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from batchproc._context import RunContext
from batchproc._provenance import EXTENSION_KEY
from batchproc._guidance import advise
from batchproc.errors import BatchprocError, InputError
from batchproc.hookspecs import hookimpl
from batchproc.models import IDF, Asset, Manifest, OutputFile

DTCG_VERSION = "2025.10"


@hookimpl
def batchproc_check_manifest(manifest: Manifest) -> Sequence[BatchprocError]:
    return token_name_problems(manifest)


def token_name_problems(manifest: Manifest) -> list[BatchprocError]:
    """Assets whose token groups would collide once a team loads the batch's tokens together.

    Each asset's tokens sit under a group named by its slug, and token tools name CSS variables
    from that path (``--velvet-curtain-color-background``): two assets with one slug (allowed
    when their categories differ, since their public files do not collide) would silently
    overwrite each other's variables. Slugs are ASCII kebab-case, so they are always valid DTCG
    names (no ``{``, ``}`` or ``.``, never a leading ``$``).
    """
    problems: list[BatchprocError] = []
    seen: dict[str, int] = {}
    for index, asset in enumerate(manifest.assets):
        if asset.slug in seen:
            other = seen[asset.slug]
            problems.append(
                InputError(
                    f"token group {asset.slug!r} is already assets[{other}]'s; their CSS variables would collide, "
                    "so give one of them another name",
                    file=manifest.display_path,
                    line=asset.line,
                    where=f"assets[{index}].name",
                )
            )
        seen.setdefault(asset.slug, index)
    return problems


@hookimpl
def batchproc_render_files(
    asset: Asset, idf: IDF, manifest: Manifest, package_dir: str, public_path: str, run: RunContext
) -> Sequence[OutputFile]:
    problems = token_name_problems(manifest)  # apply renders only checked manifests; this is the backstop
    if problems:
        raise problems[0]
    tokens = design_tokens(asset, idf, manifest, public_path)
    # The fingerprint of everything that made these files: `plan` compares it with HEAD's.
    tokens[asset.slug]["$extensions"][EXTENSION_KEY]["inputs"] = run.inputs.get(asset.asset_id)
    # The folder these files go to: a later apply removes only packages it wrote itself.
    tokens[asset.slug]["$extensions"][EXTENSION_KEY]["package_dir"] = package_dir
    data = json.dumps(tokens, indent=2, ensure_ascii=False) + "\n"
    return [OutputFile(path=f"{package_dir}/tokens.json", data=data.encode("utf-8"), asset_id=asset.asset_id, kind="tokens")]


def design_tokens(asset: Asset, idf: IDF, manifest: Manifest, public_path: str) -> dict[str, Any]:
    """The token tree for one asset, under a group named by its slug."""
    colours: dict[str, Any] = {"$type": "color"}
    if idf.background is not None:
        colours["background"] = _colour_token(idf.background.hex, "Background: the colour covering most of the border")
    guidance = advise(asset, idf, public_path)
    colours["text"] = _colour_token(guidance.text_colour, f"Text on the background ({guidance.text_contrast}:1, WCAG AA)")
    for index, colour in enumerate(idf.palette, start=1):
        token = _colour_token(colour.hex, f"{colour.role}, {colour.coverage * 100:.1f}% of the opaque pixels")
        token["$extensions"] = {EXTENSION_KEY: {"coverage": colour.coverage, "role": colour.role}}
        colours[f"palette-{index}"] = token
    return {
        asset.slug: {
            "$description": f"{asset.name} ({asset.asset_id}), batch {manifest.batch_id}",
            "color": colours,
            "size": {
                "$type": "dimension",
                "width": {"$value": {"value": idf.dimensions.width, "unit": "px"}},
                "height": {"$value": {"value": idf.dimensions.height, "unit": "px"}},
            },
            "$extensions": {EXTENSION_KEY: provenance(asset, idf, manifest, public_path)},
        }
    }


def provenance(asset: Asset, idf: IDF, manifest: Manifest, public_path: str) -> dict[str, Any]:
    """Where the tokens came from: enough for ``plan`` to tell what is up to date."""
    return {
        "dtcg": DTCG_VERSION,
        "asset_id": asset.asset_id,
        "batch_id": manifest.batch_id,
        "score": asset.score,
        "source": {"path": asset.source, "sha256": idf.source.sha256, "bytes": idf.source.bytes},
        "extractor": {"name": idf.extractor.name, "version": idf.extractor.version},
        "public_path": public_path,
        "coverage": {
            "overall": idf.coverage.overall,
            "upper_left": idf.coverage.upper_left,
            "central": idf.coverage.central,
            "lower_right": idf.coverage.lower_right,
        },
        "tileable": idf.tileability.tileable,
        "plain_edges": idf.tileability.plain_edges,
        "mode": idf.mode,
    }


def _colour_token(hex_colour: str, description: str) -> dict[str, Any]:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return {
        "$value": {
            "colorSpace": "srgb",
            "components": [round(red / 255, 4), round(green / 255, 4), round(blue / 255, 4)],
            "hex": hex_colour,
        },
        "$description": description,
    }
