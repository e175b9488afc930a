"""Exports a trained AnimeSegNet checkpoint to ONNX (opset 13, dynamic batch / height / width).

  /usr/bin/python3 training/export.py --ckpt training/runs/main/best.pt --out resources/models/anime-seg.onnx

Graph: input "image" float32 N x 3 x H x W, RGB, v / 255 (H, W multiples of 16);
output "mask" float32 N x 1 x H x W, foreground probability (sigmoid applied in the graph).
Prints sha256, bytes, params and the manifest fields that must match training's preprocessing.
"""
from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import count_params, load_net, read_checkpoint, state_of, write_npz  # noqa: E402


class WithSigmoid(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, image):
        return torch.sigmoid(self.net(image))


def export(ckpt: str, out: str, opset: int = 13, npz: str | None = None) -> dict:
    ck = read_checkpoint(ckpt)  # read once: the weights and the step they were saved at
    if npz:  # first, so the weights come back even if this torch's ONNX exporter fails
        write_npz(state_of(ck), npz, ck.get("step"))
    net = load_net(ckpt, state=state_of(ck)).eval()
    model = WithSigmoid(net).eval()
    dummy = torch.rand(1, 3, 256, 256)
    tmp = out + ".tmp"
    # Newer torch exports through torch.export by default; the TorchScript exporter is the one that
    # wrote every shipped file (opset 13, dynamic axes as below).
    legacy = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    torch.onnx.export(
        model, dummy, tmp, opset_version=opset, input_names=["image"], output_names=["mask"],
        dynamic_axes={"image": {0: "batch", 2: "height", 3: "width"}, "mask": {0: "batch", 2: "height", 3: "width"}},
        do_constant_folding=True, **legacy,
    )
    import onnx
    m = onnx.load(tmp)
    onnx.checker.check_model(m)
    meta = {
        "producer": "Cutout Studio training/export.py",
        "checkpoint_step": str(ck.get("step", "")),
        "licence": "Apache-2.0 (fine-tuned from MediaPipe Selfie Segmentation, Apache-2.0)",
        "preprocess": "RGB, NCHW, v/255, H and W multiples of 16",
    }
    for k, v in meta.items():
        p = m.metadata_props.add()
        p.key, p.value = k, v
    onnx.save(m, tmp)
    os.replace(tmp, out)
    data = open(out, "rb").read()
    return {"file": out, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "params": count_params(net),
            "step": ck.get("step")}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ckpt", required=True)
    p.add_argument("--out", default="resources/models/anime-seg.onnx")
    p.add_argument("--opset", type=int, default=13)
    p.add_argument("--npz", default=None, help="also write the weights to this .npz (export.py reads it back as --ckpt)")
    a = p.parse_args()
    if a.opset < 13:
        p.error(f"--opset {a.opset}: the model is shipped at opset 13 or later (issue #8)")
    # Said as such (tracebacks: FileNotFoundError).
    if not os.path.isfile(a.ckpt):
        p.error(f"--ckpt: no file at {a.ckpt}")
    for flag, path in (("--out", a.out), ("--npz", a.npz)):
        if path and not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            p.error(f"{flag}: no folder {os.path.dirname(os.path.abspath(path))} to write {os.path.basename(path)} in")
    print(json.dumps(export(a.ckpt, a.out, a.opset, a.npz), indent=2))


if __name__ == "__main__":
    main()
