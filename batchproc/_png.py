"""The PNG's structure, checked from its bytes before anything is decoded (no Pillow here).

A hostile header (60000x60000, a wrong CRC, a JPEG named .png) is refused at no cost, so
``validate`` can check images as cheaply as it checks YAML.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from batchproc.errors import ExtractionError, InputError

MAX_PIXELS = 80_000_000
"""Largest image measured. Covers 8K textures (8192x8192 is 67 MP) and stays below Pillow's own
decompression-bomb warning (89 MP), so Pillow never warns and its global limit is left alone."""

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HEADER_BYTES = 33
"""Signature and IHDR: all :func:`read_png_header` needs."""
COLOR_TYPES = {0: "grey", 2: "rgb", 3: "palette", 4: "grey-alpha", 6: "rgba"}
_BIT_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
_OTHER_FORMATS = (  # (signature, offset, name) for files that are some other image format
    (b"\xff\xd8\xff", 0, "JPEG"),
    (b"GIF8", 0, "GIF"),
    (b"WEBP", 8, "WebP"),
    (b"BM", 0, "BMP"),
    (b"II*\x00", 0, "TIFF"),
    (b"MM\x00*", 0, "TIFF"),
    (b"8BPS", 0, "Photoshop (PSD)"),
    (b"%PDF", 0, "PDF"),
    (b"ftypavif", 4, "AVIF"),
    (b"ftypheic", 4, "HEIC"),
    (b"\x00\x00\x01\x00", 0, "ICO"),
    (b"<svg", 0, "SVG"),
    (b"<?xml", 0, "XML (SVG?)"),
)


def image_format(data: bytes) -> str | None:
    """What image format ``data`` starts as, by its signature: ``"PNG"``, ``"JPEG"``, … or None."""
    if data.startswith(PNG_SIGNATURE):
        return "PNG"
    for signature, offset, name in _OTHER_FORMATS:
        if data[offset : offset + len(signature)] == signature:
            return name
    return None


@dataclass(frozen=True)
class PngHeader:
    """The PNG's IHDR chunk, read from the file's bytes."""

    width: int
    height: int
    bit_depth: int
    color_type: int
    interlace: int

    @property
    def color_type_name(self) -> str:
        """The colour type as the IDF names it (``grey``, ``rgb``, ``palette`` …)."""
        return COLOR_TYPES[self.color_type]


def read_png_header(data: bytes, *, file: str) -> PngHeader:
    """Check the signature and IHDR of a PNG's bytes (its first 33 are enough).

    Raises :class:`InputError` with one line saying what is wrong and how to fix it; nothing
    is decoded, so a header claiming billions of pixels is refused at no cost.
    """

    def fail(message: str) -> InputError:
        return InputError(message, file=file)

    if not data:
        raise fail("file is empty; export the image as PNG")
    if not data.startswith(PNG_SIGNATURE):
        name = image_format(data)
        if name is not None:
            raise fail(f"is a {name} file, not a PNG; export it as PNG")
        if sum(a == b for a, b in zip(data[:8], PNG_SIGNATURE)) >= 5:  # mangled in transit
            raise fail("has a damaged PNG signature (copied as text?); re-export it")
        raise fail("is not a PNG file; export it as PNG")
    if len(data) < 16 or data[12:16] != b"IHDR" or data[8:12] != struct.pack(">I", 13):
        raise fail("has no PNG header (IHDR chunk); re-export it")
    if len(data) < 33:
        raise fail("PNG header is truncated; re-export it")
    if zlib.crc32(data[12:29]) != struct.unpack(">I", data[29:33])[0]:
        raise fail("PNG header fails its CRC check (the file is corrupt); re-export it")
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(">IIBBBBB", data[16:29])
    if colour not in _BIT_DEPTHS:
        raise fail(f"PNG header has an invalid colour type {colour}; re-export it")
    if depth not in _BIT_DEPTHS[colour]:
        name = COLOR_TYPES[colour]
        raise fail(f"PNG header has an invalid bit depth {depth} for colour type {name}; re-export it")
    for value, what in ((compression, "compression"), (filtering, "filter"), (interlace, "interlace")):
        if value > (1 if what == "interlace" else 0):
            raise fail(f"PNG header has an unknown {what} method {value}; re-export it")
    if width == 0 or height == 0:
        raise fail(f"PNG header says the image is {width}x{height} pixels; re-export it")
    if width * height > MAX_PIXELS:
        raise fail(
            f"image is {width}x{height} pixels, above the {MAX_PIXELS // 1_000_000} megapixel limit; scale it down"
        )
    return PngHeader(width, height, depth, colour, interlace)


def check_chunks(data: bytes, *, file: str) -> None:
    """Walk every chunk after the header: lengths, CRCs, image data present and in one run.

    Pillow only notices a bad IDAT CRC in ``verify()``, which cannot be combined with
    decoding; walking the chunks ourselves is cheap (``zlib.crc32`` runs at GB/s).
    Raises :class:`ExtractionError`.
    """

    def fail(message: str) -> ExtractionError:
        return ExtractionError(message, file=file)

    offset, idat_runs, previous = 8, 0, b""
    while True:
        if offset + 8 > len(data):
            raise fail("image data is truncated (no IEND chunk); re-export the file")
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        name = kind.decode("latin-1")
        if not kind.isalpha():
            raise fail(f"has a damaged chunk at byte {offset} (the file is corrupt); re-export it")
        end = offset + 12 + length
        if end > len(data):
            raise fail(f"image data is truncated (chunk {name} runs past the end); re-export the file")
        if zlib.crc32(data[offset + 4 : end - 4]) != struct.unpack(">I", data[end - 4 : end])[0]:
            raise fail(f"chunk {name} fails its CRC check (the file is corrupt); re-export it")
        if kind == b"IDAT" and previous != b"IDAT":
            idat_runs += 1
            if idat_runs > 1:
                raise fail("image data (IDAT) is split by other chunks (the file is corrupt); re-export it")
        if kind == b"IEND":
            break
        previous, offset = kind, end
    if idat_runs == 0:
        raise fail("has no image data (IDAT chunk); re-export the file")
