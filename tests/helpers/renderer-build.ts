// The renderer's build (out/renderer) for what loads it in Chromium: the e2e tests and the bench's
// `ui` section. Built with electron-vite when missing or older than its sources. Node only.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './env';

/** The built renderer's folder. */
export const RENDERER_DIR = join(REPO_ROOT, 'out', 'renderer');

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Builds the app (electron-vite build) when the renderer's build (out/renderer) is missing or older
 * than its sources, or with `part` 'app' the main process's too (out/main: the packaging tests pack
 * it, and a fresh clone's `npm run test:unit` failed on it, the README's steps building nothing).
 */
export function ensureRendererBuilt(part: 'renderer' | 'app' = 'renderer'): void {
  const outputs = part === 'app' ? [join(RENDERER_DIR, 'index.html'), join(REPO_ROOT, 'out', 'main', 'index.js')] : [join(RENDERER_DIR, 'index.html')];
  const sources = part === 'app' ? [join(REPO_ROOT, 'src')] : [join(REPO_ROOT, 'src', 'renderer'), join(REPO_ROOT, 'src', 'shared')];
  const sourcesMs = Math.max(...sources.map(newestMtimeMs));
  const isFresh = () => outputs.every((file) => existsSync(file) && statSync(file).mtimeMs >= sourcesMs);
  if (isFresh()) return;
  // Both e2e files may start at once: one builds, the other waits for its lock to go.
  const lock = join(tmpdir(), 'cutout-e2e-build.lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than any build is a killed run's: taken over, not waited out.
      const heldMs = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (heldMs > 600_000) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`renderer build lock ${lock} held for 3 minutes`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    if (isFresh()) return;
    const r = spawnSync('npx', ['electron-vite', 'build'], { cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } });
    if (r.status !== 0) throw new Error('electron-vite build failed');
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
