"""Draws the Teams app icons into `appPackage/` (research §6.3), with only the standard library.

- `color.png`: 192×192, full bleed (Teams applies its own mask), the medal inside the central
  120×120 safe area.
- `outline.png`: 32×32, white on transparent, as Teams requires for the app bar.

The PNGs are committed; run `python tools/make_icons.py` again only after changing the drawing.
Shapes are tested per pixel on a 4×4 grid of sub-samples, so edges are anti-aliased.
"""

from __future__ import annotations

import math
import struct
import sys
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

Shape = Callable[[float, float], bool]
RGB = tuple[int, int, int]

ACCENT: RGB = (15, 108, 189)  # #0F6CBD, also the manifest's accentColor
GOLD: RGB = (255, 185, 0)
WHITE: RGB = (255, 255, 255)
SAMPLES = 4


def circle(cx: float, cy: float, r: float) -> Shape:
    return lambda x, y: (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def ring(cx: float, cy: float, outer: float, inner: float) -> Shape:
    return lambda x, y: inner * inner <= (x - cx) ** 2 + (y - cy) ** 2 <= outer * outer


def polygon(points: Sequence[tuple[float, float]]) -> Shape:
    """Even-odd rule: a point is inside when a ray to the right crosses the edges an odd number of times."""

    def inside(x: float, y: float) -> bool:
        crossings = False
        for (x1, y1), (x2, y2) in zip(points, [*points[1:], points[0]]):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                crossings = not crossings
        return crossings

    return inside


def star(cx: float, cy: float, outer: float, inner: float) -> Shape:
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return polygon(points)


def ribbon(cx: float, top: float, bottom: float, width: float, lean: float, notch: float) -> Shape:
    """One tail of the medal's ribbon: a slanted band with a V cut at its end."""
    return polygon([
        (cx, top),
        (cx + width, top),
        (cx + width + lean, bottom),
        (cx + width / 2 + lean, bottom - notch),
        (cx + lean, bottom),
    ])


def render(size: int, background: RGB | None, layers: Sequence[tuple[Shape, RGB]]) -> list[list[tuple[int, int, int, int]]]:
    """RGBA rows; each pixel composites the layers in order by their sub-sample coverage."""
    rows = []
    for py in range(size):
        row = []
        for px in range(size):
            r, g, b, a = (*background, 1.0) if background else (0.0, 0.0, 0.0, 0.0)
            for shape, color in layers:
                hits = sum(
                    shape(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES) for sx in range(SAMPLES) for sy in range(SAMPLES)
                )
                if not hits:
                    continue
                cover = hits / SAMPLES**2
                out_a = cover + a * (1 - cover)
                r, g, b = ((c * cover + old * a * (1 - cover)) / out_a for c, old in zip(color, (r, g, b)))
                a = out_a
            row.append((round(r), round(g), round(b), round(a * 255)))
        rows.append(row)
    return rows


def png(rows: list[list[tuple[int, int, int, int]]]) -> bytes:
    """An 8-bit RGBA PNG, every scanline with filter 0."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    height, width = len(rows), len(rows[0])
    raw = b"".join(b"\x00" + bytes(channel for pixel in row for channel in pixel) for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def color_icon() -> bytes:
    """The medal on the accent colour: ribbon tails, a white disc, a gold star; all within 36..156."""
    return png(render(192, ACCENT, [
        (ribbon(70, 104, 156, 22, -8, 10), WHITE),
        (ribbon(100, 104, 156, 22, 8, 10), WHITE),
        (circle(96, 84, 48), WHITE),
        (ring(96, 84, 40, 36), GOLD),
        (star(96, 84, 26, 11), GOLD),
    ]))


def outline_icon() -> bytes:
    """The same medal in white strokes on transparent: a ring, a filled star, two tails."""
    return png(render(32, None, [
        (ribbon(10.5, 19, 30, 4, -1.5, 2), WHITE),
        (ribbon(17.5, 19, 30, 4, 1.5, 2), WHITE),
        (ring(16, 12.5, 10.5, 8.5), WHITE),
        (star(16, 12.5, 6.5, 2.8), WHITE),
    ]))


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "color.png").write_bytes(color_icon())
    (folder / "outline.png").write_bytes(outline_icon())


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "appPackage")
