"""Remote extraction is concurrent: apply 1, 3 and 5 assets against a vision server that needs L
seconds per request, and compare apply's wall time with L and with the serial sum.

    python benchmarks/remote_latency.py [--latency 1.0]

The server is the tests' OpenAI-compatible server on 127.0.0.1 (tests/http_server.py) with a
fixed latency; every run gets a fresh git repository and no cache, so every asset is asked.
The last row caps the requests in flight at 1 to show what the serial workflow costs.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from http_server import ChatServer

from batchproc._context import RunContext
from batchproc._manifest import load_manifest
from batchproc._plugins import make_plugin_manager
from batchproc._runner import run_batch


def write_images(folder: Path, count: int) -> None:
    """Five 512x512 textures, different bytes each (so no two share a cache entry)."""
    rng = random.Random(3)
    for number in range(1, count + 1):
        base = (40 * number, 30, 60)
        image = Image.new("RGB", (512, 512), base)
        pixels = image.load()
        for _ in range(4000):
            x, y = rng.randrange(512), rng.randrange(512)
            pixels[x, y] = (230, 190, 90)
        image.save(folder / f"asset-{number}.png")


def apply_once(server: ChatServer, images: Path, count: int, max_concurrency: int) -> tuple[float, float, int, int]:
    """Wall time, serial sum, requests made and most in flight for one fresh apply."""
    with tempfile.TemporaryDirectory(prefix="batchproc-bench-") as scratch:
        repo = Path(scratch)
        subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(repo)], check=True)
        subprocess.run(["git", "-C", str(repo), "config", "user.name", "bench"], check=True)
        subprocess.run(["git", "-C", str(repo), "config", "user.email", "bench@batchproc.invalid"], check=True)
        lines = [
            "batch_id: bench",
            "extractor:",
            "  name: http",
            f"  options: {{base_url: '{server.base_url}', model: bench-vision, max_concurrency: {max_concurrency}}}",
            "assets:",
        ]
        lines += [f"  - {{asset_id: ASSET-{n}, path: '{images}/asset-{n}.png', score: 95}}" for n in range(1, count + 1)]
        manifest_path = repo / "batch.yaml"
        manifest_path.write_text("\n".join(lines) + "\n")
        manifest = load_manifest(manifest_path)
        before, server.max_in_flight = server.count, 0
        run = RunContext(repo_root=repo, concurrency=manifest.limits.concurrency, use_cache=False)
        report = run_batch(manifest, make_plugin_manager(autoload=False), run)
        assert report.status == "committed", report.status
        return report.wall_seconds, report.serial_seconds, server.count - before, server.max_in_flight


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency", type=float, default=1.0, help="seconds the server takes per request (L)")
    latency = parser.parse_args().latency
    print(f"http extractor against a local server answering in L = {latency:.2f} s per request")
    print(f"{'assets':>6}  {'in flight':>9}  {'requests':>8}  {'wall s':>7}  {'wall/L':>6}  {'serial sum s':>12}  {'N*L s':>6}  {'N*L/wall':>8}")
    with tempfile.TemporaryDirectory(prefix="batchproc-bench-images-") as folder, ChatServer(latency=latency) as server:
        images = Path(folder)
        write_images(images, 5)
        for count, cap in ((1, 5), (3, 5), (5, 5), (5, 1)):
            wall, serial, requests, in_flight = apply_once(server, images, count, cap)
            label = f"{count}" if cap > 1 else f"{count}*"
            print(
                f"{label:>6}  {in_flight:>9}  {requests:>8}  {wall:7.2f}  {wall / latency:6.2f}  {serial:12.2f}  "
                f"{count * latency:6.2f}  {count * latency / wall:7.1f}x"
            )
    print("* max_concurrency: 1, i.e. one request after another (the old way)")
    print("serial sum: the report's sum of per-asset times; N*L: what asking one asset after another costs at least.")
    print("wall/L stays near 1 for 1, 3 and 5 assets: the requests overlap instead of adding up.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
