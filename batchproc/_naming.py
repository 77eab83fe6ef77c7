"""Slugs and file names: ASCII kebab-case, safe on every file system."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from batchproc.models import Manifest

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_DEMOTE = re.compile(r"-(validated|final|export)$")


_SPELL_OUT = str.maketrans(
    {"ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
     "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D", "ı": "i"}
)
"""Latin letters NFKD leaves whole, which ASCII folding would otherwise drop."""


def slugify(text: str) -> str:
    """ASCII kebab-case: ``"Théâtre Masks_v2"`` becomes ``theatre-masks-v2``.

    Accents are folded (NFKD, then ASCII) and letters that do not decompose are spelt out
    (``Straße`` becomes ``strasse``); anything else that is not a letter or digit is a
    separator. May return an empty string, which callers must treat as an error.
    """
    spelt = text.translate(_SPELL_OUT)
    folded = unicodedata.normalize("NFKD", spelt).encode("ascii", "ignore").decode("ascii")
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


class TargetOwners:
    """Which asset claimed each target path, by collision key: the manifest rules (before
    extraction) and the runner (every rendered path) refuse two assets' files on one path."""

    def __init__(self) -> None:
        self._owners: dict[str, tuple[str, str]] = {}

    def clash(self, path: str, owner: str) -> str | None:
        """Why ``path`` cannot be ``owner``'s (another owner has it, or a path differing only by
        case or Unicode form), or None, and then ``owner`` has claimed it."""
        key = collision_key(path)
        if key not in self._owners:
            self._owners[key] = (owner, path)
            return None
        other, other_path = self._owners[key]
        same = "" if other_path == path else f" ({other_path})"
        return f"{path} is also a target of {other}{same}; give one of them another name"


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


def target_patterns(manifest: Manifest, category: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """(folder, file-name pattern) of an asset's package folder and of its public file: the one
    definition placement (after measuring) and the manifest rules (before) both fill."""
    layout = manifest.layout
    return (
        (layout.packages.strip("/"), layout.package_dir),
        (f"{layout.public.strip('/')}/{category}", manifest.naming_for(category)),
    )


def missing_field(pattern: str, field: str) -> str:
    """The message for a naming pattern field this asset has no value for."""
    return (
        f"naming pattern {pattern!r} uses {{{field}}}, which this asset has no value for; "
        f"add specs.{field} or change the pattern"
    )

