"""Slugs and file names: ASCII kebab-case, safe on every file system."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Mapping
from typing import Any

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_DEMOTE = re.compile(r"-(validated|final|export)$")


def slugify(text: str) -> str:
    """ASCII kebab-case: ``"Théâtre Masks_v2"`` becomes ``theatre-masks-v2``.

    Accents are folded (NFKD, then ASCII); anything else that is not a letter or digit is a
    separator. May return an empty string, which callers must treat as an error.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", folded.lower()).strip("-")


def slug_from_filename(stem: str) -> str:
    """A slug from a file name, without workflow suffixes such as ``-validated``."""
    return _DEMOTE.sub("", slugify(stem))


def pattern_fields(pattern: str) -> list[str]:
    """The ``{field}`` names a naming pattern uses."""
    return [field for _, field, _, _ in string.Formatter().parse(pattern) if field is not None]


def fill(pattern: str, values: Mapping[str, Any]) -> str:
    """Fill a pattern; every value is slugified so no field can add a separator or ``..``."""
    safe = {key: slugify(str(value)) if key != "asset_id" else str(value) for key, value in values.items()}
    return pattern.format_map(safe)


def naming_values(
    specs: Mapping[str, Any], *, slug: str, asset_id: str, category: str, width: int, height: int, **measured: Any
) -> dict[str, Any]:
    """The fields a naming pattern may use: declared specs first, then what was measured.

    ``measured`` holds ``mode`` and ``purpose`` when they are known (after extraction); before
    it, a pattern that needs them cannot be filled yet.
    """
    values: dict[str, Any] = {
        key: value for key, value in specs.items() if isinstance(value, (str, int, float)) and not isinstance(value, bool)
    }
    values.update(slug=slug, asset_id=asset_id, category=category, width=width, height=height)
    values.setdefault("size", width if width == height else f"{width}x{height}")
    values.setdefault("style", "flat")
    for key, value in measured.items():
        values.setdefault(key, value)
    return values


def collision_key(path: str) -> str:
    """Two paths with one key would overwrite each other on some file system (case, NFC/NFD)."""
    return unicodedata.normalize("NFC", path).casefold()


def enters_git(path: str) -> bool:
    """Whether a folder of ``path`` is ``.git``, as git itself would see it on any file system."""
    # .GIT on case-insensitive disks, '.git.' and '.git ' on Windows, which drops the trailing dots and spaces
    return any(part.strip().rstrip(".").casefold() == ".git" for part in path.replace("\\", "/").split("/"))


def unsafe_path(path: str) -> str | None:
    """Why a repository-relative path could write outside the work tree or into ``.git``, or None.

    Checked on the layout and naming before anything runs, and again on every rendered target,
    since a plugin may compute its own paths.
    """
    parts = path.split("/")
    if path.startswith("/") or path == "~" or path.startswith("~/") or (len(path) > 1 and path[1] == ":"):
        return "is an absolute path; write it relative to the repository root"
    if "\\" in path:
        return "uses '\\'; separate folders with '/'"
    if ".." in parts:
        return "goes up with '..'; write it relative to the repository root"
    if enters_git(path):
        return "enters .git; choose another folder"
    if any(part in ("", ".") for part in parts):
        return "has an empty or '.' folder; remove the extra '/' or './'"
    return None
