"""Git LFS, the part batchproc needs: which paths LFS owns, pointers, and the object store.

A repository whose ``.gitattributes`` routes a path to ``filter=lfs`` expects a small pointer
blob in its commits and the real bytes in ``<common git dir>/lfs/objects``; committing the raw
PNG there would break every clone that has git-lfs installed. batchproc writes both itself
(exactly as ``git lfs`` would), so the git-lfs CLI need not be installed to apply a batch.

No pygit2 here: ``_gitrepo`` reads the attribute files and hands their text in.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from batchproc import _testpoint

__all__ = [
    "AttributeRule",
    "is_lfs_path",
    "is_pointer",
    "parse_gitattributes",
    "pointer_for",
    "remove_stale_temps",
    "store_object",
    "write_atomically",
]

POINTER_VERSION = "https://git-lfs.github.com/spec/v1"
_TEMP_NAME = re.compile(r"\..+\.batchproc-[0-9a-f]{8}\.tmp")
"""The names :func:`write_atomically` gives its temporary files, and nothing else."""


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


def write_atomically(target: Path, data: bytes, *, executable: bool = False) -> None:
    """Replace ``target`` in one step: a reader sees the old file or the new, never half.

    Also used by ``_gitrepo`` for work-tree files, so both stores share one careful writer.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.batchproc-{secrets.token_hex(4)}.tmp")  # see _TEMP_NAME
    # Created with 0o666/0o777 so the umask applies, as when git checks a file out.
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o777 if executable else 0o666)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        _testpoint.reached(f"temp {target.name}")
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def remove_stale_temps(folders: Iterable[Path]) -> list[Path]:
    """Delete the temporary files a killed run of :func:`write_atomically` left in ``folders``.

    Only names of batchproc's own pattern (``.<name>.batchproc-<8 hex>.tmp``), only directly in
    the folders given; callers hold the apply lock, so no live writer owns them. Returns them.
    """
    removed = []
    for folder in folders:
        try:
            names = [entry.name for entry in os.scandir(folder) if entry.is_file(follow_symlinks=False)]
        except (FileNotFoundError, NotADirectoryError):
            continue
        for name in names:
            if _TEMP_NAME.fullmatch(name):
                (Path(folder) / name).unlink(missing_ok=True)
                removed.append(Path(folder) / name)
    return removed
