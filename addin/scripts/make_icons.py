"""Draw Folio's add-in icons (an open catalogue on the accent colour) as PNGs, no dependencies.

    python3 addin/scripts/make_icons.py   # writes addin/public/assets/icon-{16,32,64,80,128}.png
"""
import struct
import zlib
from pathlib import Path

ACCENT = (15, 108, 189)
WHITE = (255, 255, 255)
LINE = (15, 108, 189)
SIZES = (16, 32, 64, 80, 128)
SS = 4  # supersampling per axis


def rounded_rect(x, y, x0, y0, x1, y1, r):
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        return False
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def shade(u, v):
    """Colour and alpha at (u, v) in the unit square."""
    if not rounded_rect(u, v, 0.02, 0.02, 0.98, 0.98, 0.18):
        return None
    # two pages of an open catalogue
    left = rounded_rect(u, v, 0.17, 0.22, 0.48, 0.80, 0.04)
    right = rounded_rect(u, v, 0.52, 0.22, 0.83, 0.80, 0.04)
    if left or right:
        # text lines on the pages
        for top in (0.34, 0.46, 0.58):
            if top <= v <= top + 0.05:
                if left and 0.23 <= u <= (0.42 if top < 0.5 else 0.34):
                    return LINE
                if right and 0.58 <= u <= 0.77 and top < 0.5:
                    return LINE
        if right and 0.58 <= u <= 0.77 and 0.58 <= v <= 0.72:
            return (120, 180, 230)  # a picture slot
        return WHITE
    return ACCENT


def render(size):
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            acc = [0.0, 0.0, 0.0]
            hits = 0
            for sy in range(SS):
                for sx in range(SS):
                    c = shade((x + (sx + 0.5) / SS) / size, (y + (sy + 0.5) / SS) / size)
                    if c is not None:
                        hits += 1
                        for i in range(3):
                            acc[i] += c[i]
            a = hits / (SS * SS)
            rgb = [int(round(acc[i] / hits)) if hits else 0 for i in range(3)]
            row += bytes(rgb + [int(round(a * 255))])
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main():
    out = Path(__file__).resolve().parents[1] / "public" / "assets"
    out.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        (out / f"icon-{size}.png").write_bytes(render(size))
        print(out / f"icon-{size}.png")


if __name__ == "__main__":
    main()
