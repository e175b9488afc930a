// JSON encoding of API arguments, results and events for the web transport: Uint8Array values
// (previews, mattes, trimaps) travel as {"$bytes": base64}. Shared by the server and the web
// client; no 'electron', no 'node:*' (Buffer is used only when the runtime has it, for speed).

type BufferLike = { from(data: Uint8Array | string, enc?: string): { toString(enc: string): string } & Uint8Array };

function nodeBuffer(): BufferLike | undefined {
  return (globalThis as unknown as { Buffer?: BufferLike }).Buffer;
}

/** Base64 of bytes (Buffer in Node, btoa in browsers). */
export function bytesToBase64(bytes: Uint8Array): string {
  const B = nodeBuffer();
  if (B) return B.from(bytes.buffer ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes).toString('base64');
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

/** Bytes of a base64 string. */
export function base64ToBytes(text: string): Uint8Array {
  const B = nodeBuffer();
  if (B) {
    const b = B.from(text, 'base64');
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** JSON text of a value; Uint8Array (and Node Buffers) become {"$bytes": base64}. */
export function encodeWire(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v) {
    const raw = this[key];
    if (raw instanceof Uint8Array) return { $bytes: bytesToBase64(raw) };
    return v;
  });
}

/** Parses JSON text made by encodeWire, turning {"$bytes": ...} back into Uint8Array. */
export function decodeWire<T = unknown>(text: string): T {
  return JSON.parse(text, (_key, v) => {
    if (v && typeof v === 'object' && typeof (v as { $bytes?: unknown }).$bytes === 'string' && Object.keys(v).length === 1) {
      return base64ToBytes((v as { $bytes: string }).$bytes);
    }
    return v;
  }) as T;
}
