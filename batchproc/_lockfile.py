"""The apply lock on a repository: an exclusive flock, waited for up to a deadline.

No pygit2 here: ``_gitrepo`` says which file (one in the common git dir, so linked work trees
share it) and what to tell the user when another apply holds it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from batchproc.errors import RepositoryError

TIMEOUT_ENV = "BATCHPROC_LOCK_TIMEOUT"
DEFAULT_TIMEOUT = 10.0


def timeout_from_env() -> float:
    """``$BATCHPROC_LOCK_TIMEOUT`` seconds, else 10; CI and tests set it to wait less or more."""
    value = os.environ.get(TIMEOUT_ENV, "")
    try:
        return float(value) if value else DEFAULT_TIMEOUT
    except ValueError:
        raise RepositoryError(f"{TIMEOUT_ENV}={value!r} is not a number of seconds") from None


@contextlib.contextmanager
def exclusive(path: Path, timeout: float, busy: str) -> Iterator[None]:
    """Hold an exclusive flock on ``path``; after ``timeout`` seconds of waiting raise ``busy``.

    The lock dies with the process (even on SIGKILL), so a killed apply never leaves it held;
    the file itself stays, since deleting it would race with the next holder.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RepositoryError(busy) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the flock
