"""Static int8 quantization of an exported AnimeSeg ONNX model (QDQ format), calibrated on
training-split composites. No onnxruntime for Python is needed: activation ranges come from the
PyTorch module (forward hooks), which equals the ONNX graph.

  /usr/bin/python3 training/quantize.py --onnx resources/models/anime-seg.onnx --out /tmp/anime-seg-int8.onnx

What is quantized: every Conv whose input is a feature map (not the 1x1 squeeze-excite / gate convs
that follow a global pool, and not the final ConvTranspose that makes the logit). Weights are int8,
symmetric, per output channel; activations uint8, asymmetric, per tensor (the range is the mean over
calibration batches of each batch's min / max, the usual "moving average" calibration); biases
int32 at scale x_scale * w_scale. onnxruntime fuses each DequantizeLinear -> Conv -> QuantizeLinear
into a QLinearConv. Calibration uses the training split only (data.split 'train'), never
/work/shared/eval.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import helper, numpy_helper
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as D  # noqa: E402
from model import AnimeSegNet, load_net  # noqa: E402


def calibration_images(n: int, canvas: int, size: int, seed: int, data_dir: str = D.DATA_DIR):
    """n training-split composites (half recipe v1, half v3), resized like the app (Lanczos, long side
    = size), NCHW float in 0..1, plus each one's mirror image (the app's flip averaging)."""
    part = D.split(D.load_dataset(data_dir), "train")
    out = []
    for j, recipe in enumerate(("v1", "v3")):
        # The first recipe takes the odd one (--n 3 calibrated on 2).
        x, _ = D.make_batch(part, canvas, (n + 1 - j) // 2, seed + j, 0, recipe)
        for img in x:
            im = Image.fromarray((img.transpose(1, 2, 0) * 255 + 0.5).astype(np.uint8)).resize((size, size), Image.LANCZOS)
            t = torch.from_numpy(np.asarray(im, np.float32) / 255).permute(2, 0, 1)[None]
            out.append(torch.cat([t, torch.flip(t, dims=[3])]))
    return out


def calibrate(net: AnimeSegNet, batches) -> dict:
    """{id(conv module): {'in': [lo, hi], 'out': [lo, hi]}} averaged over batches."""
    stats: dict = {}

    def hook(mod, inp, out):
        x = inp[0]
        if getattr(mod, "pad4", None) and any(mod.pad4):
            x = F.pad(x, mod.pad4)  # the ONNX Conv sees the padded tensor
        s = stats.setdefault(id(mod), {"in": [], "out": []})
        s["in"].append((x.min().item(), x.max().item()))
        s["out"].append((out.min().item(), out.max().item()))

    hs = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.ConvTranspose2d))]
    with torch.no_grad():
        for b in batches:
            net(b)
    for h in hs:
        h.remove()
    return {k: {io: [float(np.mean([r[0] for r in v[io]])), float(np.mean([r[1] for r in v[io]]))] for io in ("in", "out")}
            for k, v in stats.items()}


def qparams(lo: float, hi: float):
    """uint8 asymmetric scale / zero point for a range (always containing 0)."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = max(hi - lo, 1e-8) / 255.0
    zp = int(np.clip(round(-lo / scale), 0, 255))
    return np.float32(scale), np.uint8(zp)


def quantize(src: str, dst: str, ranges_by_weight: dict) -> dict:
    """Rewrites the fp32 graph `src` into a QDQ graph at `dst`. ranges_by_weight maps a Conv's weight
    bytes (sha1) to its {'in','out'} ranges."""
    m = onnx.load(src)
    g = m.graph
    inits = {t.name: t for t in g.initializer}
    producers = {o: n for n in g.node for o in n.output}
    new_inits, qdq_of, added = [], {}, []
    quantized = skipped = 0

    def const(name, arr):
        new_inits.append(numpy_helper.from_array(arr, name))
        return name

    def qdq(tensor: str, lo: float, hi: float) -> str:
        """Q -> DQ of an activation tensor (one pair per tensor); returns the DQ output name."""
        if tensor in qdq_of:
            return qdq_of[tensor]
        s, z = qparams(lo, hi)
        sn, zn = const(tensor + "_scale", np.array(s, np.float32)), const(tensor + "_zp", np.array(z, np.uint8))
        q, dq = tensor + "_q", tensor + "_dq"
        added.append(helper.make_node("QuantizeLinear", [tensor, sn, zn], [q], name=tensor + "_Q"))
        added.append(helper.make_node("DequantizeLinear", [q, sn, zn], [dq], name=tensor + "_DQ"))
        qdq_of[tensor] = dq
        return dq

    convs = [n for n in g.node if n.op_type == "Conv"]
    out_rewire = {}  # conv output -> its DQ name, for the consumers
    for n in convs:
        w = numpy_helper.to_array(inits[n.input[1]])
        key = hashlib.sha1(np.ascontiguousarray(w).tobytes()).hexdigest()
        r = ranges_by_weight.get(key)
        src_node = producers.get(n.input[0])
        after_pool = src_node is not None and src_node.op_type in ("GlobalAveragePool", "ReduceMean", "AveragePool")
        if r is None or after_pool:
            skipped += 1
            continue
        quantized += 1
        x_dq = qdq(n.input[0], *r["in"])
        x_scale = qparams(*r["in"])[0]
        # weight: int8 symmetric per output channel
        wmax = np.abs(w).reshape(w.shape[0], -1).max(axis=1)
        w_scale = (np.maximum(wmax, 1e-8) / 127.0).astype(np.float32)
        wq = np.clip(np.round(w / w_scale[:, None, None, None]), -127, 127).astype(np.int8)
        wn = n.input[1]
        const(wn + "_q", wq)
        const(wn + "_scale", w_scale)
        const(wn + "_zp", np.zeros(w.shape[0], np.int8))
        added.append(helper.make_node("DequantizeLinear", [wn + "_q", wn + "_scale", wn + "_zp"], [wn + "_dq"], name=wn + "_DQ", axis=0))
        ins = [x_dq, wn + "_dq"]
        if len(n.input) > 2 and n.input[2]:
            bn = n.input[2]
            b = numpy_helper.to_array(inits[bn]).astype(np.float64)
            b_scale = (x_scale * w_scale).astype(np.float32)
            bq = np.clip(np.round(b / b_scale), -2**31, 2**31 - 1).astype(np.int32)
            const(bn + "_q", bq)
            const(bn + "_scale", b_scale)
            const(bn + "_zp", np.zeros(w.shape[0], np.int32))
            added.append(helper.make_node("DequantizeLinear", [bn + "_q", bn + "_scale", bn + "_zp"], [bn + "_dq"], name=bn + "_DQ", axis=0))
            ins.append(bn + "_dq")
        del n.input[:]
        n.input.extend(ins)
        out_rewire[n.output[0]] = qdq(n.output[0], *r["out"])

    # consumers of a quantized conv's output read its DQ (the Q node itself reads the raw output)
    for node in list(g.node):
        for i, name in enumerate(node.input):
            if name in out_rewire:
                node.input[i] = out_rewire[name]
    if any(o.name in out_rewire for o in g.output):
        raise RuntimeError("a graph output would be quantized")
    if not quantized:
        raise RuntimeError("no convolution was quantized: do the calibration hooks match the graph's weights?")
    # drop the fp32 weights / biases that were replaced, add the new constants, re-sort topologically
    used = {i for n in list(g.node) + added for i in n.input}
    keep = [t for t in g.initializer if t.name in used]
    del g.initializer[:]
    g.initializer.extend(keep + new_inits)
    nodes = list(g.node) + added
    del g.node[:]
    g.node.extend(_toposort(nodes, {i.name for i in g.input} | {t.name for t in g.initializer}))
    for p in list(m.metadata_props):
        if p.key == "producer":
            p.value = "Cutout Studio training/quantize.py (int8 QDQ of training/export.py output)"
    onnx.checker.check_model(m)
    os.makedirs(os.path.dirname(os.path.abspath(dst)), exist_ok=True)
    tmp = dst + ".tmp"
    onnx.save(m, tmp)
    os.replace(tmp, dst)
    data = open(dst, "rb").read()
    return {"file": dst, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "quantized_convs": quantized, "float_convs": skipped}


def _toposort(nodes, available: set):
    done, out, pending = set(available), [], list(nodes)
    while pending:
        rest = []
        for n in pending:
            if all((not i) or i in done for i in n.input):
                out.append(n)
                done.update(n.output)
            else:
                rest.append(n)
        if len(rest) == len(pending):
            raise RuntimeError("graph has a cycle or a missing input: " + ", ".join(r.name for r in rest[:5]))
        pending = rest
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--onnx", default="resources/models/anime-seg.onnx", help="exported fp32 model")
    p.add_argument("--out", required=True)
    p.add_argument("--n", type=int, default=32, help="calibration composites (each also mirrored)")
    p.add_argument("--canvas", type=int, default=640)
    p.add_argument("--size", type=int, default=320, help="inference size (the manifest's long side)")
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument("--data-dir", default=D.DATA_DIR)
    a = p.parse_args()
    # Said as such (--n 1 read "no convolution was quantized", a size the net cannot take a tensor mismatch).
    if a.n < 2:
        p.error(f"--n must be at least 2 (composites of both calibration recipes), got {a.n}")
    if a.size <= 0 or a.size % AnimeSegNet.STRIDE:
        p.error(f"--size must be a positive multiple of {AnimeSegNet.STRIDE}, got {a.size}")
    if not os.path.isfile(a.onnx):
        p.error(f"--onnx: no file at {a.onnx}")
    torch.set_num_threads(2)
    net = load_net(a.onnx)
    net.eval()
    stats = calibrate(net, calibration_images(a.n, a.canvas, a.size, a.seed, a.data_dir))
    by_weight = {}
    for mod in net.modules():
        if id(mod) in stats:
            w = mod.weight.detach().numpy()
            by_weight[hashlib.sha1(np.ascontiguousarray(w).tobytes()).hexdigest()] = stats[id(mod)]
    print(json.dumps(quantize(a.onnx, a.out, by_weight), indent=2))


if __name__ == "__main__":
    main()
