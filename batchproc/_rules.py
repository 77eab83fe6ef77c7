"""Manifest rules that need more than the schema: paths, PNG headers and colliding targets.

Each check returns ``(message, manifest path)`` pairs; :mod:`batchproc._manifest` adds the
file and YAML line. Nothing here decodes pixels (a PNG's header is 33 bytes) or touches git.
"""

from __future__ import annotations

import stat
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from batchproc._naming import (
    TargetOwners,
    enters_git,
    fill,
    missing_field,
    naming_values,
    pattern_fields,
    target_patterns,
    unsafe_path,
)
from batchproc._png import HEADER_BYTES, PngHeader, check_chunks, read_png_header
from batchproc.errors import BatchprocError
from batchproc.models import Asset, Manifest

Problem = tuple[str, tuple[str | int, ...]]

CHUNK_CHECK_BYTES = 64_000_000
"""Sources up to this size get their chunks checked when the manifest loads (CRC-32 runs at
GB/s: milliseconds); a bigger one is checked when it is extracted."""

MEASURED_FIELDS = ("mode", "purpose")
"""Naming fields only extraction can fill (unless ``specs`` declares them)."""


def png_header(path: Path) -> PngHeader | str:
    """The source's PNG header, or why the file cannot be an asset's PNG.

    Reads the 33 header bytes, then (up to :data:`CHUNK_CHECK_BYTES`) walks the chunks: a cut-off
    download or a bad CRC is then a manifest problem (exit 2, before anything runs) rather than
    a failed asset. Nothing is decompressed or decoded.
    """
    if "\0" in str(path):
        return "is not a valid file name (it holds a NUL character)"
    try:
        if path.is_symlink():
            return "is a symbolic link; point at the real file"
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            return "is a folder, not a PNG file"
        if not stat.S_ISREG(status.st_mode):  # opening a pipe would wait for a writer forever
            return "is not a regular file (a device or a pipe); point at the PNG file"
        with open(path, "rb") as handle:
            data = handle.read(status.st_size if status.st_size <= CHUNK_CHECK_BYTES else HEADER_BYTES)
    except FileNotFoundError:
        return "no such file"
    except OSError as error:
        return f"cannot be read: {error.strerror or error}"
    try:
        header = read_png_header(data, file=str(path))
        if status.st_size <= CHUNK_CHECK_BYTES:
            check_chunks(data, file=str(path))
    except BatchprocError as error:
        return error.message
    return header


def pattern_problem(pattern: str) -> str | None:
    """Why a naming pattern cannot be filled safely, or None: only plain ``{field}`` names."""
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as error:
        return f"{pattern!r} has unbalanced braces ({error}); write fields as {{name}}"
    for _, field, spec, conversion in parsed:
        if field is not None and (not field.isidentifier() or spec or conversion):
            written = field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            return f"{pattern!r} has the field {{{written}}}; write fields as plain {{name}}"
    return None


def path_problems(manifest: Manifest, data: dict[str, Any]) -> Iterator[Problem]:
    """Layout folders, naming patterns, templates and sources that leave their place or enter .git."""
    layout = data.get("layout", {})
    for key in ("packages", "public"):
        if key in layout and (why := unsafe_path(layout[key].rstrip("/"))):
            yield f"{layout[key]!r} {why}", ("layout", key)
    if "package_dir" in layout:
        value = layout["package_dir"]
        why = pattern_problem(value) or (f"{value!r} {reason}" if (reason := unsafe_path(value)) else None)
        if why:
            yield why, ("layout", "package_dir")
    for category, pattern in data.get("naming", {}).items():
        if why := pattern_problem(pattern):
            yield why, ("naming", category)
    templates = data.get("templates")
    if templates is not None:
        # Templates are only read, so '..' is fine (a folder shared by several manifests).
        if Path(templates).is_absolute() or enters_git(templates):
            yield f"{templates!r} must be a folder relative to the manifest, outside .git", ("templates",)
        elif manifest.templates is not None and not is_folder(manifest.templates):
            yield f"{templates}: no such folder", ("templates",)
    for index, asset in enumerate(manifest.assets):
        if enters_git(asset.source):
            yield f"{asset.source!r} is inside .git; point at the PNG in your work tree", ("assets", index, "path")


def is_folder(path: Path) -> bool:
    """Whether ``path`` is a folder; False (never an exception) for a name too long or holding a NUL."""
    try:
        return path.is_dir()
    except (OSError, ValueError):  # a name too long, a NUL: not a folder we can read
        return False


def target_problems(manifest: Manifest, headers: dict[int, PngHeader]) -> Iterator[Problem]:
    """Assets whose package folder or public file would be the same file (by case or Unicode form).

    Filled from what is known before extraction (specs, slug, the header's size); a target that
    needs a measured field is left to the runner, which checks every rendered path again.
    """
    owners = TargetOwners()
    for index, asset in enumerate(manifest.assets):
        header = headers.get(index)
        if header is None or not asset.slug:
            continue  # the source or the name already has a problem of its own
        for target, pattern, missing in _targets(manifest, asset, header):
            if missing:
                yield missing_field(pattern, missing), ("assets", index)
            clash = owners.clash(target, f"assets[{index}]") if target is not None else None
            if clash:
                yield clash, ("assets", index, "name")


def _targets(manifest: Manifest, asset: Asset, header: PngHeader) -> Iterator[tuple[str | None, str, str | None]]:
    """(target or None if not known yet, its pattern, a field nobody can fill) for both targets."""
    values = naming_values(
        asset.specs,
        slug=asset.slug,
        asset_id=asset.asset_id,
        category=asset.category,
        width=header.width,
        height=header.height,
    )
    for prefix, pattern in target_patterns(manifest, asset.category):
        if pattern_problem(pattern):
            continue  # reported by path_problems
        unknown = [field for field in pattern_fields(pattern) if field not in values]
        missing = next((field for field in unknown if field not in MEASURED_FIELDS), None)
        yield (None if unknown else f"{prefix}/{fill(pattern, values)}"), pattern, missing
