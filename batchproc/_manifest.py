"""Load a manifest: YAML, then the JSON Schema, then the semantic rules, then frozen models.

Every problem found is reported (not only the first), each as one line with the file and the
YAML line. Nothing here reads pixels or touches git.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from batchproc import _rules, _yaml
from batchproc._naming import slug_from_filename, slugify
from batchproc._png import PngHeader
from batchproc._resources import schema
from batchproc._schema_errors import validate, where
from batchproc.errors import InputError, ManifestError
from batchproc.models import (
    DEFAULT_NAMING,
    Asset,
    CommitSettings,
    ExtractorConfig,
    Layout,
    Limits,
    Manifest,
)

MAX_MANIFEST_BYTES = 1_000_000
DEFAULT_CATEGORY = "specimens"


def load_manifest(path: str | Path) -> Manifest:
    """Load and validate the manifest at ``path``; raise :class:`ManifestError` listing every problem."""
    display = str(path)
    file = Path(path)
    text = _read_text(file, display)
    document = _yaml.load(text, file=display)
    if document.data is None:
        raise ManifestError([InputError("is empty; write a batch_id and a list of assets", file=display, line=1)])
    if not isinstance(document.data, dict):
        raise ManifestError(
            [InputError("the top level must be a mapping (batch_id:, assets:)", file=display, line=1)]
        )
    _restore_plain_text(document, schema("manifest"))
    problems = validate(document, schema("manifest"), file=display)
    if problems:
        raise ManifestError(problems)
    manifest = _build(document, file.resolve(), display)
    problems = _semantic_problems(manifest, document)
    if problems:
        raise ManifestError(problems)
    return manifest


def _read_text(file: Path, display: str) -> str:
    try:
        if file.is_dir():
            raise InputError("is a folder, not a manifest file", file=display)
        with open(file, "rb") as handle:  # bounded: /dev/zero or a growing file must not fill memory
            data = handle.read(MAX_MANIFEST_BYTES + 1)
        if len(data) > MAX_MANIFEST_BYTES:
            raise InputError(f"is more than {MAX_MANIFEST_BYTES} bytes; a manifest is far smaller", file=display)
    except FileNotFoundError:
        raise InputError("no such file", file=display) from None
    except OSError as error:
        raise InputError(f"cannot be read: {error.strerror}", file=display) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("is UTF-16 text; save it as UTF-8", file=display)
    try:
        return data.decode("utf-8-sig")  # a UTF-8 byte-order mark is fine
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(
            f"is not UTF-8 text (byte {error.start} is 0x{data[error.start]:02x}); save it as UTF-8",
            file=display,
            line=line,
        ) from None


def _restore_plain_text(document: _yaml.Document, root: dict[str, Any]) -> None:
    """Give back, as written, an unquoted value the schema wants as text (``name: 1.0``)."""

    def visit(value: Any, node: dict[str, Any], path: tuple[str | int, ...]) -> Any:
        if "$ref" in node:
            node = root["$defs"][node["$ref"].rsplit("/", 1)[1]]
        if node.get("type") == "string" and not isinstance(value, str) and path in document.plain_text:
            return document.plain_text[path] if value is not None else value
        if isinstance(value, dict):
            props = node.get("properties", {})
            extra = node.get("additionalProperties")
            for key in value:
                child = props.get(key, extra if isinstance(extra, dict) else None)
                if child is not None:
                    value[key] = visit(value[key], child, path + (key,))
        elif isinstance(value, list) and isinstance(node.get("items"), dict):
            for index, item in enumerate(value):
                value[index] = visit(item, node["items"], path + (index,))
        return value

    visit(document.data, root, ())


def _build(document: _yaml.Document, path: Path, display: str) -> Manifest:
    data = document.data
    base = path.parent
    extractor = data.get("extractor", "local")
    if isinstance(extractor, str):
        extractor = {"name": extractor}
    naming = dict(DEFAULT_NAMING)
    naming.update(data.get("naming", {}))
    assets = tuple(_build_asset(raw, index, base, document) for index, raw in enumerate(data["assets"]))
    templates = data.get("templates")
    return Manifest(
        path=path,
        display_path=display,
        batch_id=data["batch_id"],
        title=data.get("title", data["batch_id"]),
        extractor=ExtractorConfig(**extractor),
        limits=Limits(**data.get("limits", {})),
        layout=Layout(**data.get("layout", {})),
        naming=naming,
        templates=(base / templates) if templates else None,
        commit=CommitSettings(**data.get("commit", {})),
        assets=assets,
    )


def _build_asset(raw: Mapping[str, Any], index: int, base: Path, document: _yaml.Document) -> Asset:
    source = raw["path"]
    name = raw.get("name") or slug_from_filename(Path(source).stem)
    return Asset(
        asset_id=raw["asset_id"],
        path=base / source,
        source=source,
        score=raw["score"],
        name=name,
        slug=slugify(name) if raw.get("name") else name,
        category=raw.get("category", DEFAULT_CATEGORY),
        specs=dict(raw.get("specs") or {}),
        line=document.line_of(("assets", index)),
    )


def _semantic_problems(manifest: Manifest, document: _yaml.Document) -> list[InputError]:
    file = manifest.display_path
    problems: list[InputError] = []

    def problem(message: str, path: tuple[str | int, ...]) -> None:
        problems.append(InputError(message, file=file, line=document.line_of(path), where=where(path)))

    limits = manifest.limits
    if len(manifest.assets) > limits.max_assets:
        problem(f"{len(manifest.assets)} assets; a batch holds at most {limits.max_assets}", ("assets",))
    seen_ids: dict[str, int] = {}
    headers: dict[int, PngHeader] = {}
    for index, asset in enumerate(manifest.assets):
        at = ("assets", index)
        if asset.score < limits.min_score:
            problem(f"{asset.score:g} is below the minimum {limits.min_score:g}", at + ("score",))
        key = asset.asset_id.casefold()
        if key in seen_ids:
            problem(f"{asset.asset_id!r} is already used by assets[{seen_ids[key]}]; ids must be unique", at + ("asset_id",))
        seen_ids.setdefault(key, index)
        if not asset.slug:
            named = "name" in document.data["assets"][index]
            problem(
                f"{asset.name if named else Path(asset.source).name!r} gives an empty slug (file names use ASCII "
                "letters and digits); set name: to text with Latin letters or digits",
                at + ("name" if named else "path",),
            )
        header = _rules.png_header(asset.path)
        if isinstance(header, str):
            problem(f"{asset.source}: {header}", at + ("path",))
        else:
            headers[index] = header
    for message, at in _rules.path_problems(manifest, document.data):
        problem(message, at)
    for message, at in _rules.target_problems(manifest, headers):
        problem(message, at)
    problems.sort(key=lambda found: found.line or 0)
    return problems
