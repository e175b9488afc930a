// How format and provider ids are written for people (renderer, CLI): "WebP", not "WEBP";
// "DirectML", not "DML". Ids the tables do not know are shown upper-cased. And a list of words as
// English writes it. Pure.

const FORMAT_LABELS: Record<string, string> = { gif: 'GIF', webp: 'WebP', apng: 'APNG', webm: 'WebM', png: 'PNG', jpeg: 'JPEG', jpg: 'JPEG' };
const PROVIDER_LABELS: Record<string, string> = { cpu: 'CPU', webgpu: 'WebGPU', cuda: 'CUDA', tensorrt: 'TensorRT', dml: 'DirectML', coreml: 'CoreML' };

/** A file format's name ('webp' -> 'WebP'). */
export function formatLabel(id: string): string {
  return FORMAT_LABELS[id.toLowerCase()] ?? id.toUpperCase();
}

/** An execution provider's name ('dml' -> 'DirectML', 'cpu' -> 'CPU'). */
export function providerLabel(id: string): string {
  return PROVIDER_LABELS[id.toLowerCase()] ?? id.toUpperCase();
}

/** Words as an English list: "bottom", "left and right", "bottom, left and right" (not "bottom and left and right"). */
export function wordList(words: readonly string[]): string {
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}` : (words[0] ?? '');
}
