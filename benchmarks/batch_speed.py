"""A full batch against one image: applying 5 assets of 2048x2048 with the local extractor,
against extracting the largest one alone. Target: the batch takes less than 3x the single one.

    python benchmarks/batch_speed.py [--repeat 3] [--grain]

The five PNGs are drawn into a temporary folder (different pictures, all 2048x2048, the last
one with the most colours and so the largest file), applied with ``batchproc apply`` in this
process to a fresh temporary git repository with an empty extraction cache each round, and the largest is measured alone
with the same extractor. Both figures are medians of ``--repeat`` rounds, printed side by side,
as wall time (the target) and as this process's CPU time (all threads: the work done).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
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
    for command in (["init", "--quiet", "--initial-branch=main"], ["config", "user.name", "Bench"], ["config", "user.email", "bench@example.invalid"]):
        subprocess.run(["git", "-C", str(repo), *command], check=True)
    return repo


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--grain", action="store_true", help="noisy, photographic-size PNGs (2-5 MB each)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="batchproc-speed-") as scratch:
        folder = Path(scratch)
        paths = [draw(index, folder, options.grain) for index in range(ASSETS)]
        largest = max(paths, key=lambda path: path.stat().st_size)
        target = manifest(folder, paths)
        singles, batches, single_cpu, batch_cpu = [], [], [], []
        for _ in range(options.repeat):
            start, cpu = time.perf_counter(), time.process_time()
            measure_idf(largest)
            singles.append(time.perf_counter() - start)
            single_cpu.append(time.process_time() - cpu)
            repo = fresh_repo(folder)
            # A fresh, empty extraction cache every round: a warm one would skip the extraction.
            os.environ["BATCHPROC_CACHE_DIR"] = tempfile.mkdtemp(dir=folder, prefix="cache-")
            start, cpu = time.perf_counter(), time.process_time()
            with open(os.devnull, "w") as sink:
                saved = sys.stdout, sys.stderr
                sys.stdout = sys.stderr = sink  # the report and the progress lines
                try:
                    code = batchproc(["apply", str(target), "--repo", str(repo)])
                finally:
                    sys.stdout, sys.stderr = saved
            batches.append(time.perf_counter() - start)
            batch_cpu.append(time.process_time() - cpu)
            if code != 0:
                print(f"apply failed with exit code {code}", file=sys.stderr)
                return 1
        single, batch = statistics.median(singles), statistics.median(batches)
        cpu_single, cpu_batch = statistics.median(single_cpu), statistics.median(batch_cpu)
        sizes = ", ".join(f"{path.stat().st_size // 1024} KiB" for path in paths)
        print(f"{ASSETS} PNGs of {SIZE}x{SIZE} ({sizes}); {os.cpu_count()} CPUs; median of {options.repeat} rounds")
        print(f"load average before the run: {', '.join(f'{v:.2f}' for v in os.getloadavg())}")
        print()
        print("| run | wall s | CPU s |")
        print("|---|---:|---:|")
        print(f"| extract the largest alone ({largest.stat().st_size // 1024} KiB) | {single:.2f} | {cpu_single:.2f} |")
        print(f"| apply all {ASSETS} (extract, render, place, commit) | {batch:.2f} | {cpu_batch:.2f} |")
        print(f"| ratio (target: wall < 3) | {batch / single:.2f} | {cpu_batch / cpu_single:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
