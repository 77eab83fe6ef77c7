"""Typed, frozen models: the manifest after validation, the IDF, and what a run produces.

No stage ever sees a raw dict: the manifest loader turns validated YAML into these objects
at once, and every hook receives and returns them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "IDF",
    "Asset",
    "Author",
    "Background",
    "ColorProfile",
    "CommitSettings",
    "Contrast",
    "Coverage",
    "Dimensions",
    "ExtractorConfig",
    "ExtractorInfo",
    "Layout",
    "Limits",
    "Manifest",
    "OutputFile",
    "PaletteColour",
    "Semantic",
    "Source",
    "Tileability",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- the manifest --------------------------------------------------------------------------

DEFAULT_NAMING: Mapping[str, str] = {
    "patterns": "{slug}-tile-{size}.png",
    "wallpapers": "texture-{mode}-{slug}-{width}.png",
    "motifs": "motif-{slug}-{style}-{size}.png",
    "icons": "{slug}-{purpose}-{size}.png",
    "*": "{slug}-{width}.png",
}
"""Public file name per category; ``*`` serves every category not named."""

DEFAULT_COMMIT_MESSAGE = "feat(assets): Add batch {title} - Assets {asset_numbers}"


class ExtractorConfig(_Frozen):
    """Which extractor runs (``local``, ``http`` or a plugin's name) and its options."""

    name: str = "local"
    options: Mapping[str, Any] = Field(default_factory=dict)


class Limits(_Frozen):
    """Batch limits: at most ``max_assets`` assets, each scoring at least ``min_score``."""

    max_assets: int = 5
    min_score: float = 90
    concurrency: int = 5


class Layout(_Frozen):
    """Where packages and public files go, relative to the repository root."""

    packages: str = "assets"
    package_dir: str = "{asset_id}-{slug}"
    public: str = "frontend/public/assets"


class Author(_Frozen):
    """A git identity."""

    name: str
    email: str


class CommitSettings(_Frozen):
    """The commit message template and, optionally, its author."""

    message: str = DEFAULT_COMMIT_MESSAGE
    author: Author | None = None


class Asset(_Frozen):
    """One asset of a batch, with its source resolved against the manifest's folder."""

    asset_id: str
    path: Path
    """Absolute path of the source PNG."""
    source: str
    """The path as written in the manifest."""
    score: float
    name: str
    slug: str
    category: str
    specs: Mapping[str, Any] = Field(default_factory=dict)
    line: int | None = None
    """The manifest line where this asset starts, for error messages."""

    @property
    def number(self) -> str:
        """The asset's number for commit messages: trailing digits of its id, or the id."""
        digits = ""
        for char in reversed(self.asset_id):
            if not char.isdigit():
                break
            digits = char + digits
        return str(int(digits)) if digits else self.asset_id


class Manifest(_Frozen):
    """A validated batch manifest."""

    path: Path
    """Absolute path of the manifest file."""
    display_path: str
    """The path as the user gave it, for messages."""
    batch_id: str
    title: str
    extractor: ExtractorConfig = ExtractorConfig()
    limits: Limits = Limits()
    layout: Layout = Layout()
    naming: Mapping[str, str] = Field(default_factory=lambda: dict(DEFAULT_NAMING))
    templates: Path | None = None
    commit: CommitSettings = CommitSettings()
    assets: tuple[Asset, ...]

    def naming_for(self, category: str) -> str:
        """The public file-name pattern for a category."""
        return self.naming.get(category) or self.naming["*"]


# --- the IDF (image design facts) ----------------------------------------------------------

Hex = str


class Source(_Frozen):
    """The image file the facts were measured from."""

    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    bytes: int = Field(ge=0)


class ColorProfile(_Frozen):
    """An image's embedded ICC profile and whether its pixels were converted to sRGB."""

    name: str
    """The profile's description, e.g. ``Display P3``."""
    converted: bool
    """True when the values were converted to sRGB before measuring; False for an sRGB-like
    profile (nothing to convert) or a non-RGB one (left as the file has it)."""


class Dimensions(_Frozen):
    """Size and format, read from the PNG header (bit depth) and the decoder (mode)."""

    width: int = Field(ge=1)
    height: int = Field(ge=1)
    mode: str
    """The decoder's mode (``RGB``, ``RGBA``, ``P``, ``L``, ``I;16`` …)."""
    color_type: Literal["grey", "rgb", "palette", "grey-alpha", "rgba"]
    bit_depth: int
    alpha: bool
    """True when the image carries transparency (alpha channel or tRNS)."""
    frames: int = 1
    color_profile: ColorProfile | None = None
    """The embedded ICC profile (iCCP), if any; colours are always reported in sRGB."""


class Background(_Frozen):
    """The colour the image sits on: what covers most of its border."""

    hex: Hex = Field(pattern=r"^#[0-9a-f]{6}$")
    rgb: tuple[int, int, int]
    coverage: float = Field(ge=0, le=1)
    """Share of the opaque pixels in the background's colour cluster."""


class PaletteColour(_Frozen):
    """One colour of the palette with the share of opaque pixels nearest to it."""

    hex: Hex = Field(pattern=r"^#[0-9a-f]{6}$")
    rgb: tuple[int, int, int]
    coverage: float = Field(ge=0, le=1)
    role: Literal["background", "primary", "accent"]


class Coverage(_Frozen):
    """How much of each region is covered by something other than the background.

    ``grid`` is 3 rows of 3 shares (top row first); the named zones are the seed's.
    """

    overall: float = Field(ge=0, le=1)
    grid: tuple[tuple[float, float, float], tuple[float, float, float], tuple[float, float, float]]
    upper_left: float = Field(ge=0, le=1)
    central: float = Field(ge=0, le=1)
    lower_right: float = Field(ge=0, le=1)


class Tileability(_Frozen):
    """Seam error across opposite edges, in mean CIELAB ΔE per edge pixel.

    ``interior_error`` is the same measure between neighbouring interior rows/columns: an
    edge pair no worse than the image's own texture tiles without a visible seam.
    """

    seam_error_horizontal: float = Field(ge=0)
    """Left edge against right edge."""
    seam_error_vertical: float = Field(ge=0)
    """Top edge against bottom edge."""
    interior_error: float = Field(ge=0)
    tileable: bool
    plain_edges: bool = False
    """The edges and the strips beside them are plain (a border, a flat or transparent ground):
    such an image repeats without a seam whatever it shows, so ``tileable`` says nothing about
    the picture continuing across the edge."""


class Contrast(_Frozen):
    """WCAG 2 contrast of one palette colour against the background."""

    hex: Hex
    ratio: float = Field(ge=1)
    aa_normal: bool
    aa_large: bool
    aaa_normal: bool


class Semantic(_Frozen):
    """Facts a vision model gives: what the image shows and what it is for.

    Bounded so a rambling or hostile reply cannot flood the package files; ``mode`` uses the
    same words as the measured :attr:`IDF.mode` because naming patterns may use it.
    """

    motifs: tuple[Annotated[str, Field(min_length=1, max_length=60)], ...] = Field(default=(), max_length=12)
    mode: Literal["dark", "light"] | None = None
    purpose: str | None = Field(default=None, min_length=1, max_length=120)
    narrative: str | None = Field(default=None, min_length=1, max_length=1200)


class ExtractorInfo(_Frozen):
    """Which extractor produced the facts (and, for a vision model, which model)."""

    name: str
    version: str
    model: str | None = None


class IDF(_Frozen):
    """Image design facts: everything batchproc knows about one image."""

    schema_version: Literal[1] = 1
    source: Source
    dimensions: Dimensions
    transparent_share: float = Field(ge=0, le=1)
    """Share of pixels that are (mostly) transparent and so ignored for colour."""
    background: Background | None
    """None when the image has no opaque pixels."""
    mode: Literal["dark", "light"]
    """Measured from the background's luminance (transparent counts as light)."""
    palette: tuple[PaletteColour, ...] = Field(max_length=8)
    coverage: Coverage
    tileability: Tileability
    contrast: tuple[Contrast, ...]
    extractor: ExtractorInfo
    semantic: Semantic | None = None


class OutputFile(_Frozen):
    """A file a stage wants in the commit, at a path relative to the repository root."""

    path: str
    data: bytes
    asset_id: str
    kind: str
    """What it is (``context``, ``tokens``, ``usage``, ``public`` or a plugin's word)."""
