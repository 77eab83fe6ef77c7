"""One module per CLI command; each a plain function with explicit parameters that returns an exit code."""

from __future__ import annotations

from pathlib import Path

from batchproc._rules import is_folder
from batchproc.errors import InputError


def target_root(repo: str | None, manifest_folder: Path) -> Path:
    """The folder ``--repo`` names, or the manifest's; a missing ``--repo`` folder is an error,
    not a cue to walk up into whatever repository encloses the typo."""
    if repo is None:
        return manifest_folder
    if not is_folder(Path(repo)):
        raise InputError("no such folder; pass the target repository's folder", where=f"--repo {repo}")
    return Path(repo).resolve()
