"""Git LFS, the part batchproc needs: which paths LFS owns, pointers, and the object store.

A repository whose ``.gitattributes`` routes a path to ``filter=lfs`` expects a small pointer
blob in its commits and the real bytes in ``<common git dir>/lfs/objects``; committing the raw
PNG there would break every clone that has git-lfs installed. batchproc writes both itself
(exactly as ``git lfs`` would), so the git-lfs CLI need not be installed to apply a batch.

No pygit2 here: ``_gitrepo`` reads the attribute files and hands their text in.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from batchproc._atomic import remove_stale_temps, write_atomically

__all__ = [
    "AttributeRule",
    "is_lfs_path",
    "content_sha256",
    "is_pointer",
    "parse_gitattributes",
    "pointer_for",
    "store_object",
]

POINTER_VERSION = "https://git-lfs.github.com/spec/v1"


@dataclass(frozen=True)
class AttributeRule:
    """One line of an attributes file: a pattern and what it does to ``filter``.

    ``base`` is the folder holding the file (``""`` for the root); ``lfs`` is True when the
    line sets ``filter=lfs``, False when it sets another filter or unsets it.
    """

    base: str
    pattern: re.Pattern[str]
    basename_only: bool
    lfs: bool


def parse_gitattributes(text: str, base: str = "") -> list[AttributeRule]:
    """The lines of one attributes file that say something about ``filter``, in order."""
    rules = []
    for raw in text.splitlines():
        line = raw.strip()
        # Comments, blank lines and macro definitions ([attr]binary …) never set filter directly.
        if not line or line.startswith(("#", "[attr]")):
            continue
        pattern, *attrs = line.split()
        lfs: bool | None = None
        for attr in attrs:
            if attr.startswith("filter="):
                lfs = attr == "filter=lfs"
            elif attr in ("-filter", "!filter"):
                lfs = False
        if lfs is None:
            continue
        # As in gitattributes(5): a pattern without a slash matches the name at any depth;
        # one with a slash is anchored to the folder of the attributes file.
        basename_only = "/" not in pattern.rstrip("/")
        rules.append(AttributeRule(base, re.compile(_wildmatch_regex(pattern.lstrip("/"))), basename_only, lfs))
    return rules


def is_lfs_path(path: str, rules: Iterable[AttributeRule]) -> bool:
    """Whether the last rule matching ``path`` (posix, from the repository root) sets filter=lfs.

    Give the rules shallowest file first, so a deeper attributes file overrides the root one,
    as git does.
    """
    lfs = False
    for rule in rules:
        if rule.base and not path.startswith(rule.base + "/"):
            continue
        relative = path[len(rule.base) + 1 :] if rule.base else path
        subject = relative.rsplit("/", 1)[-1] if rule.basename_only else relative
        if rule.pattern.fullmatch(subject):
            lfs = rule.lfs
    return lfs


def _wildmatch_regex(pattern: str) -> str:
    """A regex for git's wildmatch with FNM_PATHNAME: ``*`` stays within a folder, ``**`` not."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i) and (i == 0 or pattern[i - 1] == "/"):
            out.append("(?:.*/)?")  # zero or more whole folders
            i += 3
        elif pattern.startswith("**", i) and i + 2 == len(pattern) and (i == 0 or pattern[i - 1] == "/"):
            out.append(".*")  # everything inside
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and (end := pattern.find("]", i + 2)) != -1:
            body = pattern[i + 1 : end]
            if body[0] in "!^":
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end + 1
        elif pattern[i] == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)


def pointer_for(data: bytes) -> tuple[bytes, str]:
    """The LFS pointer blob for ``data`` and the object id (sha256 hex) it names."""
    oid = hashlib.sha256(data).hexdigest()
    pointer = f"version {POINTER_VERSION}\noid sha256:{oid}\nsize {len(data)}\n"
    return pointer.encode("ascii"), oid


def content_sha256(blob: bytes) -> str:
    """The sha256 of the content a blob stands for: the oid an LFS pointer names, else its own."""
    if is_pointer(blob):
        for line in blob.decode("ascii", "replace").splitlines():
            if line.startswith("oid sha256:"):
                return line.removeprefix("oid sha256:").strip()
    return hashlib.sha256(blob).hexdigest()


def is_pointer(data: bytes) -> bool:
    """Whether ``data`` already is an LFS pointer (so it must not be wrapped again)."""
    return len(data) < 1024 and data.startswith(b"version " + POINTER_VERSION.encode())


def store_object(objects_dir: Path, oid: str, data: bytes) -> None:
    """Put ``data`` into the LFS object store as git-lfs does: ``objects/ab/cd/abcd…``.

    Written to a temporary name and renamed, so a reader never sees half an object.
    """
    target = objects_dir / oid[0:2] / oid[2:4] / oid
    remove_stale_temps([target.parent])  # a killed run's half-written copy of this object
    if target.is_file() and target.stat().st_size == len(data):
        return  # content-addressed: same name, same bytes
    write_atomically(target, data)
