#!/usr/bin/env node
// Release step before `electron-builder`: copies the bundled models (manifest entries with
// bundled: true) from CUTOUT_MODELS_DIR into resources/models, and the ffmpeg-static binary into
// resources/bin/<os>. Neither is committed; a release pipeline runs this. Node only.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const modelsOut = join(root, 'resources', 'models');
const os = { win32: 'win', darwin: 'mac', linux: 'linux' }[process.platform] ?? process.platform;
const binOut = join(root, 'resources', 'bin', os);

const manifest = JSON.parse(readFileSync(join(modelsOut, 'manifest.json'), 'utf8'));
const source = process.env.CUTOUT_MODELS_DIR;
if (!source) throw new Error('Set CUTOUT_MODELS_DIR to the folder holding the bundled model files');
for (const entry of manifest.models.filter((m) => m.bundled)) {
  const from = join(source, entry.file);
  if (!existsSync(from)) throw new Error(`bundled model ${entry.id} missing: ${from}`);
  copyFileSync(from, join(modelsOut, entry.file));
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
