"""Scores a checkpoint on held-out-source composites at several inference sizes (to choose the
manifest's reference input size without touching /work/shared/eval).

  /usr/bin/python3 training/eval_val.py --ckpt training/runs/main/best.pt --canvas 640 --n 48 --sizes 256,320,384,448,512
  /usr/bin/python3 training/eval_val.py --ckpt ... --sizes 320,320+448 --flip   (test-time averaging)

Composites are made at --canvas px from the validation sources (data.VAL_REPOS); each is resized
(Lanczos, like the app's sharp lanczos3) so its long side is the inference size, run, and the
probability map is upsampled bilinearly to the canvas. fg/bg IoU at 0.5, as `cutout eval` does.
A size "320+448" averages the probability maps of both sizes; --flip also averages each with the
prediction on the mirrored image. --recipe picks the composite recipe (data.RECIPES).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as D  # noqa: E402
from model import AnimeSegNet, load_net  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ckpt", required=True, help="a checkpoint, or an exported ONNX (its weights are read back)")
    p.add_argument("--canvas", type=int, default=640)
    p.add_argument("--n", type=int, default=48)
    p.add_argument("--sizes", default="256,320,384,448,512")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--flip", action="store_true", help="average with the horizontally mirrored prediction")
    p.add_argument("--recipe", default="v1", choices=sorted(D.RECIPES))
    a = p.parse_args()
    try:
        groups = [[int(v) for v in key.split("+")] for key in a.sizes.split(",")]
    except ValueError:
        p.error(f"--sizes is sizes like 256,320 or 320+448, got {a.sizes!r}")
    bad = [v for g in groups for v in g if v <= 0 or v % AnimeSegNet.STRIDE]
    if bad:
        p.error(f"--sizes must be positive multiples of {AnimeSegNet.STRIDE}, got {bad}")
    if a.n < 1:
        p.error(f"--n must be at least 1, got {a.n}")
    torch.set_num_threads(a.threads)
    net = load_net(a.ckpt)
    net.eval()
    val = D.split(D.load_dataset(), "val")
    x, y = D.make_batch(val, a.canvas, a.n, D.HELDOUT_SEED, 0, a.recipe)
    out = {}

    def predict(img: np.ndarray, size: int) -> np.ndarray:
        im = Image.fromarray((img.transpose(1, 2, 0) * 255 + 0.5).astype(np.uint8)).resize((size, size), Image.LANCZOS)
        t = torch.from_numpy(np.asarray(im, np.float32) / 255).permute(2, 0, 1)[None]
        with torch.no_grad():
            pr = torch.sigmoid(net(t))
            if a.flip:
                pr = 0.5 * (pr + torch.flip(torch.sigmoid(net(torch.flip(t, dims=[3]))), dims=[3]))
        return F.interpolate(pr, size=(a.canvas, a.canvas), mode="bilinear", align_corners=False)[0, 0].numpy()

    for key in a.sizes.split(","):
        sizes = [int(v) for v in key.split("+")]
        inter = union = inter_b = union_b = 0
        for i in range(a.n):
            pr = sum(predict(x[i], s) for s in sizes) / len(sizes)
            pb, yb = pr > 0.5, y[i, 0] > 0.5
            inter += (pb & yb).sum(); union += (pb | yb).sum()
            inter_b += (~pb & ~yb).sum(); union_b += (~pb | ~yb).sum()
        fg, bg = inter / union, inter_b / union_b
        out[key] = {"fg_iou": round(float(fg), 4), "bg_iou": round(float(bg), 4), "mean_iou": round(float(fg + bg) / 2, 4)}
        print(key, out[key], flush=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
