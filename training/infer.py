"""Runs the PyTorch AnimeSegNet, with the weights read back from a shipped ONNX file (or a
checkpoint), on one image with training's preprocessing: RGB, v / 255, NCHW, no resize (the
image's sides must be multiples of 16), with the manifest's flip average and temperature when
asked. Writes the probability map as raw little-endian float32
(H x W) and prints its shape. Used by tests/integration/anime-seg.test.ts for TS/PyTorch parity.

  /usr/bin/python3 training/infer.py --weights resources/models/anime-seg.onnx --image in.png --out mask.f32
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import AnimeSegNet, load_net  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--weights", required=True)
    p.add_argument("--image", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--flip", action="store_true", help="average with the mirrored image's prediction (the manifest's flipAverage)")
    p.add_argument("--temperature", type=float, default=1.0,
                   help="temperature scaling of the map, sigmoid(logit(p) / T) (the manifest's output.temperature)")
    a = p.parse_args()
    torch.set_num_threads(1)
    net = load_net(a.weights)
    net.eval()
    rgb = np.asarray(Image.open(a.image).convert("RGB"), dtype=np.float32) / 255.0
    h, w = rgb.shape[:2]
    if h % AnimeSegNet.STRIDE or w % AnimeSegNet.STRIDE:
        sys.exit(f"image sides must be multiples of {AnimeSegNet.STRIDE}, got {w}x{h}")
    x = torch.from_numpy(rgb).permute(2, 0, 1)[None].contiguous()
    with torch.no_grad():
        prob = torch.sigmoid(net(x))
        if a.flip:
            prob = 0.5 * (prob + torch.flip(torch.sigmoid(net(torch.flip(x, dims=[3]))), dims=[3]))
        if a.temperature != 1.0:
            q = prob.clamp(1e-6, 1 - 1e-6)
            prob = torch.sigmoid(torch.log(q / (1 - q)) / a.temperature)
        prob = prob[0, 0].numpy().astype("<f4")
    prob.tofile(a.out)
    print(json.dumps({"width": w, "height": h}))


if __name__ == "__main__":
    main()
