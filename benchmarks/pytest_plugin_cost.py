"""What batchproc's pytest plugin costs a test suite that has no manifests.

Side by side, in one run:
- import time of ``batchproc.pytest_plugin`` (what pytest pays to load the ``pytest11`` entry
  point) against ``batchproc.models`` (what an eager plugin importing the models would pay);
- wall time of ``pytest`` on a project with one plain test, with the plugin and with
  ``-p no:batchproc``.

Each figure is the median of several fresh interpreters.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 7


def import_us(module: str) -> int:
    """Cumulative import time of ``module`` in a fresh interpreter, pytest already imported."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import pytest; import {module}"], capture_output=True, text=True, check=True
    )
    lines = [line for line in result.stderr.splitlines() if line.rstrip().endswith(f"| {module}")]
    return int(lines[-1].split("|")[1])


def pytest_seconds(project: Path, *args: str) -> float:
    started = time.perf_counter()
    # hypothesis's plugin spends seconds at exit on this machine; leaving it out of both runs
    # keeps its noise out of the difference.
    quiet = ["-p", "no:cacheprovider", "-p", "no:hypothesispytest"]
    subprocess.run([sys.executable, "-m", "pytest", "-q", *quiet, *args], cwd=project, capture_output=True, check=True)
    return time.perf_counter() - started


def main() -> None:
    plugin = statistics.median(import_us("batchproc.pytest_plugin") for _ in range(RUNS))
    models = statistics.median(import_us("batchproc.models") for _ in range(RUNS))
    print(f"import, median of {RUNS}:    batchproc.pytest_plugin {plugin / 1000:6.1f} ms   |   batchproc.models {models / 1000:6.1f} ms")
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        (project / "test_plain.py").write_text("def test_one():\n    assert 1 + 1 == 2\n", encoding="utf-8")
        pytest_seconds(project)  # warm the file system cache
        with_plugin, without = [], []
        for _ in range(RUNS):  # interleaved, so a busy machine slows both alike
            with_plugin.append(pytest_seconds(project))
            without.append(pytest_seconds(project, "-p", "no:batchproc"))
    a, b = statistics.median(with_plugin), statistics.median(without)
    print(f"pytest, one plain test:    with the plugin {a:6.3f} s   |   -p no:batchproc {b:6.3f} s   |   difference {(a - b) * 1000:+.0f} ms")


if __name__ == "__main__":
    main()
