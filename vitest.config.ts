// Test runner config: unit, integration and e2e specs under tests/ run in Node with real
// sharp, onnxruntime-node and ffmpeg; renderer rune classes compile through the Svelte plugin.
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte({ compilerOptions: { runes: true } })],
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // expect.poll's own default is 1 s: on a loaded 2-core CI machine a folder of 20 pictures took
    // longer than that to reach the Batch workspace of a page on `cutout serve`, and a test failed.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', './tests/helpers/summary-reporter.ts'],
  },
});
