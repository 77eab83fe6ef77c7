"""batchproc: ship a batch of design PNGs into a repository as one commit.

The public API is what ``__all__`` lists; every module whose name starts with ``_`` is private.
"""

from __future__ import annotations

__version__ = "0.1.0"

from batchproc.errors import BatchFailed, BatchprocError, ExtractionError, InputError, ManifestError, RepositoryError
from batchproc.hookspecs import hookimpl
from batchproc.models import IDF, Asset, Manifest, OutputFile

__all__ = [
    "IDF",
    "Asset",
    "BatchFailed",
    "BatchprocError",
    "ExtractionError",
    "InputError",
    "Manifest",
    "ManifestError",
    "OutputFile",
    "RepositoryError",
    "__version__",
    "hookimpl",
]
