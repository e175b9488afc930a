// Unit tests of batch export's pure parts: naming template, scan rules, journal, pause gate.
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal, JournalIndex, JournalWriter, hashOptions } from '../../../../src/main/core/batch/journal';
import { planOutputPaths, validateNameTemplate } from '../../../../src/main/core/batch/naming';
import { MAX_NAME_BYTES } from '../../../../src/main/core/io/atomic-write';
import { lockOutputFolder } from '../../../../src/main/core/batch/output-lock';
import { PauseGate } from '../../../../src/main/core/batch/pause-gate';
import { csvField, entriesToCsv, readReport, writeReports, type BatchReport } from '../../../../src/main/core/batch/report';
import { atWorkWorth, etaRate, filesWorked, finishedOfRecord, hashedQuality, repeatsFailure } from '../../../../src/main/core/batch/run-batch';
import { BATCH_MODES } from '../../../../src/main/core/batch/modes';
import { jobFraction } from '../../../../src/shared/jobs';
import { folderPrefixes, scanInputs } from '../../../../src/main/core/batch/scan';
import type { BatchEntry } from '../../../../src/main/core/batch/types';
import { tempDir } from '../../../helpers/env';
import { tinyPng } from '../../../helpers/apng';

describe('batch naming', () => {
  it('renders tokens, mirrors folders and de-duplicates deterministically', () => {
    const items = [
      { input: '/in/a.jpg', relDir: '', fileName: 'a.jpg', sizeBytes: 1, mtimeMs: 1 },
      { input: '/in/a.png', relDir: '', fileName: 'a.png', sizeBytes: 1, mtimeMs: 1 },
      { input: '/in/s/b.JPG', relDir: 's', fileName: 'b.JPG', sizeBytes: 1, mtimeMs: 1 },
    ];
    expect(planOutputPaths(items, '/out', '{name}_{mode}', { mode: 'portrait' }, 'png')).toEqual(['/out/a_portrait.png', '/out/a_portrait-2.png', '/out/s/b_portrait.png']);
    expect(planOutputPaths(items, '/out', '{index}-{name}.{ext}', { mode: 'anime' }, 'webp')[2]).toBe('/out/s/3-b.jpg.webp');
  });
  it('keeps the name an input was written to before, and passes over files that are not its own', () => {
    const items = [
      { input: '/in/a.gif', relDir: '', fileName: 'a.gif', sizeBytes: 1, mtimeMs: 1 },
      { input: '/in/a.jpg', relDir: '', fileName: 'a.jpg', sizeBytes: 1, mtimeMs: 1 },
      { input: '/in/a.png', relDir: '', fileName: 'a.png', sizeBytes: 1, mtimeMs: 1 },
      { input: '/in/b.jpg', relDir: '', fileName: 'b.jpg', sizeBytes: 1, mtimeMs: 1 },
    ];
    // Before a.gif was added, a.jpg went to a_cutout.png and a.png to a_cutout-2.png; b_cutout.png
    // is a file of the user's (no batch wrote it), a_cutout-3.png one written for another picture.
    const before = new Map([['/in/a.jpg', ['/out/a_cutout.png', '/out/x.png']], ['/in/a.png', ['/out/A_cutout-2.png']]]);
    const owners = new Map([['/out/a_cutout.png', '/in/a.jpg'], ['/out/a_cutout-2.png', '/in/a.png'], ['/out/a_cutout-3.png', '/elsewhere/a.jpg']]);
    const onDisk = new Set(['/out/a_cutout.png', '/out/a_cutout-2.png', '/out/a_cutout-3.png', '/out/b_cutout.png']);
    const passedOver: number[] = [];
    const plan = planOutputPaths(items, '/out', '{name}_cutout', { mode: 'portrait' }, 'png', {
      previousOutputsOf: (input) => before.get(input) ?? [],
      isForeign: (path, input) => onDisk.has(path.toLowerCase()) && owners.get(path.toLowerCase()) !== input,
      onPassedOver: (i) => passedOver.push(i),
    });
    expect(plan).toEqual(['/out/a_cutout-4.png', '/out/a_cutout.png', '/out/A_cutout-2.png', '/out/b_cutout-2.png']);
    // Told which were named beside a file not theirs (the summary's besideOthers): a.gif, past
    // a_cutout-3.png, another picture's; b.jpg, past the user's b_cutout.png. Not those that kept their names.
    expect(passedOver).toEqual([0, 3]);
  });
  it("an output takes no name another's print sheet is written to, nor a mirrored folder's (a.jpg's sheet overwrote input a_sheet.jpg's photo)", () => {
    const item = (name: string, relDir = '') => ({ input: `/in/${relDir ? `${relDir}/` : ''}${name}`, relDir, fileName: name, sizeBytes: 1, mtimeMs: 1 });
    const sheetOf = (output: string) => [output.replace(/\.jpg$/, '_sheet.jpg')];
    expect(planOutputPaths([item('a.jpg'), item('a_sheet.jpg')], '/out', '{name}', { mode: 'idphoto' }, 'jpg', undefined, sheetOf)).toEqual(['/out/a.jpg', '/out/a_sheet-2.jpg']);
    // The other way round: a's photo moves, as its sheet would be the other's photo.
    expect(planOutputPaths([item('a_sheet.jpg'), item('a.jpg')], '/out', '{name}', { mode: 'idphoto' }, 'jpg', undefined, sheetOf)).toEqual(['/out/a_sheet.jpg', '/out/a-2.jpg']);
    // A folder IN/a_cutout.png/ mirrored as OUT/a_cutout.png/: a.jpg's output passes over its name.
    expect(planOutputPaths([item('a.jpg'), item('b.jpg', 'a_cutout.png')], '/out', '{name}_cutout', { mode: 'portrait' }, 'png')).toEqual(['/out/a_cutout-2.png', '/out/a_cutout.png/b_cutout.png']);
    expect(planOutputPaths([item('a.jpg'), item('b.jpg', 'x/A_cutout.png')], '/out', '{name}_cutout', { mode: 'portrait' }, 'png')[0]).toBe('/out/a_cutout.png');
  });

  it('{index}: outputs written before keep their numbers; a file added later takes a free one', () => {
    const item = (name: string, relDir = '') => ({ input: `/in/${relDir ? `${relDir}/` : ''}${name}`, relDir, fileName: name, sizeBytes: 1, mtimeMs: 1 });
    const first = [item('b.jpg'), item('c.jpg'), item('d.jpg'), item('e.jpg', 's')];
    const written = planOutputPaths(first, '/out', '{index}_{name}', { mode: 'portrait' }, 'png');
    expect(written).toEqual(['/out/1_b.png', '/out/2_c.png', '/out/3_d.png', '/out/s/4_e.png']);
    // c.jpg failed the first time (no output); a.jpg is added before all; ten files now.
    const before = new Map(first.filter((_, i) => i !== 1).map((it, i) => [it.input, [written[i === 0 ? 0 : i + 1]]]));
    const claims = { previousOutputsOf: (input: string) => before.get(input) ?? [], isForeign: () => false };
    const later = [item('a.jpg'), ...first, ...['f', 'g', 'h', 'i', 'j'].map((n) => item(`${n}.jpg`, 's'))];
    const plan = planOutputPaths(later, '/out', '{index}_{name}', { mode: 'portrait' }, 'png', claims);
    // b, d and e keep theirs; f to j take their places' numbers; a and c (whose places' 1 and 3 are
    // held) the smallest free ones.
    expect(plan.slice(0, 5)).toEqual(['/out/02_a.png', '/out/1_b.png', '/out/05_c.png', '/out/3_d.png', '/out/s/4_e.png']);
    expect(plan.slice(5)).toEqual(['/out/s/06_f.png', '/out/s/07_g.png', '/out/s/08_h.png', '/out/s/09_i.png', '/out/s/10_j.png']);
    // A resume with nothing new plans the same paths again.
    expect(planOutputPaths(first, '/out', '{index}_{name}', { mode: 'portrait' }, 'png', claims)).toEqual(written);
    // Ten files written as 01 … 10, then two taken away and one added: 09, padded as the others (it was 9).
    const ten = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((n) => item(`${n}.jpg`));
    const tenWritten = planOutputPaths(ten, '/out', '{index}_{name}', { mode: 'portrait' }, 'png');
    const tenBefore = new Map(ten.map((it, i) => [it.input, [tenWritten[i]]]));
    const nine = [...ten.slice(0, 8), item('k.jpg')];
    expect(planOutputPaths(nine, '/out', '{index}_{name}', { mode: 'portrait' }, 'png', { previousOutputsOf: (input) => tenBefore.get(input) ?? [], isForeign: () => false }).slice(7)).toEqual(['/out/08_h.png', '/out/09_k.png']);
  });
  it('keeps every output inside its folder whatever a token\'s value holds (a page\'s spec id "../../x" wrote outside it)', () => {
    const items = [{ input: '/in/a.jpg', relDir: '', fileName: 'a.jpg', sizeBytes: 1, mtimeMs: 1 }];
    expect(planOutputPaths(items, '/out', '{spec}', { mode: 'portrait', spec: '../../../tmp/victim' }, 'png')).toEqual(['/out/.._.._.._tmp_victim.png']);
    expect(planOutputPaths(items, '/out', '{bg}_{name}', { mode: 'portrait', bg: '..\\..\\x' }, 'png')).toEqual(['/out/.._.._x_a.png']);
    expect(planOutputPaths(items, '/out', '{spec}', { mode: 'portrait', spec: '..' }, 'png')).toEqual(['/out/_.png']);
    // An earlier output (the journal's) is kept only where this plan would name it: not outside the folder.
    expect(planOutputPaths(items, '/out', '{name}', { mode: 'portrait' }, 'png', { previousOutputsOf: () => ['/elsewhere/a.png'], isForeign: () => false })).toEqual(['/out/a.png']);
  });
  it('cuts a long input name (at a character) so its output name fits, with room for -2 and a print sheet; two cut alike get -2', () => {
    const long = 'a'.repeat(250);
    const chinese = '长'.repeat(84); // 252 bytes
    const item = (name: string) => ({ input: `/in/${name}`, relDir: '', fileName: name, sizeBytes: 1, mtimeMs: 1 });
    const plan = planOutputPaths([item(`${long}.jpg`), item(`${long}b.jpg`), item(`${chinese}.jpg`), item('short.jpg')], '/out', '{name}_{spec}', { mode: 'idphoto', spec: 'us-2x2' }, 'jpg');
    const names = plan.map((p) => basename(p));
    for (const n of names) expect(Buffer.byteLength(n.replace(/\.jpg$/, '_sheet.jpg'))).toBeLessThanOrEqual(MAX_NAME_BYTES);
    expect(names[0]).toMatch(/^a+_us-2x2\.jpg$/);
    expect(names[1]).toBe(names[0].replace('.jpg', '-2.jpg'));
    expect(names[2]).toMatch(/^长+_us-2x2\.jpg$/);
    expect(names[3]).toBe('short_us-2x2.jpg');
    // The same cut in a later run with many more files ({index} has room for a million), and for a name met twice.
    const one = planOutputPaths([item(`${long}.jpg`)], '/out', '{index}_{name}', { mode: 'portrait' }, 'png')[0];
    const many = planOutputPaths(Array.from({ length: 1000 }, (_, i) => item(i === 999 ? `${long}.jpg` : `f${i}.jpg`)), '/out', '{index}_{name}', { mode: 'portrait' }, 'png')[999];
    expect(basename(many).replace(/^\d+_/, '')).toBe(basename(one).replace(/^\d+_/, ''));
    expect(Buffer.byteLength(basename(planOutputPaths([item(`${long}.jpg`)], '/out', '{name}-{name}', { mode: 'portrait' }, 'png')[0]))).toBeLessThanOrEqual(MAX_NAME_BYTES);
  });

  it('refuses unknown tokens and path separators', () => {
    expect(() => validateNameTemplate('{nope}')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => validateNameTemplate('../{name}')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    // Each flags itself for the UI's wording.
    for (const bad of ['{nope}', '../{name}', ' ']) expect(() => validateNameTemplate(bad)).toThrow(expect.objectContaining({ detail: expect.objectContaining({ badTemplate: true }) }));
    // {spec} is an ID photo's alone: elsewhere it was empty, and '{spec}' named every cut-out _.png, _-2.png, ….
    for (const mode of ['portrait', 'anime', 'sticker'] as const) {
      expect(() => validateNameTemplate('{spec}', mode)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^\{spec\} in the name template is an ID photo's spec: a \w+ batch has none; use \{name\} \{ext\} \{mode\} \{bg\} \{index\}$/), detail: expect.objectContaining({ specNotHere: true }) }));
    }
    expect(() => validateNameTemplate('{name}_{spec}', 'idphoto')).not.toThrow();
  });
});

describe('batch scan', () => {
  it('skips hidden/system files, filters extensions, recurses on request and never enters the output folder', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'sub', 'deep'), { recursive: true });
    mkdirSync(join(root, 'out'), { recursive: true });
    mkdirSync(join(root, '.git'), { recursive: true });
    for (const f of ['a.jpg', 'B.PNG', 'notes.txt', 'Thumbs.db', '.DS_Store', '.hidden.jpg', 'sub/c.jpg', 'sub/deep/d.webp', 'out/x.png', '.git/e.jpg']) writeFileSync(join(root, f), 'x');
    const flat = await scanInputs([root], { recursive: false, extensions: ['jpg', 'png', 'webp'], excludeDirs: [join(root, 'out')] });
    expect(flat.items.map((i) => i.fileName)).toEqual(['B.PNG', 'a.jpg']);
    const deep = await scanInputs([root, join(root, 'missing.jpg')], { recursive: true, extensions: ['jpg', 'png', 'webp'], excludeDirs: [join(root, 'out')] });
    expect(deep.items.map((i) => `${i.relDir}/${i.fileName}`)).toEqual(['/B.PNG', '/a.jpg', 'sub/c.jpg', 'sub/deep/d.webp']);
    expect(deep.missing).toEqual([join(root, 'missing.jpg')]);
    // The same folder twice ("in in/"): read once, at the top (it was said placed in a sub-folder never made).
    const twice = await scanInputs([root, `${root}/`], { recursive: false, extensions: ['jpg', 'png', 'webp'], excludeDirs: [join(root, 'out')] });
    expect(twice.items.map((i) => `${i.relDir}/${i.fileName}`)).toEqual(['/B.PNG', '/a.jpg']);
    expect(twice.folderPlaces).toEqual([{ input: root, rel: '' }]);
  });

  it('lists a link to a picture that is not there (it was left out unsaid); a link to one there is taken once, and one of another type left out', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'a.jpg'), 'x');
    symlinkSync(join(root, 'a.jpg'), join(root, 'also-a.jpg'));
    symlinkSync(join(root, 'moved.jpg'), join(root, 'gone.jpg'));
    symlinkSync(join(root, 'moved.txt'), join(root, 'gone.txt'));
    const scan = await scanInputs([root], { recursive: false, extensions: ['jpg'] });
    expect(scan.items.map((i) => i.fileName)).toEqual(['a.jpg']);
    expect(scan.brokenLinks).toEqual([{ path: join(root, 'gone.jpg'), target: join(root, 'moved.jpg') }]);
    expect(scan.leftOut).toBe(0);
  });

  it("a sticker batch takes a folder's animated PNGs (LINE stickers, named .png) and leaves its still ones out", async () => {
    const root = tempDir();
    writeFileSync(join(root, 'line.png'), tinyPng(true));
    writeFileSync(join(root, 'still.png'), tinyPng(false));
    writeFileSync(join(root, 'clip.gif'), 'x');
    const sticker = BATCH_MODES.sticker;
    const scan = await scanInputs([root], { recursive: false, extensions: sticker.inputExtensions, takesByContent: sticker.takesByContent });
    expect(scan.items.map((i) => i.fileName)).toEqual(['clip.gif', 'line.png']);
    expect(scan.leftOutTypes).toEqual({ png: 1 });
    // The other modes take every .png as a picture.
    expect(BATCH_MODES.portrait.takesByContent).toBeUndefined();
  });
});

describe('where input folders go in the output folder', () => {
  const x = '/in/x/photos';
  const y = '/in/y/photos';
  it('one folder at the top, several each in a sub-folder named after it (-2 for a name met twice)', () => {
    expect(folderPrefixes([x], [])).toEqual(['']);
    expect(folderPrefixes([x, y], [])).toEqual(['photos', 'photos-2']);
  });
  it('a folder placed by an earlier batch goes back there, whatever else is in the run or in which order', () => {
    const before = [
      { input: `${x}/a.jpg`, rel: 'photos/a_cutout.png' },
      { input: `${y}/sub/b.jpg`, rel: 'photos-2/sub/b_cutout.png' },
    ];
    expect(folderPrefixes([y, x], before)).toEqual(['photos-2', 'photos']);
    expect(folderPrefixes([x], before)).toEqual(['photos']);
    // Alone first (at the top), then with another: it stays at the top, the new one gets a sub-folder.
    expect(folderPrefixes([y, x], [{ input: `${x}/sub/deep/a.jpg`, rel: 'sub/deep/a_cutout.png' }])).toEqual(['photos', '']);
    // Placed twice: where it went last (the newest first).
    expect(folderPrefixes([x], [{ input: `${x}/a.jpg`, rel: 'photos/a_cutout.png' }, { input: `${x}/a.jpg`, rel: 'a_cutout.png' }])).toEqual(['photos']);
  });
  it('a new folder goes to the top only when no other input has outputs there (one class after another; a tree like an earlier one)', () => {
    const classA = [{ input: '/school/7A/001.jpg', rel: '001_cn-1inch.jpg' }];
    expect(folderPrefixes(['/school/7B'], classA)).toEqual(['7B']);
    expect(folderPrefixes(['/school/7B', '/other/7B'], [...classA, { input: '/old/7B/x.jpg', rel: '7B/x.jpg' }])).toEqual(['7B-2', '7B-3']);
    // An earlier tree (classes/7A, classes/7B at the top): a second tree with the same sub-folders gets its own folder.
    const tree = [{ input: '/classes/7A/001.jpg', rel: '7A/001_cutout.png' }, { input: '/classes/7B/001.jpg', rel: '7B/001_cutout.png' }];
    expect(folderPrefixes(['/classes2'], tree)).toEqual(['classes2']);
    // A loose file written before counts as another input's, in the run or not.
    expect(folderPrefixes(['/school/7B'], [{ input: '/loose/p.jpg', rel: 'p_cutout.png' }])).toEqual(['7B']);
    // A tree in this run placed at the top before: its sub-folders are taken, by a new folder of the same name too.
    const sevenA = [{ input: '/school/7A/001.jpg', rel: '001_cutout.png' }, { input: '/school/7A/7B/001.jpg', rel: '7B/001_cutout.png' }];
    expect(folderPrefixes(['/school/7A', '/other/7B'], sevenA)).toEqual(['', '7B-2']);
  });
  it('never a sub-folder of the output folder that is an input folder or lies in one', () => {
    // The output folder is the input folders' parent: "party" after "holiday" went into party itself.
    const holiday = [{ input: '/Pictures/holiday/a.jpg', rel: 'a_cutout.png' }];
    expect(folderPrefixes(['/Pictures/party'], holiday, '/Pictures')).toEqual(['party-2']);
    expect(folderPrefixes(['/Pictures/party', '/Pictures/holiday'], [], '/Pictures')).toEqual(['party-2', 'holiday-2']);
    // A place an earlier run took there is left for a new one; elsewhere the name is kept.
    expect(folderPrefixes(['/Pictures/party'], [...holiday, { input: '/Pictures/party/b.jpg', rel: 'party/b_cutout.png' }], '/Pictures')).toEqual(['party-2']);
    expect(folderPrefixes(['/Pictures/party'], holiday, '/Exports')).toEqual(['party']);
    // An output folder inside the input folder is its own case (the scan never enters it): places as before.
    expect(folderPrefixes(['/Pictures', '/Other'], [], '/Pictures/out')).toEqual(['Pictures', 'Other']);
  });
});

describe('batch journal', () => {
  it('keeps the latest record per input and ignores a torn last line', async () => {
    const path = join(tempDir(), 'j.jsonl');
    const w = await JournalWriter.open(path);
    const rec = { v: 1 as const, input: '/a.jpg', status: 'failed' as const, sizeBytes: 3, mtimeMs: 4, optionsHash: hashOptions({ a: 1 }), output: '/o/a.png', atMs: 0 };
    await w.append(rec);
    await w.append({ ...rec, status: 'done' });
    await w.close();
    appendFileSync(path, '{"v":1,"input":"/b.jpg","sta');
    const w2 = await JournalWriter.open(path);
    await w2.append({ ...rec, input: '/c.jpg' });
    await w2.close();
    const read = await readJournal(path);
    expect(read.latest('/a.jpg')!.status).toBe('done');
    expect(read.latest('/b.jpg')).toBeUndefined();
    expect(read.latest('/c.jpg')!.status).toBe('failed');
    expect(hashOptions({ a: 1, b: 2 })).toBe(hashOptions({ b: 2, a: 1 }));
  });

  it('passes over a record whose fields are not of their types (a hand-edited line): it stopped every run with an internal error', async () => {
    const path = join(tempDir(), 'j.jsonl');
    const rec = { v: 1, input: '/a.jpg', status: 'done', sizeBytes: 3, mtimeMs: 4, optionsHash: 'h', output: '/o/a.png', atMs: 0 };
    const lines = [{ ...rec, input: '/x.jpg', output: 5 }, { ...rec, input: '/y.jpg', outputRel: ['a'] }, { ...rec, input: '/z.jpg', sizeBytes: '3' }, rec, { ...rec, input: '/n.jpg', status: 'failed', output: null }];
    writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const read = await readJournal(path, '/o');
    for (const input of ['/x.jpg', '/y.jpg', '/z.jpg']) expect(read.latest(input), input).toBeUndefined();
    expect(read.latest('/a.jpg')!.status).toBe('done');
    expect(read.latest('/n.jpg')!.status).toBe('failed');
  });

  it('passes over a done record with no output (a retry stopped with INTERNAL), and takes a place outside OUT as no place (it moved the batch out of OUT)', async () => {
    const path = join(tempDir(), 'j.jsonl');
    const rec = { v: 1, input: '/in/a.jpg', status: 'done', sizeBytes: 3, mtimeMs: 4, optionsHash: 'h', output: '/o/sub/a.png', atMs: 0 };
    const escapes = ['../escaped/a.png', '/tmp/a.png', 'sub/../../a.png', './a.png', 'C:/a.png', 'sub\\..\\..\\a.png'];
    const lines = [{ ...rec, input: '/in/x.jpg', output: null }, { ...rec, input: '/in/y.jpg', output: undefined }, { ...rec, input: '/in/z.jpg', output: '' }, ...escapes.map((outputRel, i) => ({ ...rec, input: `/in/${i}.jpg`, outputRel }))];
    writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const read = await readJournal(path, '/o');
    for (const input of ['/in/x.jpg', '/in/y.jpg', '/in/z.jpg']) expect(read.latest(input), input).toBeUndefined();
    // Each at the output it was written to, inside OUT.
    escapes.forEach((_, i) => expect(read.outputOf(read.latest(`/in/${i}.jpg`)!)).toBe('/o/sub/a.png'));
    expect(read.donePlaces().map((p) => p.rel)).toEqual(['sub/a.png']);
    expect(read.relOf('/o')).toBeUndefined();
    expect(read.relOf('/o/..a.png')).toBe('..a.png');
  });

  it('keeps a journalled note of the kinds the UI words: a hand-edited [null] stopped every resume with INTERNAL', () => {
    const rec = { v: 1 as const, input: '/in/a.jpg', status: 'done' as const, sizeBytes: 3, mtimeMs: 4, optionsHash: 'h', output: '/o/a.png', atMs: 0, note: 'made of the first 6 s' };
    const kept = { kind: 'firstPart', seconds: 6, frames: 60 };
    expect(finishedOfRecord({ ...rec, notes: [null, 5, 'x', kept] as never })).toEqual({ note: 'made of the first 6 s', notes: [kept] });
    expect(finishedOfRecord({ ...rec, notes: [null] as never })).toEqual({ note: 'made of the first 6 s' });
  });

  it('hashes a quality only where it changes the bytes, and the default as none (the app sends 92, the CLI nothing)', () => {
    expect(hashedQuality(BATCH_MODES.portrait, 'jpeg', 50)).toBe(50);
    expect(hashedQuality(BATCH_MODES.anime, 'webp', 80)).toBe(80);
    expect(hashedQuality(BATCH_MODES.portrait, 'jpeg', 92)).toBeUndefined();
    expect(hashedQuality(BATCH_MODES.portrait, 'jpeg', undefined)).toBeUndefined();
    expect(hashedQuality(BATCH_MODES.portrait, 'png', 50)).toBeUndefined();
    expect(hashedQuality(BATCH_MODES.idphoto, 'jpeg', 50)).toBeUndefined();
    expect(hashOptions({ a: 1, quality: hashedQuality(BATCH_MODES.portrait, 'jpeg', 92) })).toBe(hashOptions({ a: 1 }));
  });

  it('does not try again a failure of the file itself while the file and options stay the same; anything else is tried again', () => {
    const item = { sizeBytes: 3, mtimeMs: 4 };
    const failure = { v: 1 as const, input: '/in/a.jpg', status: 'failed' as const, sizeBytes: 3, mtimeMs: 4, optionsHash: 'h', output: '/o/a.png', message: 'm', atMs: 0 };
    // What the picture shows, or what the file is as the decoder or probe said.
    for (const code of ['NO_FACE', 'MULTIPLE_FACES', 'FACE_CUT_OFF', 'FACE_NOT_UPRIGHT', 'TOO_TIGHT', 'NO_VIDEO_STREAM'] as const) expect(repeatsFailure({ ...failure, code }, item, 'h')).toBe(true);
    for (const errorKind of ['damaged', 'empty', 'unknownFormat', 'still', 'video'] as const) expect(repeatsFailure({ ...failure, code: 'INPUT_UNSUPPORTED', errorKind }, item, 'h')).toBe(true);
    for (const errorKind of ['cutShort', 'empty'] as const) expect(repeatsFailure({ ...failure, code: 'VIDEO_CORRUPT', errorKind }, item, 'h')).toBe(true);
    // An unreadable file that does not say why (a permission, a killed ffprobe), a record from before
    // errorKind was kept, NO_SUBJECT (a missing anime model), the disk, the models, the engine, the pixel budget: tried again.
    for (const code of ['INPUT_UNSUPPORTED', 'VIDEO_CORRUPT', 'NO_SUBJECT', 'DISK_FULL', 'OUTPUT_NOT_WRITABLE', 'MODEL_MISSING', 'FFMPEG_FAILED', 'IMAGE_TOO_LARGE', 'INTERNAL'] as const) {
      expect(repeatsFailure({ ...failure, code }, item, 'h')).toBe(false);
    }
    // An output name too long for the file system: the same file under the same template makes it again (not retried on and on).
    expect(repeatsFailure({ ...failure, code: 'OUTPUT_NOT_WRITABLE', errorKind: 'nameTooLong' }, item, 'h')).toBe(true);
    // The file or the options changed, or a done record.
    expect(repeatsFailure({ ...failure, code: 'NO_FACE' }, { ...item, mtimeMs: 5 }, 'h')).toBe(false);
    expect(repeatsFailure({ ...failure, code: 'NO_FACE' }, { ...item, sizeBytes: 9 }, 'h')).toBe(false);
    expect(repeatsFailure({ ...failure, code: 'NO_FACE' }, item, 'other')).toBe(false);
    expect(repeatsFailure({ ...failure, code: 'NO_FACE', status: 'done' }, item, 'h')).toBe(false);
  });

  it('keeps each options run apart, and knows which input each output was written for', () => {
    const base = { v: 1 as const, status: 'done' as const, sizeBytes: 3, mtimeMs: 4, atMs: 0 };
    const white = { ...base, input: '/in/a.jpg', optionsHash: 'white', output: '/o/a_icao.jpg' };
    const blue = { ...base, input: '/in/a.jpg', optionsHash: 'blue', output: '/o/a_icao.jpg' };
    const index = new JournalIndex('/o', [
      { ...base, input: '/in/a.jpg', optionsHash: 'portrait', output: '/o/a_cutout.png' },
      { ...base, input: '/in/a.jpg', optionsHash: 'anime', output: '/o/a_anime.png', status: 'failed' as const },
      { ...base, input: '/other/a.jpg', optionsHash: 'portrait', output: '/o/A_cutout.png' },
      white,
      blue,
    ]);
    // A run of another mode into the same folder does not hide the portrait run's record.
    expect(index.latestFor('/in/a.jpg', 'portrait')!.status).toBe('done');
    expect(index.latestFor('/in/a.jpg', 'anime')!.status).toBe('failed');
    expect(index.latest('/in/a.jpg')!.optionsHash).toBe('blue');
    // The output was written again for another picture (case-insensitively the same name): it is that one's now.
    expect(index.ownerOf('/o/a_cutout.png')).toBe('/other/a.jpg');
    // A failed record wrote nothing, so it owns no name.
    expect(index.ownerOf('/o/a_anime.png')).toBeUndefined();
    expect(index.outputsOf('/in/a.jpg')).toEqual(['/o/a_icao.jpg']);
    // The white photo was written over by the blue one: its record no longer holds for that file.
    expect([index.isLatestAt(white, '/o/a_icao.jpg'), index.isLatestAt(blue, '/o/a_icao.jpg')]).toEqual([false, true]);
  });

  it('an output being written is its input\'s: a run stopped between the rename and the done record leaves no one else\'s file', () => {
    const done = { v: 1 as const, status: 'done' as const, sizeBytes: 3, mtimeMs: 4, optionsHash: 'h' };
    const index = new JournalIndex('/o', [{ ...done, input: '/in/a.jpg', output: '/o/a_cutout.png', atMs: 1 }]);
    index.addClaim({ v: 1, input: '/in/b.jpg', status: 'writing', output: '/o/b_cutout.png', outputRel: 'b_cutout.png', atMs: 2 });
    expect(index.ownerOf('/o/b_cutout.png')).toBe('/in/b.jpg');
    // A claim is no outcome: nothing done or failed to skip or retry.
    expect(index.latest('/in/b.jpg')).toBeUndefined();
    // The later of a claim and a done record at one place decides.
    index.addClaim({ v: 1, input: '/other/a.jpg', status: 'writing', output: '/o/a_cutout.png', atMs: 0 });
    expect(index.ownerOf('/o/a_cutout.png')).toBe('/in/a.jpg');
    index.addClaim({ v: 1, input: '/other/a.jpg', status: 'writing', output: '/o/A_cutout.png', atMs: 3 });
    expect(index.ownerOf('/o/a_cutout.png')).toBe('/other/a.jpg');
  });

  it('knows an output by its place in the output folder, however the folder is spelled', () => {
    const base = { v: 1 as const, status: 'done' as const, sizeBytes: 3, mtimeMs: 4, atMs: 0, optionsHash: 'h' };
    // Written when the folder was /tmp/out (a link to /private/tmp/out), read as /private/tmp/out.
    const index = new JournalIndex('/private/tmp/out', [{ ...base, input: '/in/a.jpg', output: '/tmp/out/sub/a_cutout.png', outputRel: 'sub/a_cutout.png' }]);
    expect(index.ownerOf('/private/tmp/out/sub/A_cutout.png')).toBe('/in/a.jpg');
    expect(index.outputsOf('/in/a.jpg')).toEqual(['/private/tmp/out/sub/a_cutout.png']);
  });
});

describe('the rate of a batch', () => {
  it('counts a failure as the share of a file it took: broken files that failed at once are not files done', () => {
    // Two corrupt clips failed in 20 ms each while a sticker has been at work 1.5 s and is 30 % made.
    expect(filesWorked({ done: 0, failed: 2, doneWorkMs: 0, failedWorkMs: 40, atWorkMs: 1500, inFlight: 0.3 })).toBeCloseTo(0.3 + 40 / 1500, 6);
    // Once files are done, a failure weighs its time against theirs (a face refused after the model ran: nearly a whole file).
    expect(filesWorked({ done: 2, failed: 1, doneWorkMs: 2000, failedWorkMs: 900, atWorkMs: 0, inFlight: 0 })).toBeCloseTo(2.9, 6);
    expect(filesWorked({ done: 2, failed: 1, doneWorkMs: 2000, failedWorkMs: 5000, atWorkMs: 0, inFlight: 0 })).toBe(3);
    // Failures only, nothing at work: their own time is the measure, each counts whole.
    expect(filesWorked({ done: 0, failed: 3, doneWorkMs: 0, failedWorkMs: 2700, atWorkMs: 0, inFlight: 0 })).toBe(3);
    expect(filesWorked({ done: 0, failed: 2, doneWorkMs: 0, failedWorkMs: 0, atWorkMs: 0, inFlight: 0 })).toBe(2);
  });

  it('counts a file at work that tells no progress by its time against a file done, short of a whole file', () => {
    // Two ID photos (no progress of their own) began together; one is done after 1.21 s, the other
    // has been at work as long: it counts 0.9, not 0 (the rate read 0.8 files/s, the run went at 2.3).
    expect(atWorkWorth([{ atWorkMs: 1200 }], 1210)).toBeCloseTo(0.9, 6);
    expect(atWorkWorth([{ atWorkMs: 300 }, { atWorkMs: 600 }], 1200)).toBeCloseTo(0.75, 6);
    // Nothing done yet: nothing to measure against.
    expect(atWorkWorth([{ atWorkMs: 5000 }], 0)).toBe(0);
    // A file that tells its progress counts that, whatever its time.
    expect(atWorkWorth([{ atWorkMs: 5000, reported: 0.3 }, { atWorkMs: 10, reported: 0 }], 1000)).toBeCloseTo(0.3, 6);
  });

  it("counts a sticker made to a preset on the preset's stage spans, whose encode (the byte budget's retries) is long", () => {
    const spansOf = BATCH_MODES.sticker.fileProgressAs!;
    expect([spansOf({ mode: 'sticker', extra: { preset: 'line' } }), spansOf({ mode: 'sticker', extra: {} }), spansOf({ mode: 'sticker' })]).toEqual(['sticker-budget', 'sticker', 'sticker']);
    // Its encode begins at 62 % of the file (a LINE batch's ETA read 0:00 with each file at 90 %).
    expect(jobFraction({ spans: spansOf({ mode: 'sticker', extra: { preset: 'line' } }), stage: 'encode', done: 0, total: 1 })).toBeCloseTo(0.62, 6);
    expect(BATCH_MODES.portrait.fileProgressAs!({ mode: 'portrait' })).toBe('cutout');
    expect(BATCH_MODES.idphoto.fileProgressAs).toBeUndefined();
  });

  it('rates the work since the first file done once a file more is done, leaving the warm-up out', () => {
    // The first portrait took 1.1 s (the session's first runs, the refine workers' start), the next
    // ones about 0.2 s each.
    const firstDone = { worked: 1, processingMs: 1100 };
    // A file's worth of work since is not there yet: the whole run's rate.
    expect(etaRate({ worked: 1.5, processingMs: 1200 }, firstDone)).toBeCloseTo(1.5 / 1.2, 6);
    // Then the rate since the mark: 3 files in 0.6 s, where the whole run's read 4 in 1.7 s.
    expect(etaRate({ worked: 4, processingMs: 1700 }, firstDone)).toBeCloseTo(5, 6);
    // No file done yet: the whole run's; nothing worked: no rate.
    expect(etaRate({ worked: 0.5, processingMs: 1000 })).toBeCloseTo(0.5, 6);
    expect(etaRate({ worked: 0, processingMs: 1000 })).toBe(0);
  });
});

describe('pause gate', () => {
  it('holds waiters while paused and rejects them on abort', async () => {
    const gate = new PauseGate();
    await gate.wait();
    gate.pause();
    let isReleased = false;
    const waiting = gate.wait().then(() => (isReleased = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(isReleased).toBe(false);
    gate.resume();
    await waiting;
    expect(isReleased).toBe(true);
    gate.pause();
    const ac = new AbortController();
    const aborted = gate.wait(ac.signal);
    ac.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('batch report.csv', () => {
  it("says a name a spreadsheet would take for a formula as text (a browser's batch names its inputs as picked), a number as a number", () => {
    const entries = ['=1+1.jpg', '+SUM(1,2).jpg', '-2+3.jpg', '@cmd.jpg', 'plain.jpg'].map((name) => ({ input: `/up/photos/${name}`, status: 'done' as const, output: `/out/${name}.png` }));
    const rows = entriesToCsv(entries, { inputRoots: ['/up'], outputDir: '/out' }).replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1);
    expect(rows.map((r) => r.split(',')[0])).toEqual(['photos/=1+1.jpg', 'photos/+SUM(1', 'photos/-2+3.jpg', 'photos/@cmd.jpg', 'photos/plain.jpg'].map((s) => (s.includes('SUM') ? '"photos/+SUM(1' : s)));
    const atRoot = entriesToCsv(entries, { inputRoots: ['/up/photos'], outputDir: '/out' }).replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1);
    expect(atRoot.map((r) => r.split(',')[0])).toEqual(["'=1+1.jpg", `"'+SUM(1`, "'-2+3.jpg", "'@cmd.jpg", 'plain.jpg']);
    expect(atRoot[0]).toContain(",'=1+1.jpg.png");
    expect([csvField('-0.5'), csvField('+3'), csvField('=A1'), csvField('a,b')]).toEqual(['-0.5', '+3', "'=A1", '"a,b"']);
  });

  it("names the input in a message as its column does (not the server's upload path), and no output for a file cancelled", () => {
    const entries: BatchEntry[] = [
      { input: '/up/3f2a/broken.jpg', status: 'failed', code: 'INPUT_UNSUPPORTED', message: '/up/3f2a/broken.jpg is not an image this app can read', output: '/out/broken_cutout.png' },
      { input: '/up/3f2a/later.jpg', status: 'cancelled', reason: 'not done: cancelled', output: '/out/later_cutout.png' },
    ];
    const rows = entriesToCsv(entries, { inputRoots: ['/up/3f2a'], outputDir: '/out' }).replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1);
    expect(rows[0]).toBe('broken.jpg,failed,INPUT_UNSUPPORTED,broken.jpg is not an image this app can read,,,,,,,');
    expect(rows[1]).toBe('later.jpg,cancelled,,not done: cancelled,,,,,,,');
  });

  it('keeps a report of another mode as report-MODE.*, drops an older one of its own mode, and writes over one it cannot move', async () => {
    const dir = tempDir();
    const reportOf = (mode: string, input: string): BatchReport => ({ version: 1, summary: { mode } as BatchReport['summary'], entries: [{ input, status: 'done', output: `${input}.out` }] });
    expect((await writeReports(dir, reportOf('idphoto', 'a.jpg'))).kept).toBeUndefined();
    const second = await writeReports(dir, reportOf('portrait', 'b.jpg'));
    expect(second.kept).toBe(join(dir, 'report-idphoto.csv'));
    expect(readFileSync(join(dir, 'report-idphoto.csv'), 'utf8')).toContain('a.jpg');
    expect(readFileSync(join(dir, 'report.csv'), 'utf8')).toContain('b.jpg');
    // ID photos again: the portrait report is kept, the older ID-photo one superseded.
    await writeReports(dir, reportOf('idphoto', 'c.jpg'));
    expect(readdirSync(dir).sort()).toEqual(['report-portrait.csv', 'report-portrait.json', 'report.csv', 'report.json']);
    // A CSV that cannot be moved (a folder stands where it goes): nothing is kept, the report is written.
    mkdirSync(join(dir, 'report-idphoto.csv', 'x'), { recursive: true });
    const blocked = await writeReports(dir, reportOf('anime', 'd.jpg'));
    expect(blocked.kept).toBeUndefined();
    expect(readFileSync(join(dir, 'report.csv'), 'utf8')).toContain('d.jpg');
  });

  it('takes a report.json without its summary (hand-edited, another tool\'s) as no report: it stopped every batch into the folder with INTERNAL', async () => {
    const dir = tempDir();
    for (const summary of [undefined, null, 5]) {
      writeFileSync(join(dir, 'report.json'), JSON.stringify({ version: 1, entries: [], ...(summary === undefined ? {} : { summary }) }));
      expect(await readReport(dir)).toBeUndefined();
      const written = await writeReports(dir, { version: 1, summary: { mode: 'portrait' } as BatchReport['summary'], entries: [] });
      expect(written.kept).toBeUndefined();
      expect((await readReport(dir))?.summary.mode).toBe('portrait');
    }
  });

  it('writes the review columns: yes / no, n/a for a model without a threshold, empty for other modes', () => {
    const csv = entriesToCsv([
      { input: '/in/a.png', status: 'done', output: '/out/a.png', unsureShare: 0.2, needsReview: true, reviewThreshold: 0.08 },
      { input: '/in/b.png', status: 'done', output: '/out/b.png', unsureShare: 0.01, needsReview: false, reviewThreshold: 0.08 },
      { input: '/in/c.png', status: 'done', output: '/out/c.png', unsureShare: 0.2, needsReview: false, reviewThreshold: null },
      { input: '/in/d.mp4', status: 'done', output: '/out/d.gif' },
    ]).trim().split('\r\n');
    expect(csv[0].split(',').slice(-4, -2)).toEqual(['unsure_share', 'needs_review']);
    expect(csv.slice(1).map((l) => l.split(',').slice(-4, -2).join(','))).toEqual(['0.200,yes', '0.010,no', '0.200,n/a', ',']);
  });

  it('the message column holds a failure\'s message and a skip\'s reason, the note column a done file\'s note', () => {
    const csv = entriesToCsv([
      { input: '/in/a.png', status: 'failed', output: '/out/a.png', code: 'INPUT_UNSUPPORTED', message: 'not an image' },
      { input: '/in/b.mp4', status: 'done', output: '/out/b.gif', note: 'first part' },
      { input: '/in/c.mp4', status: 'skipped', output: '/out/c.gif', note: 'first part', reason: 'done before' },
    ]).trim().split('\r\n');
    expect(csv.slice(1).map((l) => l.split(',')[3])).toEqual(['not an image', '', 'done before']);
    expect(csv[0].split(',').at(-1)).toBe('note');
    expect(csv.slice(1).map((l) => l.split(',').at(-1))).toEqual(['', 'first part', 'first part']);
    // A failed file wrote nothing: no output path.
    expect(csv[1].split(',')[4]).toBe('');
  });

  it("the output_bytes column follows the output: a written file's size, empty where nothing was written", () => {
    const csv = entriesToCsv([
      { input: '/in/a.jpg', status: 'done', output: '/out/a.jpg', outputBytes: 48213 },
      { input: '/in/b.jpg', status: 'skipped', output: '/out/b.jpg', doneBefore: true, reason: 'done before', outputBytes: 20480 },
      { input: '/in/c.jpg', status: 'failed', output: '/out/c.jpg', code: 'NO_FACE', message: 'no face', outputBytes: 99 },
      { input: '/in/d.jpg', status: 'done', output: '/out/d.jpg' },
    ]).trim().split('\r\n');
    expect(csv[0].split(',').slice(4, 6)).toEqual(['output', 'output_bytes']);
    expect(csv.slice(1).map((l) => l.split(',').slice(4, 6))).toEqual([['/out/a.jpg', '48213'], ['/out/b.jpg', '20480'], ['', ''], ['/out/d.jpg', '']]);
  });

  it("a browser's report says inputs from their upload folders and outputs from the output folder; other paths whole", () => {
    const csv = entriesToCsv(
      [
        { input: '/srv/uploads/folder-1a2b/photos/2024/a.jpg', status: 'done', output: '/srv/exports/photos/2024/a_cutout.png' },
        { input: '/srv/uploads/9f8e/b.jpg', status: 'failed', output: '/srv/exports/photos/b_cutout.png', code: 'NO_FACE', message: 'no face' },
        { input: '/elsewhere/c.jpg', status: 'done', output: '/elsewhere/out/c_cutout.png' },
      ],
      { inputRoots: ['/srv/uploads/folder-1a2b', '/srv/uploads/9f8e'], outputDir: '/srv/exports/photos' },
    ).trim().split('\r\n');
    expect(csv.slice(1).map((l) => [l.split(',')[0], l.split(',')[4]])).toEqual([
      ['photos/2024/a.jpg', '2024/a_cutout.png'],
      ['b.jpg', ''],
      ['/elsewhere/c.jpg', '/elsewhere/out/c_cutout.png'],
    ]);
    // Without roots (the desktop, the CLI) every path is the user's own, whole.
    expect(entriesToCsv([{ input: '/srv/uploads/9f8e/b.jpg', status: 'done', output: '/srv/exports/photos/b.png' }]).split('\r\n')[1].split(',').slice(0, 5)).toEqual(['/srv/uploads/9f8e/b.jpg', 'done', '', '', '/srv/exports/photos/b.png']);
  });

  it('the spec column says pass or the failed checks of an ID photo, and nothing for other modes', () => {
    const csv = entriesToCsv([
      { input: '/in/a.jpg', status: 'done', output: '/out/a.jpg', specFailures: [] },
      { input: '/in/b.jpg', status: 'done', output: '/out/b.jpg', specFailures: ['backgroundColourDeltaE 89.62 ΔE (≤ 6)', 'tiltDeg 9° (≤ 8)'] },
      { input: '/in/c.png', status: 'done', output: '/out/c.png' },
    ]).trim().split('\r\n');
    expect(csv[0].split(',').at(-2)).toBe('spec');
    expect(csv.slice(1).map((l) => l.split(',').at(-2))).toEqual(['pass', 'fail: Background colour: 89.62 ΔE (≤ 6); Tilt: 9° (≤ 8)', '']);
  });
});

describe('output folder lock', () => {
  it('refuses a second batch into a folder in use; one cancelled and still ending is said so (it said "cancel it"), and the folder is free once it ends', async () => {
    const dir = tempDir();
    const running = new AbortController();
    const release = await lockOutputFolder(dir, running.signal);
    await expect(lockOutputFolder(dir)).rejects.toMatchObject({ code: 'OUTPUT_EXISTS', message: expect.stringContaining('wait for it to end or cancel it') });
    running.abort();
    await expect(lockOutputFolder(dir)).rejects.toMatchObject({ code: 'OUTPUT_EXISTS', message: expect.stringContaining('The batch cancelled in') });
    await release();
    const again = await lockOutputFolder(dir);
    await again();
  });
});
