"""``batchproc init``: write a starter manifest for a folder of PNGs."""

from __future__ import annotations

import os
from pathlib import Path

from batchproc._png import PNG_SIGNATURE
from batchproc._naming import slug_from_filename
from batchproc._rules import is_folder
from batchproc.errors import InputError

MAX_ASSETS = 5


def init(folder: str, *, output: str | None = None, batch_id: str | None = None, force: bool = False) -> int:
    """Write ``<folder>/batch.yaml`` (or ``output``) listing the first PNGs of ``folder``."""
    source = Path(folder)
    if not is_folder(source):
        raise InputError("no such folder", file=folder)
    try:
        pngs = sorted(p for p in source.iterdir() if p.is_file() and not p.is_symlink() and _is_png(p))
    except OSError as error:
        raise InputError(f"cannot be read: {error.strerror}", file=folder) from None
    if not pngs:
        raise InputError("holds no PNG files", file=folder)
    target = Path(output) if output else source / "batch.yaml"
    if target.exists() and not force:
        raise InputError("already exists; pass --force to overwrite it", file=str(target))
    name = batch_id or f"batch-{slug_from_filename(source.resolve().name) or 'assets'}"
    lines = [
        "# yaml-language-server: $schema=https://batchproc.dev/schemas/manifest.schema.json",
        f"batch_id: {name}",
        f"title: {name.removeprefix('batch-').replace('-', ' ').title()}",
        "assets:",
    ]
    for number, png in enumerate(pngs[:MAX_ASSETS], start=1):
        relative = Path(os.path.relpath(png.resolve(), target.resolve().parent))
        lines += [
            f"  - asset_id: ASSET-{number}",
            f'    path: "{relative.as_posix()}"',
            "    score: 90  # set the real score; assets below 90 do not ship",
            f'    name: "{slug_from_filename(png.stem) or png.stem}"',
            "    category: specimens  # patterns, wallpapers, specimens, motifs, icons",
        ]
    try:
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot be written: {error.strerror}", file=str(target)) from None
    skipped = len(pngs) - MAX_ASSETS
    print(f"Wrote {target} with {min(len(pngs), MAX_ASSETS)} assets" + (f" ({skipped} more PNGs left out: a batch holds 5)" if skipped > 0 else ""))
    return 0


def _is_png(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(8) == PNG_SIGNATURE
    except OSError:  # unreadable: not a PNG we could ship, so not listed
        return False
