"""What a repository holds, to prove that a failed run wrote nothing at all."""

from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path


LOCK = ".git/batchproc.lock"
"""The empty file the git layer flock()s while it checks and commits; it stays, by design, and holds nothing."""


@dataclass(frozen=True)
class RepoState:
    """Refs, ``git status`` and every file (work tree by content, ``.git`` by name)."""

    refs: str
    status: str
    files: dict[str, str]

    def written_since(self, before: RepoState) -> set[str]:
        """Paths added, changed or removed since ``before``."""
        return {path for path in before.files.keys() | self.files.keys() if before.files.get(path) != self.files.get(path)}


def snapshot(repo: Path) -> RepoState:
    """The state of ``repo``, read without taking git's optional locks (which rewrite the index)."""

    def git(*args: str) -> str:
        result = subprocess.run(
            ["git", "--no-optional-locks", "-C", str(repo), *args], capture_output=True, text=True, check=True
        )
        return result.stdout

    refs = git("for-each-ref", "--format=%(refname) %(objectname)") + git("symbolic-ref", "-q", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=all", "--ignored")
    files: dict[str, str] = {}
    for folder, _, names in os.walk(repo):
        for name in names:
            path = Path(folder, name)
            relative = path.relative_to(repo).as_posix()
            if relative == LOCK:
                continue
            if relative.startswith(".git/"):
                files[relative] = "" if path.is_symlink() else str(path.stat().st_size)
            else:
                files[relative] = hashlib.sha256(path.read_bytes()).hexdigest() if not path.is_symlink() else "link"
    return RepoState(refs, status, files)
