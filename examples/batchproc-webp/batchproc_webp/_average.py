"""The ``average`` extractor: one colour, the mean of the opaque pixels, measured with Pillow."""

from __future__ import annotations

import hashlib
from pathlib import Path

from batchproc import IDF, ExtractionError
from PIL import Image, ImageStat, UnidentifiedImageError

OPAQUE = 128
COLOR_TYPES = {"1": "grey", "L": "grey", "I;16": "grey", "LA": "grey-alpha", "P": "palette", "RGB": "rgb", "RGBA": "rgba"}


def measure_average(path: Path, source: str, name: str, version: str) -> IDF:
    """Facts of a flat image: its mean colour is the background and the only palette colour."""
    data = path.read_bytes()
    try:
        with Image.open(path) as image:
            rgba = image.convert("RGBA")
            mode, bit_depth = image.mode, 16 if image.mode.startswith("I;16") else 8
    except (UnidentifiedImageError, OSError) as error:
        raise ExtractionError(f"{source}: cannot be decoded ({error})") from None
    alpha = rgba.getchannel("A")
    mask = alpha.point(lambda value: 255 if value >= OPAQUE else 0)
    opaque = mask.histogram()[255]
    total = rgba.width * rgba.height
    background = None
    palette: list[dict] = []
    luminance = 1.0
    if opaque:
        rgb = tuple(round(v) for v in ImageStat.Stat(rgba.convert("RGB"), mask).mean)
        hex_colour = "#" + "".join(f"{v:02x}" for v in rgb)
        background = {"hex": hex_colour, "rgb": rgb, "coverage": 1.0}
        palette = [{"hex": hex_colour, "rgb": rgb, "coverage": 1.0, "role": "background"}]
        luminance = (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255
    grid = ((0.0, 0.0, 0.0),) * 3
    return IDF.model_validate(
        {
            "source": {"path": source, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)},
            "dimensions": {
                "width": rgba.width,
                "height": rgba.height,
                "mode": mode,
                "color_type": COLOR_TYPES.get(mode, "rgba" if "A" in mode else "rgb"),
                "bit_depth": bit_depth,
                "alpha": "A" in mode or "transparency" in rgba.info,
            },
            "transparent_share": round(1 - opaque / total, 4),
            "background": background,
            "mode": "dark" if luminance < 0.5 else "light",
            "palette": palette,
            # One colour covers everything, so nothing stands out from the background anywhere.
            "coverage": {"overall": 0.0, "grid": grid, "upper_left": 0.0, "central": 0.0, "lower_right": 0.0},
            # Not measured: this extractor only looks at the mean; say so rather than guess "tileable".
            "tileability": {"seam_error_horizontal": 0.0, "seam_error_vertical": 0.0, "interior_error": 0.0, "tileable": False},
            "contrast": [],
            "extractor": {"name": name, "version": version},
        }
    )
