"""Concrete usage advice derived from the measured facts (no guessing, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass

from batchproc._color import contrast_ratio, hex_to_rgb
from batchproc.models import IDF, Asset

AA_NORMAL = 4.5
BUSY = 0.3
"""A region more than this share covered by motifs is too busy for text straight on it."""
REGIONS = (("upper-left", "top", "upper-right"), ("left", "centre", "right"), ("lower-left", "bottom", "lower-right"))
_WHITE = "#ffffff"
_NEAR_BLACK = "#111111"


@dataclass(frozen=True)
class Guidance:
    """What usage.md and the tokens recommend for one asset."""

    public_url: str
    background_repeat: str
    background_size: str
    text_colour: str
    text_contrast: float
    failing_text: tuple[tuple[str, float], ...]
    """Palette colours that would fail WCAG AA as body text on the background, with ratios."""
    overlay_opacity: float
    busy_regions: tuple[tuple[str, float], ...]
    """The 3x3 grid's regions covered more than BUSY, with their shares, top row first."""
    quiet_regions: tuple[str, ...]
    """The regions where text can sit straight on the image."""
    suits: tuple[str, ...]
    avoid: tuple[str, ...]


def public_url(public_path: str) -> str:
    """The URL a frontend serves a file at: what follows its ``public/`` folder."""
    parts = public_path.split("/")
    if "public" in parts[:-1]:
        parts = parts[parts.index("public") + 1 :]
    return "/" + "/".join(parts)


TILING_CATEGORIES = frozenset({"patterns"})
"""Categories meant to repeat. Matching edges alone do not make a tile: a wallpaper or an icon
on a plain or transparent ground has matching edges too, and repeating it would be wrong."""


def advise(asset: Asset, idf: IDF, public_path: str) -> Guidance:
    """Turn the facts into CSS choices: repeat for a pattern that tiles, ``cover`` for a
    picture, native size for an icon; text colour from contrast."""
    width, height = idf.dimensions.width, idf.dimensions.height
    tiles = idf.tileability.tileable and asset.category in TILING_CATEGORIES
    repeat = "repeat" if tiles else "no-repeat"
    if tiles:
        size = f"{width}px auto"
    elif asset.category == "icons":
        size = f"{width}px {height}px"
    else:
        size = "cover"
    background = idf.background.hex if idf.background else _WHITE
    text, ratio = _best_text_colour(background, [c.hex for c in idf.palette])
    failing = tuple((c.hex, c.ratio) for c in idf.contrast if c.ratio < AA_NORMAL)
    dark = idf.mode == "dark"
    suits, avoid = _suits(asset.category, tiles, dark, idf.tileability.tileable)
    regions = [(name, share) for names, shares in zip(REGIONS, idf.coverage.grid) for name, share in zip(names, shares)]
    return Guidance(
        public_url=public_url(public_path),
        background_repeat=repeat,
        background_size=size,
        text_colour=text,
        text_contrast=ratio,
        failing_text=failing,
        overlay_opacity=0.85 if dark else 0.6,
        busy_regions=tuple((name, share) for name, share in regions if share > BUSY),
        quiet_regions=tuple(name for name, share in regions if share <= BUSY),
        suits=suits,
        avoid=avoid,
    )


def _best_text_colour(background: str, palette: list[str]) -> tuple[str, float]:
    """The palette colour with the best contrast if it passes AA, else white or near-black."""
    bg = hex_to_rgb(background)
    scored = sorted(((contrast_ratio(hex_to_rgb(c), bg), c) for c in palette if c != background), reverse=True)
    if scored and scored[0][0] >= AA_NORMAL:
        return scored[0][1], round(scored[0][0], 2)
    fallback = max((_WHITE, _NEAR_BLACK), key=lambda c: contrast_ratio(hex_to_rgb(c), bg))
    return fallback, round(contrast_ratio(hex_to_rgb(fallback), bg), 2)


def _suits(category: str, tiles: bool, dark: bool, seamless: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    suits = ["section and page backgrounds" if tiles else "hero and feature panels"]
    if tiles:
        avoid = ["stretching a tile with background-size: cover"]
    else:  # a pattern lands here only when its seam shows
        avoid = ["repeating it as a tile (it is a picture, not a pattern)" if seamless else "repeating it as a tile (the seam shows)"]
    if dark:
        suits.append("dark themes and light text")
        avoid.append("long dark body text directly on it")
    else:
        suits.append("light themes and dark text")
        avoid.append("light or white text directly on it")
    if category == "icons":
        suits = ["buttons, lists and navigation at its native size"]
        avoid = ["scaling above its native size", "repeating it as a background"]
    return tuple(suits), tuple(avoid)
