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


def collision_key(path: str) -> str:
    """Two paths with one key would overwrite each other on some file system (case, NFC/NFD)."""
    return unicodedata.normalize("NFC", path).casefold()
