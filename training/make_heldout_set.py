"""Writes held-out-source composites as an evaluation set that `cutout eval` reads (images/*.jpg,
alpha/*.png), so choices about the app's inference (sizes, model fusion, refinement) can be made with
the real TypeScript pipeline without looking at /work/shared/eval. Only the validation split
(data.VAL_REPOS) is used; the files stay outside the repository (third-party material).

  /usr/bin/python3 training/make_heldout_set.py --recipe v3 --n 48 --canvas 640 --out /tmp/heldout-v3
  node bin/cutout.mjs eval --set /tmp/heldout-v3 --task anime

--skip-occluded leaves out the composites with an occluder in front (same stream, same names, fewer
files): recipe v6 labels a shape over a character as a held prop, where v1..v5 drew it as scenery,
so v6-trained weights are compared with older ones on the composites both agree on.
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as D  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--recipe", default="v1", choices=sorted(D.RECIPES))
    p.add_argument("--n", type=int, default=48)
    p.add_argument("--canvas", type=int, default=640)
    p.add_argument("--seed", type=int, default=D.HELDOUT_SEED, help="default: the stream eval_val.py scores (same composites)")
    p.add_argument("--data-dir", default=D.DATA_DIR)
    p.add_argument("--skip-occluded", action="store_true", help="leave out composites with an occluder in front")
    a = p.parse_args()
    val = D.split(D.load_dataset(a.data_dir), "val")
    infos = []
    x, y = D.make_batch(val, a.canvas, a.n, a.seed, 0, a.recipe, infos)
    os.makedirs(os.path.join(a.out, "images"), exist_ok=True)
    os.makedirs(os.path.join(a.out, "alpha"), exist_ok=True)
    kept = [i for i in range(a.n) if not (a.skip_occluded and infos[i].get("occluder"))]
    for i in kept:
        name = f"{a.recipe}_{i:03d}"
        img = (x[i].transpose(1, 2, 0) * 255 + 0.5).astype(np.uint8)
        Image.fromarray(img).save(os.path.join(a.out, "images", name + ".jpg"), quality=95, subsampling=0)
        Image.fromarray((y[i, 0] * 255 + 0.5).astype(np.uint8)).save(os.path.join(a.out, "alpha", name + ".png"))
    print(a.out, len(kept))


if __name__ == "__main__":
    main()
