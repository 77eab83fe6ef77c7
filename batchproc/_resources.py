"""Where the schemas and built-in templates live, installed or in a source checkout."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """``schemas`` or ``templates``: inside the installed package, else at the checkout's root.

    The wheel carries both folders inside the package (see pyproject.toml); a source checkout
    keeps the one copy at its top level.
    """
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"batchproc is installed without its {name}/ folder")


@cache
def schema(name: str) -> dict[str, Any]:
    """A JSON Schema by name (``manifest`` or ``idf``)."""
    return json.loads((data_dir("schemas") / f"{name}.schema.json").read_text(encoding="utf-8"))
