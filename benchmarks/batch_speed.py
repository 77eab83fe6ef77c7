"""A full batch against one image: applying 5 assets of 2048x2048 with the local extractor,
against extracting the largest one alone. Target: the batch takes less than 3x the single one.

    python benchmarks/batch_speed.py [--repeat 5] [--grain]

The five PNGs are drawn into a temporary folder (different pictures, all 2048x2048, the last
one with the most colours and so the largest file). Each round, with a fresh empty extraction
cache and a fresh git repository, both comparisons are measured side by side:

- as commands, the way a user times them: ``batchproc extract LARGEST.png`` and
  ``batchproc apply speed.yaml``, each its own process (interpreter start and imports included);
- in this process: ``measure_idf(LARGEST)`` and ``batchproc apply`` called as a function, so
  only the work itself counts (the stricter ratio: no start-up cost on either side).

Figures are medians of ``--repeat`` rounds, as wall time (the target) and CPU time (all threads
of the process or child: the work done).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from batchproc._cli import main as batchproc
from batchproc._stages.local_extractor import measure_idf

SIZE = 2048
ASSETS = 5


def draw(index: int, folder: Path, grain: bool = False) -> Path:
    """A 2048x2048 design: a flat ground and many antialiased motifs; with ``grain``, photographic
    noise as well (later ones more), which makes the files 5 to 10 times bigger."""
    rng = random.Random(index)
    ground = tuple(rng.randrange(10, 60) for _ in range(3))
    big = Image.new("RGB", (SIZE, SIZE), ground)
    pen = ImageDraw.Draw(big)
    colours = [tuple(rng.randrange(256) for _ in range(3)) for _ in range(4 + index)]
    for _ in range(120):
        x, y, r = rng.randrange(SIZE), rng.randrange(SIZE), rng.randrange(20, 160)
        pen.ellipse((x - r, y - r, x + r, y + r), fill=rng.choice(colours))
    image = big.filter(ImageFilter.GaussianBlur(1.5))  # antialiased edges: thousands of blended colours
    if grain and index:
        noise = Image.effect_noise((SIZE, SIZE), 4 * index).convert("RGB")
        image = Image.blend(image, noise, 0.04 * index)
    path = folder / f"asset-{index + 1}-design-{index + 1}.png"
    image.save(path, optimize=False)
    return path


def manifest(folder: Path, paths: list[Path]) -> Path:
    lines = ["batch_id: batch-speed", "title: Speed", "assets:"]
    for number, path in enumerate(paths, start=1):
        lines += [
            f"  - asset_id: ASSET-{number}",
            f"    path: {path.name}",
            "    score: 95",
            f"    name: Design {number}",
            "    category: wallpapers",
            "    specs: {mode: dark}",
        ]
    target = folder / "speed.yaml"
    target.write_text("\n".join(lines) + "\n")
    return target


def fresh_repo(parent: Path) -> Path:
    repo = Path(tempfile.mkdtemp(dir=parent, prefix="repo-"))
    for command in (
        ["init", "--quiet", "--initial-branch=main"],
        ["config", "user.name", "Bench"],
        ["config", "user.email", "bench@example.invalid"],
    ):
        subprocess.run(["git", "-C", str(repo), *command], check=True)
    return repo


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of ``action``: this process's threads plus any child it waits for."""
    start, cpu, children = time.perf_counter(), time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    action()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    return time.perf_counter() - start, time.process_time() - cpu + child


def command(*arguments: str) -> None:
    """``batchproc ARGUMENTS`` in its own process, as a user runs it."""
    subprocess.run([sys.executable, "-m", "batchproc", *arguments], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def in_process(arguments: list[str]) -> None:
    with open(os.devnull, "w") as sink:
        saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = sink  # the report and the progress lines
        try:
            code = batchproc(arguments)
        finally:
            sys.stdout, sys.stderr = saved
    if code != 0:
        raise SystemExit(f"apply failed with exit code {code}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--grain", action="store_true", help="noisy, photographic-size PNGs (2-5 MB each)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="batchproc-speed-") as scratch:
        folder = Path(scratch)
        paths = [draw(index, folder, options.grain) for index in range(ASSETS)]
        largest = max(paths, key=lambda path: path.stat().st_size)
        target = manifest(folder, paths)
        rows: dict[str, list[tuple[float, float]]] = {}
        for _ in range(options.repeat):
            # A fresh, empty extraction cache for every apply: a warm one would skip extraction.
            os.environ["BATCHPROC_CACHE_DIR"] = tempfile.mkdtemp(dir=folder, prefix="cache-")
            rows.setdefault("command extract", []).append(timed(lambda: command("extract", str(largest))))
            repo = fresh_repo(folder)
            rows.setdefault("command apply", []).append(
                timed(lambda: command("apply", str(target), "--repo", str(repo)))
            )
            os.environ["BATCHPROC_CACHE_DIR"] = tempfile.mkdtemp(dir=folder, prefix="cache-")
            rows.setdefault("function extract", []).append(timed(lambda: measure_idf(largest)))
            repo = fresh_repo(folder)
            rows.setdefault("function apply", []).append(
                timed(lambda: in_process(["apply", str(target), "--repo", str(repo)]))
            )
        wall = {name: statistics.median(w for w, _ in runs) for name, runs in rows.items()}
        cpu = {name: statistics.median(c for _, c in runs) for name, runs in rows.items()}
        sizes = ", ".join(f"{path.stat().st_size // 1024} KiB" for path in paths)
        print(f"{ASSETS} PNGs of {SIZE}x{SIZE} ({sizes}); {os.cpu_count()} CPUs; median of {options.repeat} rounds")
        print(f"load average before the run: {', '.join(f'{v:.2f}' for v in os.getloadavg())}")
        print()
        print("| run | wall s | CPU s |")
        print("|---|---:|---:|")
        kib = largest.stat().st_size // 1024
        for kind, label in (
            ("command", "as commands (own process each)"),
            ("function", "in this process (no start-up)"),
        ):
            single, batch = f"{kind} extract", f"{kind} apply"
            print(f"| {label}: extract the largest alone ({kib} KiB) | {wall[single]:.2f} | {cpu[single]:.2f} |")
            print(
                f"| {label}: apply all {ASSETS} (extract, render, place, commit) | {wall[batch]:.2f} | {cpu[batch]:.2f} |"
            )
            print(
                f"| **ratio {label}** (target: wall < 3) | **{wall[batch] / wall[single]:.2f}** | {cpu[batch] / cpu[single]:.2f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
