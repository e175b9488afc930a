// `cutout models`: list every known model, where its file is and whether its sha256 matches.
// Node only.
import { parseArgs } from 'node:util';
import { modelsFolderText } from '../../core/models/model-store';
import { createCliEnv } from '../cli-env';
import type { CliCommand } from '../command';

/** `cutout models`. */
export const modelsCommand: CliCommand = {
  name: 'models',
  summary: 'list the models, where they are found, and verify their sha256',
  usage: 'cutout models [--json]',
  async run(argv, io) {
    // Parsed as every command's options are: `--jsn` or a stray word is refused (it printed the table).
    const { values } = parseArgs({ args: argv, allowPositionals: false, options: { json: { type: 'boolean' } } });
    const env = createCliEnv();
    // Verified: every file hashed again (the cache trusts a file whose size and time are unchanged).
    const list = await env.store.list({ rehash: true });
    if (values.json) {
      io.out(JSON.stringify(list.map((s) => ({ id: s.entry.id, task: s.entry.task, state: s.state, path: s.path, licence: s.entry.licence, bundled: s.entry.bundled, url: s.entry.url })), null, 2));
    } else {
      io.out(`models folders: ${env.store.modelsDirs.map(modelsFolderText).join(', ')}`);
      io.out('| id | task | state | licence | file |');
      io.out('|---|---|---|---|---|');
      // A missing one: the name to save it as (a download's own name is often another) and where from.
      for (const s of list) io.out(`| ${s.entry.id} | ${s.entry.task} | ${s.state} | ${s.entry.licence} | ${s.path ?? `save as ${s.entry.file}${s.entry.url ? `, from ${s.entry.url}` : s.entry.bundled ? ' (bundled)' : ''}`} |`);
    }
    // Exit 1 when a model the app ships with is missing, or any model is damaged or unreadable (the
    // app would fall back to another, or stop with MODEL_MISSING / MODEL_CORRUPT / INPUT_NOT_READABLE),
    // or a user descriptor was left out.
    const bad = list.filter((s) => s.state === 'corrupt' || s.state === 'unreadable' || (s.state === 'missing' && s.entry.bundled));
    if (bad.length > 0) io.err(`${bad.length === 1 ? '1 model the app needs is' : `${bad.length} models the app needs are`} missing, damaged or unreadable: ${bad.map((s) => `${s.entry.id} (${s.state}${s.reason ? `: ${s.reason}` : ''})`).join(', ')}`);
    // A descriptor left out (not JSON, a wrong field, an app model's id): said, with why.
    const skipped = await env.store.skippedDescriptors();
    for (const s of skipped) io.err(`left out: ${s.error.message}`);
    return bad.length > 0 || skipped.length > 0 ? 1 : 0;
  },
};
