// `npm run bench`'s command line: what it cannot run is refused with a code before anything runs
// (an unknown flag printed a stack; an empty --only, from an empty variable, ran every section).
import { describe, expect, it } from 'vitest';
import { runBench } from '../../bench/run';

describe('npm run bench flags', () => {
  it('refuses an unknown flag, a flag without its value and an --only naming no section', async () => {
    await expect(runBench(['--bogus'])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining("Unknown option '--bogus'") });
    await expect(runBench(['--only'])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    for (const only of ['', ' , ']) await expect(runBench(['--only', only, '--quick'])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('--only names no section: the sections are anime, batch') });
  }, 60_000);
});
