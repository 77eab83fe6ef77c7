"""What provenance buys ``plan`` and a repeated ``apply``: the example batch, side by side.

In one run, on a scratch repository holding the applied example batch:
- ``plan`` when every asset is up to date (HEAD's tokens.json records the same inputs: no
  image is read for extraction);
- ``plan`` when every asset is stale (a template changed) and the extraction cache is empty,
  so all three are extracted again;
- ``apply`` of the unchanged batch (renders everything; extraction from the cache), which
  ends in "no changes".

Each figure is the median of several runs in this process (imports already paid).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from batchproc._cli import main

RUNS = 7
EXAMPLES = Path(__file__).resolve().parent.parent / "manifests"


def timed(argv: list[str], before=None) -> float:  # type: ignore[no-untyped-def]
    """Median seconds of ``batchproc argv`` run in this process; ``before()`` runs untimed first."""
    times = []
    for _ in range(RUNS):
        if before:
            before()
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            code = main(argv)
        times.append(time.perf_counter() - started)
        assert code == 0, (argv, code)
    return statistics.median(times)


def main_benchmark() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        os.environ["BATCHPROC_CACHE_DIR"] = str(root / "cache")
        repo = root / "frontend"
        subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
        for key, value in (("user.name", "Bench"), ("user.email", "bench@example.com")):
            subprocess.run(["git", "-C", str(repo), "config", key, value], check=True)
        shutil.copytree(EXAMPLES, repo / "manifests")
        manifest = str(repo / "manifests" / "theatrical.yaml")
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["apply", manifest, "--quiet"]) == 0

        up_to_date = timed(["plan", manifest])
        again = timed(["apply", manifest, "--quiet"])
        templates = repo / "manifests" / "bench-templates"
        templates.mkdir()
        (templates / "note.j2").write_text("a template file the built-ins do not use: still an input\n")
        text = Path(manifest).read_text()
        Path(manifest).write_text(
            text.replace("title: Theatrical Specimens\n", "title: Theatrical Specimens\ntemplates: bench-templates\n")
        )
        stale = timed(["plan", manifest], before=lambda: shutil.rmtree(root / "cache", ignore_errors=True))

    print(f"{'plan, all 3 assets up to date (no extraction)':<58} {up_to_date * 1000:8.1f} ms")
    print(f"{'plan, all 3 assets stale, empty cache (3 extractions)':<58} {stale * 1000:8.1f} ms")
    print(f"{'apply, unchanged batch (cache hits, renders, no commit)':<58} {again * 1000:8.1f} ms")
    print(f"{'plan: up to date vs stale':<58} {stale / up_to_date:8.1f}x")


if __name__ == "__main__":
    main_benchmark()
