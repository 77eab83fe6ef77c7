"""Palette quality and speed: batchproc's extractor against the peers, on the same images.

    pip install -e '.[bench]'
    python benchmarks/palette.py [--repeat 3] [IMAGE_OR_FOLDER ...]

Images: the shipped examples (manifests/images) and, when BATCHPROC_CORPUS is set, every PNG in
$BATCHPROC_CORPUS/design; or the files and folders given on the command line.

Per tool it prints the median time per image (each image timed ``--repeat`` times, the median
kept; every tool starts from the file path, so decoding is included), as CPU time of this
process (steady on a shared machine) and as wall time, and the palette fidelity:
the mean CIELAB ΔE76 from each opaque pixel (alpha >= 128) of the full-resolution image to the
nearest of the tool's (up to) 8 colours, averaged over the images. Lower is better. Fidelity
is computed by one function, the same for every tool, on the pixels batchproc decodes (8-bit
sRGB, embedded profiles converted), so no tool is judged on its own decoding.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from PIL import Image

from batchproc._imaging import extract_palette, measure, normalised_pixels

ROOT = Path(__file__).resolve().parent.parent
COLOURS = 8
RGB = tuple[int, int, int]


# --- the tools: each takes a path and returns up to 8 sRGB colours ----------------------------


def batchproc_palette(path: Path) -> list[RGB]:
    return extract_palette(path)


def batchproc_full_idf(path: Path) -> list[RGB]:
    return [tuple(entry["rgb"]) for entry in measure(path)["palette"]]


def colorthief(path: Path) -> list[RGB]:
    from colorthief import ColorThief

    return ColorThief(str(path)).get_palette(color_count=COLOURS)[:COLOURS]  # its default quality=10


def extcolors(path: Path) -> list[RGB]:
    import extcolors as module

    colours, _ = module.extract_from_path(str(path), limit=COLOURS)  # its default tolerance=32
    return [rgb for rgb, _ in colours]


def haishoku(path: Path) -> list[RGB]:
    from haishoku.haishoku import Haishoku

    return [tuple(int(v) for v in rgb) for _, rgb in Haishoku.getPalette(str(path))][:COLOURS]


def celebi(path: Path) -> list[RGB]:
    from materialyoucolor.quantize import ImageQuantizeCelebi

    found = ImageQuantizeCelebi(str(path), 1, COLOURS)  # quality 1: every pixel
    ranked = sorted(found.items(), key=lambda item: -item[1])
    return [((argb >> 16) & 255, (argb >> 8) & 255, argb & 255) for argb, _ in ranked][:COLOURS]


def pillow(method: Image.Quantize) -> Callable[[Path], list[RGB]]:
    # Median cut and max coverage take RGB only; the octree and libimagequant take RGBA.
    mode = "RGBA" if method in (Image.Quantize.FASTOCTREE, Image.Quantize.LIBIMAGEQUANT) else "RGB"

    def quantise(path: Path) -> list[RGB]:
        with Image.open(path) as image:
            quantised = image.convert(mode).quantize(COLOURS, method)
        palette = quantised.getpalette() or []
        used = quantised.getcolors(256) or []
        return [tuple(palette[3 * index : 3 * index + 3]) for _, index in used]  # type: ignore[misc]

    return quantise


def tools() -> dict[str, Callable[[Path], list[RGB]]]:
    found: dict[str, Callable[[Path], list[RGB]]] = {
        "batchproc (palette)": batchproc_palette,
        "batchproc (full IDF)": batchproc_full_idf,
        "colorthief": colorthief,
        "extcolors": extcolors,
        "haishoku": haishoku,
        "materialyoucolor Celebi": celebi,
        "Pillow MEDIANCUT": pillow(Image.Quantize.MEDIANCUT),
        "Pillow MAXCOVERAGE": pillow(Image.Quantize.MAXCOVERAGE),
        "Pillow FASTOCTREE": pillow(Image.Quantize.FASTOCTREE),
    }
    from PIL import features

    if features.check("libimagequant"):
        found["Pillow LIBIMAGEQUANT"] = pillow(Image.Quantize.LIBIMAGEQUANT)
    return found


# --- fidelity ---------------------------------------------------------------------------------


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """(n, 3) 8-bit sRGB to CIELAB (D65), the same formulas as batchproc._color."""
    c = rgb.astype(np.float64) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    matrix = np.array(
        [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]]
    )
    xyz = linear @ matrix.T / np.array([0.95047, 1.0, 1.08883])
    delta = 6 / 29
    f = np.where(xyz > delta**3, np.cbrt(xyz), xyz / (3 * delta**2) + 4 / 29)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=1)


class Truth:
    """An image's opaque pixels as unique colours with counts, in CIELAB."""

    def __init__(self, path: Path) -> None:
        rgba = np.asarray(normalised_pixels(path)).reshape(-1, 4)
        opaque = rgba[rgba[:, 3] >= 128, :3].astype(np.uint32)
        packed = (opaque[:, 0] << 16) | (opaque[:, 1] << 8) | opaque[:, 2]
        unique, counts = np.unique(packed, return_counts=True)
        rgb = np.stack([(unique >> 16) & 255, (unique >> 8) & 255, unique & 255], axis=1)
        self.lab = srgb_to_lab(rgb)
        self.counts = counts
        self.pixels = int(counts.sum())

    def fidelity(self, palette: Iterable[RGB]) -> float:
        """Mean ΔE76 from each opaque pixel to its nearest palette colour."""
        colours = np.array(list(palette)[:COLOURS], dtype=np.float64).reshape(-1, 3)
        if not self.pixels:
            return 0.0
        if not len(colours):
            return float("nan")
        centres = srgb_to_lab(colours)
        nearest = np.full(len(self.lab), np.inf)
        for centre in centres:
            nearest = np.minimum(nearest, np.sqrt(((self.lab - centre) ** 2).sum(axis=1)))
        return float((nearest * self.counts).sum() / self.pixels)


# --- the run ----------------------------------------------------------------------------------


def images(arguments: list[str]) -> list[Path]:
    if arguments:
        places = [Path(argument) for argument in arguments]
    else:
        places = [ROOT / "manifests" / "images"]
        corpus = os.environ.get("BATCHPROC_CORPUS")
        if corpus and (Path(corpus) / "design").is_dir():
            places.append(Path(corpus) / "design")
        else:
            print("note: BATCHPROC_CORPUS is not set; measuring the shipped examples only", file=sys.stderr)
    found: list[Path] = []
    for place in places:
        found.extend(sorted(place.glob("*.png")) if place.is_dir() else [place])
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--per-image", action="store_true", help="also print each image's fidelity per tool")
    parser.add_argument("images", nargs="*")
    options = parser.parse_args()
    paths = images(options.images)
    truths = {path: Truth(path) for path in paths}
    chosen = tools()
    # Tools take turns on each image, round after round, so a busy machine slows all alike.
    times: dict[str, dict[Path, list[float]]] = {name: {} for name in chosen}
    walls: dict[str, dict[Path, list[float]]] = {name: {} for name in chosen}
    palettes: dict[str, dict[Path, list[RGB]]] = {name: {} for name in chosen}
    failed: dict[str, list[str]] = {name: [] for name in chosen}
    for path in paths:
        for _ in range(options.repeat):
            for name, tool in chosen.items():
                if any(entry.startswith(f"{path.name}:") for entry in failed[name]):
                    continue
                start, wall = time.process_time(), time.perf_counter()
                try:
                    palette = tool(path)
                except Exception as error:  # a peer that cannot read a file is reported, not fatal
                    failed[name].append(f"{path.name}: {type(error).__name__}")
                    continue
                times[name].setdefault(path, []).append(time.process_time() - start)
                walls[name].setdefault(path, []).append(time.perf_counter() - wall)
                palettes[name][path] = palette
    rows = []
    per_image: dict[str, dict[str, float]] = {}
    for name in chosen:
        done = [path for path in paths if path in times[name]]
        errors = [truths[path].fidelity(palettes[name][path]) for path in done]
        for path, error in zip(done, errors):
            per_image.setdefault(path.name, {})[name] = error
        seconds = [statistics.median(times[name][path]) for path in done]
        wall = [statistics.median(walls[name][path]) for path in done]
        rows.append(
            (name, statistics.median(seconds) * 1000, statistics.median(wall) * 1000, statistics.fmean(errors), len(done))
        )

    print(f"{len(paths)} images, {options.repeat} runs each; fidelity = mean ΔE76 to the nearest of 8 colours")
    print()
    print(f"| {'tool':<24} | median CPU ms | median wall ms | mean ΔE76 | images |")
    print(f"|{'-' * 26}|--------------:|---------------:|----------:|-------:|")
    for name, cpu, wall, fidelity, count in rows:
        print(f"| {name:<24} | {cpu:13.2f} | {wall:14.2f} | {fidelity:9.2f} | {count:6} |")
    for name, problems in failed.items():
        if problems:
            print(f"{name} failed on: {', '.join(problems)} (left out of its row)")
    if options.per_image:
        for image, scores in per_image.items():
            print(image, " ".join(f"{name.split()[0]}={value:.2f}" for name, value in scores.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
