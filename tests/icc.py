"""A real Display P3 ICC profile, written byte by byte for the tests (no profile file needed).

ICC.1:2010 (v4.3) matrix/TRC display profile: Display P3 primaries adapted to the D50 PCS with
the Bradford matrix, the sRGB transfer curve as a parametric curve, D65 media white. lcms (in
Pillow's ImageCms) reads it like Apple's own "Display P3" profile.
"""

from __future__ import annotations

import struct

# Display P3 (DCI-P3 primaries, D65 white) linear RGB to XYZ, and XYZ to linear sRGB.
P3_TO_XYZ = ((0.4865709, 0.2656677, 0.1982173), (0.2289746, 0.6917385, 0.0792869), (0.0, 0.0451134, 1.0439444))
XYZ_TO_SRGB = ((3.2404542, -1.5371385, -0.4985314), (-0.9692660, 1.8760108, 0.0415560), (0.0556434, -0.2040259, 1.0572252))
BRADFORD_D65_TO_D50 = ((1.0478112, 0.0228866, -0.0501270), (0.0295424, 0.9904844, -0.0170491), (-0.0092345, 0.0150436, 0.7521316))
D50 = (0.9642, 1.0, 0.8249)
NAME = "Display P3 (batchproc test)"


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _matmul(a: tuple[tuple[float, ...], ...], b: tuple[tuple[float, ...], ...]) -> list[list[float]]:
    return [[sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)] for i in range(3)]


def _mluc(text: str) -> bytes:
    body = text.encode("utf-16-be")
    return b"mluc" + bytes(4) + struct.pack(">II", 1, 12) + b"enUS" + struct.pack(">II", len(body), 28) + body


def _xyz(x: float, y: float, z: float) -> bytes:
    return b"XYZ " + bytes(4) + _s15(x) + _s15(y) + _s15(z)


def display_p3_profile() -> bytes:
    """The profile's bytes, ready for ``Image.save(..., icc_profile=...)``."""
    colorants = _matmul(BRADFORD_D65_TO_D50, P3_TO_XYZ)  # columns: red, green, blue in D50 XYZ
    srgb_curve = b"para" + bytes(4) + struct.pack(">HH", 3, 0)
    srgb_curve += b"".join(_s15(v) for v in (2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045))
    chad = b"sf32" + bytes(4) + b"".join(_s15(v) for row in BRADFORD_D65_TO_D50 for v in row)
    tags = [
        (b"desc", _mluc(NAME)),
        (b"cprt", _mluc("No copyright, use freely")),
        (b"wtpt", _xyz(*D50)),
        (b"chad", chad),
        (b"rXYZ", _xyz(*(colorants[i][0] for i in range(3)))),
        (b"gXYZ", _xyz(*(colorants[i][1] for i in range(3)))),
        (b"bXYZ", _xyz(*(colorants[i][2] for i in range(3)))),
        (b"rTRC", srgb_curve),
        (b"gTRC", srgb_curve),
        (b"bTRC", srgb_curve),
    ]
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    table, data = struct.pack(">I", len(tags)), b""
    for signature, body in tags:
        body += bytes(-len(body) % 4)  # every tag starts on a 4-byte boundary
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = 128 + table_size + len(data)
    header = struct.pack(">I", size) + b"lcms" + struct.pack(">I", 0x04300000) + b"mntrRGB XYZ "
    header += struct.pack(">6H", 2026, 12, 3, 0, 0, 0) + b"acsp" + bytes(24) + struct.pack(">I", 0)
    header += b"".join(_s15(v) for v in D50) + bytes(4) + bytes(16) + bytes(28)
    assert len(header) == 128
    return header + table + data


def p3_to_srgb(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    """What a colour-managed viewer shows for 8-bit Display P3 values, as unclipped 8-bit sRGB."""

    def linear(v: float) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    def encode(v: float) -> float:
        v = min(max(v, 0.0), 1.0)
        return 255 * (12.92 * v if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055)

    lin = [linear(v) for v in rgb]
    xyz = [sum(P3_TO_XYZ[i][k] * lin[k] for k in range(3)) for i in range(3)]
    out = [sum(XYZ_TO_SRGB[i][k] * xyz[k] for k in range(3)) for i in range(3)]
    return encode(out[0]), encode(out[1]), encode(out[2])
