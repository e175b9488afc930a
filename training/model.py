"""AnimeSeg network: the MediaPipe selfie-segmentation architecture re-written as a fully
convolutional PyTorch module, so its Apache-2.0 weights can be loaded from the ONNX file and
fine-tuned on anime composites.

Differences from the ONNX graph (which is fixed to 256x256):
  * the squeeze-excite "AveragePool k=64/16/32/128" nodes are global pools at 256 px; here they
    are adaptive global average pools, so any input whose sides are a multiple of 16 (the stride) works;
  * the fixed-size bilinear Resize nodes (half_pixel) become 2x bilinear upsampling
    (align_corners=False), which is the same operation;
  * TF "SAME" padding of stride-2 convolutions (extra pad on bottom/right) is reproduced with F.pad.
At 256x256 the module reproduces the ONNX model (within 2.5e-4; tests/integration/anime-seg.test.ts checks it).

Input: float NCHW RGB in 0..1 (v / 255). Output: foreground logit, N x 1 x H x W (same size).
"""
from __future__ import annotations

import os

import torch
import torch.nn as nn
import torch.nn.functional as F


def hswish(x: torch.Tensor) -> torch.Tensor:
    return x * torch.clamp(x + 3.0, 0.0, 6.0) * (1.0 / 6.0)


class PadConv(nn.Conv2d):
    """Conv2d with explicit (left, right, top, bottom) padding, as TF SAME padding needs."""

    def __init__(self, cin, cout, k, stride=1, groups=1, pad=(0, 0, 0, 0), bias=True):
        super().__init__(cin, cout, k, stride=stride, padding=0, groups=groups, bias=bias)
        self.pad4 = pad

    def forward(self, x):
        if any(self.pad4):
            x = F.pad(x, self.pad4)
        return super().forward(x)


def same(k: int, stride: int):
    """ONNX pads of the MediaPipe graph (l, r, t, b): stride 2 => TF SAME, one more pixel after
    (k=3 -> 0/1, k=5 -> 1/2); stride 1 => symmetric k//2."""
    if stride == 1:
        p = k // 2
        return (p, p, p, p)
    before, after = (k - 1) // 2 - 1, (k - 1) // 2
    return (before, after, before, after)


class SE(nn.Module):
    """Squeeze-excite: global average pool -> 1x1 conv -> relu -> 1x1 conv -> sigmoid."""

    def __init__(self, c, mid):
        super().__init__()
        self.fc1 = nn.Conv2d(c, mid, 1)
        self.fc2 = nn.Conv2d(mid, c, 1)

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        return x * torch.sigmoid(self.fc2(F.relu(self.fc1(s))))


class InvRes(nn.Module):
    """MobileNetV3 inverted residual: expand 1x1 -> depthwise kxk -> (SE) -> project 1x1."""

    def __init__(self, cin, cexp, cout, k, stride, act, se_mid=0, residual=False):
        super().__init__()
        self.expand = nn.Conv2d(cin, cexp, 1)
        self.dw = PadConv(cexp, cexp, k, stride=stride, groups=cexp, pad=same(k, stride))
        self.se = SE(cexp, se_mid) if se_mid else None
        self.project = nn.Conv2d(cexp, cout, 1)
        self.act = act
        self.residual = residual

    def forward(self, x):
        a = self.act
        y = a(self.expand(x))
        y = a(self.dw(y))
        if self.se is not None:
            y = self.se(y)
        y = self.project(y)
        return x + y if self.residual else y


class Fuse(nn.Module):
    """Decoder stage: up-sampled deep features (already projected) gate the skip by SE, then a
    1x1 + depthwise 3x3 residual block."""

    def __init__(self, c):
        super().__init__()
        self.se1 = nn.Conv2d(c, c, 1)
        self.se2 = nn.Conv2d(c, c, 1)
        self.pw = nn.Conv2d(c, c, 1)
        self.dw = nn.Conv2d(c, c, 3, padding=1, groups=c)

    def forward(self, skip, up):
        s = F.adaptive_avg_pool2d(skip + up, 1)
        g = torch.sigmoid(self.se2(F.relu(self.se1(s))))
        y = skip * g + up
        y = F.relu(self.pw(y))
        return y + F.relu(self.dw(y))


def up2(x):
    return F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)


class AnimeSegNet(nn.Module):
    STRIDE = 16  # deepest features are at 1/16: sides must be multiples of 16

    def __init__(self, extra: int = 0):
        """`extra` widens the inverted residuals at 1/16 (b4..b8) by that many expansion channels
        each: more capacity where the features are coarse, so little more compute (see widen_from)."""
        super().__init__()
        self.extra = extra
        e = extra
        self.stem = PadConv(3, 16, 3, stride=2, pad=same(3, 2))  # hswish -> s1 (1/2)
        # block 1: 1x1 relu, dw3 s2 relu, SE(16->8), 1x1 -> 16 (1/4)
        self.b1 = InvRes(16, 16, 16, 3, 2, F.relu, se_mid=8)
        self.b2 = InvRes(16, 72, 24, 3, 2, F.relu)  # 1/8
        self.b3 = InvRes(24, 88, 24, 3, 1, F.relu, residual=True)  # 1/8 -> s3
        self.b4 = InvRes(24, 96 + e, 32, 5, 2, hswish, se_mid=24)  # 1/16
        self.b5 = InvRes(32, 128 + e, 32, 5, 1, hswish, se_mid=32, residual=True)
        self.b6 = InvRes(32, 128 + e, 32, 5, 1, hswish, se_mid=32, residual=True)
        self.b7 = InvRes(32, 96 + e, 32, 5, 1, hswish, se_mid=24, residual=True)
        self.b8 = InvRes(32, 96 + e, 32, 5, 1, hswish, se_mid=24, residual=True)
        # LR-ASPP-like head at 1/16
        self.head_gate = nn.Conv2d(32, 128, 1)
        self.head_conv = nn.Conv2d(32, 128, 1)
        self.proj8 = nn.Conv2d(128, 24, 1)
        self.fuse8 = Fuse(24)
        self.proj4 = nn.Conv2d(24, 16, 1)
        self.fuse4 = Fuse(16)
        self.proj2 = nn.Conv2d(16, 16, 1)
        self.fuse2 = Fuse(16)
        self.out = nn.ConvTranspose2d(16, 1, 2, stride=2, bias=True)

    def forward(self, x):
        s1 = hswish(self.stem(x))  # 1/2, 16
        b1 = self.b1(s1)  # 1/4, 16 (project output = skip)
        s3 = self.b3(self.b2(b1))  # 1/8, 24
        d = self.b8(self.b7(self.b6(self.b5(self.b4(s3)))))  # 1/16, 32
        g = torch.sigmoid(self.head_gate(F.adaptive_avg_pool2d(d, 1)))
        h = F.relu(self.head_conv(d)) * g
        y = self.fuse8(s3, self.proj8(up2(h)))
        y = self.fuse4(b1, self.proj4(up2(y)))
        y = self.fuse2(s1, self.proj2(up2(y)))
        return self.out(y)


def count_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())


@torch.no_grad()
def conv_flops(net: nn.Module, height: int, width: int) -> int:
    """2 x the multiply-accumulates of every convolution for one height x width image, counted with
    forward hooks (elementwise ops, pooling and resizing are not counted: they are memory-bound and
    small next to the convolutions)."""
    total = 0

    def hook(m, inp, out):
        nonlocal total
        k = m.weight.shape[1] * m.weight.shape[2] * m.weight.shape[3]  # inputs per output (Conv) / outputs per input (ConvTranspose)
        total += 2 * k * (inp[0].numel() if isinstance(m, nn.ConvTranspose2d) else out.numel())

    handles = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]
    try:
        net.eval()(torch.zeros(1, 3, height, width))
    finally:
        for h in handles:
            h.remove()
    return total


def extra_of(state: dict) -> int:
    """The `extra` width of the net that a state dict belongs to."""
    return int(state["b4.expand.weight"].shape[0]) - 96


def widen_from(net: AnimeSegNet, state: dict) -> None:
    """Loads a narrower net's weights into `net` so that it computes exactly the same function:
    old weights fill the leading slices; the new expansion channels keep their fresh init, except
    their weights into the old outputs (the projection and the squeeze-excite input), which start
    at zero. Training then grows the new channels from there (net2net-style widening)."""
    own = net.state_dict()
    for k, v in state.items():
        t = own[k]
        if tuple(t.shape) == tuple(v.shape):
            t.copy_(v)
            continue
        if t.dim() != v.dim() or any(a < b for a, b in zip(t.shape, v.shape)):
            raise RuntimeError(f"{k}: cannot widen {tuple(v.shape)} to {tuple(t.shape)}")
        t[tuple(slice(0, n) for n in v.shape)] = v
        if k.endswith((".project.weight", ".se.fc1.weight")):
            t[:, v.shape[1]:] = 0.0  # new channels do not reach the old outputs yet
        elif t.dim() > 1 and t.shape[1] > v.shape[1]:
            raise RuntimeError(f"{k}: new inputs of an old output would change the function")


def read_state(path: str) -> dict:
    """Weights from a training checkpoint, from the .npz that export.py --npz wrote, or read back from
    an ONNX file that export.py wrote."""
    if path.endswith(".onnx"):
        import onnx
        from onnx import numpy_helper

        inits = {t.name: numpy_helper.to_array(t) for t in onnx.load(path).graph.initializer}
        return {k[4:]: torch.from_numpy(v.copy()) for k, v in inits.items() if k.startswith("net.")}
    return state_of(read_checkpoint(path))


NPZ_STEP = "__step__"


def read_checkpoint(path: str) -> dict:
    """A checkpoint as train.py saves it ({"model": weights, "step": ...}), also from a .npz of the
    weights (export.py --npz), which any torch and numpy can read: how weights come back from a
    GPU machine whose torch is newer than this one."""
    if path.endswith(".npz"):
        import numpy as np

        with np.load(path) as z:
            state = {k: torch.from_numpy(z[k].copy()) for k in z.files if k != NPZ_STEP}
            step = int(z[NPZ_STEP]) if NPZ_STEP in z.files else None
        return {"model": state, "step": step}
    return torch.load(path, map_location="cpu", weights_only=False)  # our own checkpoints; newer torch defaults to True


def write_npz(state: dict, path: str, step) -> None:
    """The weights as float arrays in a .npz (read_checkpoint reads it back)."""
    import numpy as np

    arrays = {k: v.detach().cpu().numpy() for k, v in state.items()}
    if step is not None:
        arrays[NPZ_STEP] = np.array(int(step))
    tmp = path + ".tmp.npz"
    np.savez(tmp, **arrays)
    os.replace(tmp, path)


def state_of(ck: dict) -> dict:
    """The weights of a loaded training checkpoint (train.py saves them under "model"), or a bare state dict."""
    return ck["model"] if "model" in ck else ck


def load_net(path: str, extra: int = 0, state: dict | None = None) -> AnimeSegNet:
    """The net those weights belong to; with `extra` wider than theirs, a widened copy (widen_from).
    `state`: the weights already read from `path` (read_state), so the file is read once."""
    state = read_state(path) if state is None else state
    net = AnimeSegNet(max(extra, extra_of(state)))
    missing = sorted(set(net.state_dict()) - set(state))
    if missing:
        raise RuntimeError(f"{path}: no weights for {', '.join(missing[:4])}{' ...' if len(missing) > 4 else ''}")
    with torch.no_grad():
        widen_from(net, state)
    return net


def load_mediapipe(model: AnimeSegNet, onnx_path: str) -> None:
    """Copies the MediaPipe ONNX initializers into the module, in graph order.

    The Conv/ConvTranspose nodes of the graph appear in exactly the order of the module's
    convolution layers listed by `_conv_order`; the final bias is the constant of the Add after
    the ConvTranspose.
    """
    import onnx
    from onnx import numpy_helper

    g = onnx.load(onnx_path).graph
    inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    convs = [n for n in g.node if n.op_type in ("Conv", "ConvTranspose")]
    layers = _conv_order(model)
    if len(convs) != len(layers):
        raise RuntimeError(f"graph has {len(convs)} convs, module {len(layers)}")
    for node, layer in zip(convs, layers):
        w = torch.from_numpy(inits[node.input[1]].copy())
        if tuple(w.shape) != tuple(layer.weight.shape):
            raise RuntimeError(f"{node.name}: {tuple(w.shape)} vs {tuple(layer.weight.shape)}")
        layer.weight.data.copy_(w)
        if node.op_type == "Conv":
            layer.bias.data.copy_(torch.from_numpy(inits[node.input[2]].copy()))
    add_after = [n for n in g.node if n.op_type == "Add" and n.input[0] == convs[-1].output[0]][0]
    model.out.bias.data.copy_(torch.from_numpy(inits[add_after.input[1]].reshape(1).copy()))


def _conv_order(m: AnimeSegNet):
    L = [m.stem]
    L += [m.b1.expand, m.b1.dw, m.b1.se.fc1, m.b1.se.fc2, m.b1.project]
    L += [m.b2.expand, m.b2.dw, m.b2.project]
    L += [m.b3.expand, m.b3.dw, m.b3.project]
    for b in (m.b4, m.b5, m.b6, m.b7, m.b8):
        L += [b.expand, b.dw, b.se.fc1, b.se.fc2, b.project]
    L += [m.head_gate, m.head_conv, m.proj8]
    L += [m.fuse8.se1, m.fuse8.se2, m.fuse8.pw, m.fuse8.dw, m.proj4]
    L += [m.fuse4.se1, m.fuse4.se2, m.fuse4.pw, m.fuse4.dw, m.proj2]
    L += [m.fuse2.se1, m.fuse2.se2, m.fuse2.pw, m.fuse2.dw, m.out]
    return L
