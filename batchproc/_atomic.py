"""Files replaced in one step, so a reader (or a run killed halfway) sees the old or the new.

Used for work-tree files, LFS objects, the commit journal and the extraction cache.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable
from pathlib import Path

from batchproc import _testpoint

_TEMP_NAME = re.compile(r"\..+\.batchproc-[0-9a-f]{8}\.tmp")
"""The names :func:`write_atomically` gives its temporary files, and nothing else."""


def write_atomically(target: Path, data: bytes, *, executable: bool = False, durable: bool = True) -> None:
    """Replace ``target`` in one step: a reader sees the old file or the new, never half.

    The one careful writer: work-tree files, LFS objects, the journal and the cache use it.
    ``durable`` flushes the data to disk before the rename, so a power cut cannot leave an
    empty file under the new name; files that can be made again (a checked-out copy of a
    commit, which git does not flush either; a cache entry) skip that wait.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.batchproc-{secrets.token_hex(4)}.tmp")  # see _TEMP_NAME
    # Created with 0o666/0o777 so the umask applies, as when git checks a file out.
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o777 if executable else 0o666)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            if durable:
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
