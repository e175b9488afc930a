// The first bytes of a file, to know what it is by its signature (a BMP, a HEIC) before handing it
// to a decoder. Core (no electron).
import { open } from 'node:fs/promises';

/** The first `length` bytes of a file (fewer when it is shorter). */
export async function readHead(path: string, length: number): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const head = new Uint8Array(length);
    const { bytesRead } = await file.read(head, 0, length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}
