"""Damage a real PNG's bytes in one precise way, for tests of what each damage gives."""

from __future__ import annotations

import struct
import zlib


def damage_idat(data: bytes, *, fix_crc: bool) -> bytes:
    """Break the first IDAT's zlib header; with ``fix_crc`` the chunk's CRC still matches, so
    only decoding the pixels notices, otherwise the chunk walk already does."""
    out = bytearray(data)
    at = out.index(b"IDAT")
    length = struct.unpack(">I", out[at - 4 : at])[0]
    out[at + 4 : at + 6] = b"\x00\x00"  # compression method 0 does not exist
    crc = zlib.crc32(bytes(out[at : at + 4 + length]))
    out[at + 4 + length : at + 8 + length] = struct.pack(">I", crc if fix_crc else crc ^ 0xFFFF)
    return bytes(out)
