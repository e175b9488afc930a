// `cutout models`: list every known model, where its file is and whether its sha256 matches.
// Node only.
import { parseArgs } from 'node:util';
import { modelsFolderText, type ModelStatus } from '../../core/models/model-store';
import { createCliEnv } from '../cli-env';
import { fileFailureLine, type CliCommand } from '../command';

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
      // The sha256 checked against (null: none is published, the file is unpinned) and the one found when it differs.
      const copy = (s: ModelStatus) => ({ path: s.path, state: s.state, ...(s.actualSha256 && s.state === 'corrupt' ? { actualSha256: s.actualSha256 } : {}), ...(s.reason ? { reason: s.reason } : {}) });
      io.out(JSON.stringify(list.map((s) => ({ id: s.entry.id, task: s.entry.task, ...copy(s), sha256: s.entry.sha256 ?? null, licence: s.entry.licence, bundled: s.entry.bundled, url: s.entry.url, ...(s.passedOver ? { passedOver: s.passedOver.map(copy) } : {}) })), null, 2));
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
    // Each with its code and what to do, as a command that needs it says it (one line without a code named them all).
    for (const s of bad) {
      const error = await env.store.resolve(s.entry).then(() => null, (e: unknown) => e);
      if (error) io.err(fileFailureLine(error, s.entry.id));
    }
    // A damaged copy in an earlier folder is passed over for a good one in a later folder: said, as a
    // file dropped in to replace a model would otherwise be ignored unsaid.
    for (const s of list) {
      for (const p of s.passedOver ?? []) io.err(`note: ${s.entry.id}: ${p.path} ${p.state === 'corrupt' ? "is damaged (its sha256 is not the manifest's)" : `cannot be read (${p.reason})`}; ${s.path} is used`);
    }
    const unpinned = list.filter((s) => s.state === 'unpinned');
    if (unpinned.length > 0) io.err(`note: unpinned: no sha256 is published for ${unpinned.map((s) => s.entry.id).join(', ')}, so ${unpinned.length === 1 ? 'its file is' : 'their files are'} not verified (a damaged one fails as it is loaded)`);
    // A descriptor left out (not JSON, a wrong field, an app model's id): said, with why.
    const skipped = await env.store.skippedDescriptors();
    for (const s of skipped) io.err(`left out: ${s.error.message}`);
    return bad.length > 0 || skipped.length > 0 ? 1 : 0;
  },
};
