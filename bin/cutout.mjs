#!/usr/bin/env node
// `cutout` launcher: runs the TypeScript CLI through tsx's loader, so `npx cutout` works from a
// checkout without a separate build step.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';

register();
const entry = new URL('../src/main/cli/index.ts', import.meta.url);
const { main } = await import(fileURLToPath(entry));
await main();
