"""Test-only: hold the process at a named point so a test can kill it exactly there.

``BATCHPROC_TEST_PAUSE_AT=ref batchproc apply …`` prints ``batchproc-test: paused at ref`` to
stderr and sleeps (a minute, or ``BATCHPROC_TEST_PAUSE_SECONDS``), and ``tests/test_kill.py`` sends SIGKILL or SIGINT at that moment. Without
the variable (every real run) :func:`reached` is one dictionary look-up and does nothing.
"""

from __future__ import annotations

import os
import sys
import time

ENV = "BATCHPROC_TEST_PAUSE_AT"
SECONDS_ENV = "BATCHPROC_TEST_PAUSE_SECONDS"
_paused: set[str] = set()  # test-only state: pause once per process, not once per asset


def reached(point: str) -> None:
    """Pause here for a minute, once, when the test environment names this point."""
    if os.environ.get(ENV) == point and point not in _paused:
        _paused.add(point)
        print(f"batchproc-test: paused at {point}", file=sys.stderr, flush=True)
        time.sleep(float(os.environ.get(SECONDS_ENV) or 60))
