#!/usr/bin/env node
// Release step before `electron-builder`: copies the bundled models (manifest entries with
// bundled: true) into resources/models from the folders CUTOUT_MODELS_DIR names (separated by the
// OS's path delimiter, as the app reads it), each checked against the manifest's sha256, and the
// ffmpeg-static binary into resources/bin/<os>. A model already in resources/models with the right
// hash (anime-seg, which is committed) is kept. Neither the copies nor ffmpeg are committed; a
// release pipeline runs this. Node only.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const modelsOut = join(root, 'resources', 'models');
const os = { win32: 'win', darwin: 'mac', linux: 'linux' }[process.platform] ?? process.platform;
const binOut = join(root, 'resources', 'bin', os);

const sha256Of = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');
const manifest = JSON.parse(readFileSync(join(modelsOut, 'manifest.json'), 'utf8'));
const sources = (process.env.CUTOUT_MODELS_DIR ?? '').split(delimiter).filter(Boolean);
for (const entry of manifest.models.filter((m) => m.bundled)) {
  const target = join(modelsOut, entry.file);
  if (existsSync(target) && sha256Of(target) === entry.sha256) {
    console.log(`model ${entry.id}: resources/models/${entry.file} (already there)`);
    continue;
  }
  const from = sources.map((dir) => join(dir, entry.file)).find((path) => existsSync(path));
  if (!from) throw new Error(`bundled model ${entry.id} (${entry.file}) is in none of CUTOUT_MODELS_DIR's folders: ${sources.join(', ') || '(CUTOUT_MODELS_DIR is not set)'}; download it from ${entry.url ?? 'its source'}`);
  const hash = sha256Of(from);
  if (hash !== entry.sha256) throw new Error(`bundled model ${entry.id}: ${from} has sha256 ${hash}, the manifest says ${entry.sha256}`);
  copyFileSync(from, target);
  console.log(`model ${entry.id} -> resources/models/${entry.file}`);
}

let ffmpeg = process.env.CUTOUT_FFMPEG;
if (!ffmpeg) {
  try {
    ffmpeg = createRequire(import.meta.url)('ffmpeg-static');
  } catch {
    throw new Error('ffmpeg-static is not installed; set CUTOUT_FFMPEG to an ffmpeg binary');
  }
}
mkdirSync(binOut, { recursive: true });
const exe = process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
copyFileSync(ffmpeg, join(binOut, exe));
console.log(`ffmpeg ${ffmpeg} -> resources/bin/${os}/${exe}`);
