// Builds a tiny ONNX model (one MatMul of two N x N float inputs) as protobuf bytes, so the
// benchmark can measure this CPU's MatMul ceiling through onnxruntime without a model file.

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function field(num: number, wire: 0 | 2, payload: number | Uint8Array | string): number[] {
  const key = varint((num << 3) | wire);
  if (wire === 0) return [...key, ...varint(payload as number)];
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : (payload as Uint8Array);
  return [...key, ...varint(bytes.length), ...bytes];
}

const msg = (...parts: number[][]): Uint8Array => new Uint8Array(parts.flat());

function tensorValueInfo(name: string, dims: number[]): Uint8Array {
  const shape = msg(...dims.map((d) => field(1, 2, msg(field(1, 0, d)))));
  const tensorType = msg(field(1, 0, 1 /* FLOAT */), field(2, 2, shape));
  const type = msg(field(1, 2, tensorType));
  return msg(field(1, 2, name), field(2, 2, type));
}

/** ModelProto bytes: C = A·B with A, B, C all n x n float32 (opset 13). */
export function buildMatMulModel(n: number): Uint8Array {
  const node = msg(field(1, 2, 'A'), field(1, 2, 'B'), field(2, 2, 'C'), field(3, 2, 'matmul'), field(4, 2, 'MatMul'));
  const graph = msg(field(1, 2, node), field(2, 2, 'ceiling'), field(11, 2, tensorValueInfo('A', [n, n])), field(11, 2, tensorValueInfo('B', [n, n])), field(12, 2, tensorValueInfo('C', [n, n])));
  const opset = msg(field(1, 2, ''), field(2, 0, 13));
  return msg(field(1, 0, 7), field(8, 2, opset), field(7, 2, graph));
}
