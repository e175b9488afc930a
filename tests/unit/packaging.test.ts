// electron-builder.yml stays honest on paper: appId, the installers per OS, native modules
// unpacked from the asar, models and ffmpeg as extraResources where platform/app-paths.ts looks,
// no native rebuild; electron.vite.config builds the engine worker and a CommonJS preload; a built
// out/main (CI builds before testing) holds refine-worker.js beside the chunk whose pool starts it.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join, relative, sep } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveAppPaths } from '../../src/main/platform/app-paths';
import { IMAGE_EXTENSIONS } from '../../src/shared/media';
import { EVAL_DIR, REPO_ROOT, SHARED_MODELS_DIR, tempDir } from '../helpers/env';
import { ensureRendererBuilt } from '../helpers/renderer-build';

// The built app (out/main, out/renderer) is what these tests pack and run: built here when missing
// or older than src/ (a fresh clone's `npm run test:unit` failed on it; CI builds before its tests).
ensureRendererBuilt('app');

interface BuilderConfig {
  appId: string;
  asar: boolean;
  asarUnpack: string[];
  extraResources: Array<{ from: string; to: string }>;
  npmRebuild: boolean;
  files: string[];
  win: { target: Array<{ target: string }>; files?: string[] };
  mac: { target: Array<{ target: string }>; files?: string[] };
  linux: { target: string[]; icon: string; mimeTypes: string[]; executableArgs: string[]; files?: string[] };
  deb: { depends: string[] };
  fileAssociations: Array<{ ext: string[] }>;
}

const config = parse(readFileSync(join(REPO_ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

describe('electron-builder.yml', () => {
  it('names the app and the installers: nsis, dmg, AppImage + deb', () => {
    expect(config.appId).toMatch(/^[a-z0-9]+(\.[a-z0-9-]+){2,}$/);
    expect(config.win.target.map((t) => t.target)).toContain('nsis');
    expect(config.mac.target.map((t) => t.target)).toContain('dmg');
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(existsSync(join(REPO_ROOT, config.linux.icon))).toBe(true);
  });

  it('unpacks onnxruntime-node (its .node and shared libraries together), sharp and @img', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/node_modules/onnxruntime-node/**/*', '**/node_modules/sharp/**/*', '**/node_modules/@img/**/*']));
    expect(config.npmRebuild).toBe(false);
    expect(config.files).toContain('out/**/*');
  });

  it('fills resources/ before packing (a missing extraResources folder is only a warning), and keeps ffmpeg-static out of the asar', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.package).toMatch(/electron-vite build && node build\/prepare-resources\.mjs && electron-builder /);
    expect(config.files).toContain('!**/node_modules/ffmpeg-static/**');
  });

  it('opens every picture type the app reads from the OS, Linux included (MimeType, local paths by %F)', () => {
    // Every one media.ts lists (a literal list here left GIF out, the stickers' own input).
    const exts = config.fileAssociations.flatMap((a) => a.ext);
    expect([...exts].sort()).toEqual([...IMAGE_EXTENSIONS].sort());
    const mimeOf = (ext: string): string => `image/${{ jpg: 'jpeg', jfif: 'jpeg', tif: 'tiff' }[ext] ?? ext}`;
    expect([...config.linux.mimeTypes].sort()).toEqual([...new Set(IMAGE_EXTENSIONS.map(mimeOf))].sort());
    expect(config.linux.executableArgs).toEqual(['%F']);
  });

  it('packages the machine\'s own architecture only (its native binaries are the only ones installed)', () => {
    expect(JSON.stringify([config.win.target, config.mac.target, config.linux.target])).not.toContain('arch');
  });

  // onnxruntime-node's npm package holds every platform's binaries; run through electron-builder's
  // own matcher (as it filters node_modules: the top level's and the platform's exclusions, ${arch}
  // expanded), each installer keeps its own platform and arch alone. The earlier pattern named
  // arch folders (arm, ia32) the package does not have: it matched nothing, and every installer
  // carried all five (about 300 MB, unpacked).
  it('packs onnxruntime-node\'s binaries for the installer\'s platform and arch alone', () => {
    const require = createRequire(import.meta.url);
    const { FileMatcher } = require('app-builder-lib/out/fileMatcher') as {
      FileMatcher: new (from: string, to: string, expand: (pattern: string) => string, patterns: string[]) => { prependPattern(p: string): void; createFilter(): (file: string, stat: Stats) => boolean };
    };
    const binDir = join(REPO_ROOT, 'node_modules', 'onnxruntime-node', 'bin');
    // ${platform} is the packing machine's process.platform: each installer is packed on its own OS.
    const kept = (platform: string, arch: string): string[] => {
      const excludes = config.files.filter((p) => p.startsWith('!'));
      const matcher = new FileMatcher(REPO_ROOT, '/app', (p) => p.replaceAll('${arch}', arch).replaceAll('${platform}', platform), excludes);
      matcher.prependPattern('**/*');
      const keep = matcher.createFilter();
      const out: string[] = [];
      const walk = (dir: string): void => {
        for (const name of readdirSync(dir)) {
          const path = join(dir, name);
          const stat = statSync(path);
          if (!keep(path, stat)) continue;
          if (stat.isDirectory()) walk(path);
          else out.push(relative(binDir, path).split(sep).join('/'));
        }
      };
      walk(binDir);
      return out;
    };
    const all = readdirSync(binDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    // No platform has a `files` of its own: it would replace the top level's list of what goes in.
    for (const platform of ['win', 'mac', 'linux'] as const) expect(config[platform].files).toBeUndefined();
    for (const [platform, folder, arch] of [['linux', 'linux', 'x64'], ['linux', 'linux', 'arm64'], ['win', 'win32', 'x64'], ['win', 'win32', 'arm64'], ['mac', 'darwin', 'arm64']] as const) {
      const files = kept(folder, arch);
      // Its own binding and runtime are there, and nothing of another platform or arch.
      expect(files.some((f) => f.endsWith(`/${folder}/${arch}/onnxruntime_binding.node`)), `${platform} ${arch}`).toBe(true);
      expect(files.filter((f) => !f.includes(`/${folder}/${arch}/`)), `${platform} ${arch}`).toEqual([]);
      expect(files.length).toBeLessThan(all.length);
    }
  });

  it('keeps electron-builder\'s own deb dependencies (a depends list replaces them)', () => {
    expect(config.deb.depends).toEqual(expect.arrayContaining(['libgtk-3-0', 'libnotify4', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0']));
  });

  it('ships models and ffmpeg as extraResources where the packaged app looks for them', () => {
    const models = config.extraResources.find((r) => r.from === 'resources/models');
    const ffmpeg = config.extraResources.find((r) => r.from.startsWith('resources/bin/'));
    expect(models?.to).toBe('models');
    expect(ffmpeg?.to).toBe('bin');
    expect(ffmpeg?.from).toContain('${os}');
    const packaged = resolveAppPaths({ isPackaged: true, resourcesPath: '/r', appPath: '/r/app.asar', userDataPath: '/u', tempPath: '/t', platform: 'linux', mainDir: '/r/app.asar/out/main' });
    expect(packaged.modelsDir).toBe(join('/r', models!.to));
    expect(packaged.ffmpegPath).toBe(join('/r', ffmpeg!.to, 'ffmpeg'));
    expect(existsSync(join(REPO_ROOT, 'resources/models/manifest.json'))).toBe(true);
  });

  it('electron.vite.config builds the engine worker entry and a CommonJS preload, native modules external', () => {
    const vite = readFileSync(join(REPO_ROOT, 'electron.vite.config.ts'), 'utf8');
    expect(vite).toContain("src/main/engine/entry.ts");
    expect(vite).toMatch(/format: 'cjs', entryFileNames: '\[name\]\.cjs'/);
    for (const mod of ['sharp', 'onnxruntime-node']) expect(vite).toContain(`'${mod}'`);
    expect(resolveAppPaths({ isPackaged: false, resourcesPath: '', appPath: '/a', userDataPath: '/u', tempPath: '/t', platform: 'linux', mainDir: '/a/out/main' }).preloadPath).toMatch(/index\.cjs$/);
  });

  // Only with a build (CI runs `npx electron-vite build` before `npm test`); the source runs need none.
  const outMain = join(REPO_ROOT, 'out', 'main');
  it.skipIf(!existsSync(join(outMain, 'refine-worker.js')))('the built refine pool finds refine-worker.js beside its chunk, and the worker answers a task', async () => {
    const chunks = readdirSync(outMain).filter((f) => f.endsWith('.js') && /new URL\(["']\.\/refine-worker\.js["']/.test(readFileSync(join(outMain, f), 'utf8')));
    // The pool resolves new URL('./refine-worker.js', import.meta.url): its chunk must be in out/main itself.
    expect(chunks.length).toBeGreaterThan(0);
    const worker = new Worker(join(outMain, 'refine-worker.js'));
    try {
      const reply = await new Promise<{ id: number; ok: boolean; data?: Uint8Array; error?: unknown }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        const data = new Uint8Array(2 * 2 * 4).fill(200);
        worker.postMessage({ id: 7, data, width: 2, height: 2, mask: new Float32Array([1, 1, 0, 0]), maskW: 2, maskH: 2, mode: 'off', background: { kind: 'transparent' } });
      });
      expect(reply).toMatchObject({ id: 7, ok: true });
      expect(reply.data).toHaveLength(16);
      // Asked to, it tells the refine's progress and the composite's start before it answers.
      const replies = await new Promise<{ id: number; ok?: boolean; progress?: unknown }[]>((resolve, reject) => {
        const got: { id: number; ok?: boolean; progress?: unknown }[] = [];
        worker.on('message', (m) => {
          got.push(m);
          if ('ok' in m) resolve(got);
        });
        worker.once('error', reject);
        worker.postMessage({ id: 8, data: new Uint8Array(2 * 2 * 4).fill(200), width: 2, height: 2, mask: new Float32Array([1, 1, 0, 0]), maskW: 2, maskH: 2, mode: 'fast', background: { kind: 'transparent' }, tellsProgress: true });
      });
      expect(replies[0]).toEqual({ id: 8, progress: { stage: 'refine', done: 0, total: 100 } });
      expect(replies.at(-3)).toEqual({ id: 8, progress: { stage: 'refine', done: 100, total: 100 } });
      expect(replies.at(-2)).toEqual({ id: 8, progress: { stage: 'composite', done: 0, total: 1 } });
      expect(replies.at(-1)).toMatchObject({ id: 8, ok: true });
    } finally {
      await worker.terminate();
    }
  });

  // What the app's main process starts (engine/host.ts: out/main/engine.js), run from the build as
  // it is: its chunks, its externals (sharp, onnxruntime-node, gifenc, pdf-lib) and the paths it
  // finds from import.meta.url. A packaged app loads the same files from app.asar, which only
  // Electron can read: that part stays untested here.
  it.skipIf(!existsSync(join(outMain, 'engine.js')))('the built engine worker makes a cut-out, an ID photo with its PDF sheet and a GIF sticker', { timeout: 120_000 }, async () => {
    const dir = tempDir('cutout-built-engine-');
    const worker = new Worker(join(outMain, 'engine.js'), {
      workerData: { modelsDirs: [SHARED_MODELS_DIR, join(REPO_ROOT, 'resources', 'models')], manifestPath: join(REPO_ROOT, 'resources', 'models', 'manifest.json'), tempDir: join(dir, 'engine') },
    });
    let nextId = 1;
    const call = (arg: unknown) =>
      new Promise<{ ok: boolean; value?: Record<string, unknown>; error?: { code: string; message: string } }>((resolve, reject) => {
        const id = nextId++;
        const onMessage = (m: { type: string; id: number }) => {
          if (m.id !== id || m.type !== 'result') return;
          worker.off('message', onMessage);
          resolve(m as never);
        };
        worker.on('message', onMessage);
        worker.once('error', reject);
        worker.postMessage({ type: 'call', id, op: 'runJob', arg });
      });
    const portrait = join(EVAL_DIR, 'id_portraits', 'images', 'hv_test1.jpg');
    const clip = join(EVAL_DIR, 'anime_clips', 'clips', 'esrgan_onepiece_demo.mp4');
    const specs = JSON.parse(readFileSync(join(REPO_ROOT, 'resources', 'specs', 'id-photo-specs.json'), 'utf8')) as { specs: { id: string }[] };
    const spec = specs.specs.find((s) => s.id === 'icao-35x45');
    try {
      const cut = await call({ kind: 'cutout', input: portrait, output: join(dir, 'cut.png'), options: { subject: 'person', background: { kind: 'transparent' }, refine: 'full' } });
      expect(cut).toMatchObject({ ok: true, value: { provider: 'cpu', modelId: 'mediapipe-selfie' } });
      const id = await call({ kind: 'idphoto', input: portrait, output: join(dir, 'id.jpg'), options: { spec, background: 'white', sheet: { paper: '6inch', dpi: 300, output: join(dir, 'sheet.pdf') } } });
      expect(id.ok, id.error?.message).toBe(true);
      expect(readFileSync(join(dir, 'sheet.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
      const sticker = await call({ kind: 'sticker', input: clip, output: join(dir, 'sticker.gif'), options: { maxSidePx: 96, fps: 6, durationS: 1 } });
      expect(sticker).toMatchObject({ ok: true, value: { format: 'gif' } });
      expect(readFileSync(join(dir, 'sticker.gif')).subarray(0, 6).toString()).toBe('GIF89a');
      expect(readFileSync(join(dir, 'cut.png')).subarray(1, 4).toString()).toBe('PNG');
    } finally {
      await worker.terminate();
    }
  });
});

describe('build/prepare-resources.mjs', () => {
  /** A copy of the script in a tree of its own (it writes beside itself), run with these models folders. */
  const prepare = (modelsDirs: string[], manifest?: (m: { models: { id: string; sha256: string }[] }) => void) => {
    const root = tempDir('cutout-prepare-');
    mkdirSync(join(root, 'build'));
    mkdirSync(join(root, 'resources', 'models'), { recursive: true });
    copyFileSync(join(REPO_ROOT, 'build', 'prepare-resources.mjs'), join(root, 'build', 'prepare-resources.mjs'));
    const m = JSON.parse(readFileSync(join(REPO_ROOT, 'resources', 'models', 'manifest.json'), 'utf8'));
    manifest?.(m);
    writeFileSync(join(root, 'resources', 'models', 'manifest.json'), JSON.stringify(m));
    copyFileSync(join(REPO_ROOT, 'resources', 'models', 'anime-seg.onnx'), join(root, 'resources', 'models', 'anime-seg.onnx'));
    // A stand-in for ffmpeg: the script only copies it.
    const ffmpeg = join(root, 'ffmpeg-stand-in');
    writeFileSync(ffmpeg, '#!/bin/sh\n');
    const run = spawnSync(process.execPath, [join(root, 'build', 'prepare-resources.mjs')], { env: { ...process.env, CUTOUT_MODELS_DIR: modelsDirs.join(delimiter), CUTOUT_FFMPEG: ffmpeg }, encoding: 'utf8' });
    return { root, run, models: readdirSync(join(root, 'resources', 'models')).sort() };
  };

  it('copies the bundled models from a list of folders, checked by sha256, and keeps the committed anime-seg', () => {
    const { run, models, root } = prepare([join(REPO_ROOT, 'no-such-folder'), SHARED_MODELS_DIR]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('model anime-seg: resources/models/anime-seg.onnx (already there)');
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'resources', 'models', 'manifest.json'), 'utf8')) as { models: { file: string; bundled?: boolean }[] };
    expect(models).toEqual([...manifest.models.filter((m) => m.bundled).map((m) => m.file), 'manifest.json'].sort());
    expect(existsSync(join(root, 'resources', 'bin'))).toBe(true);
  });

  it('refuses a model file whose sha256 is not the manifest\'s, and names a missing one with its URL', () => {
    const wrong = prepare([SHARED_MODELS_DIR], (m) => (m.models.find((x) => x.id === 'yunet')!.sha256 = '0'.repeat(64)));
    expect(wrong.run.status).not.toBe(0);
    expect(wrong.run.stderr).toMatch(/bundled model yunet: .*face_detection_yunet_2023mar\.onnx has sha256 [0-9a-f]{64}, the manifest says 0{64}/);
    const missing = prepare([join(REPO_ROOT, 'no-such-folder')]);
    expect(missing.run.status).not.toBe(0);
    expect(missing.run.stderr).toMatch(/bundled model mediapipe-selfie \(portrait_selfie_segmentation_mediapipe_256x256\.onnx\) is in none of CUTOUT_MODELS_DIR's folders: .*no-such-folder; download it from https:/);
  });

  // A platform's `files` replaces the top level's list of what goes in: one of exclusions alone made
  // electron-builder pack the whole checkout (365 MB of docs, tests and scratch files in app.asar).
  // Packed for real (Linux, --dir, offline: a stand-in for the Electron binary this machine cannot download).
  it('packs out/, package.json and the runtime node_modules into app.asar, nothing else of the checkout', () => {
    expect(existsSync(join(REPO_ROOT, 'out', 'main', 'index.js'))).toBe(true);
    const electronDist = tempDir();
    writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(electronDist, 'version'), 'v45.4.1');
    for (const name of ['LICENSE', 'LICENSES.chromium.html']) writeFileSync(join(electronDist, name), '');
    mkdirSync(join(electronDist, 'resources'));
    const output = tempDir();
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'electron-builder', 'cli.js'), '--config', 'electron-builder.yml', '--projectDir', '.', '--linux', 'dir', `-c.electronDist=${electronDist}`, `-c.directories.output=${output}`], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', CSC_IDENTITY_AUTO_DISCOVERY: 'false' } });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const resources = join(output, 'linux-unpacked', 'resources');
    // app.asar: a 16-byte prefix, then its JSON header of the files' tree.
    const asar = readFileSync(join(resources, 'app.asar'));
    const header = JSON.parse(asar.subarray(16, 16 + asar.readUInt32LE(12)).toString('utf8')) as { files: Record<string, { files?: Record<string, unknown> }> };
    expect(Object.keys(header.files).sort()).toEqual(['node_modules', 'out', 'package.json']);
    expect(Object.keys(header.files.out.files!).sort()).toEqual(['main', 'preload', 'renderer']);
    const modules = Object.keys(header.files.node_modules.files!);
    for (const name of ['sharp', 'onnxruntime-node', 'gifenc', 'pdf-lib', 'ws']) expect(modules).toContain(name);
    // Not the build's tools (tsx, esbuild: the app runs out/), nor ffmpeg-static (extraResources), nor dev dependencies.
    for (const name of ['tsx', 'esbuild', '@esbuild', 'ffmpeg-static', 'vitest', 'electron', 'electron-builder', 'svelte', 'playwright-core']) expect(modules).not.toContain(name);
    // onnxruntime's binaries unpacked beside it, this platform's and arch's alone.
    const napi = join(resources, 'app.asar.unpacked', 'node_modules', 'onnxruntime-node', 'bin');
    const platforms = readdirSync(napi).flatMap((v) => readdirSync(join(napi, v)).flatMap((os) => readdirSync(join(napi, v, os)).map((arch) => `${os}/${arch}`)));
    expect(platforms).toEqual([`linux/${process.arch}`]);
    expect(statSync(join(resources, 'app.asar')).size).toBeLessThan(40 * 1024 * 1024);
  }, 180_000);
});
