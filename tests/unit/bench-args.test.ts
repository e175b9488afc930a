// `npm run bench`'s command line: what it cannot run is refused with a code before anything runs
// (an unknown flag printed a stack; an empty --only, from an empty variable, ran every section).
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runBench } from '../../bench/run';
import { benchCommand } from '../../src/main/cli/commands/bench';

describe('npm run bench flags', () => {
  it('refuses an unknown flag, a flag without its value and an --only naming no section', async () => {
    await expect(runBench(['--bogus'])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining("Unknown option '--bogus'") });
    await expect(runBench(['--only'])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    for (const only of ['', ' , ']) await expect(runBench(['--only', only, '--quick'])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('--only names no section: the sections are anime, batch') });
  }, 60_000);
});

describe('cutout bench --help', () => {
  it('says where the results go, what leaves docs/performance.md alone, and names every section (it was one usage line)', () => {
    const sections = readdirSync(join(__dirname, '..', '..', 'bench', 'sections')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
    const listed = /--only: the sections to run \(([^)]*)\)/.exec(benchCommand.usage.replace(/\n\s*/g, ' '))?.[1].split(', ');
    expect(listed).toEqual(sections.sort());
    expect(benchCommand.usage).toMatch(/bench\/results\/<date>\.json/);
    expect(benchCommand.usage).toMatch(/--no-docs leave it alone/);
  });
});
