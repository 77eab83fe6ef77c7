"""batchproc-webp: an example plugin (entry point ``webp`` in the ``batchproc`` group).

Every hook here is a plain module-level function marked with ``@hookimpl``; the module keeps no
state between calls, because batchproc builds a fresh plugin manager for every run.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Awaitable, Mapping, Sequence
from pathlib import PurePosixPath

from batchproc import IDF, Asset, Manifest, OutputFile, hookimpl

from batchproc_webp._average import measure_average

__version__ = "0.3.0"

EXTRACTOR = "average"
SOCIAL = "social"
DEFAULT_QUALITY = 80


@hookimpl
def batchproc_extractors() -> Mapping[str, str]:
    """The ``average`` extractor; its version is part of batchproc's cache key."""
    return {EXTRACTOR: f"{__version__}+mean.1"}


@hookimpl
def batchproc_extract(asset: Asset, manifest: Manifest, run) -> Awaitable[IDF] | None:
    """Answer only when the manifest says ``extractor: average``; Pillow runs in a worker thread."""
    if manifest.extractor.name != EXTRACTOR:
        return None
    version = batchproc_extractors()[EXTRACTOR]
    return run.to_thread(measure_average, asset.path, asset.source, EXTRACTOR, version)


@hookimpl
def batchproc_public_path(asset: Asset, idf: IDF, manifest: Manifest) -> str | None:
    """Open Graph images (category ``social``) go to ``<public root>/og/``; others keep the default."""
    if asset.category != SOCIAL:
        return None
    root = PurePosixPath(manifest.layout.public.strip("/")).parent
    return f"{root}/og/{asset.slug}-{idf.dimensions.width}x{idf.dimensions.height}.png"


@hookimpl
def batchproc_render_files(asset: Asset, idf: IDF, public_path: str, run) -> Awaitable[Sequence[OutputFile]]:
    """A WebP copy of the public PNG, beside it."""
    quality = int(asset.specs.get("webp_quality", DEFAULT_QUALITY))
    target = str(PurePosixPath(public_path).with_suffix(".webp"))
    return run.to_thread(_webp_file, asset, target, quality)


@hookimpl
def batchproc_report(report) -> None:
    """One line on stderr: the WebP copies in this batch (read back from the report's files)."""
    webp = [path for path in report.files if path.endswith(".webp")]
    print(f"batchproc-webp: {len(webp)} WebP copies in batch {report.batch_id} ({report.status})", file=sys.stderr)


def _webp_file(asset: Asset, target: str, quality: int) -> list[OutputFile]:
    from PIL import Image

    with Image.open(asset.path) as image:
        buffer = io.BytesIO()
        image.save(buffer, format="WEBP", quality=quality, method=4)
    return [OutputFile(path=target, data=buffer.getvalue(), asset_id=asset.asset_id, kind="webp")]
