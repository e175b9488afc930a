"""Counts the multiply-accumulate FLOPs (2 x MACs) of an ONNX model's Conv, ConvTranspose,
MatMul and Gemm nodes after ONNX shape inference, at the model's input size (or a given one).

Usage: /usr/bin/python3 training/tools/count_flops.py MODEL.onnx [--input-shape 1,3,256,256]
Prints JSON {"flops": N, "params": N, "by_op": {...}}. A dynamic-size AnimeSegNet export (training/
export.py) is counted on its PyTorch module with forward hooks (model.conv_flops) at --input-shape. Elementwise ops are not counted (they are
memory-bound and small next to the convolutions); say so wherever the number is quoted.
"""
import argparse
import json

import numpy as np
import onnx
from onnx import numpy_helper, shape_inference


UNRESOLVED = set()


def dims_of(vi):
    """Static dims; an unresolved dim counts as 1 (right for pooled 1x1 tensors, wrong for a
    dynamic H/W graph, which is reported on stderr)."""
    dims = []
    for d in vi.type.tensor_type.shape.dim:
        if d.HasField("dim_value"):
            dims.append(d.dim_value)
        else:
            UNRESOLVED.add(vi.name)
            dims.append(1)
    return dims


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--input-shape", default=None)
    args = ap.parse_args()
    model = onnx.load(args.model)
    init_names = {i.name for i in model.graph.initializer}
    if args.input_shape:
        shape = [int(v) for v in args.input_shape.split(",")]
        inp = [i for i in model.graph.input if i.name not in init_names][0]
        for d, v in zip(inp.type.tensor_type.shape.dim, shape):
            d.ClearField("dim_param")
            d.dim_value = v
    inferred = shape_inference.infer_shapes(model)
    shapes = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        shapes[vi.name] = dims_of(vi)
    weights = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    for name, w in weights.items():
        shapes[name] = list(w.shape)
    params = int(sum(int(np.prod(w.shape)) for w in weights.values()))
    flops = 0
    by_op = {}
    for node in inferred.graph.node:
        f = 0
        if node.op_type in ("Conv", "ConvTranspose"):
            w = shapes.get(node.input[1])
            out = shapes.get(node.output[0])
            if w and out:
                group = next((a.i for a in node.attribute if a.name == "group"), 1)
                k = int(np.prod(w[2:]))
                if node.op_type == "Conv":
                    cin_per_group = w[1]
                    f = 2 * int(np.prod(out)) * cin_per_group * k
                else:
                    inp = shapes.get(node.input[0])
                    f = 2 * int(np.prod(inp)) * (w[1]) * k if inp else 0
                    _ = group
        elif node.op_type == "MatMul":
            a, b = shapes.get(node.input[0]), shapes.get(node.input[1])
            out = shapes.get(node.output[0])
            if a and out:
                f = 2 * int(np.prod(out)) * a[-1]
        elif node.op_type == "Gemm":
            a, out = shapes.get(node.input[0]), shapes.get(node.output[0])
            if a and out:
                f = 2 * int(np.prod(out)) * a[-1]
        if f:
            flops += f
            by_op[node.op_type] = by_op.get(node.op_type, 0) + f
    unresolved_outputs = [n.name or n.op_type for n in inferred.graph.node if n.op_type in ("Conv", "ConvTranspose") and n.output[0] in UNRESOLVED]
    if unresolved_outputs and args.input_shape and any(n.startswith("net.") for n in init_names):
        # our own AnimeSegNet export (training/export.py): count on the PyTorch module with hooks
        import os
        import sys

        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
        from model import conv_flops, count_params, load_net

        net = load_net(args.model)
        print(json.dumps({"flops": conv_flops(net, shape[2], shape[3]), "params": count_params(net), "method": "forward hooks (training/model.py)"}))
        return
    if unresolved_outputs:
        import sys

        print(
            f"warning: {len(unresolved_outputs)} conv outputs have sizes shape inference left open; they are counted "
            f"as 1x1 (right only after global pooling). For dynamic graphs count with forward hooks.",
            file=sys.stderr,
        )
    print(json.dumps({"flops": int(flops), "params": params, "by_op": by_op}))


if __name__ == "__main__":
    main()
