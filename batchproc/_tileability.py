"""Does an image tile without a visible seam? Pure Python over strips of 8-bit RGB pixels.

``_imaging`` hands over a function that returns one row or column of the image as RGB bytes;
this module compares opposite edges with the image's own texture, in CIELAB ΔE76.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from typing import Any

from batchproc._color import Lab, delta_e76, rgb_to_lab

Box = tuple[int, int, int, int]
"""A strip of the image: (left, top, right, bottom), one pixel wide or high."""

_EDGE_POINTS = 512  # longer edges are compared at every n-th pixel: same mean, bounded time
_INTERIOR_PAIRS = 4  # neighbouring row and column pairs sampled for the texture baseline


def tileability(width: int, height: int, strip: Callable[[Box], bytes]) -> dict[str, Any]:
    """Seam error across opposite edges against the image's own neighbour-to-neighbour error.

    A seam is a jump bigger than the texture's usual jump (``interior_error``) and bigger than
    the jumps right beside it: a plank groove or a ruled line along one edge tiles fine.
    """
    lab_cache: dict[tuple[int, ...], Lab] = {}

    def line(box: Box) -> list[Lab]:
        raw = strip(box)
        step = max(1, math.ceil(len(raw) / 3 / _EDGE_POINTS))
        labs = []
        for start in range(0, len(raw), 3 * step):
            rgb = tuple(raw[start : start + 3])
            if rgb not in lab_cache:
                lab_cache[rgb] = rgb_to_lab(rgb)  # type: ignore[arg-type]
            labs.append(lab_cache[rgb])
        return labs

    def error(first: Box, second: Box) -> float:
        pairs = list(zip(line(first), line(second)))
        return sum(delta_e76(a, b) for a, b in pairs) / len(pairs)

    def column(x: int) -> Box:
        return (x, 0, x + 1, height)

    def row(y: int) -> Box:
        return (0, y, width, y + 1)

    def beside(last: int, strip_at: Callable[[int], Box]) -> float:
        # The jumps next to the seam: first/second and next-to-last/last strips.
        return max(error(strip_at(0), strip_at(1)), error(strip_at(last - 1), strip_at(last))) if last >= 1 else 0.0

    horizontal = error(column(0), column(width - 1))
    vertical = error(row(0), row(height - 1))
    interior = [error(column(x), column(x + 1)) for x in _interior_starts(width)]
    interior += [error(row(y), row(y + 1)) for y in _interior_starts(height)]
    baseline = statistics.median(interior) if interior else 0.0
    horizontal_limit = max(2.0, 1.5 * max(baseline, beside(width - 1, column)))
    vertical_limit = max(2.0, 1.5 * max(baseline, beside(height - 1, row)))
    return {
        "seam_error_horizontal": round(horizontal, 4),
        "seam_error_vertical": round(vertical, 4),
        "interior_error": round(baseline, 4),
        "tileable": horizontal <= horizontal_limit and vertical <= vertical_limit,
    }


def _interior_starts(length: int) -> list[int]:
    """Up to _INTERIOR_PAIRS evenly spaced starts of neighbouring pairs away from the edges."""
    if length < 2:
        return []  # a 1-pixel side has no neighbours; its opposite edges are the same pixels
    low, high = (1, length - 3) if length >= 4 else (0, length - 2)
    count = min(_INTERIOR_PAIRS, high - low + 1)
    return sorted({low + (high - low) * (i + 1) // (count + 1) for i in range(count)})
