// Browser end-to-end tests of the renderer in real Chromium against `cutout serve` (real engine,
// real models): open a portrait, pick ID blue, export; cancel a job; an invalid file's error;
// a background brush stroke that removes a region from the export (issue 4).
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evalFile } from '../helpers/env';
import { ARTIFACTS_DIR, chooseFiles, ensureRendererBuilt, launchBrowser, openThroughDialog, startServe, waitForCutout, waitForCutoutOf, type Served } from './helpers';

const PORTRAIT = evalFile('id_portraits', 'images', 'df_img1.jpg');

describe('Cutout Studio in Chromium over cutout serve', () => {
  let served: Served;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ensureRendererBuilt();
    served = await startServe();
    browser = await launchBrowser();
    page = browser.page;
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  async function freshApp(): Promise<void> {
    await page.goto(served.url);
    await page.waitForSelector('[data-testid=status-text]');
    await expect.poll(() => page.textContent('[data-testid=status-text]'), { timeout: 20_000 }).toBe('Ready');
  }

  /** Clicks Copy image and waits until an image is on the clipboard (text is put there first). */
  async function copyAndWait(): Promise<void> {
    await page.evaluate(`navigator.clipboard.writeText('nothing yet')`);
    await page.getByRole('button', { name: 'Copy image' }).click();
    await expect.poll(() => page.textContent('[data-testid=status-text]'), { timeout: 15_000 }).toBe('Copied to the clipboard');
    await expect.poll(() => page.evaluate(`navigator.clipboard.read().then((items) => items[0].types.includes('image/png'))`), { timeout: 15_000 }).toBe(true);
  }

  /** The clipboard's PNG: its width and its top-left pixel. */
  async function readClipboardImage(): Promise<{ w: number; corner: number[] }> {
    return (await page.evaluate(`(async () => {
      const items = await navigator.clipboard.read();
      const blob = await items[0].getType('image/png');
      const bitmap = await createImageBitmap(blob);
      const c = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = c.getContext('2d');
      ctx.drawImage(bitmap, 0, 0);
      return { w: bitmap.width, corner: Array.from(ctx.getImageData(0, 0, 1, 1).data) };
    })()`)) as { w: number; corner: number[] };
  }

  /** Exports and returns the path written (a new one: a last export still shown does not count). */
  async function exportAndWait({ double = false }: { double?: boolean } = {}): Promise<string> {
    const saved = page.locator('[data-testid=last-export] .path');
    const before = (await saved.count()) > 0 ? await saved.getAttribute('title') : null;
    if (double) await page.dblclick('[data-testid=export]');
    else await page.click('[data-testid=export]');
    await expect.poll(async () => ((await saved.count()) > 0 ? await saved.getAttribute('title') : null), { timeout: 120_000 }).not.toBe(before);
    return (await saved.getAttribute('title'))!;
  }

  it('opens a portrait, puts it on ID blue and exports a file whose corner is that blue', async () => {
    await freshApp();
    // A brush key before there is a cut-out takes no tool, as a click on its button takes none (B
    // took Keep, and the picture then opened with it in hand).
    await page.keyboard.press('b');
    await openThroughDialog(page, PORTRAIT);
    // Best edges by default: a fast matte first, then the best one, and the status says which is on screen.
    await expect.poll(() => page.textContent('[data-testid=status-text]'), { timeout: 60_000 }).toBe('Refining the edges…');
    await waitForCutout(page);
    expect(await page.getAttribute('[data-refine=full]', 'aria-pressed')).toBe('true');
    expect(await page.locator('[data-tool][aria-pressed=true]').count()).toBe(0);
    // The model by its name in Settings (it said its id, "mediapipe-selfie").
    expect(await page.textContent('[data-testid=status-text]')).toMatch(/^Done in [\d.]+ m?s: MediaPipe Selfie Segmentation on CPU$/);
    // A background picked while the view shows the original is shown (the swatch was selected, nothing else).
    await page.click('[data-view=original]');
    await page.click('[data-bg=id-blue]');
    expect(await page.getAttribute('[data-view=composite]', 'aria-pressed')).toBe('true');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'portrait-blue.png') });
    // Copy puts the composite on the clipboard as a PNG (before any export: the preview-size render).
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(served.url).origin });
    await copyAndWait();
    const clip = await readClipboardImage();
    expect(clip.w).toBeGreaterThan(0);
    expect(clip.corner).toEqual([0x43, 0x8e, 0xdb, 255]);
    // In a browser the export also arrives as a download of the same file. A double click exports
    // once (it started two jobs writing the same file, and downloaded it twice).
    const downloaded = page.waitForEvent('download', { timeout: 120_000 });
    const jobsStarted: string[] = [];
    const countJobs = (r: { url(): string }) => void (r.url().endsWith('/api/startJob') && jobsStarted.push(r.url()));
    page.on('request', countJobs);
    const output = await exportAndWait({ double: true });
    page.off('request', countJobs);
    expect(jobsStarted).toHaveLength(1);
    // The status line names the file, as the export panel does (it said the server's whole path).
    expect(await page.textContent('[data-testid=status-text]')).toMatch(new RegExp(`^Saved ${basename(output).replace(/\./g, '\\.')} in [\\d.]+ m?s on CPU$`));
    expect(existsSync(output)).toBe(true);
    const download = await downloaded;
    expect(download.suggestedFilename()).toBe(basename(output));
    expect(readFileSync((await download.path())!).equals(readFileSync(output))).toBe(true);
    const { data, info } = await sharp(output).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const meta = await sharp(PORTRAIT).metadata();
    expect([info.width, info.height]).toEqual([meta.width, meta.height]);
    const corner = [data[0], data[1], data[2], data[3]];
    expect(Math.abs(corner[0] - 0x43)).toBeLessThanOrEqual(2);
    expect(Math.abs(corner[1] - 0x8e)).toBeLessThanOrEqual(2);
    expect(Math.abs(corner[2] - 0xdb)).toBeLessThanOrEqual(2);
    expect(corner[3]).toBe(255);
    // The status line names the saved file, the time and the execution provider.
    expect(await page.textContent('[data-testid=status-text]')).toMatch(/^Saved .+ in [\d.]+ m?s on CPU$/);
    // It is the editor's message: another workspace's status line reads Ready, and back it is there again.
    await page.click('[data-workspace=batch]');
    expect(await page.textContent('[data-testid=status-text]')).toBe('Ready');
    await page.click('[data-workspace=cutout]');
    expect(await page.textContent('[data-testid=status-text]')).toMatch(/^Saved /);
    // With the export current, Copy puts the exported file (full size) on the clipboard ...
    await copyAndWait();
    expect(await readClipboardImage()).toMatchObject({ w: meta.width });
    // ... and after an edit (another background) the editor's composite again, not the stale file.
    await page.click('[data-bg=white]');
    await copyAndWait();
    expect(await readClipboardImage()).toMatchObject({ w: clip.w, corner: [255, 255, 255, 255] });
    await page.click('[data-bg=id-blue]');
    // Export size: the longest side shrinks to the chosen size.
    await page.selectOption('[data-testid=export-size]', '512');
    const small = await exportAndWait();
    expect(small).not.toBe(output);
    // The server keeps it as NAME-2.png beside the first; it downloads as NAME.png, and the export
    // panel names it so (it said the server's NAME-2.png); the status line says both (the exports
    // folder's NAME.png, an earlier export, was read as this one: a review).
    expect(basename(small)).toBe(basename(output).replace(/\.png$/, '-2.png'));
    expect(await page.textContent('[data-testid=status-text]')).toMatch(new RegExp(`^Saved ${basename(output).replace(/\./g, '\\.')} \\(in the exports folder as ${basename(small).replace(/\./g, '\\.')}\\) in `));
    expect((await page.textContent('[data-testid=last-export] .path'))?.trim()).toBe(basename(output));
    // Shown whole (the button beside it cut a short name: "…est2_anime.webp").
    expect(await page.locator('[data-testid=last-export] .path').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    const smallMeta = await sharp(small).metadata();
    expect(Math.max(smallMeta.width!, smallMeta.height!)).toBe(512);
    // The matte alone: a greyscale PNG named _mask, at full size, the cut-out's alpha (white on the
    // person, black in the corner), whatever background the editor shows; said under the format.
    await page.selectOption('[data-testid=export-size]', '');
    await page.selectOption('[data-testid=export-format]', 'mask');
    expect(await page.textContent('[data-testid=export-mask-note]')).toMatch(/^The matte alone, for an editor's layer mask: white is kept, black is not/);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'export-mask.png') });
    const maskFile = await exportAndWait();
    expect(basename(maskFile)).toMatch(/_mask(-\d+)?\.png$/);
    const maskMeta = await sharp(maskFile).metadata();
    expect([maskMeta.format, maskMeta.channels, maskMeta.width, maskMeta.height]).toEqual(['png', 1, meta.width, meta.height]);
    const grey = await sharp(maskFile).extractChannel(0).raw().toBuffer();
    expect(grey[0]).toBe(0);
    expect(grey[Math.floor(meta.height! * 0.35) * meta.width! + Math.floor(meta.width! / 2)]).toBe(255);
    // Copy still puts the cut-out on the clipboard (on its blue), not the mask just exported.
    await copyAndWait();
    expect(await readClipboardImage()).toMatchObject({ corner: [0x43, 0x8e, 0xdb, 255] });
    await page.selectOption('[data-testid=export-format]', 'png');
    // Transparent, the picture's corner shows the checkerboard on its background; as a JPEG, which
    // is exported on white, it shows white (it kept the checkerboard under "flattened on white").
    await page.click('[data-bg=transparent]');
    const cornerColours = () =>
      page.locator('[data-testid=editor-canvas]').evaluate((c) => {
        const el = c as unknown as { dataset: Record<string, string>; getContext(k: string): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
        const dpr = (globalThis as unknown as { devicePixelRatio: number }).devicePixelRatio;
        const data = el.getContext('2d').getImageData(Math.ceil(Number(el.dataset.panX) * dpr) + 1, Math.ceil(Number(el.dataset.panY) * dpr) + 1, 24, 24).data;
        const colours = new Set<string>();
        for (let i = 0; i < data.length; i += 4) colours.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
        return [...colours].sort();
      });
    const checkerGrey = '228,231,236';
    await expect.poll(cornerColours).toContain(checkerGrey);
    await page.selectOption('[data-testid=export-format]', 'jpeg');
    await expect.poll(cornerColours).not.toContain(checkerGrey);
    expect(await cornerColours()).toContain('255,255,255');
    await page.selectOption('[data-testid=export-format]', 'png');
    expect(pageErrors).toEqual([]);
  });

  it('puts the cut-out on a picture of the user\'s own: the canvas, Copy and the export show it, covering and centred', async () => {
    // Wide pictures of three bands: covering the portrait keeps the middle band.
    const dir = mkdtempSync(join(tmpdir(), 'cutout-e2e-'));
    const picture = async (name: string, middle: [number, number, number]): Promise<string> => {
      const w = 900;
      const raw = Buffer.alloc(w * 300 * 3, 40);
      for (let i = 0; i < w * 300; i++) if (Math.floor((i % w) / 300) === 1) raw.set(middle, i * 3);
      const path = join(dir, name);
      await sharp(raw, { raw: { width: w, height: 300, channels: 3 } }).png().toFile(path);
      return path;
    };
    const meadow = await picture('meadow.png', [30, 200, 60]);
    const sunset = await picture('sunset.png', [230, 120, 20]);
    await freshApp();
    await openThroughDialog(page, PORTRAIT);
    await waitForCutoutOf(page, PORTRAIT);
    // Transparent says what keeps it rather than showing an empty colour field.
    expect(await page.locator('.row .hex').count()).toBe(0);
    expect(await page.textContent('.row')).toContain('Kept in PNG and WebP');
    await chooseFiles(page, () => page.click('[data-bg=picture]'), meadow);
    await expect.poll(() => page.textContent('[data-testid=bg-picture-name]'), { timeout: 20_000 }).toBe('meadow.png');
    expect(await page.getAttribute('[data-bg=picture]', 'aria-checked')).toBe('true');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'screens', 'cutout-picture.png') });
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(served.url).origin });
    await copyAndWait();
    expect((await readClipboardImage()).corner).toEqual([30, 200, 60, 255]);
    const output = await exportAndWait();
    const { data, info } = await sharp(output).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const meta = await sharp(PORTRAIT).metadata();
    expect([info.width, info.height]).toEqual([meta.width, meta.height]);
    expect([data[0], data[1], data[2], data[3]]).toEqual([30, 200, 60, 255]);
    // A colour, then the picture swatch again: the same picture, no chooser. Change… picks another.
    await page.click('[data-bg=white]');
    await page.click('[data-bg=picture]');
    expect(await page.textContent('[data-testid=bg-picture-name]')).toBe('meadow.png');
    await chooseFiles(page, () => page.click('[data-testid=bg-picture-change]'), sunset);
    await expect.poll(() => page.textContent('[data-testid=bg-picture-name]'), { timeout: 20_000 }).toBe('sunset.png');
    await copyAndWait();
    expect((await readClipboardImage()).corner).toEqual([230, 120, 20, 255]);
    // A picture that is itself transparent there is flattened on white, in the editor as in the export.
    const glass = join(dir, 'glass.png');
    await sharp({ create: { width: 900, height: 300, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toFile(glass);
    await chooseFiles(page, () => page.click('[data-testid=bg-picture-change]'), glass);
    await expect.poll(() => page.textContent('[data-testid=bg-picture-name]'), { timeout: 20_000 }).toBe('glass.png');
    await copyAndWait();
    expect((await readClipboardImage()).corner).toEqual([255, 255, 255, 255]);
    const onGlass = await exportAndWait();
    const g = await sharp(onGlass).ensureAlpha().raw().toBuffer();
    expect([g[0], g[1], g[2], g[3]]).toEqual([255, 255, 255, 255]);
    expect(pageErrors).toEqual([]);
  });

  it('Copy puts the full-size cut-out on the clipboard, also before any export (the preview is smaller)', async () => {
    // 1895 x 2560: larger than the editor's 1600-px preview.
    const dir = mkdtempSync(join(tmpdir(), 'cutout-e2e-'));
    const large = join(dir, 'large-portrait.jpg');
    await sharp(PORTRAIT).resize({ height: 2560 }).jpeg({ quality: 90 }).toFile(large);
    const meta = await sharp(large).metadata();
    await freshApp();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(served.url).origin });
    await openThroughDialog(page, large);
    await waitForCutoutOf(page, large);
    await page.click('[data-bg=white]');
    await page.evaluate(`navigator.clipboard.writeText('nothing yet')`);
    await page.getByRole('button', { name: 'Copy image' }).click();
    await expect.poll(() => page.textContent('[data-testid=status-text]'), { timeout: 60_000 }).toBe('Copied to the clipboard');
    await expect.poll(() => page.evaluate(`navigator.clipboard.read().then((items) => items[0].types.includes('image/png'))`), { timeout: 15_000 }).toBe(true);
    const copied = await readClipboardImage();
    expect([copied.w, meta.width]).toEqual([1895, 1895]);
    expect(copied.corner).toEqual([255, 255, 255, 255]);
    expect(pageErrors).toEqual([]);
  });

  /**
   * A fresh app showing a large input (an eval portrait enlarged to 4000 × 5404, 21.6 MP, made here),
   * so its export runs for seconds; the folder it is in.
   */
  async function openBigPortrait(name: string): Promise<{ dir: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'cutout-e2e-'));
    const big = join(dir, name);
    await sharp(PORTRAIT).resize({ width: 4000 }).png({ compressionLevel: 1 }).toFile(big);
    await freshApp();
    await openThroughDialog(page, big);
    await waitForCutoutOf(page, big);
    return { dir };
  }

  it("shows a running export's edge refine moving on, and cancels it: the status says cancelled, no error is shown, no file is written", async () => {
    await openBigPortrait('big-portrait.png');
    await page.click('[data-testid=export]');
    // The bar moves on through the edge refine (it is told step by step), past the guided filter.
    const barNow = `(() => { const bar = document.querySelector('[data-testid=job-progress] [role=progressbar]'); return bar ? Number(bar.getAttribute('aria-valuenow')) : 0; })()`;
    await expect.poll(() => page.evaluate(barNow), { timeout: 60_000, interval: 100 }).toBeGreaterThan(35);
    expect(await page.textContent('[data-testid=job-progress] .stage')).toBe('Refining edges');
    expect(await page.evaluate(barNow)).toBeLessThan(93);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'export-refining.png') });
    await page.locator('[data-testid=cancel-job]').click({ timeout: 30_000 });
    await expect.poll(() => page.textContent('[data-testid=status-text]'), { timeout: 10_000 }).toBe('Cancelled');
    // The Cancel pressed went with the job: the focus is the workspace's, not the page's (the next Tab started at the sidebar).
    const focusedIn = `(() => { const a = document.activeElement; return a?.closest('[data-workspace-slot]')?.getAttribute('data-workspace-slot') ?? a?.tagName; })()`;
    await expect.poll(() => page.evaluate(focusedIn), { timeout: 5000 }).toBe('cutout');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'cancelled.png') });
    expect(await page.locator('[data-testid=error-banner]').count()).toBe(0);
    expect(await page.locator('[data-testid=job-progress]').count()).toBe(0);
    expect(await page.locator('[data-testid=last-export]').count()).toBe(0);
  });

  it("an export that ends while another picture is open is saved and said, and the export panel stays the open picture's", async () => {
    const { dir } = await openBigPortrait('big-export.png');
    await page.click('[data-testid=export]');
    await page.locator('[data-testid=job-progress]').waitFor({ timeout: 30_000 });
    // The engine stays free during the export's refine: another picture opens and is cut out meanwhile.
    const small = join(dir, 'small.jpg');
    copyFileSync(PORTRAIT, small);
    await openThroughDialog(page, small);
    await waitForCutoutOf(page, small);
    await expect.poll(() => page.textContent('[data-testid=status-text]'), { timeout: 120_000 }).toMatch(/^Saved .*big-export_cutout\.png/);
    // "Download again" would give big-export's cut-out while small.jpg is on screen.
    expect(await page.locator('[data-testid=last-export]').count()).toBe(0);
    expect(await page.textContent('[data-workspace-slot=cutout] .info span')).toBe('small.jpg');
  });

  it('shows an invalid file by its code, in words, with what to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutout-e2e-'));
    const bad = join(dir, 'not-a-picture.png');
    writeFileSync(bad, 'this is text, not a PNG\n');
    await freshApp();
    await openThroughDialog(page, bad);
    const banner = page.locator('[data-testid=error-banner]');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.getAttribute('data-code')).toBe('INPUT_UNSUPPORTED');
    // It names the file (with several opened at once, it did not say which).
    expect(await banner.locator('[data-testid=error-file]').textContent()).toBe('not-a-picture.png');
    expect(await banner.textContent()).toContain('This file is not an image we can read.');
    expect(await banner.textContent()).toContain('Open a JPEG, PNG, HEIC, WebP, GIF, TIFF, AVIF or BMP picture.');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'invalid-file.png') });
  });

  it('a new picture starts with the default subject, one switched keeps its own, and one that cannot be opened leaves the picture on screen', async () => {
    const anime = evalFile('anime_cutout', 'images', 'ks_akira_basic_lost.jpg');
    const pressed = async () => ((await page.getByRole('button', { name: 'Anime', exact: true }).getAttribute('aria-pressed')) === 'true' ? 'anime' : 'person');
    await freshApp();
    await openThroughDialog(page, anime);
    await waitForCutoutOf(page, anime);
    await page.getByRole('button', { name: 'Anime', exact: true }).click();
    await waitForCutout(page);
    // The status line names the model that ran, as the CLI does (the pressed button was the only sign).
    await expect.poll(() => page.textContent('[data-testid=status-text]'), { timeout: 60_000 }).toMatch(/^Done in [\d.]+ m?s: Cutout Studio anime character segmenter on CPU$/);
    // A photo after an anime picture is cut out as a person (it took the anime model before).
    await openThroughDialog(page, PORTRAIT);
    await waitForCutoutOf(page, PORTRAIT);
    expect(await pressed()).toBe('person');
    // The anime picture again: its own choice comes back.
    await openThroughDialog(page, anime);
    await waitForCutoutOf(page, anime);
    expect(await pressed()).toBe('anime');
    // A text file named .jpg: said, and the anime picture stays with its cut-out.
    const dir = mkdtempSync(join(tmpdir(), 'cutout-e2e-'));
    const bad = join(dir, 'notes.jpg');
    writeFileSync(bad, 'this is text, not a JPEG\n');
    await openThroughDialog(page, bad);
    await page.locator('[data-testid=error-banner]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.textContent('[data-testid=status-text]')).toBe('That picture could not be opened; this one is kept');
    expect(await page.locator('[data-workspace-slot=cutout] .info').textContent()).toContain('ks_akira_basic_lost.jpg');
    expect(await page.locator('[data-testid=export]').isDisabled()).toBe(false);
    expect(await pressed()).toBe('anime');
    // Switched from the default, the subject says it is this picture's, with the default one click
    // away (the next picture went back to Person, and Settings' line was hard to find).
    const note = page.locator('[data-testid=cutout-subject-default]');
    expect((await note.textContent())?.trim()).toBe('For this picture; new pictures are cut out as Person. Use Anime for new pictures');
    await page.getByRole('button', { name: 'Use Anime for new pictures' }).click();
    await note.waitFor({ state: 'detached' });
    await openThroughDialog(page, PORTRAIT);
    await waitForCutoutOf(page, PORTRAIT);
    expect(await pressed()).toBe('anime');
  });

  it('a background brush stroke over a kept region makes the exported alpha there 0', async () => {
    await freshApp();
    await openThroughDialog(page, PORTRAIT);
    await waitForCutoutOf(page, PORTRAIT);
    const canvas = page.locator('[data-testid=editor-canvas]');
    const box = (await canvas.boundingBox())!;
    const attr = async (name: string) => Number(await canvas.getAttribute(name));
    const zoom = await attr('data-zoom');
    const panX = await attr('data-pan-x');
    const panY = await attr('data-pan-y');
    const imageW = await attr('data-image-w');
    const imageH = await attr('data-image-h');
    // The region: a horizontal band across the chin/neck, which the model keeps (checked below).
    const y = imageH * 0.55;
    const x0 = imageW * 0.4;
    const x1 = imageW * 0.6;
    const toPage = (ix: number, iy: number) => ({ x: box.x + panX + ix * zoom, y: box.y + panY + iy * zoom });
    await page.click('[data-tool=background]');
    await page.locator('[data-testid=brush-size]').fill('60');
    await page.click('[data-bg=transparent]');
    const a = toPage(x0, y);
    const b = toPage(x1, y);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    for (let k = 1; k <= 10; k++) await page.mouse.move(a.x + ((b.x - a.x) * k) / 10, a.y);
    await page.mouse.up();
    await page.waitForTimeout(200);
    await page.getByText('Re-solving the edge').waitFor({ state: 'detached', timeout: 60_000 });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'brush-removed.png') });
    expect(await page.textContent('.inspector')).toContain('Strokes: 1');
    // The brush at rest, the whole picture is solved as the export solves it: what Copy puts on the
    // clipboard (the editor's matte: df_img1 is no bigger than the preview) is the export's alpha.
    // The stroke's region re-solve alone was 14,903 pixels off it along the neck's outline.
    await expect.poll(() => canvas.getAttribute('data-whole-solved'), { timeout: 60_000 }).toBe('true');
    // The status says the edge was solved again (it read "Done in 43 ms: mediapipe-selfie on CPU",
    // as if the model had run again).
    expect(await page.textContent('[data-testid=status-text]')).toMatch(/^Edge re-solved in [\d.]+ m?s$/);
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(served.url).origin });
    await copyAndWait();
    const copied = Buffer.from(
      (await page.evaluate(`(async () => {
        const blob = await (await navigator.clipboard.read())[0].getType('image/png');
        const bitmap = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
        const c = new OffscreenCanvas(bitmap.width, bitmap.height);
        c.getContext('2d').drawImage(bitmap, 0, 0);
        const rgba = c.getContext('2d').getImageData(0, 0, bitmap.width, bitmap.height).data;
        let s = '';
        for (let i = 3; i < rgba.length; i += 4) s += String.fromCharCode(rgba[i]);
        return btoa(s);
      })()`)) as string,
      'base64',
    );
    const output = await exportAndWait();
    const { data, info } = await sharp(output).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([imageW, imageH]);
    let apart = 0;
    for (let i = 0; i < copied.length; i++) if (Math.abs(copied[i] - data[i * 4 + 3]) > 1) apart++;
    expect(apart).toBe(0);
    const scale = info.width / imageW;
    const alphaAt = (ix: number, iy: number) => data[(Math.round(iy * scale) * info.width + Math.round(ix * scale)) * 4 + 3];
    // Inside the stroke's hard core (radius 30 · 0.8 = 24 preview px) the alpha is 0 ...
    for (const fx of [0.45, 0.5, 0.55]) expect(alphaAt(imageW * fx, y)).toBe(0);
    // ... while the face above the stroke is still kept.
    expect(alphaAt(imageW * 0.5, imageH * 0.3)).toBeGreaterThan(200);
    // Undo removes the stroke (redo becomes possible); redo brings it back. From the brush size
    // slider too, the last control touched (it kept every key, and undo did nothing).
    expect([await page.getAttribute('[data-testid=last-export]', 'data-current'), await page.locator('[data-testid=last-export-stale]').count()]).toEqual(['true', 0]);
    await page.focus('[data-testid=brush-size]');
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('.inspector').textContent(), { timeout: 10_000 }).not.toContain('Strokes:');
    // The file saved holds the stroke undone: said once the matte without it is shown (its tick
    // stayed, as if it held what is shown).
    await expect.poll(() => page.getAttribute('[data-testid=last-export]', 'data-current'), { timeout: 30_000 }).toBe('false');
    expect(await page.textContent('[data-testid=last-export-stale]')).toBe('Saved before the changes since: export again to keep them.');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'export-stale.png') });
    await page.keyboard.press('Control+Shift+Z');
    await expect.poll(() => page.locator('.inspector').textContent(), { timeout: 10_000 }).toContain('Strokes: 1');
    // Another edge mode keeps the stroke and solves it again: the export still has alpha 0 there.
    const other = (await page.getAttribute('[data-refine=full]', 'aria-pressed')) === 'true' ? 'fast' : 'full';
    await page.click(`[data-refine=${other}]`);
    await waitForCutout(page);
    await page.getByText('Re-solving the edge').waitFor({ state: 'detached', timeout: 60_000 });
    expect(await page.textContent('.inspector')).toContain('Strokes: 1');
    // Edges other than Best with a stroke: the export solves them as Best, and the inspector says so.
    expect(await page.locator('[data-testid=refine-touchup-note]').count()).toBe(other === 'full' ? 0 : 1);
    await page.click('[data-refine=off]');
    await waitForCutout(page);
    await page.getByText('Re-solving the edge').waitFor({ state: 'detached', timeout: 60_000 });
    expect(await page.textContent('[data-testid=refine-touchup-note]')).toBe('With touch-ups the export solves every edge as Best (the strokes guide that solve).');
    await page.click(`[data-refine=${other}]`);
    await waitForCutout(page);
    await page.getByText('Re-solving the edge').waitFor({ state: 'detached', timeout: 60_000 });
    const again = await exportAndWait();
    const second = await sharp(again).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(second.data[(Math.round(y * (second.info.width / imageW)) * second.info.width + Math.round(imageW * 0.5 * (second.info.width / imageW))) * 4 + 3]).toBe(0);
    // Another picture, then this one again: its stroke and its edge mode come back, solved again.
    // (Waited for by name: the previous picture's finished cut-out satisfies waitForCutout alone.)
    await openThroughDialog(page, evalFile('id_portraits', 'images', 'df_img2.jpg'));
    await waitForCutoutOf(page, 'df_img2.jpg');
    expect(await page.textContent('.inspector')).not.toContain('Strokes:');
    // A stroke still being drawn as the next picture opens (Ctrl+O, the button held) is kept with
    // the picture it was drawn on (it was lost); the moves after it paint nothing on the next one.
    const mid = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    await page.mouse.move(mid.x, mid.y);
    await page.mouse.down();
    for (let k = 1; k <= 5; k++) await page.mouse.move(mid.x + k * 8, mid.y);
    await chooseFiles(page, () => page.keyboard.press('Control+o'), PORTRAIT);
    await waitForCutoutOf(page, PORTRAIT);
    for (let k = 6; k <= 10; k++) await page.mouse.move(mid.x + k * 8, mid.y);
    await page.mouse.up();
    await page.getByText('Re-solving the edge').waitFor({ state: 'detached', timeout: 60_000 });
    expect(await page.textContent('.inspector')).toContain('Strokes: 1');
    expect(await page.getAttribute(`[data-refine=${other}]`, 'aria-pressed')).toBe('true');
    const third = await exportAndWait();
    const reopened = await sharp(third).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(reopened.data[(Math.round(y * (reopened.info.width / imageW)) * reopened.info.width + Math.round(imageW * 0.5 * (reopened.info.width / imageW))) * 4 + 3]).toBe(0);
    // A stroke held down is not solved under the pen: the whole solve waits until the brush rests.
    // (A dab in the background, then, as its re-solve ends, a press held for two seconds: the whole
    // solve armed by the dab came 0.4 s later and its matte replaced the preview mid-stroke.)
    await page.waitForTimeout(1500);
    const corner = toPage(imageW * 0.05, imageH * 0.05);
    await page.mouse.click(corner.x, corner.y);
    await page.getByText('Re-solving the edge').waitFor({ state: 'detached', timeout: 60_000 });
    await page.mouse.move(corner.x, corner.y + 40);
    await page.mouse.down();
    const seen = new Set<string | null>();
    for (let k = 0; k < 20; k++) {
      seen.add(await canvas.getAttribute('data-whole-solved'));
      await page.waitForTimeout(100);
    }
    await page.mouse.move(corner.x + 20, corner.y + 40);
    await page.mouse.up();
    expect([...seen]).toEqual(['false']);
    await expect.poll(() => canvas.getAttribute('data-whole-solved'), { timeout: 60_000 }).toBe('true');
    // The stroke drawn on df_img2 as this picture opened is df_img2's.
    await openThroughDialog(page, evalFile('id_portraits', 'images', 'df_img2.jpg'));
    await waitForCutoutOf(page, 'df_img2.jpg');
    expect(await page.textContent('.inspector')).toContain('Strokes: 1');
  });

  it('opens an image dropped on the window and one pasted from the clipboard', async () => {
    await freshApp();
    const b64 = (await sharp(PORTRAIT).resize({ width: 400 }).png().toBuffer()).toString('base64');
    // Runs in the page (a string, so this Node-typed file needs no DOM types): builds a File and
    // dispatches the same drop / paste events a person's drag or Ctrl+V produces.
    const dispatch = (kind: 'drop' | 'paste', name: string) =>
      page.evaluate(`(() => {
        const bytes = Uint8Array.from(atob(${JSON.stringify(b64)}), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], ${JSON.stringify(name)}, { type: 'image/png' }));
        const target = document.querySelector('.shell');
        if (${JSON.stringify(kind)} === 'drop') {
          target.dispatchEvent(new DragEvent('dragenter', { bubbles: true, dataTransfer: dt }));
          target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
        } else {
          document.body.dispatchEvent(new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: dt }));
        }
      })()`);
    await dispatch('drop', 'dropped.png');
    await waitForCutoutOf(page, 'dropped.png');
    await dispatch('paste', 'pasted.png');
    await waitForCutoutOf(page, 'pasted.png');
    expect(pageErrors).toEqual([]);
  });
});
