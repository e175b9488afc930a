// The one table that maps OS/arch to ONNX Runtime execution providers, and the checks of which
// are usable here. Core (no electron); loaded by the engine, the CLI and tests.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AppError } from '../../../shared/errors';

/** Execution providers the app knows, by onnxruntime-node's names. */
export const PROVIDER_NAMES = ['cpu', 'webgpu', 'cuda', 'tensorrt', 'dml', 'coreml'] as const;
/** One execution provider name. */
export type ProviderName = (typeof PROVIDER_NAMES)[number];
/** What a user may ask for: a provider, or `auto` (the platform's order below). */
export type ProviderRequest = ProviderName | 'auto';

/**
 * Order tried for `auto`, per platform. onnxruntime-node 1.30 ships cpu + webgpu on Linux,
 * + dml on Windows, + coreml on macOS; cuda/tensorrt need the separately installed EP libraries
 * (`ONNXRUNTIME_NODE_INSTALL=cuda12`, https://onnxruntime.ai/docs/get-started/with-javascript/node.html).
 * WebGPU is not in Linux's auto order: on a machine without a GPU, Dawn can pick a software
 * adapter that is slower than the CPU EP. Ask for it explicitly (`--provider webgpu`).
 *
 * | platform     | auto order                      | explicit extra |
 * |--------------|---------------------------------|----------------|
 * | linux x64    | tensorrt, cuda, cpu             | webgpu         |
 * | linux arm64  | cpu                             | webgpu         |
 * | win32        | cuda, dml, cpu                  | webgpu         |
 * | darwin       | coreml, cpu                     | webgpu         |
 */
const AUTO_ORDER: Record<string, ProviderName[]> = {
  'linux-x64': ['tensorrt', 'cuda', 'cpu'],
  'linux-arm64': ['cpu'],
  'win32-x64': ['cuda', 'dml', 'cpu'],
  'win32-arm64': ['dml', 'cpu'],
  'darwin-x64': ['coreml', 'cpu'],
  'darwin-arm64': ['coreml', 'cpu'],
};
const EXPLICIT_EXTRA: Record<string, ProviderName[]> = {
  linux: ['webgpu'],
  win32: ['webgpu'],
  darwin: ['webgpu'],
};

/** Providers a user may name on this platform (PROVIDER_UNKNOWN otherwise). */
export function providersForPlatform(platform: string = process.platform, arch: string = process.arch): ProviderName[] {
  const auto = AUTO_ORDER[`${platform}-${arch}`] ?? ['cpu'];
  return [...new Set([...auto, ...(EXPLICIT_EXTRA[platform] ?? [])])];
}

/**
 * A stored choice as this platform takes it: one it does not have (settings from another OS, say
 * DirectML from Windows) runs as auto instead of failing every job. The command line's own
 * `--provider` stays strict (PROVIDER_UNKNOWN).
 */
export function providerRequestHere(request: string, platform: string = process.platform, arch: string = process.arch): ProviderRequest {
  return request === 'auto' || (providersForPlatform(platform, arch) as string[]).includes(request) ? (request as ProviderRequest) : 'auto';
}

/** Whether a provider's library is here: the CUDA / TensorRT ones are optional installs; the others come with the binding. */
export function isProviderInstalled(name: string): boolean {
  return name === 'cuda' || name === 'tensorrt' ? hasProviderLibrary(name) : true;
}

/** The CUDA / TensorRT EP libraries are optional installs next to the binding. */
function hasProviderLibrary(name: 'cuda' | 'tensorrt'): boolean {
  try {
    const require = createRequire(import.meta.url);
    const pkgDir = dirname(require.resolve('onnxruntime-node/package.json'));
    const dir = join(pkgDir, 'bin', 'napi-v6', process.platform, process.arch);
    const lib = process.platform === 'win32' ? `onnxruntime_providers_${name}.dll` : `libonnxruntime_providers_${name}.so`;
    return existsSync(join(dir, lib));
  } catch {
    return false;
  }
}

/**
 * The providers to try, in order, for a request; always ends with cpu (the fallback).
 * Throws PROVIDER_UNKNOWN for a name this platform does not have.
 */
export function providerAttemptOrder(request: string, platform: string = process.platform, arch: string = process.arch): ProviderName[] {
  const allowed = providersForPlatform(platform, arch);
  if (request === 'auto') {
    const order = (AUTO_ORDER[`${platform}-${arch}`] ?? ['cpu']).filter(
      (p) => (p !== 'cuda' && p !== 'tensorrt') || hasProviderLibrary(p),
    );
    return [...new Set([...order, 'cpu' as const])];
  }
  if (!(allowed as string[]).includes(request)) {
    throw new AppError('PROVIDER_UNKNOWN', `Unknown execution provider "${request}". On ${platform}-${arch} use one of: auto, ${allowed.join(', ')}.`, {
      detail: { request, allowed: ['auto', ...allowed] },
    });
  }
  return [...new Set([request as ProviderName, 'cpu' as const])];
}
