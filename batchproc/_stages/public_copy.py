"""Built-in stage: the PNG itself, byte for byte, at its public path."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence

import hashlib

from batchproc._context import RunContext
from batchproc.errors import ExtractionError
from batchproc.hookspecs import hookimpl
from batchproc.models import IDF, Asset, Manifest, OutputFile


@hookimpl
def batchproc_render_files(
    asset: Asset, idf: IDF, manifest: Manifest, package_dir: str, public_path: str, run: RunContext
) -> Awaitable[Sequence[OutputFile]]:
    return run.to_thread(_copy, asset, idf, public_path)


def _copy(asset: Asset, idf: IDF, public_path: str) -> Sequence[OutputFile]:
    data = asset.path.read_bytes()
    if hashlib.sha256(data).hexdigest() != idf.source.sha256:
        # The facts must describe the bytes we ship, not an earlier version of the file.
        raise ExtractionError(f"{asset.source} changed while the batch ran; run apply again", where=asset.asset_id)
    return [OutputFile(path=public_path, data=data, asset_id=asset.asset_id, kind="public")]
