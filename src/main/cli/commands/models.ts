// `cutout models`: list every known model, where its file is and whether its sha256 matches.
// Node only.
import { createCliEnv } from '../cli-env';
import type { CliCommand } from '../command';

/** `cutout models`. */
export const modelsCommand: CliCommand = {
  name: 'models',
  summary: 'list the models, where they are found, and verify their sha256',
  usage: 'cutout models [--json]',
  async run(argv, io) {
    const env = createCliEnv();
    const list = await env.store.list();
    if (argv.includes('--json')) {
      io.out(JSON.stringify(list.map((s) => ({ id: s.entry.id, task: s.entry.task, state: s.state, path: s.path, licence: s.entry.licence, bundled: s.entry.bundled, url: s.entry.url })), null, 2));
    } else {
      io.out(`models folders: ${env.store.modelsDirs.join(', ')}`);
      io.out('| id | task | state | licence | file |');
      io.out('|---|---|---|---|---|');
      for (const s of list) io.out(`| ${s.entry.id} | ${s.entry.task} | ${s.state} | ${s.entry.licence} | ${s.path ?? `${s.entry.file} (${s.entry.bundled ? 'bundled' : 'download: ' + (s.entry.url ?? 'n/a')})`} |`);
    }
    const bad = list.filter((s) => s.state === 'corrupt' || (s.state === 'missing' && s.entry.bundled));
    return bad.some((s) => s.state === 'corrupt') ? 1 : 0;
  },
};
