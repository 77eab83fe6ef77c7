"""Draw the example PNGs that the example manifest ships (theatrical specimens).

    python scripts/make_examples.py [OUTPUT_DIR]     # default: manifests/images/

Flat, aliased shapes on an exact background colour: the files stay small, the output is the
same bytes on every run, and the tests know each image's background exactly (``BACKGROUNDS``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from math import cos, pi, sin
from pathlib import Path

from PIL import Image, ImageDraw

PATTERN = "asset-3-velvet-curtain-pattern.png"
MASKS = "asset-4-masks-specimen.png"
SPOTLIGHT = "asset-6-spotlight-specimen.png"

BACKGROUNDS = {
    PATTERN: "#1a0f1f",  # deep plum
    MASKS: "#160b1e",  # aubergine
    SPOTLIGHT: "#1f0d1a",  # dark wine
}
"""The exact background colour painted into each example; the extractor must report it."""

SIZES = {PATTERN: (512, 512), MASKS: (512, 640), SPOTLIGHT: (512, 512)}

GOLD = "#d4a537"
PALE_GOLD = "#f3d98b"
CRIMSON = "#a3162e"
DARK_CRIMSON = "#6e0f22"
TEAL = "#1f8a8a"

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "manifests" / "images"

Point = tuple[float, float]


def star(cx: float, cy: float, outer: float, inner: float, points: int = 5) -> list[Point]:
    """The outline of a star with ``points`` tips, first tip straight up."""
    outline = []
    for i in range(points * 2):
        radius = outer if i % 2 == 0 else inner
        angle = -pi / 2 + i * pi / points
        outline.append((cx + radius * cos(angle), cy + radius * sin(angle)))
    return outline


def wrapped(draw: Callable[[float, float], None], size: tuple[int, int]) -> None:
    """Draw a motif at its place and shifted by the tile's size, so edges wrap seamlessly."""
    width, height = size
    for dx in (-width, 0, width):
        for dy in (-height, 0, height):
            draw(dx, dy)


def velvet_pattern() -> Image.Image:
    """A 512 px seamless tile: crimson drape swags, a gold lattice of diamonds, teal stars."""
    size = SIZES[PATTERN]
    image = Image.new("RGB", size, BACKGROUNDS[PATTERN])
    pen = ImageDraw.Draw(image)

    def motifs(dx: float, dy: float) -> None:
        for cx, cy in ((128, 128), (384, 384)):
            # a swag of velvet: a crimson half-disc with a darker fold inside
            pen.chord((cx - 96 + dx, cy - 72 + dy, cx + 96 + dx, cy + 72 + dy), 0, 180, fill=CRIMSON)
            pen.chord((cx - 56 + dx, cy - 36 + dy, cx + 56 + dx, cy + 36 + dy), 0, 180, fill=DARK_CRIMSON)
            pen.ellipse((cx - 10 + dx, cy - 34 + dy, cx + 10 + dx, cy - 14 + dy), fill=GOLD)
        for cx, cy in ((384, 128), (128, 384)):
            pen.polygon(
                [(cx + dx, cy - 60 + dy), (cx + 40 + dx, cy + dy), (cx + dx, cy + 60 + dy), (cx - 40 + dx, cy + dy)],
                outline=GOLD,
                width=6,
            )
            pen.polygon(star(cx + dx, cy + dy, 22, 9), fill=TEAL)
        # corner stars sit on the tile's corners: four quarters that wrap into one
        pen.polygon(star(0 + dx, 0 + dy, 30, 12), fill=PALE_GOLD)

    wrapped(motifs, size)
    return image


def masks_specimen() -> Image.Image:
    """Comedy (gold) and tragedy (teal) masks tied with a crimson ribbon, under small stars."""
    image = Image.new("RGB", SIZES[MASKS], BACKGROUNDS[MASKS])
    pen = ImageDraw.Draw(image)
    background = BACKGROUNDS[MASKS]

    def mask(cx: int, cy: int, colour: str, smile: bool) -> None:
        pen.ellipse((cx - 95, cy - 120, cx + 95, cy + 120), fill=colour)
        for side in (-1, 1):  # eye holes show the background through the mask
            pen.ellipse((cx + side * 42 - 24, cy - 50, cx + side * 42 + 24, cy - 20), fill=background)
        if smile:
            pen.chord((cx - 55, cy + 10, cx + 55, cy + 80), 0, 180, fill=background)
        else:
            pen.chord((cx - 55, cy + 40, cx + 55, cy + 110), 180, 360, fill=background)

    mask(190, 290, GOLD, smile=True)
    mask(322, 350, TEAL, smile=False)
    pen.rectangle((96, 480, 416, 500), fill=CRIMSON)  # the ribbon holding both masks
    pen.polygon([(96, 480), (60, 540), (110, 520), (126, 500)], fill=CRIMSON)
    pen.polygon([(416, 480), (452, 540), (402, 520), (386, 500)], fill=CRIMSON)
    for cx, cy, radius in ((70, 70, 18), (440, 96, 14), (256, 60, 22), (460, 590, 16), (56, 600, 12)):
        pen.polygon(star(cx, cy, radius, radius * 0.4), fill=PALE_GOLD)
    return image


def spotlight_specimen() -> Image.Image:
    """Two spotlight cones on a teal stage between crimson curtains."""
    width, height = SIZES[SPOTLIGHT]
    image = Image.new("RGB", (width, height), BACKGROUNDS[SPOTLIGHT])
    pen = ImageDraw.Draw(image)
    # Everything stays 24 px inside the edges: the frame is the background, as on a stage.
    pen.polygon([(160, 60), (190, 60), (290, 400), (90, 400)], fill=PALE_GOLD)  # cones first,
    pen.polygon([(320, 60), (350, 60), (430, 400), (250, 400)], fill=GOLD)  # curtains over them
    pen.rectangle((60, 400, 452, 440), fill=TEAL)  # the stage front
    pen.ellipse((120, 384, 392, 416), fill="#2aa5a0")  # the lit pool on the stage
    for x0 in (24, 418):
        pen.rectangle((x0, 24, x0 + 70, 460), fill=CRIMSON)
        for fold in range(4):  # darker folds give the velvet its depth
            x = x0 + 8 + fold * 16
            pen.rectangle((x, 24, x + 5, 460), fill=DARK_CRIMSON)
    pen.polygon([(24, 24), (488, 24), (440, 64), (72, 64)], fill=DARK_CRIMSON)  # the pelmet
    for cx, cy, radius in ((256, 470, 20), (200, 480, 12), (312, 480, 12)):
        pen.polygon(star(cx, cy, radius, radius * 0.4), fill=GOLD)
    return image


DRAWINGS: dict[str, Callable[[], Image.Image]] = {
    PATTERN: velvet_pattern,
    MASKS: masks_specimen,
    SPOTLIGHT: spotlight_specimen,
}


def make_examples(output: Path) -> list[Path]:
    """Write every example into ``output`` and return the paths written."""
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for name, drawing in DRAWINGS.items():
        path = output / name
        drawing().save(path, format="PNG", optimize=True)
        written.append(path)
    return written


def main(argv: Iterable[str] = ()) -> int:
    args = list(argv)
    output = Path(args[0]) if args else DEFAULT_OUTPUT
    for path in make_examples(output):
        print(f"{path}: {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
