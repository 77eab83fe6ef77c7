"""Palette choice in pure Python: weighted k-means in CIELAB over a few candidate colours.

Pillow (in ``_imaging``) reduces a small sample of the image to a few dozen candidate colours
with their pixel counts; this module groups those candidates into at most eight clusters so
that the mean CIELAB distance from a pixel to its cluster's centre is small (the fidelity the
palette benchmark measures), and picks each cluster's colour among the image's real colours.
Working on candidates, not pixels, keeps the Python loops a few thousand steps long.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence

from batchproc._color import RGB, Lab, delta_e2000, rgb_to_lab

Colour = RGB

MERGE_DELTA_E = 2.5
"""Palette colours closer than this (ΔE2000) are one colour to the eye and are merged."""

KMEANS_ROUNDS = 12
"""Lloyd rounds at most; on the design corpus the clusters settle in 3 to 8."""


def cluster(candidates: Sequence[tuple[int, Colour]], clusters: int) -> list[int]:
    """Group weighted candidate colours into at most ``clusters`` groups; each one's group index.

    Seeding is deterministic (the heaviest candidate first, then each time the candidate that
    adds most to the weighted squared error, as in k-means++ without the dice), so the same
    image always gives the same palette.
    """
    labs = [rgb_to_lab(colour) for _, colour in candidates]
    weights = [count for count, _ in candidates]
    if len(candidates) <= clusters:
        return list(range(len(candidates)))
    first = max(range(len(labs)), key=lambda i: (weights[i], labs[i]))
    centres = [labs[first]]
    nearest = [_squared(lab, centres[0]) for lab in labs]
    while len(centres) < clusters:
        scores = [weight * distance for weight, distance in zip(weights, nearest)]
        pick = scores.index(max(scores))  # the first of equals: deterministic
        if not nearest[pick]:
            break  # every candidate already sits on a centre
        c_l, c_a, c_b = labs[pick]
        centres.append(labs[pick])
        nearest = [
            min(d, (l - c_l) ** 2 + (a - c_a) ** 2 + (b - c_b) ** 2) for d, (l, a, b) in zip(nearest, labs)
        ]
    labels: list[int] = []
    for _ in range(KMEANS_ROUNDS):
        new = []
        for lab_l, lab_a, lab_b in labs:  # the hot loop: plain arithmetic, no calls
            distances = [(lab_l - c[0]) ** 2 + (lab_a - c[1]) ** 2 + (lab_b - c[2]) ** 2 for c in centres]
            new.append(distances.index(min(distances)))
        if new == labels:
            break
        labels = new
        centres = _means(labs, weights, labels, centres)
    return labels


def _squared(first: Lab, second: Lab) -> float:
    return (first[0] - second[0]) ** 2 + (first[1] - second[1]) ** 2 + (first[2] - second[2]) ** 2


def _means(labs: list[Lab], weights: list[int], labels: list[int], old: list[Lab]) -> list[Lab]:
    sums = [[0.0, 0.0, 0.0, 0] for _ in old]
    for lab, weight, label in zip(labs, weights, labels):
        total = sums[label]
        total[0] += lab[0] * weight
        total[1] += lab[1] * weight
        total[2] += lab[2] * weight
        total[3] += weight
    return [(s[0] / s[3], s[1] / s[3], s[2] / s[3]) if s[3] else centre for s, centre in zip(sums, old)]


def representative(colours: list[tuple[int, Colour]], mean: Sequence[float]) -> Colour:
    """A cluster's colour: its most frequent exact colour if common (a painted fill), else the
    usual colour nearest its mean (a texture); always a colour that is in the image."""
    frequent = heapq.nlargest(256, colours)
    top_count, top = frequent[0]
    if top_count * 4 >= sum(count for count, _ in colours):
        return top
    return min(
        (colour for _, colour in frequent),
        key=lambda c: ((c[0] - mean[0]) ** 2 + (c[1] - mean[1]) ** 2 + (c[2] - mean[2]) ** 2, c),
    )


def merge_close(centres: Sequence[Colour]) -> list[Colour]:
    """Drop centres within MERGE_DELTA_E of a more common one (centres come commonest first)."""
    kept: list[tuple[Colour, Lab]] = []
    for centre in centres:
        lab = rgb_to_lab(centre)
        if all(delta_e2000(lab, other) >= MERGE_DELTA_E for _, other in kept):
            kept.append((centre, lab))
    return [centre for centre, _ in kept]


def mean_error(colours: Sequence[tuple[int, Colour]], palette: Sequence[Colour]) -> float:
    """Mean ΔE76 from weighted colours to their nearest palette colour (tests and tuning)."""
    labs = [rgb_to_lab(colour) for colour in palette]
    total = sum(count for count, _ in colours)
    error = sum(count * min(math.dist(rgb_to_lab(colour), lab) for lab in labs) for count, colour in colours)
    return error / total if total else 0.0
