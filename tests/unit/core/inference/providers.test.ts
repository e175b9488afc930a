// Execution providers: one table per platform, unknown names refused, CPU fallback reported.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../src/shared/errors';
import { PROVIDER_NAMES, providerAttemptOrder, providerRequestHere, providersForPlatform } from '../../../../src/main/core/inference/execution-providers';
import { PROVIDER_CHOICES } from '../../../../src/shared/settings';
import { getSession, sessionThreads } from '../../../../src/main/core/inference/session';
import { SHARED_MODELS_DIR } from '../../../helpers/env';

describe('execution providers', () => {
  it('lists the platform providers', () => {
    expect(providersForPlatform('win32', 'x64')).toEqual(expect.arrayContaining(['dml', 'cpu', 'webgpu']));
    expect(providersForPlatform('darwin', 'arm64')).toEqual(expect.arrayContaining(['coreml', 'cpu']));
    expect(providersForPlatform('linux', 'x64')).toEqual(expect.arrayContaining(['cuda', 'tensorrt', 'webgpu', 'cpu']));
  });

  it('refuses an unknown provider name with PROVIDER_UNKNOWN listing the valid ones', () => {
    const err = (() => {
      try {
        providerAttemptOrder('tpu', 'linux', 'x64');
      } catch (e) {
        return e as AppError;
      }
    })();
    expect(err?.code).toBe('PROVIDER_UNKNOWN');
    expect(err?.message).toMatch(/webgpu/);
    expect(() => providerAttemptOrder('coreml', 'linux', 'x64')).toThrow(/Unknown execution provider/);
  });

  it('takes a stored choice this platform does not have as auto (the command line stays strict)', () => {
    expect(providerRequestHere('dml', 'linux', 'x64')).toBe('auto');
    expect(providerRequestHere('dml', 'win32', 'x64')).toBe('dml');
    expect(providerRequestHere('webgpu', 'linux', 'x64')).toBe('webgpu');
    expect(providerRequestHere('auto', 'darwin', 'arm64')).toBe('auto');
    // Settings' list of what may be stored is the engine's names and auto (it once lacked tensorrt).
    expect([...PROVIDER_CHOICES].sort()).toEqual(['auto', ...PROVIDER_NAMES].sort());
  });

  it('always ends with the cpu fallback', () => {
    expect(providerAttemptOrder('webgpu', 'linux', 'x64')).toEqual(['webgpu', 'cpu']);
    expect(providerAttemptOrder('dml', 'win32', 'x64')).toEqual(['dml', 'cpu']);
    expect(providerAttemptOrder('auto', 'darwin', 'arm64')).toEqual(['coreml', 'cpu']);
  });

  it('reports the provider that really ran: cpu here, after a failed cuda start when cuda is asked for', async () => {
    const model = join(SHARED_MODELS_DIR, 'portrait_selfie_segmentation_mediapipe_256x256.onnx');
    const cpu = await getSession(model, { provider: 'cpu', threads: 1 });
    expect(cpu.provider).toBe('cpu');
    // The CUDA EP libraries are not installed on CI: the session must fall back to CPU and say so.
    const cuda = await getSession(model, { provider: 'cuda', threads: 1 });
    expect(cuda.provider).toBe('cpu');
    expect(cuda.fallbacks[0]?.provider).toBe('cuda');
  });
});

describe('session threads', () => {
  it('are the ones asked, at most one a core (256 on 2 cores ran about 8 times slower), every core when none is asked', () => {
    expect([sessionThreads(undefined, 2), sessionThreads(1, 2), sessionThreads(2, 2), sessionThreads(256, 2), sessionThreads(0, 4)]).toEqual([2, 1, 2, 2, 1]);
  });
});
