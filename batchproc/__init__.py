"""batchproc: ship a batch of design PNGs into a repository as one commit.

The public API is what ``__all__`` lists; every module whose name starts with ``_`` is private.
Names are imported on first use (PEP 562), so importing a submodule such as
``batchproc.pytest_plugin`` does not pay for pydantic and pluggy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from batchproc.errors import BatchFailed, BatchprocError, ExtractionError, InputError, ManifestError, RepositoryError
    from batchproc.hookspecs import hookimpl
    from batchproc.models import IDF, Asset, Manifest, OutputFile

_HOMES = {
    "BatchFailed": "batchproc.errors",
    "BatchprocError": "batchproc.errors",
    "ExtractionError": "batchproc.errors",
    "InputError": "batchproc.errors",
    "ManifestError": "batchproc.errors",
    "RepositoryError": "batchproc.errors",
    "hookimpl": "batchproc.hookspecs",
    "IDF": "batchproc.models",
    "Asset": "batchproc.models",
    "Manifest": "batchproc.models",
    "OutputFile": "batchproc.models",
}

__all__ = sorted([*_HOMES, "__version__"])


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'batchproc' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value  # once imported, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
