// The Batch workspace's state without the DOM: the job tracker keeps a batch job's rate, ETA,
// current files, pause state and counts; BatchItems keeps per-file statuses, including items that
// arrive before startJob's reply; the progress line's number formats.
import { describe, expect, it } from 'vitest';
import { canRetryFailed } from '../../../src/renderer/src/lib/batch-summary';
import { baseName, nameInRun, webBatchDir } from '../../../src/renderer/src/lib/paths';
import { BatchItems, currentText, formatEta, batchProgressWords, formatRate, haltText, noteText, rateText, ResumeNotice } from '../../../src/renderer/src/lib/state/batch.svelte';
import { joinSentences, translate } from '../../../src/renderer/src/lib/i18n';
import { JobTracker } from '../../../src/renderer/src/lib/state/jobs.svelte';

describe('a batch file\'s name in the lists', () => {
  it('is its place in its folder, led by the folder when the run has several (and by its parent when two share a name)', () => {
    expect(nameInRun('/school/7A/sub/001.jpg', ['/school/7A'])).toBe('sub/001.jpg');
    expect([nameInRun('/school/7A/001.jpg', ['/school/7A', '/school/7B']), nameInRun('/school/7B/001.jpg', ['/school/7A', '/school/7B'])]).toEqual(['7A/001.jpg', '7B/001.jpg']);
    expect(nameInRun('/in/y/photos/a.jpg', ['/in/x/photos', '/in/y/photos'])).toBe('y/photos/a.jpg');
    expect(nameInRun('C:\\in\\7B\\001.jpg', ['C:\\in\\7A', 'C:\\in\\7B'])).toBe('7B/001.jpg');
    expect(nameInRun('/loose/p.jpg', ['/school/7A', '/school/7B'])).toBe('p.jpg');
    // Two browser uploads of one name: their upload folders mean nothing, their order does.
    const ups = ['/u/folder-0123456789abcdef/photos', '/u/folder-fedcba9876543210/photos'];
    expect(nameInRun(`${ups[1]}/a.jpg`, ups)).toBe('photos (2)/a.jpg');
  });
});

describe('JobTracker with batch progress', () => {
  it('keeps the newest rate, ETA, current files, pause state and counts; plain events leave them', () => {
    const jobs = new JobTracker();
    void jobs.track('b', 'batch', 0);
    expect(jobs.current).toMatchObject({ rate: null, currentFiles: [], isPaused: false, counts: null });
    jobs.onProgress({ jobId: 'b', stage: 'write', done: 1, total: 3, rate: { perSecond: 0.5, etaMs: 4000 }, current: ['/in/b.jpg'], isPaused: false, counts: { done: 1, skipped: 0, failed: 0 } });
    jobs.onProgress({ jobId: 'b', stage: 'write', done: 1, total: 3, rate: { perSecond: 0.5, etaMs: 4000 }, current: [], isPaused: true, counts: { done: 1, skipped: 0, failed: 0 } });
    expect(jobs.current).toMatchObject({ done: 1, total: 3, rate: { perSecond: 0.5, etaMs: 4000 }, currentFiles: [], isPaused: true });
    jobs.onProgress({ jobId: 'b', stage: 'scan', done: 1, total: 1 });
    expect(jobs.current).toMatchObject({ stage: 'scan', isPaused: true, counts: { done: 1, skipped: 0, failed: 0 } });
    jobs.onProgress({ jobId: 'b', stage: 'write', done: 3, total: 3, rate: { perSecond: 0.6 }, current: [], isPaused: false, counts: { done: 2, skipped: 0, failed: 1 } });
    expect(jobs.current).toMatchObject({ done: 3, rate: { perSecond: 0.6 }, isPaused: false, counts: { done: 2, skipped: 0, failed: 1 } });
  });
});

describe('the files at work on the progress line', () => {
  it('names the first, and says how many more are at work (it named one of several as if alone)', () => {
    const t = (key: 'batch.current' | 'batch.currentMore', params: Record<string, string | number>) => translate('en', key, params);
    expect(currentText([], t)).toBe('');
    expect(currentText(['/in/a.jpg'], t)).toBe('current: a.jpg');
    expect(currentText(['/in/a.jpg', '/in/b.jpg', '/in/c.jpg'], t)).toBe('current: a.jpg and 2 more');
    expect(currentText(['/in/a.jpg', '/in/b.jpg'], (key, params) => translate('zh-CN', key, params))).toBe('当前：a.jpg 等 2 个');
  });
});

describe('how far a batch is, told at each quarter', () => {
  it('changes its words only at a quarter (a live region reads each change), none before the first or at the end; 2 or 3 files each', () => {
    const t = (key: 'batch.quarter.1' | 'batch.quarter.2' | 'batch.quarter.3' | 'batch.fewDone', params: Record<string, string | number>) => translate('en', key, params);
    const said = Array.from({ length: 13 }, (_, done) => batchProgressWords(done, 12, t));
    expect([...new Set(said)]).toEqual(['', 'A quarter done: 3 of 12 files', 'Half done: 6 of 12 files', 'Three quarters done: 9 of 12 files']);
    expect(said[12]).toBe('');
    // Three stickers said nothing from Start to their end (16 s): now each file.
    expect([0, 1, 2, 3].map((done) => batchProgressWords(done, 3, t))).toEqual(['', '1 of 3 files done', '2 of 3 files done', '']);
    expect(batchProgressWords(1, 2, t)).toBe('1 of 2 files done');
    expect(batchProgressWords(0, 1, t)).toBe('');
    expect(batchProgressWords(3, 10, t)).toBe('A quarter done: 3 of 10 files');
    expect(batchProgressWords(5, 10, t)).toBe('Half done: 5 of 10 files');
    expect(batchProgressWords(5, 10, (key, params) => translate('zh-CN', key, params))).toBe('已完成一半：5/10 个文件');
    expect(batchProgressWords(1, 3, (key, params) => translate('zh-CN', key, params))).toBe('已完成 1/3 个文件');
  });

  it('says "Resumed" from a pause\'s end till the next quarter, then the quarters again (after a pause it said "Resumed" till the run ended)', () => {
    const notice = new ResumeNotice();
    const [quarter, half] = ['A quarter done: 3 of 12 files', 'Half done: 6 of 12 files'];
    expect(notice.saysResumed(true, false, quarter)).toBe(false);
    expect(notice.saysResumed(true, true, quarter)).toBe(false);
    // Read again and again while it goes on (a live region's words are derived each change).
    expect(notice.saysResumed(true, false, quarter)).toBe(true);
    expect(notice.saysResumed(true, false, quarter)).toBe(true);
    expect(notice.saysResumed(true, false, half)).toBe(false);
    expect(notice.saysResumed(true, false, quarter)).toBe(false);
    // Paused before the first quarter: "Resumed" till it.
    expect(notice.saysResumed(true, true, '')).toBe(false);
    expect(notice.saysResumed(true, false, '')).toBe(true);
    expect(notice.saysResumed(true, false, quarter)).toBe(false);
    // The run ends, paused or not: nothing kept for the next one.
    expect(notice.saysResumed(true, true, half)).toBe(false);
    expect(notice.saysResumed(false, false, '')).toBe(false);
    expect(notice.saysResumed(true, false, '')).toBe(false);
  });
});

describe('JobTracker with batch files ending', () => {
  it('takes a file that ended off the files at work at once, before the next (throttled) progress event', () => {
    const jobs = new JobTracker();
    void jobs.track('b', 'batch', 0);
    void jobs.track('other', 'batch', 0);
    jobs.onProgress({ jobId: 'b', stage: 'write', done: 0, total: 3, current: ['/in/a.jpg', '/in/b.jpg'], isPaused: false });
    jobs.onProgress({ jobId: 'other', stage: 'write', done: 0, total: 3, current: ['/in/a.jpg'], isPaused: false });
    jobs.onItemFinished({ jobId: 'b', input: '/in/a.jpg' });
    expect(jobs.jobs.find((j) => j.id === 'b')?.currentFiles).toEqual(['/in/b.jpg']);
    // Another job's file of the same path is still at work there.
    expect(jobs.jobs.find((j) => j.id === 'other')?.currentFiles).toEqual(['/in/a.jpg']);
    jobs.onItemFinished({ jobId: 'b', input: '/in/b.jpg' });
    expect(haltText({ ...jobs.jobs.find((j) => j.id === 'b')!, isCancelling: true }, (k, p) => `${k}${p ? ` ${p.n}` : ''}`)).toBe('batch.cancellingNow');
  });
});

describe('JobTracker taking up a job it did not start', () => {
  it('shows it with its newest progress and cancel state, once, and resolves with its end', async () => {
    const jobs = new JobTracker();
    const job = {
      id: 'b',
      spec: { kind: 'batch' as const, inputs: ['/in'], outputDir: '/out', options: { mode: 'portrait' as const } },
      startedAtMs: 5,
      progress: { jobId: 'b', stage: 'write' as const, done: 2, total: 6, isPaused: true, current: [], counts: { done: 2, skipped: 0, failed: 0 } },
      items: [],
      isCancelling: true,
      folders: ['/in'],
    };
    const outcome = jobs.adopt(job);
    expect(outcome).not.toBeNull();
    expect(jobs.current).toMatchObject({ id: 'b', kind: 'batch', startedAtMs: 5, done: 2, total: 6, isPaused: true, isCancelling: true });
    // Taken up again (the page reached the engine again while it ran): not tracked twice.
    expect(jobs.adopt(job)).toBeNull();
    expect(jobs.jobs).toHaveLength(1);
    jobs.onFinished({ jobId: 'b', outcome: 'cancelled', elapsedMs: 9 });
    await expect(outcome).resolves.toMatchObject({ outcome: 'cancelled' });
    expect(jobs.isBusy).toBe(false);
    // Taken up, then tracked by this page's own start (its reply came after its progress): one entry, its end goes to the start.
    const d = { ...job, id: 'd', isCancelling: false };
    void jobs.adopt(d);
    const own = jobs.track('d', 'batch');
    expect(jobs.jobs.filter((j) => j.id === 'd')).toHaveLength(1);
    jobs.onFinished({ jobId: 'd', outcome: 'done', result: {}, elapsedMs: 2 });
    await expect(own).resolves.toMatchObject({ jobId: 'd', outcome: 'done' });
    // A job whose end came before it was taken up ends at once.
    jobs.onFinished({ jobId: 'c', outcome: 'done', result: {}, elapsedMs: 1 });
    await expect(jobs.adopt({ ...job, id: 'c', progress: null, isCancelling: false })).resolves.toMatchObject({ outcome: 'done' });
    expect(jobs.isBusy).toBe(false);
  });
});

describe('BatchItems', () => {
  it('buffers items until the job id is known, then shows only that job', () => {
    const items = new BatchItems();
    items.reset();
    items.onItem({ jobId: 'j', input: '/in/a.jpg', output: '/out/a.jpg', status: 'skipped', reason: 'journal' });
    items.onItem({ jobId: 'other', input: '/x.jpg', status: 'done' });
    items.attach('j');
    items.onItem({ jobId: 'j', input: '/in/b.jpg', output: '/out/b.jpg', status: 'failed', code: 'INPUT_CORRUPT', message: 'bad' });
    items.onItem({ jobId: 'other', input: '/y.jpg', status: 'done' });
    expect(items.rows.map((r) => [r.input, r.status])).toEqual([['/in/a.jpg', 'skipped'], ['/in/b.jpg', 'failed']]);
    expect(items.failures).toEqual([{ input: '/in/b.jpg', output: '/out/b.jpg', status: 'failed', code: 'INPUT_CORRUPT', message: 'bad' }]);
    expect(items.statusOf('/in/a.jpg')?.status).toBe('skipped');
    expect(items.statusOf('/in/c.jpg')).toBeUndefined();
    // What a cancelled run says it completed: the skipped (done before) and done files, not the failed or cancelled.
    items.onItem({ jobId: 'j', input: '/in/c.jpg', output: '/out/c.jpg', status: 'done' });
    items.onItem({ jobId: 'j', input: '/in/d.jpg', output: '/out/d.jpg', status: 'cancelled' });
    // a.jpg was skipped without being done before (a retry of the failed ones skips the rest).
    expect(items.completed).toBe(1);
    items.onItem({ jobId: 'j', input: '/in/e.jpg', output: '/out/e.jpg', status: 'skipped', reason: 'done before with these options, the file unchanged since', doneBefore: true });
    expect(items.completed).toBe(2);
    items.reset();
    expect(items.rows).toEqual([]);
  });

  it('a page that takes a running batch up lists what it was told of and what came after it, each input once', () => {
    const items = new BatchItems();
    items.reset();
    // The events of the connection came before the page knew the job (one of them also in the list it was given).
    items.onItem({ jobId: 'j', input: '/in/b.jpg', status: 'failed', code: 'INPUT_CORRUPT', message: 'bad' });
    items.onItem({ jobId: 'j', input: '/in/c.jpg', status: 'done' });
    items.attach('j', [
      { input: '/in/a.jpg', status: 'done' },
      { input: '/in/b.jpg', status: 'failed', code: 'INPUT_CORRUPT', message: 'bad' },
    ]);
    items.onItem({ jobId: 'j', input: '/in/c.jpg', status: 'done' });
    items.onItem({ jobId: 'j', input: '/in/d.jpg', status: 'done' });
    expect(items.rows.map((r) => r.input)).toEqual(['/in/a.jpg', '/in/b.jpg', '/in/c.jpg', '/in/d.jpg']);
    expect(items.failures.map((r) => r.input)).toEqual(['/in/b.jpg']);
    // A new run of the same files lists them again.
    items.reset();
    items.attach('k');
    items.onItem({ jobId: 'k', input: '/in/a.jpg', status: 'skipped', doneBefore: true });
    expect(items.rows.map((r) => [r.input, r.status])).toEqual([['/in/a.jpg', 'skipped']]);
  });

  it('formats ETA, rate and names', () => {
    expect([formatEta(0), formatEta(4_400), formatEta(65_000), formatEta(3_725_000)]).toEqual(['0:00', '0:04', '1:05', '1:02:05']);
    expect([formatRate(0.456), formatRate(9.96), formatRate(12.4)]).toEqual(['0.5', '10.0', '12']);
    // Big pictures, one in 40 s: seconds a file (it read 0.0 files/s).
    const said = (key: string, params: { n: string | number }) => `${key} ${params.n}`;
    expect([rateText(0.025, said), rateText(0.456, said)]).toEqual(['batch.ratePerFile 40', 'batch.rate 0.5']);
    // The pause line, as the workspace and the status bar both say it.
    const t = (key: string, params?: { n: number }) => (params ? `${key}:${params.n}` : key);
    const halt = (isPaused: boolean, isCancelling: boolean, currentFiles: string[]) => haltText({ isPaused, isCancelling, currentFiles }, t);
    expect([halt(false, false, ['a']), halt(true, false, ['a', 'b']), halt(true, false, [])]).toEqual([null, 'batch.pausing:2', 'batch.paused']);
    // Cancelling says so whether paused or not, with the files still finishing.
    expect([halt(false, true, ['a']), halt(true, true, ['a', 'b']), halt(false, true, [])]).toEqual(['batch.cancelling:1', 'batch.cancelling:2', 'batch.cancellingNow']);
    expect([baseName('/a/b/c.jpg'), baseName('C:\\x\\y.png'), baseName('z')]).toEqual(['c.jpg', 'y.png', 'z']);
  });
});

describe('noteText', () => {
  it('words a row\'s notes in the UI\'s language, and keeps an older record\'s English sentence', () => {
    const join = (locale: 'en' | 'zh-CN') => (parts: string[]) => joinSentences(locale, parts);
    const tOf = (locale: 'en' | 'zh-CN') => (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate(locale, key, params);
    const sticker = { note: "the clip's first 30.00 s only: …", notes: [{ kind: 'firstPart' as const, seconds: 30, frames: 360 }] };
    expect(noteText(sticker, tOf('zh-CN'), join('zh-CN'))).toBe('只用了片段的前 30.00 秒：这里一张表情包最多 360 帧。');
    expect(noteText(sticker, tOf('en'), join('en'))).toBe("The clip's first 30.00 s only: a sticker holds at most 360 frames here.");
    const gif = { notes: [{ kind: 'animated' as const, frames: 12, isClip: true }] };
    expect(noteText(gif, tOf('en'), join('en'))).toBe('An animation of 12 frames: only its first frame was cut out. Stickers makes an animated sticker of it.');
    expect(noteText({ notes: [{ kind: 'animated' as const, frames: 3, isClip: false }] }, tOf('zh-CN'), join('zh-CN'))).toBe('这是 3 帧的动图：只抠出了第一帧。');
    const big = { notes: [{ kind: 'downscaled' as const, from: { width: 12000, height: 9000 }, to: { width: 10327, height: 7745 } }] };
    expect(noteText(big, tOf('en'), join('en'))).toBe('A picture of 12000×9000 (108.0 MP), more pixels than a cut-out is made of: it was cut out at 10327×7745 (80.0 MP).');
    expect(noteText(big, tOf('zh-CN'), join('zh-CN'))).toBe('图片为 12000×9000（108.0 百万像素），超过抠图可处理的像素数：已按 10327×7745（80.0 百万像素）抠图。');
    // A sticker made as drawn: drawings held evenly (on threes) or not (3.75 frames on average).
    const threes = { notes: [{ kind: 'drawingRate' as const, framesPerDrawing: 3, drawingFps: 7.993, even: true }] };
    expect(noteText(threes, tOf('en'), join('en'))).toBe('The clip holds each drawing for 3 frames (7.99 a second): the sticker is made as drawn, each drawing one frame, held as long as in the clip.');
    const uneven = { notes: [{ kind: 'drawingRate' as const, framesPerDrawing: 3.7333, drawingFps: 8.0357, even: false }] };
    expect(noteText(uneven, tOf('en'), join('en'))).toBe('The clip holds its drawings unevenly (3.73 frames on average, 8.04 a second): the sticker is made as drawn, each drawing one frame, held as long as in the clip.');
    expect(noteText(uneven, tOf('zh-CN'), join('zh-CN'))).toBe('该片段的画面保持时长不均（平均 3.73 帧，每秒 8.04 张）：表情包按原片的作画节奏制作，每张画面一帧，停留时长与原片相同。');
    // LINE's 20 frames and 50-ms shortest frame left some out: said after it.
    const line = { notes: [{ kind: 'drawingRate' as const, framesPerDrawing: 3, drawingFps: 7.993, even: true, leftOut: { every: 2, short: 1 } }] };
    expect(noteText(line, tOf('en'), join('en'))).toBe("The clip holds each drawing for 3 frames (7.99 a second): the sticker is made as drawn, each drawing one frame, held as long as in the clip. 1 drawing left out where the drawings came faster than the format or platform plays frames, their time given to the drawing before. Only one drawing in 2 is kept (the platform's frame or byte limit), each for its own time and that of the ones after it.");
    // An ID photo batch's auto brightness.
    const lighter = { notes: [{ kind: 'autoBrightness' as const, ev: 1.25 }] };
    expect(noteText(lighter, tOf('en'), join('en'))).toBe('Brightness auto: +1.25 EV, as the face was too dark for the face brightness check.');
    expect(noteText(lighter, tOf('zh-CN'), join('zh-CN'))).toBe('自动亮度：+1.25 EV（面部原本过暗，未通过面部亮度检查）。');
    expect(noteText({ notes: [{ kind: 'autoBrightness' as const, ev: -0.5 }] }, tOf('en'), join('en'))).toBe('Brightness auto: −0.5 EV, as the face was too light for the face brightness check.');
    // An ID photo whose clothes were carried past a picture cut at the shoulders, after its auto brightness.
    const carried = { notes: [{ kind: 'autoBrightness' as const, ev: 0.5 }, { kind: 'clothesCarried' as const, mm: 5.36 }] };
    expect(noteText(carried, tOf('en'), join('en'))).toBe('Brightness auto: +0.5 EV, as the face was too dark for the face brightness check. The clothes carried on 5.36 mm past the picture, which ends at the shoulders or chest closer than the size needs: look at the photo.');
    expect(noteText({ notes: [carried.notes[1]] }, tOf('zh-CN'), join('zh-CN'))).toBe('原图在肩部或胸部结束得太近，不够该规格所需：衣服延伸出原图 5.36 mm，请查看照片。');
    // A sticker made without a platform, bigger than chat apps take: how to make it lighter, fewer
    // colours only where the format has a colour count (a WebP keeps every colour).
    expect(noteText({ notes: [{ kind: 'chatSize' as const, bytes: 1_933_200, format: 'apng' as const }] }, tOf('en'), join('en'))).toBe(
      '1933.2 KB is more than chat apps take for a sticker (Discord 500 KB; LINE 300 KB). Pick one under Platform to fit it to its limits; a smaller size, a shorter part, a lower frame rate or fewer colours make it lighter.',
    );
    expect(noteText({ notes: [{ kind: 'chatSize' as const, bytes: 700_000, format: 'webp' as const }] }, tOf('en'), join('en'))).toBe(
      '700.0 KB is more than chat apps take for a sticker (Discord, WeChat 500 KB; LINE 300 KB; Telegram 256 KB). Pick one under Platform to fit it to its limits; a smaller size, a shorter part or a lower frame rate makes it lighter.',
    );
    // To one place as the status line says it, just over the limit over it (500,001 bytes read "500 KB is more than … 500 KB").
    expect(noteText({ notes: [{ kind: 'chatSize' as const, bytes: 500_001, format: 'gif' as const }] }, tOf('zh-CN'), join('zh-CN'))).toBe(
      '500.1 KB 超出聊天应用对表情包的大小限制（WeChat 500 KB）。在“平台”中选择一个即可按其限制适配；缩小尺寸、缩短片段、降低帧率或减少颜色可减小文件。',
    );
    expect(noteText({ note: 'an old sentence' }, tOf('en'), join('en'))).toBe('an old sentence');
    expect(noteText({}, tOf('en'), join('en'))).toBeUndefined();
  });
});

describe('what a finished batch offers', () => {
  it('offers "Retry failed" only while a failure could go now: not for the file\'s own faults, nor after a full disk', () => {
    // A damaged file, a file with no face, one too tight for the size: each comes again unchanged.
    const ofTheFile = [{ code: 'INPUT_UNSUPPORTED', errorKind: 'damaged' as const }, { code: 'NO_FACE' }, { code: 'TOO_TIGHT' }];
    expect(canRetryFailed({ failures: ofTheFile })).toBe(false);
    // A model that was missing, or a read the OS refused, may go now.
    expect(canRetryFailed({ failures: [...ofTheFile, { code: 'MODEL_MISSING' }] })).toBe(true);
    expect(canRetryFailed({ failures: [{ code: 'INPUT_UNSUPPORTED' }] })).toBe(true);
    // An output name too long for the file system comes again with the same name template (Retry
    // was offered, failed alike and was offered again); a folder that could not be written may be now.
    expect(canRetryFailed({ failures: [{ code: 'OUTPUT_NOT_WRITABLE', errorKind: 'nameTooLong' as const }] })).toBe(false);
    expect(canRetryFailed({ failures: [{ code: 'OUTPUT_NOT_WRITABLE' }] })).toBe(true);
    // Failed before as it would now: not tried by a retry either.
    expect(canRetryFailed({ failures: [{ code: 'MODEL_MISSING', failedBefore: true }] })).toBe(false);
    // A full disk stopped the run: Start (skipping what is done) does the rest, not a retry of one file.
    expect(canRetryFailed({ failures: [{ code: 'DISK_FULL' }], stoppedBy: { code: 'DISK_FULL' } })).toBe(false);
    expect(canRetryFailed({ failures: [] })).toBe(false);
  });

  it('says where a browser batch writes: a folder\'s in a folder of its name, other runs in "batch"', () => {
    expect(webBatchDir('/home/u/Cutout Studio', ['/c/uploads/folder-0123456789abcdef/class 7a'], ['/c/uploads/folder-0123456789abcdef/class 7a'])).toBe('/home/u/Cutout Studio/class 7a');
    expect(webBatchDir('/home/u/Cutout Studio/', ['/c/up/a.jpg', '/c/up/b.jpg'], [])).toBe('/home/u/Cutout Studio/batch');
    expect(webBatchDir('C:\\Users\\u\\Cutout Studio', ['C:\\c\\up\\folder-0123456789abcdef\\kids'], ['C:\\c\\up\\folder-0123456789abcdef\\kids'])).toBe('C:\\Users\\u\\Cutout Studio\\kids');
    // Two folders (each gets a sub-folder of its own in the run), or a folder and files: "batch".
    expect(webBatchDir('/e', ['/u/a', '/u/b'], ['/u/a', '/u/b'])).toBe('/e/batch');
    expect(webBatchDir('/e', ['/u/a', '/u/x.jpg'], ['/u/a'])).toBe('/e/batch');
  });
});
