"""Does an image tile without a visible seam? The verdict, from edge-to-edge colour errors.

This module decides which strips to compare and what the errors mean; ``_imaging`` measures
the errors (mean CIELAB ΔE76 between two one-pixel strips) for all the pairs in one go.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from typing import Any

Box = tuple[int, int, int, int]
"""A strip of the image: (left, top, right, bottom), one pixel wide or high."""

Pair = tuple[Box, Box]

EDGE_POINTS = 512
"""Longer strips are compared at this many evenly spaced pixels: the same mean, bounded time."""

_INTERIOR_PAIRS = 4  # neighbouring row and column pairs sampled for the texture baseline

PLAIN_EDGE = 0.5
"""Mean ΔE76 below which an edge and its neighbour are plain: a fifth of a just-noticeable
difference. On the design corpus the real patterns' edges move by 0.6 (dark linen) and more."""


def tileability(width: int, height: int, mean_errors: Callable[[Sequence[Pair]], list[float]]) -> dict[str, Any]:
    """Seam error across opposite edges against the image's own neighbour-to-neighbour error.

    ``mean_errors`` gives, for each pair of strips, the mean ΔE76 between their pixels.
    A seam is a jump bigger than the texture's usual jump (``interior_error``) and bigger than
    the jumps right beside it: a plank groove or a ruled line along one edge tiles fine.
    """

    def column(x: int) -> Box:
        return (x, 0, x + 1, height)

    def row(y: int) -> Box:
        return (0, y, width, y + 1)

    def beside(last: int, strip_at: Callable[[int], Box]) -> list[Pair]:
        # The jumps next to the seam: first/second and next-to-last/last strips.
        return [(strip_at(0), strip_at(1)), (strip_at(last - 1), strip_at(last))] if last >= 1 else []

    seams = [(column(0), column(width - 1)), (row(0), row(height - 1))]
    interior = [(column(x), column(x + 1)) for x in _interior_starts(width)]
    interior += [(row(y), row(y + 1)) for y in _interior_starts(height)]
    beside_columns, beside_rows = beside(width - 1, column), beside(height - 1, row)
    errors = iter(mean_errors([*seams, *interior, *beside_columns, *beside_rows]))
    horizontal, vertical = next(errors), next(errors)
    interior_errors = [next(errors) for _ in interior]
    baseline = statistics.median(interior_errors) if interior_errors else 0.0
    horizontal_beside = max((next(errors) for _ in beside_columns), default=0.0)
    vertical_beside = max((next(errors) for _ in beside_rows), default=0.0)
    horizontal_limit = max(2.0, 1.5 * max(baseline, horizontal_beside))
    vertical_limit = max(2.0, 1.5 * max(baseline, vertical_beside))
    return {
        "seam_error_horizontal": round(horizontal, 4),
        "seam_error_vertical": round(vertical, 4),
        "interior_error": round(baseline, 4),
        "tileable": horizontal <= horizontal_limit and vertical <= vertical_limit,
        "plain_edges": max(horizontal, vertical, horizontal_beside, vertical_beside) < PLAIN_EDGE,
    }


def _interior_starts(length: int) -> list[int]:
    """Up to _INTERIOR_PAIRS evenly spaced starts of neighbouring pairs away from the edges."""
    if length < 2:
        return []  # a 1-pixel side has no neighbours; its opposite edges are the same pixels
    low, high = (1, length - 3) if length >= 4 else (0, length - 2)
    count = min(_INTERIOR_PAIRS, high - low + 1)
    return sorted({low + (high - low) * (i + 1) // (count + 1) for i in range(count)})
