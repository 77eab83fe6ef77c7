"""Colour math in pure Python: hex and RGB, sRGB to CIELAB, ΔE, WCAG contrast.

No dependencies, so the measuring code, the templates and the tests share one definition of
each formula. RGB values are 8-bit sRGB triples; CIELAB uses the D65 white point.
"""

from __future__ import annotations

import math

__all__ = [
    "RGB",
    "Lab",
    "contrast_ratio",
    "delta_e76",
    "delta_e2000",
    "hex_to_rgb",
    "relative_luminance",
    "rgb_to_hex",
    "rgb_to_lab",
]

RGB = tuple[int, int, int]
Lab = tuple[float, float, float]

# D65 reference white (CIE 1931 2° observer), the white point of sRGB.
WHITE = (0.95047, 1.0, 1.08883)


def hex_to_rgb(value: str) -> RGB:
    """``"#1a0f1f"`` (or ``"1A0F1F"``, or short ``"#abc"``) to ``(26, 15, 31)``."""
    text = value.strip().removeprefix("#")
    if len(text) == 3:
        text = "".join(char * 2 for char in text)
    if len(text) != 6:
        raise ValueError(f"{value!r} is not a #rrggbb colour")
    number = int(text, 16)  # raises ValueError on non-hex digits
    return (number >> 16) & 0xFF, (number >> 8) & 0xFF, number & 0xFF


def rgb_to_hex(rgb: tuple[int, int, int]) -> str:
    """``(26, 15, 31)`` to ``"#1a0f1f"`` (lower case, as the IDF stores it)."""
    red, green, blue = (max(0, min(255, round(channel))) for channel in rgb)
    return f"#{red:02x}{green:02x}{blue:02x}"


def _decode_srgb(channel: float) -> float:
    """One 8-bit sRGB channel to linear light (the sRGB transfer function, inverted)."""
    c = channel / 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


LINEAR = tuple(_decode_srgb(value) for value in range(256))
"""Linear light of each 8-bit sRGB value: a lookup table, since measuring converts many pixels."""

SRGB_TO_XYZ = (
    (0.4124564, 0.3575761, 0.1804375),
    (0.2126729, 0.7151522, 0.0721750),
    (0.0193339, 0.1191920, 0.9503041),
)
"""Linear sRGB to CIE XYZ (D65), each row one of X, Y, Z."""

LAB_DELTA = 6 / 29
"""Where CIELAB's cube root gives way to a straight line near black."""


def _linear(channel: float) -> float:
    return LINEAR[channel] if isinstance(channel, int) and 0 <= channel <= 255 else _decode_srgb(channel)


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance: 0.0 for black, 1.0 for white."""
    red, green, blue = (_linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio between two colours, from 1.0 (same) to 21.0 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _lab_f(t: float) -> float:
    # The CIE cube root with its linear toe near black (avoids an infinite slope at 0).
    return t ** (1 / 3) if t > LAB_DELTA**3 else t / (3 * LAB_DELTA**2) + 4 / 29


def rgb_to_lab(rgb: tuple[int, int, int]) -> Lab:
    """8-bit sRGB to CIELAB (D65): L* from 0 to 100, a* and b* roughly -128 to 127."""
    red, green, blue = (_linear(channel) for channel in rgb)
    (xr, xg, xb), (yr, yg, yb), (zr, zg, zb) = SRGB_TO_XYZ
    fx = _lab_f((xr * red + xg * green + xb * blue) / WHITE[0])
    fy = _lab_f((yr * red + yg * green + yb * blue) / WHITE[1])
    fz = _lab_f((zr * red + zg * green + zb * blue) / WHITE[2])
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e76(first: Lab, second: Lab) -> float:
    """CIE76 ΔE: the Euclidean distance in CIELAB (about 2.3 is a just-noticeable difference)."""
    return math.dist(first, second)


def delta_e2000(first: Lab, second: Lab) -> float:
    """CIEDE2000 ΔE (kL = kC = kH = 1): closer to perceived difference than ΔE76.

    Follows Sharma, Wu and Dalal (2005), including the hue wrap-around cases.
    """
    l1, a1, b1 = first
    l2, a2, b2 = second
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1p, a2p = a1 * (1 + g), a2 * (1 + g)
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0

    dl = l2 - l1
    dc = c2p - c1p
    if c1p * c2p == 0:
        dh = 0.0
    elif abs(h2p - h1p) <= 180:
        dh = h2p - h1p
    elif h2p - h1p > 180:
        dh = h2p - h1p - 360
    else:
        dh = h2p - h1p + 360
    dh_big = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))

    l_mean = (l1 + l2) / 2
    cp_mean = (c1p + c2p) / 2
    if c1p * c2p == 0:
        hp_mean = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hp_mean = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        hp_mean = (h1p + h2p + 360) / 2
    else:
        hp_mean = (h1p + h2p - 360) / 2

    t = (
        1
        - 0.17 * math.cos(math.radians(hp_mean - 30))
        + 0.24 * math.cos(math.radians(2 * hp_mean))
        + 0.32 * math.cos(math.radians(3 * hp_mean + 6))
        - 0.20 * math.cos(math.radians(4 * hp_mean - 63))
    )
    d_theta = 30 * math.exp(-(((hp_mean - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_mean**7 / (cp_mean**7 + 25**7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (dh_big / s_h) ** 2 + r_t * (dc / s_c) * (dh_big / s_h))
