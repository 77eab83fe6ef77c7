"""Built-in placement: where an asset's package and public PNG go, by the naming conventions."""

from __future__ import annotations

from typing import Any

from batchproc import _naming
from batchproc._naming import fill, missing_field, pattern_fields, target_patterns
from batchproc.errors import InputError
from batchproc.hookspecs import hookimpl
from batchproc.models import IDF, Asset, Manifest


@hookimpl(trylast=True)
def batchproc_package_dir(asset: Asset, idf: IDF, manifest: Manifest) -> str:
    """``<layout.packages>/<layout.package_dir>``, e.g. ``assets/ASSET-3-velvet-curtain``."""
    (folder, pattern), _ = target_patterns(manifest, asset.category)
    return _place(folder, pattern, asset, idf, manifest)


@hookimpl(trylast=True)
def batchproc_public_path(asset: Asset, idf: IDF, manifest: Manifest) -> str:
    """``<layout.public>/<category>/<name from the category's pattern>``."""
    _, (folder, pattern) = target_patterns(manifest, asset.category)
    return _place(folder, pattern, asset, idf, manifest)


def _place(folder: str, pattern: str, asset: Asset, idf: IDF, manifest: Manifest) -> str:
    values = naming_values(asset, idf)
    missing = [field for field in pattern_fields(pattern) if field not in values]
    if missing:
        raise InputError(missing_field(pattern, missing[0]), file=manifest.display_path, line=asset.line, where=asset.asset_id)
    return f"{folder}/{fill(pattern, values)}"


def naming_values(asset: Asset, idf: IDF) -> dict[str, Any]:
    """The fields a naming pattern may use: declared specs first, measured facts as defaults."""
    return _naming.naming_values(
        asset.specs,
        slug=asset.slug,
        asset_id=asset.asset_id,
        category=asset.category,
        width=idf.dimensions.width,
        height=idf.dimensions.height,
        mode=(idf.semantic and idf.semantic.mode) or idf.mode,
        purpose=(idf.semantic and idf.semantic.purpose) or "icon",
    )
