// Unit tests of the renderer's background picker, job tracker, i18n table, error text,
// shortcuts and pixel helpers (no DOM).
import { describe, expect, it } from 'vitest';
import { normalizeHex } from '../../../src/shared/color';
import type { JobStage } from '../../../src/shared/jobs';
import { flattenPixel, pastePlane, unionBox } from '../../../src/renderer/src/lib/canvas/pixels';
import { describeError } from '../../../src/renderer/src/lib/error-text';
import { BATCH_FORMATS, DEFAULT_BATCH_CHOICES, modeJobOptions, readBatchChoices, runChoices, startFormat, type ModeChoices } from '../../../src/renderer/src/lib/batch-choices';
import { BATCH_NAME_DEFAULTS } from '../../../src/shared/jobs';
import { DEFAULT_ID_PHOTO_CHOICES, defaultSpecId, ID_SPECS, PAPERS, readIdPhotoChoices, searchSpecs, specName, specsForLocale } from '../../../src/renderer/src/lib/id-specs';
import { checkTip, failedCheckText, isInformation, noBandText, notCheckedText } from '../../../src/renderer/src/lib/idphoto-tips';
import { bracketed, detectLocale, joinSentences, MESSAGES, TABLES, translate } from '../../../src/renderer/src/lib/i18n';
import { displayCombo, fieldOwnsKey, isSingleKey, matchShortcut } from '../../../src/renderer/src/lib/shortcuts';
import { formatDuration } from '../../../src/renderer/src/lib/state/app.svelte';
import { BackgroundState } from '../../../src/renderer/src/lib/state/background.svelte';
import { exportName, exportTarget } from '../../../src/renderer/src/lib/state/cutout.svelte';
import { jobFraction, JobTracker, stageKey } from '../../../src/renderer/src/lib/state/jobs.svelte';
import { AppError, CancelledError, ERROR_CODES, errorKindOfCode } from '../../../src/shared/errors';
import { tooLargeToImport } from '../../../src/shared/media';

const key = (k: string, extra: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...extra });

describe('BackgroundState', () => {
  it('selects presets, accepts a valid custom colour and ignores an invalid one', () => {
    const bg = new BackgroundState();
    expect(bg.isTransparent).toBe(true);
    expect(bg.select('id-blue')).toBe(true);
    expect(bg.background).toEqual({ kind: 'color', hex: '#438EDB' });
    expect(bg.select('nope')).toBe(false);
    expect(bg.cssColor).toBe('#438EDB');
    expect(bg.setCustom('#abc')).toBe(true);
    expect(bg.background).toEqual({ kind: 'color', hex: '#AABBCC' });
    expect(bg.setCustom('blue-ish')).toBe(false);
    expect(bg.cssColor).toBe('#AABBCC');
    bg.select('red');
    expect(bg.cssColor).toBe('#D9342B');
  });

  it('takes a picture, keeps it while a colour is picked, and selects it again', () => {
    const bg = new BackgroundState();
    expect(bg.select('picture')).toBe(false);
    const preview = { path: '/p/sky.jpg', width: 2, height: 1, sourceWidth: 2, sourceHeight: 1, rgba: new Uint8Array(8) };
    bg.setPicture({ path: '/p/sky.jpg', preview });
    expect(bg.background).toEqual({ kind: 'image', path: '/p/sky.jpg' });
    expect([bg.isPicture, bg.isTransparent, bg.cssColor]).toEqual([true, false, null]);
    bg.select('white');
    expect(bg.isPicture).toBe(false);
    expect(bg.select('picture')).toBe(true);
    expect(bg.background).toEqual({ kind: 'image', path: '/p/sky.jpg' });
  });

  it('applies the Settings default: a preset colour, any other colour, transparent, and junk as transparent', () => {
    const bg = new BackgroundState();
    bg.applyDefault('#438edb');
    expect(bg.selectedId).toBe('id-blue');
    bg.applyDefault('#123456');
    expect(bg.background).toEqual({ kind: 'color', hex: '#123456' });
    bg.applyDefault('transparent');
    expect(bg.isTransparent).toBe(true);
    bg.applyDefault('#FFFFFF');
    bg.applyDefault('nonsense');
    expect(bg.isTransparent).toBe(true);
    // Following Settings: a new default is taken, the same one again leaves the user's pick.
    bg.followDefault('#438EDB');
    expect(bg.selectedId).toBe('id-blue');
    bg.select('red');
    bg.followDefault('#438EDB');
    expect(bg.selectedId).toBe('red');
    bg.followDefault('#FFFFFF');
    expect(bg.selectedId).toBe('white');
  });
});

describe('JobTracker', () => {
  it("words a sticker's decode as reading its clip (it said Reading image), other stages as they are", () => {
    expect(['sticker', 'cutout', 'idphoto'].map((kind) => translate('en', stageKey(kind as 'sticker', 'decode') as never))).toEqual(['Reading clip', 'Reading image', 'Reading image']);
    expect(translate('zh-CN', stageKey('sticker', 'decode') as never)).toBe('读取视频');
    expect(stageKey('sticker', 'segment')).toBe('stage.segment');
  });

  it('tracks progress and resolves with the one outcome, even when it arrives first', async () => {
    const jobs = new JobTracker();
    const done = jobs.track('a', 'cutout', 0);
    expect(jobs.isBusy).toBe(true);
    jobs.onProgress({ jobId: 'a', stage: 'refine', done: 50, total: 100 });
    expect(jobFraction(jobs.current!)).toBeCloseTo(0.5, 5);
    jobs.onProgress({ jobId: 'zzz', stage: 'segment', done: 3, total: 4 });
    jobs.onFinished({ jobId: 'a', outcome: 'cancelled', elapsedMs: 12 });
    expect((await done).outcome).toBe('cancelled');
    expect(jobs.isBusy).toBe(false);
    jobs.onFinished({ jobId: 'b', outcome: 'done', result: null, elapsedMs: 5 });
    expect((await jobs.track('b', 'cutout')).outcome).toBe('done');
    expect(jobs.isBusy).toBe(false);
    expect(jobFraction({ done: 3, total: 0 })).toBe(0);
    // A sticker's stages share one bar that only moves forward: all frames segmented is not 100 %,
    // and compositing after it is not 0 %.
    const segmented = jobFraction({ kind: 'sticker', stage: 'segment', done: 10, total: 10 });
    const compositing = jobFraction({ kind: 'sticker', stage: 'composite', done: 0, total: 1 });
    const encoded = jobFraction({ kind: 'sticker', stage: 'encode', done: 1, total: 1 });
    expect(jobFraction({ kind: 'sticker', stage: 'decode', done: 0, total: 1 })).toBe(0);
    expect(jobFraction({ kind: 'sticker', stage: 'segment', done: 5, total: 10 })).toBeCloseTo(0.485, 5);
    expect(segmented).toBeLessThan(1);
    expect(compositing).toBeGreaterThanOrEqual(segmented);
    expect(encoded).toBeGreaterThan(compositing);
    expect(jobFraction({ kind: 'sticker', stage: 'write', done: 1, total: 1 })).toBe(1);
    // A cut-out's bar moves through its refine and does not fall back for the encode; an ID photo's
    // neither. Each runs from 0 to 1, never going back.
    const barThrough = (kind: 'cutout' | 'idphoto', events: [JobStage, number, number][]): number[] => {
      const bar = events.map(([stage, done, total]) => jobFraction({ kind, stage, done, total }));
      for (let i = 1; i < bar.length; i++) expect(bar[i]).toBeGreaterThanOrEqual(bar[i - 1]);
      expect([bar[0], bar.at(-1)]).toEqual([0, 1]);
      return bar;
    };
    const cutout = barThrough('cutout', [['decode', 0, 1], ['segment', 0, 1], ['refine', 0, 100], ['refine', 30, 100], ['refine', 100, 100], ['composite', 1, 1], ['encode', 0, 1], ['encode', 1, 1]]);
    expect(cutout[3] - cutout[2]).toBeGreaterThan(0.2);
    barThrough('idphoto', [['detect', 0, 1], ['segment', 0, 1], ['composite', 0, 2], ['composite', 2, 2], ['encode', 0, 1], ['encode', 1, 1]]);
    // A batch's files at work add how far they are: 2 done of 4 and one half made is 62.5 %.
    expect(jobFraction({ kind: 'batch', stage: 'write', done: 2, total: 4, partial: 0.5 })).toBeCloseTo(0.625, 5);
    jobs.track('c', 'batch', 0);
    jobs.onProgress({ jobId: 'c', stage: 'write', done: 1, total: 4, partial: 0.6 });
    expect(jobFraction(jobs.current!)).toBeCloseTo(0.4, 5);
    jobs.onProgress({ jobId: 'c', stage: 'write', done: 2, total: 4 });
    expect(jobFraction(jobs.current!)).toBeCloseTo(0.5, 5);
    // A sticker made to a preset spends far longer encoding (its byte budget's retries): its bar
    // starts the encode at 62 %, not 87 % (it stood at 90 % for a third of a LINE sticker's time).
    const stickers = new JobTracker();
    void stickers.track('s', { kind: 'sticker', input: 'a.mp4', output: 'a.png', options: { preset: 'line' } }, 0);
    void stickers.track('t', { kind: 'sticker', input: 'a.mp4', output: 'a.gif', options: {} }, 0);
    for (const id of ['s', 't']) stickers.onProgress({ jobId: id, stage: 'encode', done: 0, total: 1 });
    expect(stickers.jobs.map((j) => [j.spans, jobFraction(j)])).toEqual([['sticker-budget', 0.62], ['sticker', 0.87]]);
  });
});

describe('i18n', () => {
  it('has unique keys across areas and both languages for each', () => {
    const all = Object.values(TABLES).flatMap((t) => Object.keys(t));
    expect(new Set(all).size).toBe(all.length);
    for (const [k, v] of Object.entries(MESSAGES)) {
      expect(v.en, k).toBeTruthy();
      expect(v['zh-CN'], k).toBeTruthy();
    }
  });

  it('joins sentences with a space in English and none after a Chinese full stop', () => {
    expect(joinSentences('en', ['Two faces.', 'Crop one.', ''])).toBe('Two faces. Crop one.');
    expect(joinSentences('zh-CN', ['图片中有多张人脸。', '请裁剪照片。'])).toBe('图片中有多张人脸。请裁剪照片。');
    // A shortcut after a tooltip's words, in each language's brackets (the toolbar's read "打开… (Ctrl+O)" beside the brushes' "（E）").
    expect(['打开…' + bracketed('zh-CN', 'Ctrl+O'), 'Open…' + bracketed('en', 'Ctrl+O')]).toEqual(['打开…（Ctrl+O）', 'Open… (Ctrl+O)']);
  });

  it('has words and a fix for every error code', () => {
    for (const code of ERROR_CODES) {
      expect(MESSAGES).toHaveProperty(`error.${code}`);
      expect(MESSAGES).toHaveProperty(`fix.${code}`);
    }
  });

  it('picks Simplified Chinese for zh / zh-CN / zh-Hans, English otherwise, and fills placeholders', () => {
    expect(detectLocale(['zh-CN', 'en'])).toBe('zh-CN');
    expect(detectLocale(['zh'])).toBe('zh-CN');
    expect(detectLocale(['zh-Hans-SG'])).toBe('zh-CN');
    expect(detectLocale(['zh-TW', 'en-US'])).toBe('en');
    expect(detectLocale(['de-DE'])).toBe('en');
    expect(translate('zh-CN', 'nav.idphoto')).toBe('证件照');
    expect(translate('en', 'status.doneIn', { ms: '1.2 s', model: 'anime-seg', provider: 'cpu' })).toBe('Done in 1.2 s: anime-seg on cpu');
    expect(translate('en', 'status.saved', {})).toBe('Saved {path}');
    // English counts in the singular for one (a batch of 1 file, a sheet of 1 photo); Chinese has no plural.
    expect(translate('en', 'batch.files', { n: 1 })).toBe('1 file');
    expect(translate('en', 'batch.files', { n: 0 })).toBe('0 files');
    expect(translate('en', 'idphoto.sheetPreview', { count: 1 })).toBe('Print sheet: 1 photo');
    expect(translate('en', 'batch.summary.leftOutFolders', { n: 1 })).toBe("1 sub-folder left out: it holds an earlier batch's outputs");
    expect(translate('en', 'batch.summary.leftOutFolders', { n: 2 })).toBe("2 sub-folders left out: they hold an earlier batch's outputs");
    expect(translate('zh-CN', 'batch.files', { n: 1 })).toBe('1 个文件');
    // A count left out leaves the whole placeholder, as any unknown one.
    expect(translate('en', 'batch.files', {})).toBe('{n} {n|file|files}');
  });
});

describe('ID photo sizes in the pickers', () => {
  const ids = (query: string) => searchSpecs(ID_SPECS, query).map((s) => s.id);
  const byId = (id: string) => ID_SPECS.find((s) => s.id === id)!;

  it('names a size in the UI language, in English when it has no name there', () => {
    expect(specName(byId('cn-1inch'), 'zh-CN')).toBe('一寸 25×35 mm');
    expect(specName(byId('cn-1inch'), 'en')).toBe('1-inch photo 25×35 mm (一寸)');
    expect(specName({ name: 'Mine 30×40 mm' }, 'zh-CN')).toBe('Mine 30×40 mm');
  });

  it('finds sizes by their Chinese names, with 2寸 for 二寸, and by English word starts', () => {
    expect(ids('身份证')).toContain('cn-id-card');
    expect(ids('美国')).toEqual(['us-2x2', 'us-visa-2x2']);
    expect(ids('护照')).toContain('cn-passport-33x48');
    expect(ids('护照')).toContain('icao-35x45');
    expect(ids('2寸')).toEqual(expect.arrayContaining(['cn-2inch', 'cn-2inch-small', 'cn-2inch-large', 'resume-2inch']));
    expect(ids('2寸')).not.toContain('cn-1inch');
    expect(ids('小一寸')).toEqual(['cn-1inch-small']);
    expect(ids('us')).toEqual(['us-2x2', 'us-visa-2x2']);
    expect(ids('  ')).toHaveLength(ID_SPECS.length);
    expect(ids('zzz')).toEqual([]);
  });

  it('finds sizes by their everyday names, and lists the Chinese sizes first in Chinese', () => {
    expect(ids('驾照')).toEqual(['cn-driving-licence-22x32']);
    expect(ids('港澳通行证')).toEqual(['cn-hk-macao-permit-33x48']);
    expect(ids('毕业')).toEqual(expect.arrayContaining(['resume-1inch', 'resume-2inch']));
    const zhOrder = specsForLocale(ID_SPECS, 'zh-CN');
    expect(zhOrder).toHaveLength(ID_SPECS.length);
    const firstOther = zhOrder.findIndex((s) => s.region !== 'CN');
    expect(zhOrder.slice(firstOther).every((s) => s.region !== 'CN')).toBe(true);
    expect(zhOrder[0].region).toBe('CN');
    expect(specsForLocale(ID_SPECS, 'en')[0].id).toBe(ID_SPECS[0].id);
  });
});

describe('ID photo checks in the UI language', () => {
  const zh = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate('zh-CN', key, params);
  const m = (value: number | null, extra: object = {}) => ({ value, unit: 'mm', min: 0, max: 1, pass: true, ...extra });

  it('explains each check from the measurement and the spec', () => {
    expect(checkTip('backgroundColourDeltaE', m(2), ['#438EDB', '#FFFFFF'], zh)).toBe('与该规格允许的最接近底色的色差 ΔE76：#438EDB、#FFFFFF');
    expect(checkTip('clothingContrastDeltaE', m(null), [], zh)).toBe('未检测到服装');
    expect(checkTip('crownChinMm', m(33.2, { maxValue: 34.5 }), [], zh)).toBe('头发被原图上边缘裁掉：头顶可能比测量值最多高 1.3 mm');
    expect(checkTip('crownMarginMm', m(4, { minValue: 2.7 }), [], zh)).toBe('头发被原图上边缘裁掉：头顶可能比测量值最多高 1.3 mm');
    expect(checkTip('crownChinMm', m(33.2), [], zh)).toBe('');
    for (const name of ['faceCentreOffsetMm', 'backgroundUniformityDeltaE', 'matteUnsurePct', 'hairCutMm', 'hairCutWidthMm', 'sourceScale', 'bodyCarriedMm', 'faceChroma', 'faceLightness', 'mouthOpeningPct', 'eyeOpeningPct', 'lightingBalanceEv', 'glarePct', 'gazeOffsetPct', 'headTurnDeg', 'faceInCutoutPct']) expect(checkTip(name, m(1), [], zh)).toMatch(/[\u4e00-\u9fff]/);
    // A measurement with no limit in the spec is said to be for information, after what it measures.
    expect(checkTip('eyeLineFromBottomMm', m(18.5, { min: null, max: null }), [], zh)).toBe('仅供参考：该规格对此没有要求');
    expect(checkTip('matteUnsurePct', m(0.1, { min: null, max: null }), [], zh)).toBe('人物中因模型不确定而呈半透明的比例（头发、边缘）；换用背景更简单的照片会有帮助。仅供参考：该规格对此没有要求');
    // Face in the cut-out goes unjudged only on a head turned away: said so, not "this size sets no limit" nor "the person was lost".
    const turned = checkTip('faceInCutoutPct', m(56.7, { min: null, max: null }), [], zh);
    expect(turned).toContain('头部侧转');
    expect(turned).not.toContain('该规格对此没有要求');
    expect(turned).not.toContain('丢失');
    expect(checkTip('faceInCutoutPct', m(56.7, { min: null, max: null }), [], (k, p) => translate('en', k, p))).toMatch(/^How much of the face .* not judged here, the head is turned away/);
    // "Not checked here" names the turn the size refuses past, or any turn where it checks none (a résumé size).
    const en = (k: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate('en', k, p);
    expect(notCheckedText({ max: 30 }, en)).toContain('a head turned a little (under 30°) or tipped up or down');
    // Nor a hand or a thing held in front (a microphone passed every check).
    expect(notCheckedText({ max: 30 }, en)).toContain('hands or things in front of you (a microphone, a phone)');
    expect(notCheckedText({ max: 30 }, zh)).toContain('身前的手或物品（话筒、手机）');
    expect(notCheckedText({ max: null }, en)).toContain('glasses, eyes half closed, eyes looking up or down, a head turned or tipped up or down');
    expect(notCheckedText(undefined, zh)).toContain('头部侧转或仰头低头');
    expect(notCheckedText({ max: 20 }, zh)).toContain('头部轻微侧转（20° 以内）或仰头低头');
    expect(noBandText('faceInCutoutPct', { min: null, max: null }, zh)).toBe('不判断');
    expect(noBandText('eyeLineFromBottomMm', { min: null, max: null }, zh)).toBe('无要求');
    expect(isInformation(m(1))).toBe(false);
    expect(isInformation({ min: null, max: 3 })).toBe(false);
  });

  it("names a batch's failed checks in the UI language and keeps an unknown name", () => {
    expect(failedCheckText('backgroundColourDeltaE 89.62 ΔE (≤ 6 ΔE)', zh)).toBe('底色 89.62 ΔE (≤ 6 ΔE)');
    expect(failedCheckText('crownChinMm 36–37.2 mm (32–36 mm)', (k, p) => translate('en', k, p))).toBe('Crown to chin 36–37.2 mm (32–36 mm)');
    expect(failedCheckText('somethingNew 3 mm (≤ 1 mm)', zh)).toBe('somethingNew 3 mm (≤ 1 mm)');
  });
});

describe('describeError', () => {
  it('maps codes to words, treats cancellation as no error and unknown errors as INTERNAL', () => {
    const n = describeError(new AppError('INPUT_UNSUPPORTED', 'bad.png is not an image'))!;
    expect(n.code).toBe('INPUT_UNSUPPORTED');
    expect(translate('en', n.messageKey)).toBe('This file is not an image we can read.');
    expect(n.engineMessage).toBe('bad.png is not an image');
    expect(describeError(new CancelledError())).toBeNull();
    expect(describeError({ code: 'CANCELLED', message: 'x' })).toBeNull();
    expect(describeError(new TypeError('boom'))!.code).toBe('INTERNAL');
    // A damaged picture (the engine's detail flag) is said as damaged, not as "not an image".
    const damaged = describeError({ code: 'INPUT_UNSUPPORTED', message: 'a.jpg could not be decoded', detail: { path: 'a.jpg', damaged: true } })!;
    // The file it is about is named (several opened at once: which one failed?), by its name alone.
    expect(damaged.file).toBe('a.jpg');
    expect(describeError({ code: 'INPUT_UNSUPPORTED', message: 'x', detail: { path: '/home/me/Pictures\\scan.bmp' } })!.file).toBe('scan.bmp');
    expect(describeError(new AppError('INPUT_UNSUPPORTED', 'bad.png is not an image'))!.file).toBeUndefined();
    expect([translate('en', damaged.messageKey), translate('en', damaged.fixKey)]).toEqual(['This picture is damaged: part of it is missing or corrupt.', 'Copy or download it again from the original, or use another picture.']);
    const still = describeError({ code: 'INPUT_UNSUPPORTED', message: 'a.jpg is a still picture', detail: { path: 'a.jpg', still: true } })!;
    expect(translate('en', still.messageKey)).toBe('This is a still picture, not a clip.');
    // An empty file (0 bytes) is said as empty, picture or clip, and in Chinese too.
    const empty = describeError({ code: 'INPUT_UNSUPPORTED', message: 'zero.jpg is empty (0 bytes)', errorKind: 'empty' })!;
    expect([translate('en', empty.messageKey), translate('zh-CN', empty.messageKey)]).toEqual(['This file is empty (0 bytes).', '此文件是空的（0 字节）。']);
    expect(describeError({ code: 'VIDEO_CORRUPT', message: 'x', detail: { empty: true } })!.messageKey).toBe('error.VIDEO_CORRUPT.empty');
    // A batch failure carries the kind itself.
    expect(describeError({ code: 'INPUT_UNSUPPORTED', message: 'x', errorKind: 'damaged' })!.messageKey).toBe(damaged.messageKey);
    // A video that stops before the part picked says so, and what to do.
    const short = describeError({ code: 'VIDEO_CORRUPT', message: 'No frames could be decoded from a.mp4 after 3.2s', detail: { cutShort: true, startS: 3.2 } })!;
    expect([translate('en', short.messageKey), translate('en', short.fixKey)]).toEqual(['The video stops before the part you picked: the file is probably cut short.', 'Move the start earlier, or copy or download the video again.']);
    expect(describeError({ code: 'VIDEO_CORRUPT', message: 'x' })!.messageKey).toBe('error.VIDEO_CORRUPT');
    // An unfinished download (its index missing), and a file that is no video at all: each said so.
    expect(translate('en', describeError({ code: 'VIDEO_CORRUPT', message: 'x', detail: { damaged: true } })!.messageKey)).toBe('This video is damaged or cut short, as when a download or copy did not finish.');
    expect(translate('en', describeError({ code: 'VIDEO_CORRUPT', message: 'x', errorKind: 'unknownFormat' } as never)!.messageKey)).toBe('This file is not a video we can read.');
    // Too large: the limit is named (there is no setting for it), from the detail, else the largest
    // picture the app takes (a batch row has no detail: it said 80, the budget bigger pictures are
    // downscaled to).
    const big = describeError({ code: 'IMAGE_TOO_LARGE', message: 'x', detail: { width: 20000, height: 20000, maxPixels: 320_000_000 } })!;
    expect(translate('en', big.fixKey, big.params)).toBe('Pictures of up to 320 megapixels are taken: save a smaller copy and open that.');
    expect(describeError({ code: 'IMAGE_TOO_LARGE', message: 'x' })!.params).toEqual({ limit: 320 });
    // A file over the size the app imports (a 600 MB clip uploaded to `cutout serve`) is named and
    // said too large, with its limit: it read "not an image we can read".
    const huge = describeError(tooLargeToImport('holiday.mp4'))!;
    expect(huge.file).toBe('holiday.mp4');
    expect([translate('en', huge.messageKey, huge.params), translate('zh-CN', huge.messageKey, huge.params)]).toEqual(['This file is larger than 512 MB, more than the app takes in here.', '此文件大于 512 MB，超出了可导入的上限。']);
    expect(translate('en', huge.fixKey, huge.params)).toMatch(/^Open a smaller copy/);
    // Too tight: where the room is missing (beside, below or above the head) is said, with what helps there.
    const tight = (sides: string[]) => translate('en', describeError({ code: 'TOO_TIGHT', message: 'x', detail: { sides } })!.messageKey);
    expect(tight(['left', 'right'])).toBe('There is not enough room to the left and right of the head for this size.');
    expect(translate('en', describeError({ code: 'TOO_TIGHT', message: 'x', detail: { sides: ['left'] } })!.fixKey)).toBe('Use a photo with more space beside the head, or a narrower size.');
    expect(tight(['bottom'])).toBe('The photo does not show enough below the chin for this size.');
    expect(tight(['top'])).toBe('There is not enough room above the head for this size.');
    expect(tight(['left', 'bottom'])).toBe('There is not enough room around the head for this size.');
    // A batch's row carries no detail: its failure's kind says where (it read "around the head" where report.csv said the bottom).
    const batchRow = describeError({ code: 'TOO_TIGHT', message: 'x', errorKind: errorKindOfCode('TOO_TIGHT', { sides: ['bottom'] }) })!;
    expect(translate('en', batchRow.messageKey)).toBe('The photo does not show enough below the chin for this size.');
    // Only of TOO_TIGHT: a cut crown's sides are FACE_CUT_OFF's own.
    expect(errorKindOfCode('FACE_CUT_OFF', { sides: ['top'] })).toBeUndefined();
    // A picture lying down: which way it stands up is said (a batch row, with no detail, says either).
    const lying = (turnDeg?: number) => describeError({ code: 'FACE_NOT_UPRIGHT', message: 'x', detail: turnDeg === undefined ? undefined : { turnDeg } })!;
    expect([90, 270, 180, undefined].map((t) => translate('en', lying(t).fixKey))).toEqual([
      'Turn it 90° clockwise in a photo viewer, then drop it in again.',
      'Turn it 90° counter-clockwise in a photo viewer, then drop it in again.',
      'Turn it half way round in a photo viewer, then drop it in again.',
      'Turn it upright in a photo viewer, then drop it in again.',
    ]);
    expect([translate('en', lying(180).messageKey), translate('zh-CN', lying(90).messageKey)]).toEqual(['The picture is upside down.', '图片是横躺的。']);
    // Errors as the status bar and batch rows show them: a kind is only read for its own codes.
    expect(describeError({ code: 'OUTPUT_NOT_WRITABLE', message: 'x', detail: { nameTooLong: true } })!.messageKey).toBe('error.OUTPUT_NOT_WRITABLE.nameTooLong');
    expect(describeError({ code: 'DISK_FULL', message: 'x', detail: { nameTooLong: true } })!.messageKey).toBe('error.DISK_FULL');
    // A batch that cannot start says why in the UI's words, not "a setting is not valid".
    expect(translate('zh-CN', describeError({ code: 'INVALID_ARGUMENT', message: 'Unknown token {名字}', detail: { template: '{名字}_抠图', badTemplate: true } })!.messageKey)).toBe('文件名模板无法使用。');
    expect(translate('en', describeError({ code: 'INVALID_ARGUMENT', message: 'x', detail: { path: '/in', outputIsInput: true } })!.fixKey)).toBe('Choose another output folder, for example a new folder inside it.');
    expect(describeError({ code: 'INVALID_ARGUMENT', message: 'x' })!.messageKey).toBe('error.INVALID_ARGUMENT');
  });
});

type BatchJobOptionsMode = 'idphoto' | 'sticker';

describe('the Batch workspace\'s kept choices', () => {
  it("a run's options give back the choices beside its files (a tab that took an ID photo batch up showed its own size, background and sheet)", () => {
    const specs = [{ id: 'cn-1inch' }, { id: 'us-2x2' }, { id: 'cn-social-security', fileSizeKb: [14, 20] as const }];
    const id = runChoices({ mode: 'idphoto', idSpec: { id: 'us-2x2', fileSizeKb: [50, 240] }, background: { kind: 'color', hex: '#ffffff' }, idSheet: { paper: 'a4', dpi: 600 }, idBrightness: 'auto', idTurn: 'auto' }, specs);
    expect(id).toEqual({ specId: 'us-2x2', idBackground: '#FFFFFF', paper: 'a4', dpi: 600, idAutoBrightness: true, idAutoTurn: true, kb: { min: 50, max: 240 } });
    // No sheet, the spec's own band, a size no longer offered: no sheet, no band asked, the size left as it is.
    expect(runChoices({ mode: 'idphoto', idSpec: { id: 'cn-social-security', fileSizeKb: [14, 20] }, background: { kind: 'color', hex: '#438EDB' } }, specs)).toEqual({ specId: 'cn-social-security', idBackground: '#438EDB', paper: '', idAutoBrightness: false, idAutoTurn: false, kb: { min: null, max: null } });
    expect(runChoices({ mode: 'idphoto', idSpec: { id: 'gone' } }, specs).specId).toBeUndefined();
    expect(runChoices({ mode: 'sticker', sticker: { preset: 'line', matte: '#1e1e1e', dither: 'ordered', maxColors: 64 } }, specs)).toEqual({ stickerPreset: 'line', stickerMatte: '#1E1E1E', stickerDither: true, stickerColors: 64 });
    expect(runChoices({ mode: 'sticker' }, specs)).toEqual({ stickerPreset: 'none', stickerMatte: DEFAULT_BATCH_CHOICES.stickerMatte, stickerDither: false, stickerColors: 0 });
    expect(runChoices({ mode: 'portrait' }, specs)).toEqual({});
  });

  it("a run taken up and started again makes the same options (runChoices reads back what modeJobOptions writes)", () => {
    const base: ModeChoices = { ...DEFAULT_BATCH_CHOICES, kb: { min: null, max: null } };
    // What the workspace sends for an ID photo batch.
    expect(modeJobOptions('idphoto', { ...base, format: 'jpeg', specId: 'cn-social-security-26x32', idBackground: '#FFFFFF', paper: 'a4', dpi: 600, idAutoBrightness: true, idAutoTurn: true, kb: { min: 15, max: null } }, ID_SPECS)).toMatchObject({
      format: 'jpeg',
      idSpec: { id: 'cn-social-security-26x32', fileSizeKb: [15, 20] },
      background: { kind: 'color', hex: '#FFFFFF' },
      idSheet: { paper: 'a4', dpi: 600 },
      idBrightness: 'auto',
      idTurn: 'auto',
    });
    expect(modeJobOptions('sticker', { ...base, format: 'webp', stickerDither: true, stickerColors: 64, stickerMatte: '#1E1E1E' }, ID_SPECS)).toEqual({ format: 'webp' });
    expect(modeJobOptions('sticker', { ...base, format: 'gif', stickerPreset: 'line', stickerMatte: '#1E1E1E' }, ID_SPECS)).toEqual({ format: 'apng', sticker: { preset: 'line' } });
    const grid: [BatchJobOptionsMode, Partial<ModeChoices>][] = [];
    for (const specId of ['cn-1inch', 'cn-social-security-26x32', 'us-visa-2x2', 'us-2x2'])
      for (const idBackground of [null, '#FFFFFF', '#123456'])
        for (const kb of [{ min: null, max: null }, { min: 15, max: null }, { min: null, max: 18 }, { min: 20, max: 40 }, { min: 0, max: null }])
          for (const [paper, dpi] of [['', 300], ['6inch', 254], ['a4', 600]] as const) grid.push(['idphoto', { specId, idBackground, kb, paper, dpi, idAutoBrightness: kb.min === 15, idAutoTurn: kb.max === 18, format: dpi === 254 ? 'png' : 'jpeg' }]);
    for (const stickerPreset of ['none', 'line', 'telegram', 'discord', 'wechat'] as const)
      for (const format of ['gif', 'webp', 'apng'] as const)
        for (const stickerMatte of ['#FFFFFF', '#1E1E1E'])
          for (const stickerColors of [0, 64]) for (const stickerDither of [false, true]) grid.push(['sticker', { stickerPreset, format, stickerMatte, stickerColors, stickerDither }]);
    for (const [mode, c] of grid) {
      const choices = { ...base, ...c };
      const sent = modeJobOptions(mode, choices, ID_SPECS);
      const taken = runChoices({ mode, ...sent }, ID_SPECS);
      expect(modeJobOptions(mode, { ...choices, ...taken, kb: taken.kb ?? choices.kb }, ID_SPECS), JSON.stringify([mode, c])).toEqual(sent);
    }
  });

  it('come back as far as they are still offered; a damaged entry gives the defaults', () => {
    const ids = ID_SPECS.map((s) => s.id);
    const kept = { mode: 'idphoto', specId: 'us-2x2', idBackground: '#ffffff', paper: 'a5', dpi: 600, idAutoBrightness: true, idAutoTurn: true, cutoutMask: true, format: 'png', nameTemplate: '{name}_{bg}', isRecursive: false, shouldResume: false, stickerPreset: 'line', stickerMatte: '#1e1e1e', stickerDither: true, stickerColors: 32 };
    expect(readBatchChoices(JSON.stringify(kept), ids)).toEqual({ ...kept, idBackground: '#FFFFFF', stickerMatte: '#1E1E1E' });
    // A format the mode does not write, a removed spec, a name with a folder in it, a bad colour: each its default.
    const odd = readBatchChoices(JSON.stringify({ mode: 'sticker', specId: 'gone', format: 'jpeg', nameTemplate: '../x', idBackground: 'blue', dpi: 72, idAutoBrightness: 'yes', idAutoTurn: 90, cutoutMask: 1, stickerPreset: 'myspace', stickerMatte: 'black', stickerDither: 'yes', stickerColors: 7 }), ids);
    expect(odd).toEqual({ ...DEFAULT_BATCH_CHOICES, mode: 'sticker', format: BATCH_FORMATS.sticker[0], nameTemplate: BATCH_NAME_DEFAULTS.sticker });
    for (const raw of [null, '', 'not json', '[1,2]', 'null']) expect(readBatchChoices(raw, ids)).toEqual(DEFAULT_BATCH_CHOICES);
    // Masks kept on: a name not taken back falls to the masks' default, not the cut-outs' (which they would write over).
    expect(readBatchChoices(JSON.stringify({ mode: 'anime', cutoutMask: true, nameTemplate: '../x' }), ids).nameTemplate).toBe('{name}_mask');
    // A cut-out batch with no format of its own starts on Settings' default export format (it started on PNG);
    // a mode that does not write it, and one that kept its own, do not.
    expect(readBatchChoices(null, ids, 'jpeg').format).toBe('jpeg');
    expect(readBatchChoices(JSON.stringify({ mode: 'anime' }), ids, 'webp').format).toBe('webp');
    expect(readBatchChoices(JSON.stringify({ mode: 'sticker' }), ids, 'jpeg').format).toBe('gif');
    expect(readBatchChoices(JSON.stringify({ mode: 'portrait', format: 'png' }), ids, 'jpeg').format).toBe('png');
    expect([startFormat('portrait', 'webp'), startFormat('idphoto', 'png'), startFormat('idphoto', 'webp'), startFormat('portrait', undefined)]).toEqual(['webp', 'jpeg', 'jpeg', 'png']);
  });
});

describe('shortcuts', () => {
  it('leave a field the keys it uses: a text field all, a list those without Ctrl, a slider or checkbox only its own', () => {
    const input = (type: string) => ({ tagName: 'INPUT', type });
    const undo = key('z', { ctrlKey: true });
    for (const type of ['text', 'number', 'search']) expect(fieldOwnsKey(input(type), undo, false)).toBe(true);
    expect(fieldOwnsKey({ tagName: 'TEXTAREA' }, key('b'), false)).toBe(true);
    expect(fieldOwnsKey({ tagName: 'DIV', isContentEditable: true }, undo, false)).toBe(true);
    // After dragging the brush size: undo, export and the brush keys are the app's; the arrows the slider's.
    for (const e of [undo, key('s', { ctrlKey: true }), key('['), key('t'), key('Escape')]) expect(fieldOwnsKey(input('range'), e, false)).toBe(false);
    for (const k of ['ArrowLeft', 'ArrowUp', 'Home', 'PageDown']) expect(fieldOwnsKey(input('range'), key(k), false)).toBe(true);
    expect([fieldOwnsKey(input('checkbox'), key(' '), false), fieldOwnsKey(input('checkbox'), undo, false)]).toEqual([true, false]);
    // A list picks by letter; Ctrl (⌘ on macOS) combos are the app's.
    expect([fieldOwnsKey({ tagName: 'SELECT' }, key('p'), false), fieldOwnsKey({ tagName: 'SELECT' }, undo, false)]).toEqual([true, false]);
    expect(fieldOwnsKey({ tagName: 'SELECT' }, undo, true)).toBe(true);
    expect(fieldOwnsKey({ tagName: 'SELECT' }, key('z', { metaKey: true }), true)).toBe(false);
    expect([fieldOwnsKey({ tagName: 'BUTTON' }, undo, false), fieldOwnsKey(null, undo, false)]).toEqual([false, false]);
  });

  it('maps Mod to Cmd on macOS and Ctrl elsewhere', () => {
    expect(matchShortcut(key('o', { ctrlKey: true }), false)).toBe('open');
    expect(matchShortcut(key('o', { ctrlKey: true }), true)).toBeNull();
    expect(matchShortcut(key('o', { metaKey: true }), true)).toBe('open');
    expect(matchShortcut(key('z', { ctrlKey: true }), false)).toBe('undo');
    expect(matchShortcut(key('Z', { ctrlKey: true, shiftKey: true }), false)).toBe('redo');
    expect(matchShortcut(key('y', { ctrlKey: true }), false)).toBe('redo');
    expect(matchShortcut(key('+', { ctrlKey: true, shiftKey: true }), false)).toBe('zoomIn');
    expect(matchShortcut(key('e'), false)).toBe('brushBackground');
    expect(matchShortcut(key('q'), false)).toBeNull();
    // On a layout that types no Latin letters, the key's place says which shortcut it is (Ctrl+я
    // is Ctrl+Z on a Russian keyboard); a Latin layout's own letter stays what it types (AZERTY).
    expect(matchShortcut({ ...key('я', { ctrlKey: true }), code: 'KeyZ' }, false)).toBe('undo');
    expect(matchShortcut({ ...key('Я', { ctrlKey: true, shiftKey: true }), code: 'KeyZ' }, false)).toBe('redo');
    expect(matchShortcut({ ...key('ы', { ctrlKey: true }), code: 'KeyS' }, false)).toBe('export');
    expect(matchShortcut({ ...key('х'), code: 'BracketLeft' }, false)).toBe('brushSmaller');
    expect(matchShortcut({ ...key('a', { ctrlKey: true }), code: 'KeyQ' }, false)).toBeNull();
    expect(displayCombo('Mod+Shift+Z', true)).toBe('⌘⇧Z');
    expect(displayCombo('Mod+O', false)).toBe('Ctrl+O');
  });

  it('tells single-key shortcuts (which Settings can keep to the picture) from the others', () => {
    for (const k of ['c', 'B', '+', '0', '[']) expect(isSingleKey(key(k))).toBe(true);
    expect(isSingleKey(key('E', { shiftKey: true }))).toBe(true);
    expect(isSingleKey(key('Escape'))).toBe(false);
    expect(isSingleKey(key('z', { ctrlKey: true }))).toBe(false);
    expect(isSingleKey(key('o', { metaKey: true }))).toBe(false);
    expect(isSingleKey(key('c', { altKey: true }))).toBe(false);
  });
});

describe('pixels and names', () => {
  it('builds the cut-out RGBA from colours + alpha, in a box only when asked', () => {
    const plane = new Uint8Array(9);
    pastePlane(plane, 3, { x: 2, y: 1, w: 2, h: 2 }, new Uint8Array([1, 2, 3, 4]));
    expect([...plane]).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 3]);
    expect(flattenPixel(255, 255, 255, 0, [0x43, 0x8e, 0xdb])).toEqual([0x43, 0x8e, 0xdb]);
    expect(unionBox({ x: 0, y: 0, w: 2, h: 2 }, { x: 5, y: 1, w: 1, h: 4 })).toEqual({ x: 0, y: 0, w: 6, h: 5 });
    expect(normalizeHex('438edb')).toBe('#438EDB');
    expect(normalizeHex('#12')).toBeNull();
  });

  it('names exports and formats durations', () => {
    expect(exportName('/a/b/photo.final.JPG', 'png')).toBe('photo.final_cutout.png');
    expect(exportName('C:\\x\\me.png', 'jpeg')).toBe('me_cutout.jpg');
    // An anime cut-out is named as `cutout anime` and a batch of anime name it.
    expect(exportName('/a/sprite.png', 'webp', 'anime')).toBe('sprite_anime.webp');
    expect(exportName('/a/sprite.png', 'mask', 'anime')).toBe('sprite_mask.png');
    // The name typed in the save dialog: its picture type is written (WebP bytes went into x.png);
    // no type, or another, gets the panel's; a mask is a PNG.
    expect(exportTarget('/o/x.png', 'webp')).toEqual({ output: '/o/x.png', format: 'png' });
    expect(exportTarget('/o/x.JPEG', 'png')).toEqual({ output: '/o/x.JPEG', format: 'jpeg' });
    expect(exportTarget('/o/x', 'webp')).toEqual({ output: '/o/x.webp', format: 'webp' });
    expect(exportTarget('/o/x.tiff', 'jpeg')).toEqual({ output: '/o/x.tiff.jpg', format: 'jpeg' });
    expect(exportTarget('/o.d/x', 'png')).toEqual({ output: '/o.d/x.png', format: 'png' });
    expect(exportTarget('/o/x.jpg', 'mask')).toEqual({ output: '/o/x.jpg.png', format: 'mask' });
    expect(exportTarget('C:\\o\\x.webp', 'mask')).toEqual({ output: 'C:\\o\\x.webp.png', format: 'mask' });
    expect(exportName('/a/b/photo.final.JPG', 'mask')).toBe('photo.final_mask.png');
    expect(formatDuration(840)).toBe('840 ms');
    expect(formatDuration(1340)).toBe('1.3 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });
});

describe('the ID photo size a first run starts on', () => {
  it("is the system region's own passport size where the app has one, the 1-inch for the app in Chinese, else ICAO 35×45 (every first run started on the Chinese 1-inch)", () => {
    const ids = ID_SPECS.map((s) => s.id);
    expect(defaultSpecId('en', ['en-US', 'en'], ids)).toBe('us-2x2');
    expect(defaultSpecId('en', ['en-GB'], ids)).toBe('uk-35x45');
    expect(defaultSpecId('en', ['de-DE', 'en'], ids)).toBe('de-passport-35x45');
    expect(defaultSpecId('en', ['ja'], ids)).toBe('jp-passport-35x45');
    expect(defaultSpecId('en', ['en', 'it-IT'], ids)).toBe('icao-35x45');
    expect(defaultSpecId('zh-CN', ['en-US'], ids)).toBe('cn-1inch');
    expect(defaultSpecId('en', ['zh-CN'], ids)).toBe('cn-1inch');
    expect(defaultSpecId('en', ['zh-TW'], ids)).toBe('icao-35x45');
    expect(defaultSpecId('en', ['zh-Hans-CN'], ids)).toBe('cn-1inch');
    // A size the app no longer has is passed over.
    expect(defaultSpecId('en', ['en-US'], ids.filter((id) => id !== 'us-2x2'))).toBe('icao-35x45');
    // What was picked before comes back before any of this.
    expect(readIdPhotoChoices(JSON.stringify({ specId: 'cn-2inch' }), ids, 'us-2x2').specId).toBe('cn-2inch');
    expect(readIdPhotoChoices(null, ids, 'us-2x2').specId).toBe('us-2x2');
    expect(readBatchChoices(null, ids, undefined, 'us-2x2').specId).toBe('us-2x2');
  });
});

describe('the ID photo choices kept between sessions', () => {
  const ids = ID_SPECS.map((s) => s.id);
  it('takes back a 5R sheet (7-inch), offered as the CLI offers it', () => {
    expect(PAPERS).toContain('5r');
    expect(readIdPhotoChoices(JSON.stringify({ paper: '5r' }), ids).paper).toBe('5r');
  });
  it('takes back a size and sheet still offered, and the default for anything else', () => {
    expect(readIdPhotoChoices(JSON.stringify({ specId: 'us-2x2', paper: 'a4', dpi: 600, sheetFormat: 'jpg', copies: 4 }), ids)).toEqual({ specId: 'us-2x2', paper: 'a4', dpi: 600, sheetFormat: 'jpg', copies: 4 });
    // Copies: a whole number 1 to 500, else as many as fit (0).
    for (const copies of [0, -1, 2.5, 501, '4', null]) expect(readIdPhotoChoices(JSON.stringify({ copies }), ids).copies).toBe(0);
    expect(readIdPhotoChoices(JSON.stringify({ copies: 500 }), ids).copies).toBe(500);
    expect(readIdPhotoChoices(JSON.stringify({ specId: 'gone-spec', paper: 'legal', dpi: 72, sheetFormat: 'tiff' }), ids)).toEqual(DEFAULT_ID_PHOTO_CHOICES);
    expect(readIdPhotoChoices(JSON.stringify({ specId: 'icao-35x45' }), ids)).toEqual({ ...DEFAULT_ID_PHOTO_CHOICES, specId: 'icao-35x45' });
    for (const raw of [null, '', 'not json', '[1,2]', 'null']) expect(readIdPhotoChoices(raw, ids)).toEqual(DEFAULT_ID_PHOTO_CHOICES);
  });
});
