"""Reads 8-bit PNGs with the standard library only: enough to check the Teams icons pixel by pixel."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # colour type → samples per pixel (greyscale, RGB, grey+alpha, RGBA)


@dataclass(frozen=True)
class Image:
    width: int
    height: int
    has_alpha: bool
    pixels: tuple[tuple[int, int, int, int], ...]  # RGBA, row by row

    def pixel(self, x: int, y: int) -> tuple[int, int, int, int]:
        return self.pixels[y * self.width + x]


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(raw: bytes, width: int, height: int, bpp: int) -> list[bytearray]:
    stride = width * bpp
    rows: list[bytearray] = []
    previous = bytearray(stride)
    position = 0
    for _ in range(height):
        kind, line = raw[position], bytearray(raw[position + 1 : position + 1 + stride])
        position += 1 + stride
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, up_left = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                line[i] = (line[i] + _paeth(left, up, up_left)) & 0xFF
            elif kind != 0:
                raise ValueError(f"unknown PNG filter {kind}")
        rows.append(line)
        previous = line
    return rows


def read_png(data: bytes) -> Image:
    if data[:8] != SIGNATURE:
        raise ValueError("not a PNG file")
    position, header, idat = 8, None, b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind, body = data[position + 4 : position + 8], data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("PNG without IHDR")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in CHANNELS or interlace:
        raise ValueError(f"only 8-bit, non-interlaced, non-palette PNGs are read here (depth {depth}, colour type {colour})")
    bpp = CHANNELS[colour]
    pixels = []
    for row in _unfilter(zlib.decompress(idat), width, height, bpp):
        for x in range(width):
            sample = row[x * bpp : (x + 1) * bpp]
            if colour == 6:
                pixels.append(tuple(sample))
            elif colour == 2:
                pixels.append((*sample, 255))
            elif colour == 4:
                pixels.append((sample[0], sample[0], sample[0], sample[1]))
            else:
                pixels.append((sample[0], sample[0], sample[0], 255))
    return Image(width, height, colour in (4, 6), tuple(pixels))
