"""Measure a PNG's design facts; the only module in batchproc that imports Pillow.

The PNG's structure is checked from its bytes first (:mod:`batchproc._png`), so a hostile
header costs nothing; then Pillow decodes the image and every measurement works on one
normalised 8-bit RGBA picture, so a palette, a 16-bit or a greyscale PNG gives the same answer
as its 8-bit RGB twin.
"""

from __future__ import annotations

import array
import hashlib
import io
import math
import struct
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageCms, ImageFilter, ImageMath

from batchproc._color import LAB_DELTA, LINEAR, SRGB_TO_XYZ, WHITE, contrast_ratio, relative_luminance, rgb_to_hex
from batchproc._palette import Colour, cluster, merge_close, representative
from batchproc._png import MAX_PIXELS, PngHeader, check_chunks, read_png_header
from batchproc._tileability import EDGE_POINTS, Box, Pair, tileability
from batchproc.errors import ExtractionError, InputError

__all__ = ["MAX_PIXELS", "extract_palette", "measure", "normalised_pixels", "read_png_header"]

SAMPLE_PIXELS = 250_000
"""Colours are measured on a nearest-neighbour sample this big: real pixels, bounded time."""

QUANTISE_PIXELS = 4_096
"""Palette colours are chosen on a smaller sample still: on the design corpus 4k pixels give a
palette within 0.1 ΔE76 of 20k pixels' fidelity in a third of the time (benchmarks/palette.py)."""

REPRESENTATIVE_PIXELS = 4_096
"""Each palette colour is a real colour of a sample this small: cheap to search in Python."""

CANDIDATES = 64
"""Octree colours handed to the CIELAB k-means: enough to split any 8-colour palette well."""

PALETTE_SIZE = 8

DARK_LUMINANCE = 0.18
"""Below this WCAG luminance a background is dark: at 0.179 white and black text have equal
contrast against it, so below it light text reads better."""

# --- decoding ------------------------------------------------------------------------------

# Pillow's words for image data cut short, whichever stage notices it first.
_TRUNCATED = ("image file is truncated", "Truncated File Read")


def _decode(data: bytes, file: str) -> Image.Image:
    """Decode frame 0 fully, turning every decoder complaint into one ExtractionError line."""
    try:
        image = Image.open(io.BytesIO(data), formats=["PNG"])
        image.load()
    except Image.DecompressionBombError as exc:
        raise ExtractionError(f"image is too large to decode safely ({exc}); scale it down", file=file) from exc
    except (OSError, ValueError, SyntaxError, EOFError, zlib.error, struct.error) as exc:
        if any(word in str(exc) for word in _TRUNCATED):
            message = "image data is truncated; re-export the file"
        elif "MAX_TEXT_CHUNK" in str(exc):  # Pillow's guard against zTXt/iTXt bombs
            message = "a text chunk expands to more than 1 MB (a decompression bomb?); re-export without metadata"
        else:
            message = f"cannot decode the image ({exc}); re-export the file"
        raise ExtractionError(message, file=file) from exc
    if image.format != "PNG":  # defensive: read_png_header already checked the signature
        raise ExtractionError(f"decodes as {image.format}, not PNG; export it as PNG", file=file)
    return image


def _transparency_key(image: Image.Image, header: PngHeader) -> Any:
    """The tRNS colour key in the 8-bit values Pillow decoded, or None.

    Pillow scales 1/2/4-bit grey pixels up to 8 bits and keeps 16-bit RGB as its high bytes,
    but hands back the key as written in the file; left alone, the key would match nothing.
    """
    key = image.info.get("transparency")
    if key is None or image.mode in ("P", "I;16", "I;16B", "I;16L", "I"):
        return key  # palette alpha is per entry; 16-bit grey is matched in 16 bits
    if isinstance(key, tuple) and header.bit_depth == 16:
        return tuple(value >> 8 for value in key)
    if isinstance(key, int) and header.color_type == 0 and header.bit_depth < 8:
        return key * 255 // (2**header.bit_depth - 1)
    return key


def _to_rgba(part: Image.Image, key: Any) -> Image.Image:
    """Any PNG mode to 8-bit RGBA: palettes expanded, tRNS applied, 16-bit grey scaled."""
    if part.mode.startswith("I"):
        if part.mode == "I":
            part = part.convert("I;16")
        grey = part.point(lambda value: value / 257 + 0.5).convert("L")  # scale, never clip
        alpha = Image.new("L", part.size, 255)
        if isinstance(key, int):
            # The raw 16-bit values as two 8-bit bands (low byte, high byte) to match the key.
            halves = Image.frombytes("LA", part.size, part.tobytes("raw", "I;16"))
            low = halves.getchannel("L").point(lambda v: 255 if v == key & 0xFF else 0)
            high = halves.getchannel("A").point(lambda v: 255 if v == key >> 8 else 0)
            alpha = ImageChops.invert(ImageChops.multiply(low, high))
        return Image.merge("RGBA", (grey, grey, grey, alpha))
    if part.mode == "RGBA":
        return part  # already what every measurement reads (and never writes)
    if part.mode == "1":
        part = part.convert("L")
    part.info.pop("transparency", None)
    if key is not None:
        part.info["transparency"] = key
    return part.convert("RGBA")


def _sample(image: Image.Image, pixels: int = SAMPLE_PIXELS) -> Image.Image:
    """The image itself (not a copy), or a nearest-neighbour sample (real colours) of ``pixels``."""
    width, height = image.size
    if width * height <= pixels:
        return image
    factor = math.sqrt(width * height / pixels)
    size = (max(1, round(width / factor)), max(1, round(height / factor)))
    return image.resize(size, Image.Resampling.NEAREST)


# --- measuring -----------------------------------------------------------------------------


def measure(path: Path) -> dict[str, Any]:
    """Measure one PNG: every IDF field except ``extractor`` and ``semantic``.

    ``IDF.model_validate({**measure(path), "extractor": {...}})`` gives the full facts.
    Raises :class:`InputError` for a file that is not a usable PNG and
    :class:`ExtractionError` for one whose image data cannot be decoded.
    """
    file = str(path)
    data, header, decoded, decoded_key = _open(path)
    image, key, profile = _in_srgb(decoded, decoded_key)
    colours = _Colours(_to_rgba(_sample(image), key))
    background = colours.background()
    return {
        "source": {"path": file, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)},
        "dimensions": {
            "width": header.width,
            "height": header.height,
            "mode": decoded.mode,
            "color_type": header.color_type_name,
            "bit_depth": header.bit_depth,
            "alpha": header.color_type in (4, 6) or "transparency" in decoded.info,
            "frames": getattr(decoded, "n_frames", 1),
            "color_profile": profile,
        },
        "transparent_share": _round(colours.transparent_share),
        "background": background,
        "mode": _mode(background),
        "palette": colours.palette(),
        "coverage": colours.coverage(),
        "tileability": _tileability(image, key),
        "contrast": colours.contrast(),
    }


def _open(path: Path) -> tuple[bytes, PngHeader, Image.Image, Any]:
    """Read, check and decode one PNG: its bytes, header, decoded image and tRNS key."""
    file = str(path)
    try:
        data = path.read_bytes()  # read once: hash, header and decoder share these bytes
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror}); check the path", file=file) from exc
    header = read_png_header(data, file=file)
    check_chunks(data, file=file)
    image = _decode(data, file)
    return data, header, image, _transparency_key(image, header)


def extract_palette(path: Path) -> list[Colour]:
    """The palette colours ``measure`` reports, without the rest: for benchmarks against peers."""
    image, key, _ = _in_srgb(*_open(path)[2:])
    rgba = _to_rgba(_sample(image), key)
    threshold = _alpha_threshold(rgba.getchannel("A"))
    return [] if threshold is None else _choose_colours(rgba, threshold)[0]


def normalised_pixels(path: Path) -> Image.Image:
    """The full-resolution 8-bit sRGB RGBA picture every measurement starts from."""
    image, key, _ = _in_srgb(*_open(path)[2:])
    return _to_rgba(image, key)


_PROBE = [(v, w, x) for v in (0, 60, 128, 200, 255) for w in (0, 128, 255) for x in (0, 90, 255)]
"""Colours that tell an sRGB-like profile (each maps to itself within 1) from any other."""


def _in_srgb(image: Image.Image, key: Any) -> tuple[Image.Image, Any, dict[str, Any] | None]:
    """The image in sRGB, its tRNS key, and what its embedded profile (iCCP) was.

    Browsers show a Display P3 or Adobe RGB PNG through its profile, so a colour measured from
    the raw values would be wrong by up to 20 ΔE. An RGB profile that is not sRGB-like has its
    pixels converted to sRGB (relative colorimetric, as browsers do); an sRGB profile, a grey
    one or an unreadable one leaves the values as they are (a browser ignores a broken one).
    """
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "P"):
        return image, key, None
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        name = (ImageCms.getProfileDescription(source) or "").strip() or "unnamed"
        if source.profile.xcolor_space.strip() != "RGB":
            return image, key, {"name": name, "converted": False}
        transform = ImageCms.buildTransform(source, _srgb_profile(), "RGBA", "RGBA")
        probe = Image.new("RGBA", (len(_PROBE), 1))
        probe.putdata([(*colour, 255) for colour in _PROBE])
        mapped = ImageCms.applyTransform(probe, transform)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image, key, None
    assert mapped is not None
    if all(abs(a - b) <= 1 for a, b in zip(probe.tobytes(), mapped.tobytes())):
        return image, key, {"name": name, "converted": False}
    rgba = _to_rgba(image, key)  # the tRNS key applies to the file's values, before converting
    converted = ImageCms.applyTransform(rgba, transform)
    assert converted is not None
    return converted, None, {"name": name, "converted": True}


_SRGB: list[Any] = []


def _srgb_profile() -> Any:
    """lcms's built-in sRGB profile, made once (building it costs a millisecond)."""
    if not _SRGB:
        _SRGB.append(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")))
    return _SRGB[0]


def _round(value: float) -> float:
    return round(value, 4)


def _mode(background: dict[str, Any] | None) -> str:
    if background is None:
        return "light"  # nothing behind the image: the page decides, and pages default light
    return "dark" if relative_luminance(background["rgb"]) < DARK_LUMINANCE else "light"


def _colours_under(rgb: Image.Image, mask: Image.Image, limit: int) -> list[tuple[int, Colour]] | None:
    """The exact colours (count, rgb) of the pixels under ``mask``; None if more than ``limit``."""
    if mask.getextrema() == (255, 255):  # the common case, an opaque image: no compositing
        every = rgb.getcolors(limit)
        return None if every is None else list(every)
    # Pixels outside the mask all become (0, 0, 0, 0): one entry, told apart by its alpha.
    picked = Image.composite(rgb, Image.new("RGB", rgb.size), mask)
    found = Image.merge("RGBA", (*picked.split(), mask)).getcolors(limit + 1)
    if found is None:
        return None
    colours = [(count, (r, g, b)) for count, (r, g, b, a) in found if a]
    return colours if len(colours) <= limit else None


def _alpha_threshold(alpha: Image.Image) -> int | None:
    """The alpha from which a pixel counts for colour; None when nothing is visible.

    Mostly transparent pixels are ignored for colour; a faint-only image uses what it has.
    """
    histogram = alpha.histogram()
    return 128 if sum(histogram[128:]) else 1 if sum(histogram[1:]) else None


def _selector(value: int) -> list[int]:
    """A point() table: 255 where a label image holds ``value``, 0 elsewhere."""
    table = [0] * 256
    table[value] = 255
    return table


def _exact_colours(rgba: Image.Image, threshold: int) -> list[Colour] | None:
    """The counted pixels' exact colours, commonest first, if there are at most PALETTE_SIZE.

    None also when the pixels hold more than a few hundred RGBA values, counted or not: the
    clustering then finds the same colours, only more slowly.
    """
    found = rgba.getcolors(_EXACT_LIMIT)
    if found is None:
        return None
    counts: dict[Colour, int] = {}
    for count, (red, green, blue, alpha) in found:
        if alpha >= threshold:
            counts[(red, green, blue)] = counts.get((red, green, blue), 0) + count
    if len(counts) > PALETTE_SIZE:
        return None
    return [colour for colour, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


_EXACT_LIMIT = 256


def _choose_colours(rgba: Image.Image, threshold: int) -> tuple[list[Colour], bool]:
    """The palette's colours (real image colours, commonest first) and whether they are exact.

    Up to PALETTE_SIZE exact colours are the palette as they are. Otherwise Pillow's octree
    cuts a small sample into candidate colours (each the mean of its pixels), k-means in
    CIELAB (``_palette.cluster``) groups the candidates, and each group is represented by the
    real colour of a still smaller sample nearest the group's mean. Uncounted pixels carry
    alpha 0 into the octree, so they fall into candidates of their own and are never counted.
    """
    few = _exact_colours(rgba, threshold)
    if few is not None:
        return few, True
    small = _sample(rgba, QUANTISE_PIXELS)
    *bands, alpha = small.split()
    mask = alpha.point([0] * threshold + [255] * (256 - threshold))
    rgb = Image.merge("RGB", bands)
    # Candidates come from a median-filtered copy: sensor or dither noise would otherwise split
    # one painted fill into several near-identical candidates and so several palette colours.
    smooth = rgb.filter(ImageFilter.MedianFilter(3))
    quantised = Image.merge("RGBA", (*smooth.split(), mask)).quantize(CANDIDATES, Image.Quantize.FASTOCTREE)
    indices = Image.frombytes("L", rgb.size, quantised.tobytes())
    counts = indices.histogram(mask=mask)
    flat = quantised.getpalette() or []
    used = [index for index in range(256) if counts[index]]
    candidates: list[tuple[int, Colour]] = [(counts[i], tuple(flat[3 * i : 3 * i + 3])) for i in used]  # type: ignore[misc]
    groups = cluster(candidates, PALETTE_SIZE)
    lut = [255] * 256
    for index, group in zip(used, groups):
        lut[index] = group
    # Every group's real colours in one pass: the label rides in the alpha band (255 = none).
    labels = indices.point(lut)
    found = _sample(Image.merge("RGBA", (*rgb.split(), labels)), REPRESENTATIVE_PIXELS)
    members: list[list[tuple[int, Colour]]] = [[] for _ in range(max(groups) + 1)]
    for count, (red, green, blue, label) in found.getcolors(REPRESENTATIVE_PIXELS) or []:
        if label != 255:
            members[label].append((count, (red, green, blue)))
    # Each group's pixel count and summed colour, in one pass over the candidates.
    sums = [[0, 0, 0, 0] for _ in members]
    for (count, (red, green, blue)), group in zip(candidates, groups):
        total = sums[group]
        total[0] += count
        total[1] += count * red
        total[2] += count * green
        total[3] += count * blue
    chosen = []
    for group, colours in enumerate(members):
        weight = sums[group][0]
        if not weight:
            continue  # a k-means centre that ended with no candidates
        mean = [channel / weight for channel in sums[group][1:]]
        if not colours:
            # A group too thin to show in the small sample is still a colour of the image:
            # its nearest real colour to the mean is found in the larger sample instead.
            colours = _colours_under(rgb, labels.point(_selector(group)), QUANTISE_PIXELS) or []
        chosen.append((weight, representative(colours, mean)))
    return merge_close([colour for _, colour in sorted(chosen, reverse=True)]), False


class _Colours:
    """Palette, background and coverage of one normalised RGBA sample."""

    def __init__(self, rgba: Image.Image) -> None:
        self.size = rgba.size
        self.total = rgba.width * rgba.height
        alpha = rgba.getchannel("A")
        histogram = alpha.histogram()
        self.threshold = threshold = _alpha_threshold(alpha) or 1
        self.rgba = rgba
        self.counted = sum(histogram[threshold:])
        self.transparent_share = 1 - self.counted / self.total
        self.mask = alpha.point(lambda a: 255 if a >= threshold else 0)
        self.rgb = rgba.convert("RGB")
        self.counts: list[int] = []  # pixels per cluster, in label order (a centre may get none)
        self.representatives: list[Colour | None] = []
        self.labels = Image.new("L", self.size, 255)  # 255 = not counted
        self.background_index: int | None = None
        if self.counted:
            self._cluster()
            self._find_background()

    def _cluster(self) -> None:
        centres, exact = _choose_colours(self.rgba, self.threshold)
        self.labels = self._label_exact(centres) if exact else self._label_nearest(centres)
        self.counts = self.labels.histogram()[: len(centres)]
        self.representatives = [colour if count else None for colour, count in zip(centres, self.counts)]

    def _label_exact(self, colours: list[tuple[int, int, int]]) -> Image.Image:
        """Label each counted pixel with the index of its exact colour (255 when not counted).

        Pillow's palette mapping goes through an approximate cache that can swap colours one
        step apart, so the few-colour case matches channels exactly instead.
        """
        labels = Image.new("L", self.size, 255)
        bands = self.rgb.split()
        for index, colour in enumerate(colours):
            equal = [band.point(lambda v, want=want: 255 if v == want else 0) for band, want in zip(bands, colour)]
            labels.paste(index, mask=ImageChops.multiply(ImageChops.multiply(equal[0], equal[1]), equal[2]))
        labels.paste(255, mask=ImageChops.invert(self.mask))
        return labels

    def _label_nearest(self, centres: list[tuple[int, int, int]]) -> Image.Image:
        """Label each counted pixel with its nearest centre's index (255 when not counted)."""
        palette_image = Image.new("P", (1, 1))
        # Repeat the centres to fill all 256 entries: no padding black for a pixel to snap to.
        palette_image.putpalette([v for i in range(256) for v in centres[i % len(centres)]])
        indices = self.rgb.quantize(palette=palette_image, dither=Image.Dither.NONE)
        labels = Image.frombytes("L", self.size, indices.tobytes())
        labels = labels.point(lambda index: index % len(centres))
        labels.paste(255, mask=ImageChops.invert(self.mask))
        return labels

    def _find_background(self) -> None:
        """The cluster covering most of the opaque border, if the border is mostly opaque."""
        width, height = self.size
        frame = Image.new("L", self.size, 255)
        if width > 2 and height > 2:
            frame.paste(0, (1, 1, width - 1, height - 1))
        border = self.labels.histogram(mask=frame)
        if sum(border[:255]) * 2 < sum(border):
            return  # a transparent frame: the image sits on the page, not on a colour
        best = max(range(len(self.counts)), key=lambda i: (border[i], self.counts[i]))
        self.background_index = best

    def background(self) -> dict[str, Any] | None:
        """The IDF ``background``: the border's colour cluster, or None."""
        if self.background_index is None:
            return None
        rgb = self.representatives[self.background_index]
        assert rgb is not None  # the border's cluster has pixels
        share = self.counts[self.background_index] / self.counted
        return {"hex": rgb_to_hex(rgb), "rgb": rgb, "coverage": _round(share)}

    def palette(self) -> list[dict[str, Any]]:
        """The IDF ``palette``: most coverage first, roles by background and share."""
        entries = []
        for index, (count, rgb) in enumerate(zip(self.counts, self.representatives)):
            if rgb is None:
                continue
            share = count / self.counted
            role = "background" if index == self.background_index else "primary" if share >= 0.15 else "accent"
            entries.append({"hex": rgb_to_hex(rgb), "rgb": rgb, "coverage": _round(share), "role": role})
        return sorted(entries, key=lambda entry: (-entry["coverage"], entry["hex"]))

    def contrast(self) -> list[dict[str, Any]]:
        """WCAG contrast of each non-background palette colour against the background."""
        background = self.background()
        if background is None:
            return []
        rows = []
        for entry in self.palette():
            if entry["role"] == "background":
                continue
            ratio = contrast_ratio(entry["rgb"], background["rgb"])
            rows.append(
                {
                    "hex": entry["hex"],
                    "ratio": round(ratio, 2),
                    "aa_normal": ratio >= 4.5,
                    "aa_large": ratio >= 3,
                    "aaa_normal": ratio >= 7,
                }
            )
        return rows

    def coverage(self) -> dict[str, Any]:
        """Share of each third of the image covered by something other than the background."""
        skip = self.background_index
        covered = self.labels.point(lambda label: 0 if label in (255, skip) else 255)
        width, height = self.size
        xs = [0, round(width / 3), round(2 * width / 3), width]
        ys = [0, round(height / 3), round(2 * height / 3), height]
        grid = []
        for row in range(3):
            cells = []
            for col in range(3):
                area = (xs[col + 1] - xs[col]) * (ys[row + 1] - ys[row])
                box = (xs[col], ys[row], xs[col + 1], ys[row + 1])
                cells.append(_round(covered.crop(box).histogram()[255] / area) if area else 0.0)
            grid.append(cells)
        overall = covered.histogram()[255] / self.total
        return {
            "overall": _round(overall),
            "grid": grid,
            "upper_left": grid[0][0],
            "central": grid[1][1],
            "lower_right": grid[2][2],
        }


# --- tileability ---------------------------------------------------------------------------

_BACKDROP = (128, 128, 128, 255)  # semi-transparent edges are compared as seen on mid-grey


def _tileability(image: Image.Image, key: Any) -> dict[str, Any]:
    """Seam errors and the verdict (``_tileability.tileability``), measured with Pillow."""
    return tileability(image.width, image.height, lambda pairs: _mean_strip_errors(image, key, pairs))


def _mean_strip_errors(image: Image.Image, key: Any, pairs: Sequence[Pair]) -> list[float]:
    """The mean CIELAB ΔE76 between the two strips of each pair, every pair in one go.

    The strips of one direction become the rows of one small picture (columns turned on their
    side, each resampled to at most EDGE_POINTS pixels): first strips above, second strips
    below. That picture is seen on mid-grey and turned into CIELAB float bands, and the ΔE of
    every pixel pair and each row's mean come out of Pillow's C loops. Python would spend a
    few milliseconds per image here, holding the lock every other asset's thread waits for.
    """
    errors = [0.0] * len(pairs)
    directions: dict[bool, list[int]] = {}
    for index, (first, _) in enumerate(pairs):
        directions.setdefault(_is_column(first, image.height), []).append(index)
    for column, indices in directions.items():
        points = min(EDGE_POINTS, image.height if column else image.width)
        boxes = [pairs[i][0] for i in indices] + [pairs[i][1] for i in indices]
        rows = image.crop((0, 0, points, len(boxes)))  # the image's mode, palette and tRNS; filled below
        for row, box in enumerate(boxes):
            strip = image.crop(box)
            if column:
                strip = strip.transpose(Image.Transpose.TRANSPOSE)
            rows.paste(strip.resize((points, 1), Image.Resampling.NEAREST), (0, row))
        rgba = _to_rgba(rows, key)
        lab = _lab_bands(Image.alpha_composite(Image.new("RGBA", rgba.size, _BACKDROP), rgba).convert("RGB"))
        count = len(indices)
        first = [band.crop((0, 0, points, count)) for band in lab]
        second = [band.crop((0, count, points, 2 * count)) for band in lab]
        delta = ImageMath.lambda_eval(
            lambda b: ((b["l1"] - b["l2"]) ** 2 + (b["a1"] - b["a2"]) ** 2 + (b["b1"] - b["b2"]) ** 2) ** 0.5,
            **dict(zip(("l1", "a1", "b1"), first)),
            **dict(zip(("l2", "a2", "b2"), second)),
        )
        # A box filter down to one pixel per row is each row's mean.
        means = array.array("f", delta.resize((1, count), Image.Resampling.BOX).tobytes())
        for index, mean in zip(indices, means):
            errors[index] = float(mean)
    return errors


def _is_column(box: Box, height: int) -> bool:
    left, top, right, bottom = box
    return right - left == 1 and bottom - top == height


def _lab_bands(rgb: Image.Image) -> tuple[Image.Image, Image.Image, Image.Image]:
    """CIELAB L*, a*, b* of an RGB picture as float bands: ``_color.rgb_to_lab`` for every pixel."""
    linear = [band.point(list(LINEAR), "F") for band in rgb.split()]
    cube = LAB_DELTA**3
    toe = 3 * LAB_DELTA**2

    def f(row: tuple[float, float, float], white: float) -> Image.Image:
        # One XYZ component over its white, through CIELAB's cube root with its linear toe.
        red, green, blue = (k / white for k in row)
        return ImageMath.lambda_eval(
            lambda b: (
                ((t := red * b["r"] + green * b["g"] + blue * b["b"]) > cube) * t ** (1 / 3)
                + (t <= cube) * (t / toe + 4 / 29)
            ),
            r=linear[0],
            g=linear[1],
            b=linear[2],
        )

    fx, fy, fz = (f(row, white) for row, white in zip(SRGB_TO_XYZ, WHITE))
    return (
        ImageMath.lambda_eval(lambda b: 116 * b["y"] - 16, y=fy),
        ImageMath.lambda_eval(lambda b: 500 * (b["x"] - b["y"]), x=fx, y=fy),
        ImageMath.lambda_eval(lambda b: 200 * (b["y"] - b["z"]), y=fy, z=fz),
    )
