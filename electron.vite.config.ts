// Build of the three processes: main (+ the engine worker as its own entry), the sandboxed
// preload (one CommonJS file) and the Svelte 5 renderer. Native modules stay external.
import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';

/** Loaded at run time from node_modules (asarUnpack): never bundled. */
const NATIVE = ['sharp', 'onnxruntime-node', 'ffmpeg-static', 'ws', 'gifenc', 'pdf-lib'];

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: { include: NATIVE },
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          // The engine runs in a worker thread; engine/host.ts loads out/main/engine.js.
          engine: resolve(__dirname, 'src/main/engine/entry.ts'),
          // Batch export's refine pool starts './refine-worker.js' beside the chunk that holds it.
          'refine-worker': resolve(__dirname, 'src/main/core/batch/refine-worker.ts'),
        },
        // Flat output: every chunk sits beside engine.js and refine-worker.js, so the
        // `new URL('./x.js', import.meta.url)` worker lookups resolve in the bundle too.
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload must be one CommonJS file that requires only 'electron'.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
    plugins: [svelte({ compilerOptions: { runes: true } })],
  },
});
