"""Contact sheet of cut-outs: for each NAME.png frame in --frames, the frame and its cut-out
(--cutouts/NAME.png, RGBA from `cutout anime`) over a checkerboard, side by side, in a grid.
Several cut-out folders (comma-separated, e.g. two models) give one checkerboard column each.

  /usr/bin/python3 training/contact_sheet.py --frames F --cutouts C[,C2] --out docs/anime/clips-contact-sheet.png [--only animatediff_]
"""
from __future__ import annotations

import argparse
import os

from PIL import Image, ImageDraw

TILE = 200


def checker(w, h, s=10):
    im = Image.new("RGB", (w, h), (255, 255, 255))
    d = ImageDraw.Draw(im)
    for y in range(0, h, s):
        for x in range(0, w, s):
            if (x // s + y // s) % 2:
                d.rectangle([x, y, x + s - 1, y + s - 1], fill=(205, 205, 205))
    return im


def fit(im, size=TILE):
    w, h = im.size
    k = size / max(w, h)
    return im.resize((max(1, round(w * k)), max(1, round(h * k))), Image.LANCZOS)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--frames", required=True)
    p.add_argument("--cutouts", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--only", default="")
    p.add_argument("--cols", type=int, default=2)
    a = p.parse_args()
    names = sorted(n for n in os.listdir(a.frames) if n.endswith(".png") and n.startswith(a.only))
    if not names:
        p.error(f"--frames {a.frames} holds no .png frames{f' starting with {a.only!r}' if a.only else ''}")
    pairs = []
    folders = a.cutouts.split(",")
    for n in names:
        src = Image.open(os.path.join(a.frames, n)).convert("RGB")
        tile = Image.new("RGB", ((1 + len(folders)) * (TILE + 8) + 4, TILE + 18), (255, 255, 255))
        tile.paste(fit(src), (0, 0))
        for k, folder in enumerate(folders):
            cp = os.path.join(folder, n)
            if not os.path.exists(cp):
                cp = os.path.join(folder, n[:-4] + "_cutout.png")
            c = fit(Image.open(cp).convert("RGBA"))
            bg = checker(*c.size)
            bg.paste(c, (0, 0), c)
            tile.paste(bg, ((k + 1) * (TILE + 8), 0))
        ImageDraw.Draw(tile).text((2, TILE + 4), n[:-4], fill=(0, 0, 0))
        pairs.append(tile)
    rows = (len(pairs) + a.cols - 1) // a.cols
    tw, th = pairs[0].size
    sheet = Image.new("RGB", (a.cols * (tw + 10), rows * (th + 6)), (255, 255, 255))
    for i, t in enumerate(pairs):
        sheet.paste(t, ((i % a.cols) * (tw + 10), (i // a.cols) * (th + 6)))
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    sheet.save(a.out, optimize=True)
    print(a.out, sheet.size)


if __name__ == "__main__":
    main()
