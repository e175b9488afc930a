// Benchmark harness types and the timing helper shared by every bench/sections/*.ts module.
// Runs in Node (tsx); numbers are medians after warm-up, never asserted in tests.
import { readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCliEnv } from '../src/main/cli/cli-env';
import type { CoreEnv } from '../src/main/core/env';

/** The repository root (bench/ is one level down). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * What the bench tools run with: the shared folder (CUTOUT_SHARED_DIR, else ../shared), its
 * models unless CUTOUT_MODELS_DIR says otherwise, and the CPU unless CUTOUT_PROVIDER does.
 */
export function benchEnv(): { sharedDir: string; env: CoreEnv } {
  const sharedDir = resolve(process.env.CUTOUT_SHARED_DIR ?? join(REPO_ROOT, '..', 'shared'));
  process.env.CUTOUT_MODELS_DIR ??= join(sharedDir, 'models');
  return { sharedDir, env: createCliEnv({ provider: process.env.CUTOUT_PROVIDER ?? 'cpu' }) };
}

/** One measured row of a section's table. */
export interface BenchRow {
  name: string;
  medianMs?: number;
  p10Ms?: number;
  p90Ms?: number;
  n?: number;
  value?: number;
  unit?: string;
  note?: string;
}

/** Timing summary of repeated runs. */
export interface Timing {
  medianMs: number;
  p10Ms: number;
  p90Ms: number;
  n: number;
}

/** What a section gets from the harness. */
export interface BenchContext {
  env: CoreEnv;
  repoRoot: string;
  sharedDir: string;
  /** Smaller inputs and fewer repetitions (CI smoke run). */
  quick: boolean;
  /** Runs fn `warmup` times untimed, then `n` times timed; returns median and spread. */
  measure(fn: () => Promise<unknown> | unknown, opts?: { warmup?: number; n?: number }): Promise<Timing>;
  log(line: string): void;
  /** A new temporary folder, removed after the section (failed or not) and on Ctrl+C: each run left its folders in the temp folder. */
  tempDir(prefix: string): string;
}

/** A section of the benchmark report (one table in docs/performance.md). */
export interface BenchSection {
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

/** Value at quantile q (0..1) of a sorted array, linear interpolation. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Times fn: warm-up runs first, then n timed runs; median, p10, p90. */
export async function measure(fn: () => Promise<unknown> | unknown, opts: { warmup?: number; n?: number } = {}): Promise<Timing> {
  return (await measureInterleaved([fn], opts))[0];
}

/**
 * Times several functions in alternating rounds (each warmed up first), so that they share the
 * machine's state and can be compared within one run: one Timing per function.
 */
export async function measureInterleaved(fns: (() => Promise<unknown> | unknown)[], opts: { warmup?: number; n?: number } = {}): Promise<Timing[]> {
  const warmup = opts.warmup ?? 2;
  const n = opts.n ?? 10;
  for (const fn of fns) for (let i = 0; i < warmup; i++) await fn();
  const samples = fns.map(() => [] as number[]);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < fns.length; k++) {
      const t0 = performance.now();
      await fns[k]();
      samples[k].push(performance.now() - t0);
    }
  }
  return samples.map(summarize);
}

/** Median and spread of timed samples (ms). */
export function summarize(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return { medianMs: quantile(sorted, 0.5), p10Ms: quantile(sorted, 0.1), p90Ms: quantile(sorted, 0.9), n: sorted.length };
}

/**
 * Stickers of training sprites for the palette benches: every 20th `../shared/train/anime/fg`
 * sprite (from the 8th), 4 to a sticker (2 stickers when quick), as paths.
 */
export async function spriteStickers(ctx: Pick<BenchContext, 'sharedDir' | 'quick'>): Promise<string[][]> {
  const dir = join(ctx.sharedDir, 'train', 'anime', 'fg');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.png')).sort().filter((_, i) => i % 20 === 7);
  const groups = ctx.quick ? 2 : Math.floor(files.length / 4);
  return Array.from({ length: groups }, (_, g) => files.slice(g * 4, g * 4 + 4).map((f) => join(dir, f)));
}
