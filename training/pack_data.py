"""Packs the anime training set into a compact copy that can travel to a GPU machine.

  /usr/bin/python3 training/pack_data.py --out training/data-pack

The device tool sends at most 64 MiB with the working tree, and the set is about 130 MB of PNG and
JPEG. The pack keeps what training needs and shrinks the rest:
- sprites: WebP with the alpha lossless (byte-exact) and the colours lossy (quality 90; a mean
  difference of about 2 of 255 inside the character, less than the JPEG artefacts that every
  composite gets anyway), at their own size;
- backgrounds: WebP (quality 90), downscaled to 640 px on the long side at most (a composite crops
  at least 30 % of a background's area and resizes it to 256-320 px, so 640 px keeps all the detail
  training uses);
- manifest.csv: the same columns, with the new file names and sizes.
For a run that tests whether the lossy colours cost the real pictures (docs/models/anime-seg.md, "A
run on a GPU"), `--fg-lossless` keeps the sprites' colours exact too (lossless WebP), and
`--fg-frac F` keeps about F of the training sprites, whole characters drawn by `--seed`, so that
such a pack still fits the 64 MiB (the held-out sources' sprites are all kept: the run validates
on them):
  /usr/bin/python3 training/pack_data.py --out training/data-pack-lossless --fg-lossless --fg-frac 0.35
The files in data.EXCLUDE are left out (their names change here, so the exclusion could not match).
Composites made from the pack are therefore close to, not byte-identical with, those of the set.
The pack is written to <out>.tmp and renamed into place when complete. Third-party data: keep it out
of commits (training/data-pack/ is ignored).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import sys

from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as D  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--src", default=D.DATA_DIR, help="the training set (manifest.csv, fg/, bg/)")
    p.add_argument("--out", required=True)
    p.add_argument("--fg-quality", type=int, default=90, help="WebP quality of the sprites' colours (alpha is lossless)")
    p.add_argument("--bg-quality", type=int, default=90)
    p.add_argument("--bg-long", type=int, default=640, help="backgrounds' long side at most, px")
    p.add_argument("--fg-lossless", action="store_true", help="the sprites' colours lossless too (exact)")
    p.add_argument("--fg-frac", type=float, default=1.0, help="keep about this share of the training sprites, whole characters")
    p.add_argument("--seed", type=int, default=1, help="draws the characters --fg-frac keeps")
    return p.parse_args(argv)


def kept_characters(rows: list, frac: float, seed: int) -> set:
    """The training characters (repo/character, as data.py groups them) a pack of about `frac` of
    the training sprites keeps: characters in a seeded order until that many sprites; every
    held-out (VAL_REPOS) character is kept."""
    count, repo = {}, {}
    for r in rows:
        if r["kind"] == "fg" and r["file"] not in D.EXCLUDE:
            key = D.character_of(r)
            count[key] = count.get(key, 0) + 1
            repo[key] = r["repo"]
    val = {k for k in count if repo[k] in D.VAL_REPOS}
    train = sorted(k for k in count if k not in val)
    random.Random(seed).shuffle(train)
    want = frac * sum(count[k] for k in train)
    keep, n = set(val), 0
    for k in train:
        if n >= want:
            break
        keep.add(k)
        n += count[k]
    return keep


def check_out(src: str, out: str) -> None:
    """Exits unless `out` may be replaced by the pack: absent, empty, or an earlier pack (manifest.csv,
    fg/, bg/ and WebP files only). A folder of anything else was deleted without a word, and --out
    naming the set itself would have replaced it."""
    real_src, real_out = os.path.realpath(src), os.path.realpath(out)
    if real_out == real_src or real_src.startswith(real_out + os.sep):
        sys.exit(f"pack_data: --out {out} is the set packed from ({src}) or holds it: name a folder of its own")
    if not os.path.isdir(out):
        if os.path.exists(out):
            sys.exit(f"pack_data: --out {out} is a file: name a folder")
        return
    names = set(os.listdir(out))
    is_pack = names <= {"manifest.csv", "fg", "bg"} and all(
        n.endswith(".webp") for d in ("fg", "bg") if os.path.isdir(os.path.join(out, d)) for n in os.listdir(os.path.join(out, d)))
    if not is_pack:
        sys.exit(f"pack_data: --out {out} holds other files than a pack's ({', '.join(sorted(names)[:5])}): it would be replaced; "
                 "name a new folder, or remove it first")


def pack(src: str, out: str, fg_quality: int = 90, bg_quality: int = 90, bg_long: int = 640, fg_lossless: bool = False, fg_frac: float = 1.0, seed: int = 1) -> dict:
    check_out(src, out)
    tmp = out + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(tmp, "fg"))
    os.makedirs(os.path.join(tmp, "bg"))
    with open(os.path.join(src, "manifest.csv"), newline="") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames
        rows = list(reader)
    characters = kept_characters(rows, fg_frac, seed) if fg_frac < 1 else None
    kept = []
    counts = {"fg": 0, "bg": 0, "skipped": 0, "left_out": 0}
    for row in rows:
        if row["file"] in D.EXCLUDE:
            counts["skipped"] += 1
            continue
        if characters is not None and row["kind"] == "fg" and D.character_of(row) not in characters:
            counts["left_out"] += 1
            continue
        kind = row["kind"]
        name = os.path.splitext(row["file"])[0] + ".webp"
        im = Image.open(os.path.join(src, row["file"]))
        if kind == "fg" and fg_lossless:
            im.convert("RGBA").save(os.path.join(tmp, name), "WEBP", lossless=True, quality=100, method=4)
        elif kind == "fg":
            im.convert("RGBA").save(os.path.join(tmp, name), "WEBP", quality=fg_quality, alpha_quality=100, method=6)
        else:
            im = im.convert("RGB")
            scale = bg_long / max(im.size)
            if scale < 1:
                im = im.resize((max(1, round(im.width * scale)), max(1, round(im.height * scale))), Image.LANCZOS)
            im.save(os.path.join(tmp, name), "WEBP", quality=bg_quality, method=6)
        counts[kind] += 1
        kept.append({**row, "file": name, "width": str(im.width), "height": str(im.height)})
    with open(os.path.join(tmp, "manifest.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(kept)
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)
    size = sum(os.path.getsize(os.path.join(d, n)) for d, _, names in os.walk(out) for n in names)
    return {**counts, "bytes": size, "mib": round(size / 2**20, 1)}


def main(argv=None):
    a = parse_args(argv)
    print(json.dumps(pack(a.src, a.out, a.fg_quality, a.bg_quality, a.bg_long, a.fg_lossless, a.fg_frac, a.seed)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
