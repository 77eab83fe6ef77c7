"""Built-in extractor ``local``: measures the pixels with Pillow, in a worker thread."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from pathlib import Path

from batchproc import __version__
from batchproc._context import RunContext
from batchproc.hookspecs import hookimpl
from batchproc.models import IDF, Asset, Manifest

NAME = "local"
VERSION = f"{__version__}+pixels.4"
"""Part of the cache key: bump the suffix whenever the measurement changes."""


@hookimpl
def batchproc_extractors() -> Mapping[str, str]:
    return {NAME: VERSION}


@hookimpl(trylast=True)
def batchproc_extract(asset: Asset, manifest: Manifest, run: RunContext) -> Awaitable[IDF] | None:
    if manifest.extractor.name != NAME:
        return None
    return run.to_thread(measure_idf, asset.path)


def measure_idf(path: Path) -> IDF:
    """The IDF of one PNG, from its pixels alone."""
    from batchproc._imaging import measure  # Pillow loads only when something is measured

    facts = measure(path)
    return IDF.model_validate({**facts, "extractor": {"name": NAME, "version": VERSION}})
