"""``batchproc init``: write a starter manifest for a folder of PNGs."""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path

from batchproc._png import PNG_SIGNATURE
from batchproc._naming import slug_from_filename
from batchproc._rules import is_folder
from batchproc.errors import InputError

MAX_ASSETS = 5
BATCH_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_CATEGORY_WORDS = {  # a file-name word that says what the image is
    "pattern": "patterns", "patterns": "patterns", "tile": "patterns",
    "wallpaper": "wallpapers", "texture": "wallpapers", "background": "wallpapers",
    "motif": "motifs", "icon": "icons", "icons": "icons",
}
_SIZE_SUFFIX = re.compile(r"-\d+(?:x\d+)?$")


def init(folder: str, *, output: str | None = None, batch_id: str | None = None, force: bool = False) -> int:
    """Write ``<folder>/batch.yaml`` (or ``output``) listing the first PNGs of ``folder``."""
    source = Path(folder)
    if not is_folder(source):
        raise InputError("no such folder", file=folder)
    try:
        files = [p for p in source.iterdir() if p.is_file() and not p.is_symlink()]
        pngs = sorted(p for p in files if _is_png(p))
    except OSError as error:
        raise InputError(f"cannot be read: {error.strerror}", file=folder) from None
    if not pngs:
        raise InputError("holds no PNG files", file=folder)
    others = len(files) - len(pngs)
    if batch_id is not None and not BATCH_ID.match(batch_id):
        raise InputError("use letters, digits, '.', '-' and '_' (no '/' or spaces)", where=f"--batch-id {batch_id!r}")
    target = Path(output) if output else source / "batch.yaml"
    if target.exists() and not force:
        raise InputError("already exists; pass --force to overwrite it", file=str(target))
    name = batch_id or f"batch-{slug_from_filename(source.resolve().name) or 'assets'}"
    lines = [
        "# A batch for `batchproc apply`. Set each asset's real score (only 90 and above ship),",
        "# check name and category, then run `batchproc validate` on this file.",
        f"batch_id: {name}",
        f"title: {name.removeprefix('batch-').replace('-', ' ').title()}",
        "assets:",
    ]
    listed_pngs = pngs[:MAX_ASSETS]
    slugs = [slug_from_filename(png.stem) for png in listed_pngs]
    names = unique_names(slugs)
    for number, (png, slug, name) in enumerate(zip(listed_pngs, slugs, names), start=1):
        relative = Path(os.path.relpath(png.resolve(), target.resolve().parent))
        lines += [
            f"  - asset_id: ASSET-{number}",
            f"    path: {_quoted(relative.as_posix())}",
            "    score:     # required: the asset's score, 0-100",
            f"    name: {_quoted(name or png.stem)}",
            f"    category: {guess_category(slug)}  # patterns, wallpapers, specimens, motifs, icons, or your own",
        ]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot be written: {error.strerror}", file=str(target)) from None
    listed = min(len(pngs), MAX_ASSETS)
    notes = []
    if len(pngs) > MAX_ASSETS:
        notes.append(f"{_count(len(pngs) - MAX_ASSETS, 'more PNG')} left out: a batch holds {MAX_ASSETS}")
    if others:
        notes.append(f"{_count(others, 'file')} skipped: not PNG")
    print(f"Wrote {target} with {_count(listed, 'asset')}" + (f" ({'; '.join(notes)})" if notes else ""))
    print(f"Next: set each score, then `batchproc validate {shlex.quote(str(target))}`")
    return 0


def guess_name(slug: str, *, keep_size: bool = False) -> str:
    """The asset's name from its file's slug: without a size suffix, and without a leading
    category word, which the category already says (``icon-moon-512`` is the icon ``moon``;
    placement would otherwise ship it as ``icon-moon-…``)."""
    name = slug if keep_size else _SIZE_SUFFIX.sub("", slug) or slug
    first, _, rest = name.partition("-")
    return rest if first in _CATEGORY_WORDS and rest else name


def unique_names(slugs: list[str]) -> list[str]:
    """A guessed name for each slug, no two alike: two sizes of one icon keep their sizes
    (``moon-16``, ``moon-512``), and names still alike are numbered. The manifest refuses two
    assets whose names give one token group, so a starter must not write them."""
    names = [guess_name(slug) for slug in slugs]
    names = [guess_name(slug, keep_size=True) if names.count(name) > 1 else name for slug, name in zip(slugs, names)]
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if names.count(name) == 1 else f"{name}-{seen[name]}")
    return unique


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar: JSON's string syntax is one, escapes included."""
    return json.dumps(text, ensure_ascii=False)


def guess_category(slug: str) -> str:
    """The category a file name suggests (``pattern-dark-wood`` is a pattern), else specimens."""
    for word in slug.split("-"):
        if word in _CATEGORY_WORDS:
            return _CATEGORY_WORDS[word]
    return "specimens"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _is_png(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(8) == PNG_SIGNATURE
    except OSError:  # unreadable: not a PNG we could ship, so not listed
        return False
