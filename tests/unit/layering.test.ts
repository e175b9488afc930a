// The code-layering rule (as VS Code enforces it), checked by scanning imports: src/shared and
// src/main/core never import electron; src/shared imports no node:*, sharp or onnxruntime-node;
// the renderer never imports src/main; only preload, platform and window/ipc/index files import electron.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/env';

function sourceFiles(dir: string): string[] {
  let out: string[] = [];
  // A folder renamed away would check nothing and pass: it throws (ENOENT) instead.
  const names = readdirSync(dir);
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(sourceFiles(p));
    else if (/\.(ts|mts|js|mjs|svelte)$/.test(name)) out.push(p);
  }
  return out;
}

/** Module specifiers of static imports, re-exports, dynamic imports and require calls. */
export function importsOf(text: string): string[] {
  const specs: string[] = [];
  const patterns = [/\bimport\s+(?:type\s+)?[^'"]*?\sfrom\s+['"]([^'"]+)['"]/g, /\bimport\s+['"]([^'"]+)['"]/g, /\bexport\s+[^'"]*?\sfrom\s+['"]([^'"]+)['"]/g, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const re of patterns) for (const m of text.matchAll(re)) specs.push(m[1]);
  return specs;
}

function violations(dir: string, isForbidden: (spec: string, file: string) => boolean): string[] {
  const bad: string[] = [];
  const files = sourceFiles(join(REPO_ROOT, dir));
  if (files.length === 0) throw new Error(`${dir} holds no source files: nothing would be checked`);
  for (const file of files) {
    for (const spec of importsOf(readFileSync(file, 'utf8'))) if (isForbidden(spec, file)) bad.push(`${relative(REPO_ROOT, file)} imports ${spec}`);
  }
  return bad;
}

const isElectron = (s: string): boolean => s === 'electron' || s.startsWith('electron/') || s.startsWith('@electron/');
const resolvesInto = (spec: string, file: string, target: string): boolean => spec.startsWith('.') && resolve(dirname(file), spec).startsWith(join(REPO_ROOT, target));

describe('layering', () => {
  it('finds imports in every form', () => {
    expect(importsOf(`import a from 'x';\nimport type { B } from "y";\nexport * from './z';\nimport 'w';\nawait import('v');\nrequire('u')`).sort()).toEqual(['u', 'v', 'w', 'x', 'y', './z'].sort());
  });

  it('src/shared imports neither electron, node:*, sharp nor onnxruntime-node', () => {
    expect(violations('src/shared', (s) => isElectron(s) || s.startsWith('node:') || ['fs', 'path', 'os', 'crypto', 'child_process', 'worker_threads'].includes(s) || s === 'sharp' || s.startsWith('onnxruntime'))).toEqual([]);
  });

  it('src/main/core never imports electron, and only inference/session.ts imports onnxruntime-node', () => {
    expect(violations('src/main/core', (s) => isElectron(s))).toEqual([]);
    expect(violations('src/main/core', (s, f) => s === 'onnxruntime-node' && !f.endsWith(join('inference', 'session.ts')))).toEqual([]);
  });

  it('the engine, services (except dialogs), server and CLI run without electron', () => {
    for (const dir of ['src/main/engine', 'src/main/server', 'src/main/cli']) expect(violations(dir, isElectron)).toEqual([]);
    expect(violations('src/main/services', (s, f) => isElectron(s) && !f.endsWith('dialogs.ts'))).toEqual([]);
    expect(violations('src/main/platform', (s, f) => isElectron(s) && !f.endsWith(join('platform', 'paths.ts')) && !f.endsWith('menu.ts'))).toEqual([]);
  });

  it('the renderer never imports src/main, electron or Node built-ins', () => {
    expect(violations('src/renderer', (s, f) => resolvesInto(s, f, 'src/main') || resolvesInto(s, f, 'src/preload') || isElectron(s) || s.startsWith('node:'))).toEqual([]);
  });

  it('preload imports only electron and src/shared (through its bridge)', () => {
    expect(violations('src/preload', (s, f) => !(isElectron(s) || resolvesInto(s, f, 'src/shared') || resolvesInto(s, f, 'src/preload')))).toEqual([]);
  });
});
