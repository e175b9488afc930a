// ModelStore: finds files in order, verifies sha256 (cached), names every place looked, and
// takes user descriptors for custom segmenters.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../src/shared/errors';
import { ModelStore, defaultModelsDirs, modelInUse } from '../../../../src/main/core/models/model-store';
import { parseModelEntry } from '../../../../src/main/core/models/manifest';
import { REPO_ROOT, SHARED_MODELS_DIR, sinetLikeDescriptor, tempDir } from '../../../helpers/env';

const MANIFEST = join(REPO_ROOT, 'resources', 'models', 'manifest.json');
const SELFIE = 'portrait_selfie_segmentation_mediapipe_256x256.onnx';

describe('ModelStore', () => {
  it('resolves the bundled models from the shared folder and verifies them', async () => {
    const store = new ModelStore({ modelsDirs: [SHARED_MODELS_DIR], manifestPath: MANIFEST });
    const list = await store.list();
    for (const id of ['mediapipe-selfie', 'sinet', 'yunet', 'pfld-98']) {
      expect(list.find((s) => s.entry.id === id)?.state, id).toBe('ok');
    }
    const def = await store.defaultFor('person-mask');
    expect(def.entry.id).toBe('mediapipe-selfie');
  });

  it('MODEL_MISSING names the file and every folder looked in', async () => {
    const a = tempDir();
    const b = tempDir();
    const store = new ModelStore({ modelsDirs: [a, b], manifestPath: MANIFEST });
    const err = (await store.resolve('sinet').catch((e) => e)) as AppError;
    expect(err.code).toBe('MODEL_MISSING');
    expect(err.message).toContain('portrait_sinet_softmax_320x320.onnx');
    expect(err.message).toContain(join(a, 'portrait_sinet_softmax_320x320.onnx'));
    expect(err.message).toContain(join(b, 'portrait_sinet_softmax_320x320.onnx'));
    // The download is named SINet_Softmax.onnx: the name to save it as, and where, are said.
    expect(err.message).toContain(`SINet_Softmax.onnx and save it as portrait_sinet_softmax_320x320.onnx in ${a}.`);
    // A folder that is not there (a mistyped CUTOUT_MODELS_DIR) is said so.
    const typo = join(a, 'modles');
    const miss = (await new ModelStore({ modelsDirs: [typo], manifestPath: MANIFEST }).resolve('sinet').catch((e) => e)) as AppError;
    expect(miss.message).toContain(`${join(typo, 'portrait_sinet_softmax_320x320.onnx')} (no folder ${typo})`);
  });

  it('MODEL_CORRUPT for a file whose sha256 differs; the cache notices a changed file', async () => {
    const dir = tempDir();
    const cache = join(tempDir(), 'hashes.json');
    copyFileSync(join(SHARED_MODELS_DIR, SELFIE), join(dir, SELFIE));
    const store = new ModelStore({ modelsDirs: [dir], manifestPath: MANIFEST, hashCachePath: cache });
    expect((await store.resolve('mediapipe-selfie')).path).toBe(join(dir, SELFIE));
    writeFileSync(join(dir, SELFIE), 'not the model');
    utimesSync(join(dir, SELFIE), new Date(), new Date(Date.now() + 5000));
    const fresh = new ModelStore({ modelsDirs: [dir], manifestPath: MANIFEST, hashCachePath: cache });
    const err = (await fresh.resolve('mediapipe-selfie').catch((e) => e)) as AppError;
    expect(err.code).toBe('MODEL_CORRUPT');
    expect(err.message).toMatch(/expected 1511ab55/);
    // Where to get it again, and the name to save it as.
    expect(err.message).toMatch(/Download it again from https:\/\/\S+selfie_segmentation\.onnx and save it as portrait_selfie_segmentation_mediapipe_256x256\.onnx there\.$/);
  });

  it('list({ rehash: true }) (cutout models) finds a file damaged in place with its time kept, which the cache read as ok; later checks see it too', async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const cache = join(tempDir(), 'hashes.json');
    const path = join(dir, SELFIE);
    copyFileSync(join(SHARED_MODELS_DIR, SELFIE), path);
    // A whole second, which the file's time keeps exactly when set again.
    utimesSync(path, 1_700_000_000, 1_700_000_000);
    const stateOf = async (list: { entry: { id: string }; state: string }[]) => list.find((s) => s.entry.id === 'mediapipe-selfie')?.state;
    expect(await stateOf(await new ModelStore({ modelsDirs: [dir], manifestPath: MANIFEST, hashCachePath: cache }).list())).toBe('ok');
    const bytes = readFileSync(path);
    bytes[1000] ^= 0xff;
    writeFileSync(path, bytes);
    utimesSync(path, 1_700_000_000, 1_700_000_000);
    expect(statSync(path).size).toBe(bytes.length);
    const store = new ModelStore({ modelsDirs: [dir], manifestPath: MANIFEST, hashCachePath: cache });
    expect(await stateOf(await store.list())).toBe('ok');
    expect(await stateOf(await store.list({ rehash: true }))).toBe('corrupt');
    expect(await stateOf(await new ModelStore({ modelsDirs: [dir], manifestPath: MANIFEST, hashCachePath: cache }).list())).toBe('corrupt');
  });

  it('a damaged copy in an earlier folder does not hide a good one; a default that cannot be used is said, with the one used', async () => {
    const damaged = tempDir();
    writeFileSync(join(damaged, SELFIE), 'half a model');
    const skips: string[] = [];
    const store = new ModelStore({
      modelsDirs: [damaged, SHARED_MODELS_DIR],
      manifestPath: MANIFEST,
      onDefaultSkipped: (skipped, used) => skips.push(`${skipped.entry.id} ${skipped.state} -> ${used.id}`),
    });
    expect((await store.resolve('mediapipe-selfie')).path).toBe(join(SHARED_MODELS_DIR, SELFIE));
    expect((await store.defaultFor('person-mask')).entry.id).toBe('mediapipe-selfie');
    expect(skips).toEqual([]);
    // Damaged and alone: another person model is used, and the store says which was skipped.
    const only = tempDir();
    writeFileSync(join(only, SELFIE), 'half a model');
    copyFileSync(join(SHARED_MODELS_DIR, 'portrait_sinet_softmax_320x320.onnx'), join(only, 'portrait_sinet_softmax_320x320.onnx'));
    const alone = new ModelStore({ modelsDirs: [only], manifestPath: MANIFEST, onDefaultSkipped: (skipped, used) => skips.push(`${skipped.entry.id} ${skipped.state} -> ${used.id}`) });
    expect((await alone.defaultFor('person-mask')).entry.id).toBe('sinet');
    expect(skips).toEqual(['mediapipe-selfie corrupt -> sinet']);
    // A list (Settings) says the same choice: sinet in use, in place of the damaged default.
    const persons = (await alone.list()).filter((s) => s.entry.task === 'person-mask');
    const { inUse, replaces } = modelInUse(persons);
    expect([inUse?.entry.id, replaces?.entry.id]).toEqual(['sinet', 'mediapipe-selfie']);
    expect(modelInUse((await store.list()).filter((s) => s.entry.task === 'person-mask'))).toMatchObject({ inUse: { entry: { id: 'mediapipe-selfie' } }, replaces: undefined });
  });

  it('a file this account may not read is unreadable: listed as such, a default one gives way to the next, a named one says so (it was INTERNAL EACCES)', () => {
    const dir = tempDir();
    // The default person model and a model with no sha256 pinned, unreadable; SINet readable.
    copyFileSync(join(SHARED_MODELS_DIR, SELFIE), join(dir, SELFIE));
    copyFileSync(join(SHARED_MODELS_DIR, 'portrait_sinet_softmax_320x320.onnx'), join(dir, 'portrait_sinet_softmax_320x320.onnx'));
    writeFileSync(join(dir, 'unpinned.onnx'), 'x');
    writeFileSync(join(dir, 'unpinned.model.json'), JSON.stringify({ id: 'unpinned', task: 'person-mask', file: 'unpinned.onnx', input: { layout: 'NCHW', width: 256, height: 256 }, output: { decode: 'probability', channel: 1 } }));
    chmodSync(join(dir, SELFIE), 0o000);
    chmodSync(join(dir, 'unpinned.onnx'), 0o000);
    chmodSync(dir, 0o755);
    const script = join(dir, 'check.mts');
    writeFileSync(
      script,
      `import { ModelStore } from ${JSON.stringify(join(REPO_ROOT, 'src/main/core/models/model-store.ts'))};
const skipped = [];
const store = new ModelStore({ modelsDirs: [${JSON.stringify(dir)}], manifestPath: ${JSON.stringify(MANIFEST)}, onDefaultSkipped: (s, used) => skipped.push([s.entry.id, s.state, used.id]) });
const list = Object.fromEntries((await store.list()).map((s) => [s.entry.id, [s.state, s.reason ?? null]]));
const used = (await store.defaultFor('person-mask')).entry.id;
const errors = await Promise.all(['mediapipe-selfie', 'unpinned'].map((id) => store.resolve(id).then(() => null, (e) => ({ code: e.code, message: e.message }))));
console.log(JSON.stringify({ list, used, skipped, errors }));`,
    );
    // Root reads any file: the check runs as nobody then.
    const isRoot = process.getuid?.() === 0;
    const command = isRoot ? ['runuser', ['-u', 'nobody', '--', process.execPath, '--import', 'tsx', script]] as const : [process.execPath, ['--import', 'tsx', script]] as const;
    const run = spawnSync(command[0], command[1], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, HOME: dir } });
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!);
    expect(out.list['mediapipe-selfie']).toEqual(['unreadable', 'permission denied']);
    expect(out.list.unpinned).toEqual(['unreadable', 'permission denied']);
    expect(out.list.sinet).toEqual(['ok', null]);
    expect(out.used).toBe('sinet');
    expect(out.skipped).toEqual([['mediapipe-selfie', 'unreadable', 'sinet']]);
    expect(out.errors[0]).toEqual({ code: 'INPUT_NOT_READABLE', message: `Model file ${join(dir, SELFIE)} (mediapipe-selfie) cannot be read: permission denied. Check that your account may read it, or put a copy of it in a models folder of yours.` });
    expect(out.errors[1].code).toBe('INPUT_NOT_READABLE');
  });

  it('CUTOUT_MODELS_DIR comes before resources/models', () => {
    expect(defaultModelsDirs({ CUTOUT_MODELS_DIR: '/x/models' }, '/app/resources/models')).toEqual(['/x/models', '/app/resources/models']);
    expect(defaultModelsDirs({}, '/app/resources/models')).toEqual(['/app/resources/models']);
    expect(defaultModelsDirs({ CUTOUT_MODELS_DIR: '/x/models:/app/resources/models:/x/models/' }, '/app/resources/models')).toEqual(['/x/models', '/app/resources/models']);
  });

  it('takes a user descriptor (*.model.json) for a custom 2-class segmenter and rejects a bad one', async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(SHARED_MODELS_DIR, 'portrait_sinet_softmax_320x320.onnx'), join(dir, 'my-unet.onnx'));
    writeFileSync(join(dir, 'my-unet.model.json'), JSON.stringify(sinetLikeDescriptor('my-unet', 'my-unet.onnx')));
    // Saved with a byte order mark (Windows Notepad): read as JSON all the same.
    writeFileSync(join(dir, 'my-unet.model.json'), '\ufeff' + readFileSync(join(dir, 'my-unet.model.json'), 'utf8'));
    const store = new ModelStore({ modelsDirs: [dir], manifestPath: MANIFEST });
    const r = await store.resolve('my-unet');
    expect(r.entry.origin).toContain('my-unet.model.json');
    expect((await store.check(r.entry)).state).toBe('unpinned');
    // A descriptor that cannot be used is left out, with why; the others and the app's own models
    // still work (one stray file stopped every command).
    writeFileSync(join(dir, 'bad.model.json'), JSON.stringify({ id: 'bad', task: 'person-mask', file: 'x.onnx', input: { width: 0, height: 1 } }));
    writeFileSync(join(dir, 'cut-short.model.json'), '{ "id": "cut');
    // An app model's id: left out, said (it was dropped without a word).
    writeFileSync(join(dir, 'sinet.model.json'), readFileSync(join(dir, 'my-unet.model.json'), 'utf8').replace('"my-unet"', '"sinet"'));
    store.refresh();
    expect((await store.entries()).map((e) => e.id)).toContain('my-unet');
    expect((await store.resolve('my-unet')).path).toBe(join(dir, 'my-unet.onnx'));
    const skipped = await store.skippedDescriptors();
    expect(skipped.map((s) => [s.path, s.id, s.error.code])).toEqual([
      [join(dir, 'bad.model.json'), 'bad', 'MODEL_INVALID'],
      [join(dir, 'cut-short.model.json'), undefined, 'MODEL_INVALID'],
      [join(dir, 'sinet.model.json'), 'sinet', 'MODEL_INVALID'],
    ]);
    // Where the mistake is, as an editor counts lines (Node 20 said only "at position 12").
    expect(skipped[1].error.message).toBe(`Model descriptor ${join(dir, 'cut-short.model.json')} is not valid JSON: Unterminated string in JSON at position 12 (line 1 column 13)`);
    expect(skipped[2].error.message).toBe(`Model descriptor ${join(dir, 'sinet.model.json')}: its id "sinet" is one of the app's own models'; give it another id`);
    // Named, the left-out one says why.
    const err = (await store.resolve('bad').catch((e) => e)) as AppError;
    expect(err.code).toBe('MODEL_INVALID');
    expect(err.message).toContain('bad.model.json');
    // One that names no id (not JSON) is found by its file's name: `--model cut-short` says why (it read "Unknown model").
    const unread = (await store.resolve('cut-short').catch((e) => e)) as AppError;
    expect([unread.code, unread.message]).toEqual(['MODEL_INVALID', skipped[1].error.message]);
    // So is one whose id is not a name (JSON, but "id" wrong).
    writeFileSync(join(dir, 'no-id.model.json'), JSON.stringify({ ...sinetLikeDescriptor('my unet', 'my-unet.onnx') }));
    store.refresh();
    const noId = (await store.resolve('no-id').catch((e) => e)) as AppError;
    expect([noId.code, noId.message]).toMatchObject(['MODEL_INVALID', expect.stringContaining('no-id.model.json')]);
    expect((await store.entry('sinet')).origin).toMatch(/manifest\.json#\d+$/);
  });

  it('a refresh while the folders are being read keeps that reading (Settings asked for two at once); one after it reads again', async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const store = new ModelStore({ modelsDirs: [dir], manifestPath: MANIFEST });
    store.refresh();
    const first = store.entries();
    store.refresh();
    expect(store.entries()).toBe(first);
    await first;
    writeFileSync(join(dir, 'cut-short.model.json'), '{ "id": "cut');
    store.refresh();
    const second = store.entries();
    expect(second).not.toBe(first);
    expect((await store.skippedDescriptors()).map((s) => s.path)).toEqual([join(dir, 'cut-short.model.json')]);
  });

  it('two descriptors of one id in one folder: the second is left out, said (it was dropped unsaid); one in a later folder gives way, unsaid', async () => {
    const [dir, later] = [tempDir(), tempDir()];
    for (const d of [dir, later]) mkdirSync(d, { recursive: true });
    writeFileSync(join(dir, 'dup-a.model.json'), JSON.stringify(sinetLikeDescriptor('mine', 'a.onnx')));
    writeFileSync(join(dir, 'dup-b.model.json'), JSON.stringify(sinetLikeDescriptor('mine', 'b.onnx')));
    writeFileSync(join(later, 'mine.model.json'), JSON.stringify(sinetLikeDescriptor('mine', 'c.onnx')));
    const store = new ModelStore({ modelsDirs: [dir, later], manifestPath: MANIFEST });
    expect((await store.entry('mine')).file).toBe('a.onnx');
    const skipped = await store.skippedDescriptors();
    expect(skipped.map((s) => [s.path, s.id, s.error.code, s.error.message])).toEqual([
      [join(dir, 'dup-b.model.json'), 'mine', 'MODEL_INVALID', `Model descriptor ${join(dir, 'dup-b.model.json')}: its id "mine" is dup-a.model.json's too, in the same folder; give one of them another id`],
    ]);
  });

  it('input.extraSizes: positive integers on a dynamic input, else MODEL_INVALID naming the field', () => {
    const base = { id: 'ms', task: 'anime-mask', file: 'ms.onnx', output: { decode: 'probability' } };
    const ok = parseModelEntry({ ...base, input: { width: 320, height: 320, dynamic: true, stride: 16, extraSizes: [256] } }, 'ms.model.json');
    expect(ok.input.extraSizes).toEqual([256]);
    expect(parseModelEntry({ ...base, input: { width: 320, height: 320 } }, 'ms.model.json').input.extraSizes).toBeUndefined();
    for (const input of [
      { width: 320, height: 320, extraSizes: [256] },
      { width: 320, height: 320, dynamic: true, extraSizes: [0] },
      { width: 320, height: 320, dynamic: true, extraSizes: '256' },
    ]) {
      const err = (() => {
        try {
          parseModelEntry({ ...base, input }, 'ms.model.json');
        } catch (e) {
          return e as AppError;
        }
        return null;
      })();
      expect(err?.code).toBe('MODEL_INVALID');
      expect(err?.message).toContain('extraSizes');
    }
  });

  it('output.temperature: a positive number or absent, else MODEL_INVALID naming the field', () => {
    const base = { id: 'ms', task: 'anime-mask', file: 'ms.onnx', input: { width: 320, height: 320 } };
    expect(parseModelEntry({ ...base, output: { decode: 'probability', temperature: 0.75 } }, 'ms.model.json').output.temperature).toBe(0.75);
    expect(parseModelEntry({ ...base, output: { decode: 'probability' } }, 'ms.model.json').output.temperature).toBeUndefined();
    for (const temperature of [0, -1, '0.75', Number.POSITIVE_INFINITY]) {
      expect(() => parseModelEntry({ ...base, output: { decode: 'probability', temperature } }, 'ms.model.json')).toThrow('output.temperature');
    }
  });

  it('output.reviewUnsureShare and stickerReviewUnsureShare: a number from 0 to 1 or absent, else MODEL_INVALID naming the field', () => {
    const base = { id: 'ms', task: 'anime-mask', file: 'ms.onnx', input: { width: 320, height: 320 } };
    for (const key of ['reviewUnsureShare', 'stickerReviewUnsureShare'] as const) {
      expect(parseModelEntry({ ...base, output: { decode: 'probability', [key]: 0.08 } }, 'ms.model.json').output[key]).toBe(0.08);
      expect(parseModelEntry({ ...base, output: { decode: 'probability' } }, 'ms.model.json').output[key]).toBeUndefined();
      for (const value of [-0.1, 1.5, '0.08', Number.NaN]) {
        expect(() => parseModelEntry({ ...base, output: { decode: 'probability', [key]: value } }, 'ms.model.json')).toThrow(`output.${key}`);
      }
    }
  });

  it('preprocess.channelOrder, its numbers and interpolation, and output.layout: as the code reads them, else MODEL_INVALID naming the field ("bgr" ran as RGB)', () => {
    const base = { id: 'ms', task: 'person-mask', file: 'ms.onnx', input: { width: 320, height: 320 }, output: { decode: 'probability' } };
    expect(parseModelEntry({ ...base, preprocess: { channelOrder: 'BGR' } }, 'ms.model.json').preprocess.channelOrder).toBe('BGR');
    expect(parseModelEntry(base, 'ms.model.json').preprocess.channelOrder).toBe('RGB');
    for (const [preprocess, field] of [
      [{ channelOrder: 'bgr' }, 'preprocess.channelOrder'],
      [{ channelOrder: 'RGBA' }, 'preprocess.channelOrder'],
      [{ valueScale: '255' }, 'preprocess.valueScale'],
      [{ postScale: Number.NaN }, 'preprocess.postScale'],
      [{ padValue: null }, 'preprocess.padValue'],
      [{ interpolation: 'nearest' }, 'preprocess.interpolation'],
    ] as const) {
      expect(() => parseModelEntry({ ...base, preprocess }, 'ms.model.json'), field).toThrow(field);
    }
    expect(() => parseModelEntry({ ...base, output: { decode: 'probability', layout: 'nhwc' } }, 'ms.model.json')).toThrow('output.layout');
  });

  it('flops and params: positive integers or absent, else MODEL_INVALID naming the field', () => {
    const base = { id: 'ms', task: 'anime-mask', file: 'ms.onnx', input: { width: 320, height: 320 }, output: { decode: 'probability' } };
    const ok = parseModelEntry({ ...base, flops: 185007872, params: 106401 }, 'ms.model.json');
    expect([ok.flops, ok.params]).toEqual([185007872, 106401]);
    expect(parseModelEntry(base, 'ms.model.json').params).toBeNull();
    for (const [field, value] of [['flops', -1], ['params', 1.5], ['params', '106401']] as const) {
      expect(() => parseModelEntry({ ...base, [field]: value }, 'ms.model.json')).toThrow(field);
    }
  });
});
