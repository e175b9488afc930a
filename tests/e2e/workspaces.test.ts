// Browser end-to-end tests of the app frame in Chromium: every workspace renders, the language
// switches to Simplified Chinese and back, the theme switches to dark, the compare slider and the
// trimap overlay draw, a sticker's unsure frames are marked and Keep / Remove strokes painted on
// its clip lower them. Screenshots of each state go to test-artifacts/e2e/screens.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import type { Locator } from 'playwright-core';
import { resolveFfmpeg } from '../../src/main/core/video/ffmpeg';
import { describe, expect, it } from 'vitest';
import { evalFile, reviewFrame, tempDir } from '../helpers/env';
import { ARTIFACTS_DIR, chooseFiles, openThroughDialog, setInputValue, useAppSession, waitForCutoutOf } from './helpers';

const SCREENS = join(ARTIFACTS_DIR, 'screens');

describe('workspaces, language and theme in Chromium', () => {
  const app = useAppSession();

  const shot = (name: string) => app.page.screenshot({ path: join(SCREENS, `${name}.png`) });
  const workspace = (id: string) => app.page.click(`[data-workspace=${id}]`);

  it('shows each workspace in the sidebar order, the current one marked', async () => {
    const ids = await app.page.locator('nav [data-workspace]').evaluateAll((els) => els.map((e) => e.getAttribute('data-workspace')));
    expect(ids).toEqual(['idphoto', 'cutout', 'sticker', 'batch', 'settings']);
    await shot('cutout-empty');
    for (const id of ['idphoto', 'sticker', 'batch', 'settings']) {
      await workspace(id);
      expect(await app.page.locator(`[data-workspace=${id}]`).getAttribute('aria-current')).toBe('page');
      await app.page.waitForTimeout(150);
      await shot(id);
    }
    expect(app.pageErrors).toEqual([]);
    // Every file the page itself asked for loaded (a missing favicon used to log a 404 on each load).
    expect(app.session.failedLoads).toEqual([]);
  });

  it('the editor shows the cut-out, the compare split and the trimap overlay', async () => {
    await workspace('cutout');
    await openThroughDialog(app.page, evalFile('id_portraits', 'images', 'df_img24.jpg'));
    await waitForCutoutOf(app.page, 'df_img24.jpg');
    await app.page.click('[data-bg=id-blue]');
    await shot('cutout-blue');
    await app.page.keyboard.press('c');
    await app.page.waitForTimeout(150);
    await shot('cutout-compare');
    // The divider is a slider the keyboard reaches after the picture (Tab) and moves; the drawing follows.
    const split = app.page.getByRole('slider', { name: /^Compare divider/ });
    await app.page.focus('[data-testid=editor-canvas]');
    await app.page.keyboard.press('Tab');
    expect(await app.page.evaluate(`document.activeElement?.getAttribute('data-testid')`)).toBe('compare-split');
    expect(await split.getAttribute('aria-valuenow')).toBe('50');
    const canvasShot = () => app.page.locator('[data-testid=editor-canvas]').screenshot();
    const halfway = await canvasShot();
    const panX = await app.page.getAttribute('[data-testid=editor-canvas]', 'data-pan-x');
    const at = async () => [await split.getAttribute('aria-valuenow'), await split.getAttribute('aria-valuetext')];
    await app.page.keyboard.press('ArrowRight');
    expect(await at()).toEqual(['52', '52 % original']);
    await app.page.keyboard.press('Shift+ArrowRight');
    expect(await at()).toEqual(['62', '62 % original']);
    await app.page.keyboard.press('End');
    expect(await at()).toEqual(['100', '100 % original']);
    // The picture did not move: the arrow keys went to the divider, not to the canvas.
    expect(await app.page.getAttribute('[data-testid=editor-canvas]', 'data-pan-x')).toBe(panX);
    await app.page.waitForTimeout(100);
    expect((await canvasShot()).equals(halfway)).toBe(false);
    await app.page.keyboard.press('Home');
    expect(await at()).toEqual(['0', '0 % original']);
    await app.page.keyboard.press('PageUp');
    expect(await at()).toEqual(['10', '10 % original']);
    await shot('cutout-compare-split-focus');
    await app.page.focus('[data-testid=editor-canvas]');
    await app.page.keyboard.press('c');
    expect(await split.count()).toBe(0);
    await app.page.click('[data-bg=transparent]');
    // The edge brush turns the trimap overlay on.
    await app.page.click('[data-tool=unknown]');
    expect(await app.page.locator('[data-testid=overlay-toggle]').isChecked()).toBe(true);
    // A legend says what the overlay's colours are.
    expect(await app.page.locator('[data-testid=overlay-legend]').textContent()).toBe('KeptEdge, solvedRemoved');
    await app.page.waitForTimeout(150);
    await shot('cutout-trimap');
    // Zoom shortcuts change the zoom read-out; fit brings it back.
    const fitted = await app.page.textContent('[data-testid=zoom-pct]');
    await app.page.keyboard.press('Control+=');
    expect(await app.page.textContent('[data-testid=zoom-pct]')).not.toBe(fitted);
    await app.page.keyboard.press('Control+0');
    expect(await app.page.textContent('[data-testid=zoom-pct]')).toBe(fitted);
    await app.page.keyboard.press('t');
    expect(await app.page.locator('[data-testid=overlay-toggle]').isChecked()).toBe(false);
    expect(await app.page.locator('[data-testid=overlay-legend]').count()).toBe(0);
    await app.page.keyboard.press('h');
  });

  it('a picture with transparency of its own shows it over the checkerboard in the Original view too (it showed black)', async () => {
    // df_img24 with its left third hidden, magenta under alpha 0.
    const { data, info } = await sharp(evalFile('id_portraits', 'images', 'df_img24.jpg')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    for (let y = 0; y < info.height; y++) for (let x = 0; x < info.width / 3; x++) data.set([255, 0, 255, 0], (y * info.width + x) * 4);
    const path = join(tempDir(), 'left-hidden.png');
    await sharp(data, { raw: info }).png().toFile(path);
    await workspace('cutout');
    await openThroughDialog(app.page, path);
    await waitForCutoutOf(app.page, 'left-hidden.png');
    await app.page.click('[data-view=original]');
    await app.page.waitForTimeout(150);
    const canvas = app.page.locator('[data-testid=editor-canvas]');
    const [zoom, panX, panY, w, h] = await Promise.all(['data-zoom', 'data-pan-x', 'data-pan-y', 'data-image-w', 'data-image-h'].map(async (a) => Number(await canvas.getAttribute(a))));
    // Points in the hidden third: the checkerboard's light greys (blended where its squares meet), never black or magenta.
    const shown = await canvas.evaluate((c, pts) => {
      const dpr = (globalThis as unknown as { devicePixelRatio: number }).devicePixelRatio;
      const ctx = (c as unknown as { getContext(k: string): { getImageData(x: number, y: number, w: number, h: number): { data: number[] } } }).getContext('2d');
      return pts.map(([x, y]) => [...ctx.getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data].slice(0, 3));
    }, [0.05, 0.15, 0.25].flatMap((fx) => [0.2, 0.5, 0.8].map((fy) => [panX + fx * (w - 1) * zoom, panY + fy * (h - 1) * zoom])));
    const isChecker = (px: number[]) => Math.min(...px) >= 0xe0 && Math.max(...px) - Math.min(...px) <= 12;
    expect(shown.filter((px) => !isChecker(px))).toEqual([]);
    await shot('cutout-original-transparent');
    await app.page.click('[data-view=cutout]');
  });

  it('says when a cut-out needs a look, shows where, and the share drops as the Keep brush fixes it', async () => {
    // The portrait left open above is a clean cut-out: no notice.
    const notice = app.page.locator('[data-testid=review-notice]');
    expect(await notice.count()).toBe(0);
    // A real frame the anime model is unsure of: the Waifu2x hamster (docs/quality.md).
    await openThroughDialog(app.page, reviewFrame('hamster', tempDir()));
    await waitForCutoutOf(app.page, 'hamster.png');
    await app.page.getByRole('button', { name: 'Anime', exact: true }).click();
    await notice.waitFor({ timeout: 90_000 });
    const shownPct = async (): Promise<number> => ((await notice.count()) === 0 ? 0 : Number((await notice.textContent())!.match(/(\d+) % of it is half transparent/)![1]));
    const before = await shownPct();
    expect(before).toBeGreaterThan(8);
    await shot('cutout-review');
    // It offers the other model, as the Stickers notice does.
    expect(await notice.getByRole('button', { name: 'Try the person model' }).count()).toBe(1);
    // "Show on the trimap" turns the trimap overlay on (the unsure parts lie in its amber unknown band).
    // By the keyboard: the button goes once the trimap shows, and the focus goes to the trimap's check box, not to the page.
    await notice.getByRole('button', { name: 'Show on the trimap' }).focus();
    await app.page.keyboard.press('Enter');
    expect(await app.page.locator('[data-testid=overlay-toggle]').isChecked()).toBe(true);
    await expect.poll(() => app.page.evaluate(`document.activeElement?.dataset.testid`)).toBe('overlay-toggle');
    // A Keep stroke across the hamster (right of centre) re-mattes it; the notice follows the new matte.
    const canvas = app.page.locator('[data-testid=editor-canvas]');
    const box = (await canvas.boundingBox())!;
    const attr = async (name: string) => Number(await canvas.getAttribute(name));
    const [zoom, panX, panY, imageW, imageH] = await Promise.all(['data-zoom', 'data-pan-x', 'data-pan-y', 'data-image-w', 'data-image-h'].map(attr));
    const toPage = (fx: number, fy: number) => ({ x: box.x + panX + fx * imageW * zoom, y: box.y + panY + fy * imageH * zoom });
    await app.page.click('[data-tool=foreground]');
    await app.page.locator('[data-testid=brush-size]').fill('120');
    for (const fy of [0.4, 0.55, 0.7]) {
      const a = toPage(0.48, fy);
      const b = toPage(0.7, fy);
      await app.page.mouse.move(a.x, a.y);
      await app.page.mouse.down();
      for (let k = 1; k <= 10; k++) await app.page.mouse.move(a.x + ((b.x - a.x) * k) / 10, a.y);
      await app.page.mouse.up();
      await app.page.getByText('Re-solving the edge').waitFor({ state: 'detached', timeout: 60_000 });
    }
    await expect.poll(shownPct, { timeout: 30_000 }).toBeLessThan(before);
    await shot('cutout-review-fixed');
    await app.page.keyboard.press('t');
    await app.page.keyboard.press('h');
    await app.page.getByRole('button', { name: 'Person', exact: true }).click();
    expect(app.pageErrors).toEqual([]);
  });

  it('switches to Simplified Chinese in Settings and back', async () => {
    await workspace('settings');
    // The keyboard passes over the languages without switching to each (a list did, on each arrow).
    await app.page.focus('[data-language-choice=system]');
    await app.page.keyboard.press('Tab');
    await app.page.keyboard.press('Tab');
    expect(await app.page.evaluate('document.activeElement?.dataset.languageChoice')).toBe('zh-CN');
    expect(await app.page.getAttribute('html', 'lang')).toBe('en');
    expect(await app.page.getAttribute('[data-language-choice=zh-CN]', 'lang')).toBe('zh-CN');
    await app.page.keyboard.press('Enter');
    expect(await app.page.getAttribute('[data-language-choice=zh-CN]', 'aria-pressed')).toBe('true');
    await expect.poll(() => app.page.textContent('[data-workspace=idphoto]'), { timeout: 10_000 }).toContain('证件照');
    expect(await app.page.getAttribute('html', 'lang')).toBe('zh-CN');
    // Every shortcut is listed (the brush size keys, compare and the overlay were missing).
    const shortcuts = await app.page.locator('[data-workspace-slot=settings] .card.grid').textContent();
    for (const label of ['减小画笔', '增大画笔', '对比', '显示区域标记', '平移（H；或按住空格）']) expect(shortcuts).toContain(label);
    await shot('settings-zh');
    // Chinese text takes no space after 。 nor before （ (a joined title and sentence showed "。 ").
    // (Text joined in the markup: About, the ID photo's control lines; not a sentence before a button.)
    const spacing = async () => (await app.page.locator('[data-workspace-slot=settings] .card p, [data-workspace-slot=idphoto] label > span').allInnerTexts()).join('\n').match(/。 |[^\s\d] （/g) ?? [];
    expect(await spacing()).toEqual([]);
    // Models are listed with their task in words ('person-mask' was shown as is).
    expect(await app.page.locator('[data-workspace-slot=settings] .model').first().textContent()).toContain('人像抠图');
    await workspace('cutout');
    // Screen readers hear the landmarks and groups in Chinese too (they were English).
    const labels = await app.page.locator('nav.sidebar, [data-workspace-slot=cutout] aside, [data-workspace-slot=cutout] [role=group]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    expect(labels.length).toBeGreaterThanOrEqual(3);
    for (const label of labels) expect(label).toMatch(/^[\u4e00-\u9fff]+$/);
    // The open image survived the trip to Settings.
    expect(Number(await app.page.getAttribute('[data-testid=editor-canvas]', 'data-image-w'))).toBeGreaterThan(0);
    await app.page.waitForTimeout(150);
    await shot('cutout-zh');
    // ID photo sizes are named in Chinese, and a Chinese search finds them.
    await workspace('idphoto');
    const slot = app.page.locator('[data-workspace-slot=idphoto]');
    await slot.locator('input[type=search]').fill('身份证');
    expect(await slot.locator('.specs .spec span:first-child').allTextContents()).toContain('居民身份证 26×32 mm（350 dpi）');
    await shot('idphoto-search-zh');
    expect(await spacing()).toEqual([]);
    await slot.locator('input[type=search]').fill('');
    expect(await slot.locator('[data-testid=idphoto-current-spec]').textContent()).toMatch(/^[^·]*[\u4e00-\u9fff][^·]* · \d+×\d+ 像素$/);
    // A label and its name take a full-width colon ("收藏: " read half-width).
    expect(await slot.locator('.specs .star').first().getAttribute('aria-label')).toMatch(/^[^:：]+：\S/);
    // The batch offers the Chinese sizes first, as the ID photo workspace does (一寸 came sixteenth, after ICAO).
    await workspace('batch');
    const mode = await app.page.inputValue('[data-testid=batch-mode]');
    await app.page.selectOption('[data-testid=batch-mode]', 'idphoto');
    const [first] = await app.page.locator('[data-testid=batch-spec] option').allTextContents();
    expect(first).toMatch(/^[^·]*[\u4e00-\u9fff]/);
    expect(first).not.toMatch(/ICAO|Schengen|申根/);
    await app.page.selectOption('[data-testid=batch-mode]', mode);
    // The app's own model is named in Chinese in Settings (its English description showed).
    await workspace('settings');
    await expect.poll(() => app.page.locator('[data-workspace-slot=settings] .model .name', { hasText: '动漫角色分割模型' }).count(), { timeout: 20_000 }).toBe(1);
    await app.page.click('[data-language-choice=en]');
    await expect.poll(() => app.page.textContent('[data-workspace=idphoto]'), { timeout: 10_000 }).toContain('ID photo');
  });

  it('follows the OS dark theme and the Settings override; another setting leaves the export format picked in the editor', async () => {
    await app.page.emulateMedia({ colorScheme: 'dark' });
    await app.page.click('[data-theme-choice=system]');
    await expect.poll(() => app.page.getAttribute('html', 'data-theme'), { timeout: 10_000 }).toBe('dark');
    await workspace('cutout');
    const picked = (await app.page.inputValue('[data-testid=export-format]')) === 'webp' ? 'png' : 'webp';
    await app.page.selectOption('[data-testid=export-format]', picked);
    await app.page.click('[data-bg=id-blue]');
    await app.page.waitForTimeout(200);
    await shot('cutout-dark');
    await workspace('settings');
    await app.page.click('[data-theme-choice=light]');
    await expect.poll(() => app.page.getAttribute('html', 'data-theme'), { timeout: 10_000 }).toBe('light');
    await app.page.click('[data-theme-choice=system]');
    // The theme changed twice: the format picked in the editor stays (it was reset to the default,
    // and a transparent cut-out was written as a JPEG on white).
    await workspace('cutout');
    expect(await app.page.inputValue('[data-testid=export-format]')).toBe(picked);
    // A new default format in Settings is followed.
    await workspace('settings');
    const settingsFormat = await app.page.inputValue('[data-testid=settings-format]');
    const newDefault = ['jpeg', 'png', 'webp'].find((f) => f !== settingsFormat && f !== picked)!;
    await app.page.selectOption('[data-testid=settings-format]', newDefault);
    await workspace('cutout');
    await expect.poll(() => app.page.inputValue('[data-testid=export-format]')).toBe(newDefault);
    await workspace('settings');
    await app.page.selectOption('[data-testid=settings-format]', settingsFormat);
    expect(app.pageErrors).toEqual([]);
  });

  // Last: it reloads the page (what a restart does to the recent list).
  it('the sticker drop zone asks for a video and lists recent clips, the image ones recent images', async () => {
    const recentIn = (slot: string) => app.page.locator(`[data-workspace-slot=${slot}] .recent li`).allTextContents();
    await workspace('sticker');
    const zone = app.page.locator('[data-workspace-slot=sticker] [data-testid=drop-zone]');
    const text = await zone.textContent();
    expect(text).toContain('MP4');
    // Clips, not pictures: an APNG sticker is one (a LINE sticker's .png), a still PNG is not.
    expect(text).toContain('APNG');
    expect(text).not.toMatch(/\bPNG\b/);
    expect(text).not.toContain('paste');
    expect(await recentIn('sticker')).toEqual([]); // the pictures opened above are images
    await shot('sticker-empty');
    // A still picture first, no clip before it: the status line says the file could not be opened
    // as a clip (it read only "Failed"), beside the banner's why.
    await chooseFiles(app.page, () => zone.click(), evalFile('id_portraits', 'images', 'df_img1.jpg'));
    await app.page.locator('[data-testid=error-banner]').waitFor({ timeout: 30_000 });
    // (Set by the workspace's effect, which may run a moment after the banner shows.)
    await expect.poll(() => app.page.textContent('[data-testid=status-text]')).toBe('That file could not be opened as a clip');
    // A GIF, which is a picture type too: opened as a clip, it is listed as a recent clip only.
    const clip = evalFile('anime_clips', 'clips', 'w2xgui_gif2_original.gif');
    await chooseFiles(app.page, () => zone.click(), clip);
    await app.page.waitForSelector('[data-testid=sticker-export]:not([disabled]):not([aria-disabled=true])', { timeout: 60_000 });
    await workspace('idphoto');
    // The images opened in the editor above, newest first.
    await expect.poll(() => recentIn('idphoto'), { timeout: 10_000 }).toEqual([expect.stringContaining('hamster.png'), expect.stringContaining('left-hidden.png'), expect.stringContaining('df_img24.jpg')]);
    // In a browser a recent file is its name: where the upload went on the engine's side is not the user's path.
    expect((await recentIn('idphoto')).map((r) => r.trim())).toEqual(['hamster.png', 'left-hidden.png', 'df_img24.jpg']);
    // The Stickers controls come back after a restart (they went back to 12 fps and 320 px).
    await workspace('sticker');
    const stickerSlot = app.page.locator('[data-workspace-slot=sticker]');
    const setRange = (selector: string, value: string) => setInputValue(stickerSlot.locator(selector), value);
    const fpsSlider = 'label.slider:has-text("Frame rate") input[type=range]';
    await setRange(fpsSlider, '20');
    await stickerSlot.locator('.field-row:has-text("Size") select').selectOption('512');
    // The ID photo size and print sheet last picked come back after a restart too.
    await workspace('idphoto');
    const idSlot = app.page.locator('[data-workspace-slot=idphoto]');
    await idSlot.locator('button.spec', { hasText: 'US passport 2×2 in' }).first().click();
    await idSlot.getByRole('combobox', { name: 'Print sheet' }).selectOption('a4');
    // The Batch workspace's choices too (a restart went back to portrait, no sheet).
    await workspace('batch');
    await app.page.selectOption('[data-testid=batch-mode]', 'idphoto');
    await app.page.selectOption('[data-testid=batch-sheet]', 'a5');
    // Settings' default background is what a new cut-out starts on (after the restart below).
    await workspace('settings');
    await app.page.selectOption('[data-testid=settings-background]', '#438EDB');
    await app.page.reload();
    await app.page.waitForSelector('[data-workspace=cutout]');
    // It opens in the workspace it was left in.
    expect(await app.page.getAttribute('[data-workspace=settings]', 'aria-current')).toBe('page');
    await workspace('sticker');
    expect(await stickerSlot.locator(fpsSlider).inputValue()).toBe('20');
    expect(await stickerSlot.locator('.field-row:has-text("Size") select').inputValue()).toBe('512');
    await setRange(fpsSlider, '12');
    await stickerSlot.locator('.field-row:has-text("Size") select').selectOption('320');
    await workspace('cutout');
    await expect.poll(() => app.page.getAttribute('[data-workspace-slot=cutout] [data-bg=id-blue]', 'aria-checked'), { timeout: 10_000 }).toBe('true');
    await workspace('idphoto');
    expect(await idSlot.locator('[data-testid=idphoto-current-spec]').textContent()).toBe('US passport 2×2 in · 600×600 px');
    expect(await idSlot.getByRole('combobox', { name: 'Print sheet' }).inputValue()).toBe('a4');
    await idSlot.locator('button.spec', { hasText: '1-inch photo 25×35 mm' }).first().click();
    await idSlot.getByRole('combobox', { name: 'Print sheet' }).selectOption('');
    await workspace('batch');
    expect([await app.page.inputValue('[data-testid=batch-mode]'), await app.page.inputValue('[data-testid=batch-sheet]')]).toEqual(['idphoto', 'a5']);
    await app.page.selectOption('[data-testid=batch-sheet]', '');
    await app.page.selectOption('[data-testid=batch-mode]', 'portrait');
    await workspace('settings');
    await app.page.selectOption('[data-testid=settings-background]', 'transparent');
    await app.page.reload();
    await app.page.waitForSelector('[data-workspace=sticker]');
    await workspace('sticker');
    await expect.poll(() => recentIn('sticker'), { timeout: 10_000 }).toEqual([expect.stringContaining('w2xgui_gif2_original.gif')]);
    await shot('sticker-recent');
    expect(app.pageErrors).toEqual([]);
  });

  it('a sticker that needs a look: the frame strip marks the unsure frames, and the notice trims to the sure part', async () => {
    // AnimateDiff model01_01: the anime model is unsure of the girl's jacket in most frames (docs/quality.md).
    await app.page.emulateMedia({ colorScheme: 'light' });
    await workspace('sticker');
    const zone = app.page.locator('[data-workspace-slot=sticker] [data-testid=drop-zone]');
    await chooseFiles(app.page, () => zone.click(), evalFile('anime_clips', 'clips', 'animatediff_model01_01.gif'));
    await app.page.waitForSelector('[data-testid=sticker-export]:not([disabled]):not([aria-disabled=true])', { timeout: 60_000 });
    // The clip holds each drawing for 3 of its frames: the rate opens at its 7.7 drawings a second, and says why.
    const fpsSlider = app.page.getByRole('slider', { name: 'Frame rate' });
    expect(await fpsSlider.getAttribute('aria-valuetext')).toBe('7.7 fps');
    expect(await app.page.textContent('[data-testid=sticker-fps-drawing]')).toBe('The clip holds each drawing for 3 frames: at 7.7 fps the sticker is made as drawn, each drawing once, as long as the clip shows it');
    // A higher rate says it plays unevenly, and Use puts it back.
    await fpsSlider.fill('12');
    expect(await app.page.textContent('[data-testid=sticker-fps-above-drawing]')).toContain('The clip holds each drawing for 3 frames (7.7 a second): a higher rate shows some twice and plays unevenly.');
    await app.page.click('[data-testid=sticker-fps-use-drawing]');
    expect(await fpsSlider.getAttribute('aria-valuetext')).toBe('7.7 fps');
    await shot('sticker-fps-drawing');
    // A double click makes one sticker (it started two jobs on one file, and the toolbar lost the one it could cancel).
    const jobsStarted: string[] = [];
    const countJobs = (r: { url(): string }) => void (r.url().endsWith('/api/startJob') && jobsStarted.push(r.url()));
    app.page.on('request', countJobs);
    await app.page.dblclick('[data-testid=sticker-export]');
    await app.page.locator('[data-testid=sticker-preview]').waitFor({ timeout: 120_000 });
    app.page.off('request', countJobs);
    expect(jobsStarted).toHaveLength(1);
    const frames = app.page.locator('[data-testid=sticker-frames] .frame');
    const total = await frames.count();
    expect(total).toBe(16); // 2.08 s at its 7.69 drawings a second
    const flagged = await app.page.locator('[data-testid=sticker-frames] .frame[data-flagged=true]').count();
    expect(flagged).toBeGreaterThan(total / 2);
    expect(flagged).toBeLessThan(total);
    const notice = app.page.locator('[data-testid=sticker-review]');
    expect(await notice.textContent()).toContain(`In ${flagged} of the ${total} frames taken from the clip the model was unsure`);
    expect(await app.page.locator('[data-testid=sticker-frames]').getAttribute('aria-label')).toMatch(new RegExp(`^Unsure in ${flagged} of ${total} frames: 0\\.00–`));
    await shot('sticker-review');
    // "Trim to a–b s" moves the trim handles to the longest run of sure frames.
    const trim = notice.locator('[data-testid=sticker-trim-sure]');
    const [, start, end] = (await trim.textContent())!.match(/Trim to ([\d.]+)–([\d.]+) s/)!;
    await trim.click();
    const shown = await app.page.locator('[data-testid=sticker-trim] .num').allTextContents();
    expect(shown.slice(0, 2)).toEqual([`${start} s`, `${end} s`]);
    // Said on the status line (a live region): the handles moved out of a screen reader's sight.
    expect(await app.page.textContent('[data-testid=status-live]')).toBe(`Trimmed to ${start}–${end} s, the sure frames: Make sticker… again for a sticker of them`);
    // "Show the cut-out to touch up" switches the clip pane to the frame's cut-out.
    await notice.locator('[data-testid=sticker-show-cutout]').click();
    expect(await app.page.getAttribute('[data-testid=sticker-view-cutout]', 'aria-pressed')).toBe('true');
    await app.page.click('[data-testid=sticker-view-frame]');
    // "Use the person model" picks the other subject for the next make.
    await notice.locator('[data-testid=sticker-try-other]').click();
    expect(await notice.locator('[data-testid=sticker-try-other]').isDisabled()).toBe(true);
    expect(await app.page.getByRole('button', { name: 'Person', exact: true }).getAttribute('aria-pressed')).toBe('true');
    expect(app.pageErrors).toEqual([]);
  });

  it('a clip that holds its drawings unevenly opens as drawn, and a steady rate says it plays unevenly', async () => {
    await workspace('sticker');
    const slot = app.page.locator('[data-workspace-slot=sticker]');
    // w2xgui video 2 holds its drawings 1, 2 or 3 frames of 24 fps (10 a second, its children running behind the girl counted).
    await chooseFiles(app.page, () => slot.getByRole('button', { name: 'Open…' }).first().click(), evalFile('anime_clips', 'clips', 'w2xgui_video2_original_360p.mp4'));
    await expect.poll(() => app.page.textContent('[data-testid=status-live]'), { timeout: 60_000 }).toMatch(/^Opened w2xgui_video2_original_360p\.mp4/);
    const fpsSlider = app.page.getByRole('slider', { name: 'Frame rate' });
    expect(await fpsSlider.getAttribute('aria-valuetext')).toBe('10 fps');
    expect(await app.page.textContent('[data-testid=sticker-fps-drawing]')).toBe('The clip holds its drawings unevenly (2.4 frames on average, 10 a second): the sticker is made as drawn, each drawing once, as long as the clip shows it');
    await shot('sticker-fps-as-drawn');
    // Any steady rate shows them unevenly, below the drawing rate too; Use puts it back.
    await fpsSlider.fill('6');
    expect(await app.page.textContent('[data-testid=sticker-fps-above-drawing]')).toContain('The clip holds its drawings unevenly (10 a second): a steady rate shows them unevenly.');
    // (12 again: the rate the next clip opens at, for the tests after.)
    await fpsSlider.fill('12');
    await app.page.click('[data-testid=sticker-fps-use-drawing]');
    expect(await fpsSlider.getAttribute('aria-valuetext')).toBe('10 fps');
    // WeChat plays 15 frames a second at most: drawings that came faster are left out, and the sticker says so.
    await app.page.selectOption('[data-testid=sticker-preset]', 'wechat');
    await app.page.click('[data-testid=sticker-export]');
    const leftOut = slot.locator('[data-testid=sticker-drawings-left-out]');
    await leftOut.waitFor({ timeout: 120_000 });
    expect(await leftOut.textContent()).toMatch(/^\s*\d+ drawings? left out where the drawings came faster than the format or platform plays frames, their time given to the drawing before\.\s*$/);
    // No "fps lowered" for a sticker made as drawn, and its frame strip fills the pane's width.
    expect(await slot.locator('[data-testid=sticker-fps-lowered]').count()).toBe(0);
    const strip = slot.locator('[data-testid=sticker-frames]');
    const widths = await strip.evaluate((el) => {
      const e = el as unknown as { clientWidth: number; querySelectorAll(s: string): ArrayLike<{ getBoundingClientRect(): { width: number } }> };
      return { strip: e.clientWidth, frames: Array.from(e.querySelectorAll('.frame')).reduce((a, f) => a + f.getBoundingClientRect().width, 0) };
    });
    expect(widths.frames).toBeGreaterThan(widths.strip * 0.8);
    await shot('sticker-as-drawn-wechat');
    // A clip drawn faster than WeChat plays (about 24 drawings a second): every 2nd kept, about 12
    // fps, said as that, within WeChat's 15 (it read "12 fps: the most the platform allows").
    await chooseFiles(app.page, () => slot.getByRole('button', { name: 'Open…' }).first().click(), evalFile('anime_clips', 'clips', 'anime4k_web_input.mp4'));
    await expect.poll(() => app.page.textContent('[data-testid=status-live]'), { timeout: 60_000 }).toMatch(/^Opened anime4k_web_input\.mp4/);
    await app.page.click('[data-testid=sticker-fps-use-drawing]');
    expect(await slot.locator('[data-testid=sticker-fps-by-preset]').textContent()).toMatch(/^\s*About 12(\.\d)? fps: whole drawings kept, within the platform's 15 fps\s*$/);
    await fpsSlider.fill('12');
    await app.page.selectOption('[data-testid=sticker-preset]', 'none');
    expect(app.pageErrors).toEqual([]);
  });

  it('Keep / Remove strokes painted on the clip: the frame\'s cut-out follows them live, and the remade sticker has fewer unsure frames', async () => {
    await workspace('sticker');
    const slot = app.page.locator('[data-workspace-slot=sticker]');
    // Opening the clip again starts without strokes; the last test left the person model picked and
    // the trim on the sure part: wait for the whole clip's trim before making anything.
    await chooseFiles(app.page, () => slot.getByRole('button', { name: 'Open…' }).first().click(), evalFile('anime_clips', 'clips', 'animatediff_model01_01.gif'));
    await expect.poll(() => slot.locator('[data-testid=sticker-trim] .num').allTextContents(), { timeout: 60_000 }).toEqual(['0.00 s', '2.08 s']);
    await expect.poll(() => app.page.textContent('[data-testid=status-live]')).toMatch(/^Opened animatediff_model01_01\.gif \([\d.]+ s\)$/);
    await app.page.waitForSelector('[data-testid=sticker-export]:not([disabled]):not([aria-disabled=true])', { timeout: 60_000 });
    await slot.getByRole('button', { name: 'Anime', exact: true }).click();
    // Makes the sticker (each make is saved under a new name) and counts its unsure frames.
    // (Its path: each make is a new file in the exports folder, NAME-2 …; its name shown is the download's, NAME.)
    const savedPath = () => slot.locator('.saved .path').getAttribute('title', { timeout: 1000 }).catch(() => null);
    const flaggedNow = async () => {
      const last = await savedPath();
      await app.page.click('[data-testid=sticker-export]');
      // The saved line is gone while the sticker is made: wait for the new one, not for the gap.
      await expect.poll(async () => { const now = await savedPath(); return now !== null && now !== last; }, { timeout: 120_000 }).toBe(true);
      return app.page.locator('[data-testid=sticker-frames] .frame[data-flagged=true]').count();
    };
    const before = await flaggedNow();
    // The sticker made is said on the status line (a live region), which read Ready.
    await expect.poll(() => app.page.textContent('[data-testid=status-live]')).toMatch(/^Sticker saved: \S+( \(in the exports folder as \S+\))?, \d+ frames, [\d.]+ KB$/);
    // The Cut-out view shows the start frame as the sticker cuts it, and how unsure it is.
    const share = async () => Number((await slot.locator('[data-testid=sticker-frame-share]').textContent())?.match(/This frame: (\d+) %/)?.[1] ?? NaN);
    await app.page.click('[data-testid=sticker-view-cutout]');
    await expect.poll(share, { timeout: 60_000 }).toBeGreaterThan(0);
    const frameBefore = await share();
    // A screen reader hears the share as it changes (after a stroke), without the "working…" beside it.
    const shareLive = slot.locator('[data-testid=sticker-frame-share-live]');
    expect(await shareLive.getAttribute('aria-live')).toBe('polite');
    expect(await shareLive.textContent()).toMatch(/^This frame: \d+ % half transparent/);
    // Keep the jacket and the dark hair on the right, remove the background at both sides.
    const canvas = app.page.locator('[data-testid=sticker-strokes]');
    const paint = async (brush: 'keep' | 'remove', from: [number, number], to: [number, number]) => {
      if ((await app.page.getAttribute(`[data-testid=sticker-brush-${brush}]`, 'aria-pressed')) !== 'true') await app.page.click(`[data-testid=sticker-brush-${brush}]`);
      const box = (await canvas.boundingBox())!;
      await app.page.mouse.move(box.x + from[0] * box.width, box.y + from[1] * box.height);
      await app.page.mouse.down();
      await app.page.mouse.move(box.x + to[0] * box.width, box.y + to[1] * box.height, { steps: 8 });
      await app.page.mouse.up();
    };
    await paint('keep', [0.13, 0.93], [0.3, 0.93]);
    await paint('keep', [0.7, 0.93], [0.84, 0.93]);
    await paint('keep', [0.72, 0.35], [0.75, 0.6]);
    await paint('remove', [0.94, 0.2], [0.94, 0.8]);
    await paint('remove', [0.05, 0.35], [0.05, 0.55]);
    // The strokes show on the frame: green where kept, red where removed.
    // RGBA of the stroke layer at fractions of it, and how many of its pixels are painted.
    type Canvas2D = { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } };
    const layer = (points: [number, number][]) =>
      canvas.evaluate((el, pts) => {
        const c = el as unknown as Canvas2D;
        const ctx = c.getContext('2d');
        const at = pts.map(([x, y]) => Array.from(ctx.getImageData(Math.round(x * c.width), Math.round(y * c.height), 1, 1).data));
        const all = ctx.getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < all.length; i += 4) if (all[i] > 0) painted++;
        return { at, painted };
      }, points);
    const { at: [keep, remove] } = await layer([[0.2, 0.93], [0.94, 0.5]]);
    expect(keep[1]).toBeGreaterThan(keep[0]);
    expect(remove[0]).toBeGreaterThan(remove[1]);
    // The frame's cut-out follows the strokes at once: less of it is half transparent.
    await expect.poll(share, { timeout: 60_000 }).toBeLessThan(frameBefore);
    const after = await flaggedNow();
    await shot('sticker-touchup');
    expect(after).toBeLessThan(before);
    // The brush size slider is named on the screen, and for a screen reader.
    expect(await app.page.getByRole('slider', { name: 'Brush size' }).count()).toBe(1);
    expect(await app.page.locator('[data-testid=sticker-touchup] label:has([data-testid=sticker-brush-size])').innerText()).toBe('Size');
    // The editor's keys: E takes the Remove brush, Ctrl+Z undoes the last stroke.
    const painted = (await layer([])).painted;
    await app.page.click('[data-testid=sticker-brush-remove]'); // put it down first
    await app.page.keyboard.press('e');
    expect(await app.page.getAttribute('[data-testid=sticker-brush-remove]', 'aria-pressed')).toBe('true');
    await paint('remove', [0.5, 0.05], [0.6, 0.05]);
    expect((await layer([])).painted).toBeGreaterThan(painted);
    await app.page.keyboard.press('Control+z');
    expect((await layer([])).painted).toBe(painted);
    // The keyboard paints too: on the focused picture, with the brush held, the arrows move the
    // brush and Enter puts it down and lifts it; where it is and the stroke are said.
    const painterEl = slot.locator('[data-testid=sticker-painter]');
    await painterEl.focus();
    // Named with the time it shows (it read "the start of the clip" with Start at 7.35 s).
    expect(await painterEl.getAttribute('aria-label')).toMatch(/^The frame at \d+\.\d{2} s, where the sticker starts[^.]*\. With the Remove brush: the arrow keys move it/);
    await app.page.keyboard.press('ArrowUp');
    expect(await slot.locator('[data-testid=sticker-brush-live]').textContent()).toMatch(/^Remove brush at 50 % across, \d+ % down$/);
    await app.page.keyboard.press('Enter');
    await app.page.keyboard.press('ArrowRight');
    await app.page.keyboard.press('ArrowRight');
    await app.page.keyboard.press('Enter');
    expect(await slot.locator('[data-testid=sticker-brush-live]').textContent()).toMatch(/^Remove stroke painted \(\d+ strokes in all\)$/);
    expect((await layer([])).painted).toBeGreaterThan(painted);
    await shot('sticker-keyboard-brush');
    // With the pen down, a mouse hovering over the frame (no button) adds nothing to the stroke, and
    // taking the other brush lifts the pen: the stroke is kept as painted.
    expect((await layer([[0.3, 0.2]])).at[0][3]).toBe(0);
    await app.page.keyboard.press('Enter');
    const box = (await canvas.boundingBox())!;
    await app.page.mouse.move(box.x + 0.3 * box.width, box.y + 0.2 * box.height, { steps: 4 });
    await app.page.keyboard.press('b');
    expect(await slot.locator('[data-testid=sticker-brush-live]').textContent()).toMatch(/^Remove stroke painted \(\d+ strokes in all\)\. Keep brush taken$/);
    expect((await layer([[0.3, 0.2]])).at[0][3]).toBe(0);
    await app.page.mouse.move(0, 0);
    // Undone by Ctrl+Z with the picture focused, it is said.
    await app.page.keyboard.press('Control+z');
    expect(await slot.locator('[data-testid=sticker-brush-live]').textContent()).toMatch(/^Stroke undone \(\d+ strokes left\)$/);
    // Clear takes every stroke away, and the frame's cut-out is the model's again. Disabled then,
    // it hands the focus to the picture.
    await slot.locator('[data-testid=sticker-strokes-clear]').focus();
    await app.page.keyboard.press('Enter');
    expect((await layer([])).painted).toBe(0);
    await expect.poll(() => app.page.evaluate(`document.activeElement?.dataset.testid`)).toBe('sticker-painter');
    // H puts the brush away: said, and the picture's name says how to take one.
    await app.page.keyboard.press('h');
    expect(await slot.locator('[data-testid=sticker-brush-live]').textContent()).toBe('Brush put away');
    expect(await painterEl.getAttribute('aria-label')).toMatch(/\. B takes the Keep brush, E the Remove brush, to paint on it$/);
    await expect.poll(share, { timeout: 60_000 }).toBe(frameBefore);
    await app.page.click('[data-testid=sticker-view-frame]');
    expect(app.pageErrors).toEqual([]);
  });

  it('the Sticker pane shows the first frame as the sticker will, live with outline and format, until a sticker is made', async () => {
    await app.page.emulateMedia({ colorScheme: 'light' });
    await workspace('sticker');
    const slot = app.page.locator('[data-workspace-slot=sticker]');
    // A keyboard stroke still open on the last clip's frame (the pen down, the brush moved) when
    // another clip opens is not handed to the new clip's strokes (it was lifted into them when the
    // brush was put away, and said "Keep stroke painted").
    expect(await slot.locator('[data-testid=sticker-strokes-clear]').isDisabled()).toBe(true);
    await slot.locator('[data-testid=sticker-painter]').focus();
    await app.page.keyboard.press('b');
    await app.page.keyboard.press('Enter');
    await app.page.keyboard.press('ArrowRight');
    expect(await slot.locator('[data-testid=sticker-brush-live]').textContent()).toMatch(/^Painting Keep at \d+ % across/);
    await chooseFiles(app.page, () => slot.getByRole('button', { name: 'Open…' }).first().click(), evalFile('anime_clips', 'clips', 'animatediff_model07_01.gif'));
    const still = slot.locator('[data-testid=sticker-still]');
    const note = slot.locator('[data-testid=sticker-still-note]');
    // The last clip's sticker goes at once; this clip's first frame comes in its place (the clip
    // line names this clip's size first: until then the last clip's still may still be on screen).
    await expect.poll(() => slot.locator('[data-testid=sticker-trim] .meta').textContent({ timeout: 1000 }).catch(() => ''), { timeout: 60_000 }).toMatch(/^\s*512 × 512/);
    await expect.poll(() => note.textContent({ timeout: 1000 }).catch(() => ''), { timeout: 60_000 }).toContain('The first frame as the sticker will show it');
    // Nor said to be painted: the new clip's picture starts with nothing said.
    expect(await slot.locator('[data-testid=sticker-brush-live]').textContent()).toBe('');
    expect(await slot.locator('[data-testid=sticker-strokes-clear]').isDisabled()).toBe(true);
    expect(await slot.locator('[data-testid=sticker-brush-remove]').getAttribute('aria-pressed')).toBe('false');
    // Opaque, opaque black and half-transparent pixels of a picture (decoded in the page: its CSP
    // lets no fetch read a blob), its size, and how many colours its opaque pixels hold.
    type Img = { src: string; naturalWidth: number; naturalHeight: number };
    type Canvas2D = { width: number; height: number; getContext(kind: '2d'): { drawImage(img: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } };
    const pixelsOf = (picture: Locator) =>
      picture.evaluate(async (el) => {
        const img = el as unknown as Img & { decode(): Promise<void> };
        await img.decode();
        const c = (globalThis as unknown as { document: { createElement(tag: 'canvas'): Canvas2D } }).document.createElement('canvas');
        c.width = img.naturalWidth;
        c.height = img.naturalHeight;
        const ctx = c.getContext('2d');
        ctx.drawImage(img, 0, 0);
        const data = ctx.getImageData(0, 0, c.width, c.height).data;
        let opaque = 0;
        let black = 0;
        let soft = 0;
        const colours = new Set<number>();
        for (let i = 3; i < data.length; i += 4) {
          if (data[i] === 255) {
            opaque++;
            colours.add((data[i - 3] << 16) | (data[i - 2] << 8) | data[i - 1]);
            if (data[i - 3] < 24 && data[i - 2] < 24 && data[i - 1] < 24) black++;
          } else if (data[i] > 0) soft++;
        }
        return { src: img.src, width: img.naturalWidth, height: img.naturalHeight, opaque, black, soft, colours: colours.size };
      });
    const pixels = () => pixelsOf(still.locator('img').first());
    // Each backdrop's still is named apart (the three read alike).
    expect(await still.locator('img').evaluateAll((els) => els.map((e) => e.getAttribute('alt')))).toEqual(['Transparent', 'Light chat', 'Dark chat'].map((b) => `The first frame of the sticker with the current settings, ${b}`));
    const plain = await pixels();
    expect(Math.max(plain.width, plain.height)).toBe(320);
    expect(plain.opaque).toBeGreaterThan(10_000);
    expect(plain.soft).toBe(0); // a GIF's edge is 1 bit
    // A 6-px outline: the still follows the slider, with more opaque pixels.
    const setSlider = (testId: string, value: number) => setInputValue(slot.locator(`[data-testid=${testId}]`), value);
    await setSlider('sticker-outline', 6);
    await expect.poll(async () => (await pixels()).src, { timeout: 30_000 }).not.toBe(plain.src);
    const outlined = await pixels();
    expect(outlined.opaque).toBeGreaterThan(plain.opaque * 1.05);
    await shot('sticker-still');
    // A black outline instead of white: the still follows, with many more opaque black pixels.
    await slot.getByRole('group', { name: 'Outline colour' }).locator('[data-hex="#000000"]').click();
    await expect.poll(async () => (await pixels()).src, { timeout: 30_000 }).not.toBe(outlined.src);
    expect((await pixels()).black).toBeGreaterThan(outlined.black + 1000);
    await slot.getByRole('group', { name: 'Outline colour' }).locator('[data-hex="#FFFFFF"]').click();
    // A GIF's palette shows in the still: at most the 255 colours, and 16 when asked; the dither
    // then draws a pattern of them (a new still, of the same 16 colours at most).
    await expect.poll(async () => (await pixels()).black, { timeout: 30_000 }).toBeLessThan(outlined.black + 1000);
    expect((await pixels()).colours).toBeLessThanOrEqual(255);
    const colours = slot.locator('[data-testid=sticker-colors]');
    const before = await pixels();
    await colours.selectOption('16');
    await expect.poll(async () => (await pixels()).src, { timeout: 30_000 }).not.toBe(before.src);
    const sixteen = await pixels();
    expect(sixteen.colours).toBeLessThanOrEqual(16);
    await slot.locator('[data-testid=sticker-dither]').check();
    await expect.poll(async () => (await pixels()).src, { timeout: 30_000 }).not.toBe(sixteen.src);
    expect((await pixels()).colours).toBeLessThanOrEqual(16);
    await shot('sticker-still-16');
    await slot.locator('[data-testid=sticker-dither]').uncheck();
    await colours.selectOption('0');
    // APNG keeps the soft edge.
    await slot.locator('[data-format=apng]').first().click();
    await expect.poll(async () => (await still.getAttribute('data-format')) ?? '', { timeout: 30_000 }).toBe('apng');
    expect((await pixels()).soft).toBeGreaterThan(100);
    // The threshold shapes only a GIF's 1-bit edge: it is off for APNG. So is dithering, for an
    // APNG that keeps every colour (no preset's budget to give it a palette).
    expect(await slot.locator('[data-testid=sticker-threshold]').isDisabled()).toBe(true);
    expect(await slot.locator('[data-testid=sticker-dither]').isDisabled()).toBe(true);
    // Given a colour count, the APNG is written with a palette: the dither is on offer.
    expect(await colours.isDisabled()).toBe(false);
    await colours.selectOption('64');
    expect(await slot.locator('[data-testid=sticker-dither]').isDisabled()).toBe(false);
    // Made, the sticker takes the pane; a change after that brings the live frame back, with a note.
    await app.page.click('[data-testid=sticker-export]');
    await slot.locator('[data-testid=sticker-preview]').waitFor({ timeout: 120_000 });
    // The APNG made is reduced to 64 colours: its first frame's opaque pixels hold at most 64.
    const made = await pixelsOf(slot.locator('[data-testid=sticker-preview] img').first());
    expect(made.colours).toBeGreaterThan(8);
    expect(made.colours).toBeLessThanOrEqual(64);
    // It can be stopped on a frame (it ran on for good) and played again; each backdrop's picture is named apart.
    const toggle = slot.locator('[data-testid=sticker-play-toggle]');
    const sources = () => slot.locator('[data-testid=sticker-preview] img').evaluateAll((els) => els.map((e) => (e.getAttribute('src') ?? '').slice(0, 10)));
    expect([await toggle.textContent(), await toggle.getAttribute('aria-pressed')]).toEqual(['Pause', 'false']);
    await toggle.click();
    expect([await toggle.textContent(), await toggle.getAttribute('aria-pressed')]).toEqual(['Play', 'true']);
    expect(await sources()).toEqual(['data:image', 'data:image', 'data:image']);
    await toggle.click();
    expect(await sources()).toEqual(['blob:http:', 'blob:http:', 'blob:http:']);
    expect(await slot.locator('[data-testid=sticker-preview] img').evaluateAll((els) => els.map((e) => e.getAttribute('alt')))).toEqual(['Sticker, Transparent', 'Sticker, Light chat', 'Sticker, Dark chat']);
    // A user who asks for less motion gets it stopped from the start.
    await app.page.emulateMedia({ reducedMotion: 'reduce' });
    await colours.selectOption('128');
    await app.page.click('[data-testid=sticker-export]');
    await expect.poll(() => toggle.getAttribute('aria-pressed').catch(() => null), { timeout: 120_000 }).toBe('true');
    expect(await sources()).toEqual(['data:image', 'data:image', 'data:image']);
    await app.page.emulateMedia({ reducedMotion: null });
    await colours.selectOption('64');
    await app.page.click('[data-testid=sticker-export]');
    await expect.poll(sources, { timeout: 120_000 }).toEqual(['blob:http:', 'blob:http:', 'blob:http:']);
    expect(await still.count()).toBe(0);
    await setSlider('sticker-outline', 2);
    await still.waitFor({ timeout: 30_000 });
    expect(await note.textContent()).toContain('The settings changed after this sticker was made');
    await setSlider('sticker-outline', 6);
    await slot.locator('[data-testid=sticker-preview]').waitFor({ timeout: 10_000 });
    await setSlider('sticker-outline', 0);
    await colours.selectOption('0');
    // In true colour the APNG is bigger than chat apps take for a sticker (no platform chosen): said, with how to make it lighter.
    expect(await slot.locator('[data-testid=sticker-chat-size]').count()).toBe(0);
    await app.page.click('[data-testid=sticker-export]');
    const chatSize = slot.locator('[data-testid=sticker-chat-size]');
    await chatSize.waitFor({ timeout: 120_000 });
    expect(await chatSize.textContent()).toMatch(/^\d{3,}\.\d KB is more than chat apps take for a sticker \(Discord 500 KB; LINE 300 KB\)\. Pick one under Platform to fit it to its limits; a smaller size, a shorter part, a lower frame rate or fewer colours make it lighter\.$/);
    await shot('sticker-chat-size');
    await slot.locator('[data-format=gif]').first().click();
    expect(app.pageErrors).toEqual([]);
  });

  it('a clip whose first frame has nothing to cut out says so under the still', async () => {
    await workspace('sticker');
    const slot = app.page.locator('[data-workspace-slot=sticker]');
    // Rin's title card opens on a white frame (docs/quality.md).
    await chooseFiles(app.page, () => slot.getByRole('button', { name: 'Open…' }).first().click(), evalFile('anime_clips', 'clips', 'ks_tc_act3_rin.mp4'));
    const empty = slot.locator('[data-testid=sticker-still-empty]');
    await empty.waitFor({ timeout: 60_000 });
    expect(await empty.textContent()).toMatch(/^Nothing to cut out in the frame at 0\.00 s\. Move the start/);
    // The clip (15 s) is longer than a sticker may be: said under the sliders, in the Clip pane (it
    // was drawn over the Start slider, as wide as the workspace), once End is held at the longest
    // trim; with the first 3 s picked it is not (it read as an error when nothing was wrong).
    const notice = slot.locator('[data-testid=sticker-max-length]');
    expect(await notice.count()).toBe(0);
    // The keyboard moves a trim by a frame of the sticker (12 fps), by a second with Shift, to the end with End.
    const start = slot.locator('[data-testid=sticker-start]');
    await start.focus();
    await app.page.keyboard.press('ArrowRight');
    expect(Number(await start.inputValue())).toBeCloseTo(1 / 12, 2);
    await app.page.keyboard.press('Shift+ArrowRight');
    expect(Number(await start.inputValue())).toBeCloseTo(1 + 1 / 12, 2);
    await app.page.keyboard.press('Home');
    expect(Number(await start.inputValue())).toBe(0);
    // Start's value says where the trim ends too (the end stays where it is as Start moves back).
    expect(await start.getAttribute('aria-valuetext')).toMatch(/^0\.00 s, ends at \d+\.\d\d s$/);
    await slot.locator('[data-testid=sticker-end]').focus();
    await app.page.keyboard.press('End');
    await notice.waitFor({ timeout: 5_000 });
    expect(Number(await slot.locator('[data-testid=sticker-end]').inputValue())).toBeCloseTo(10, 2);
    expect(await notice.textContent()).toBe('End stops here: a sticker is at most 10 s long. Move Start to pick another part.');
    const box = async (l: typeof notice) => (await l.boundingBox())!;
    const [said, end, trim] = [await box(notice), await box(slot.locator('[data-testid=sticker-trim] .slider').nth(1)), await box(slot.locator('[data-testid=sticker-trim]'))];
    expect(said.y).toBeGreaterThanOrEqual(end.y + end.height);
    expect(said.x).toBeGreaterThanOrEqual(trim.x);
    expect(said.x + said.width).toBeLessThanOrEqual(trim.x + trim.width + 0.5);
    expect(await slot.locator('[data-testid=sticker-clip-name]').textContent()).toBe('ks_tc_act3_rin.mp4');
    await shot('sticker-empty-frame');
    // A clip cut short at its first bytes (its header reads, its frames do not) is refused: the
    // banner says so, and Rin's clip, its length and its frame stay.
    const cut = join(tempDir(), 'cut.mp4');
    writeFileSync(cut, readFileSync(evalFile('anime_clips', 'clips', 'esrgan_onepiece_demo.mp4')).subarray(0, 20_000));
    await chooseFiles(app.page, () => slot.getByRole('button', { name: 'Open…' }).first().click(), cut);
    await app.page.locator('[data-testid=error-banner][data-code=VIDEO_CORRUPT]').waitFor({ timeout: 30_000 });
    expect(await slot.locator('[data-testid=sticker-clip-name]').textContent()).toBe('ks_tc_act3_rin.mp4');
    // The status line says so too (it kept "Opened ks_tc_act3_rin.mp4").
    expect(await app.page.textContent('[data-testid=status-text]')).toBe('That file could not be opened; this clip is kept');
    expect(await slot.locator('[data-testid=sticker-trim] .meta').textContent()).toMatch(/^\s*800 × 600, 30\.00 fps, 14\.97 s/);
    // A GIF cut short opens (ffmpeg reads the frames there), and the Clip pane says its end is missing.
    const cutGif = join(tempDir(), 'cut.gif');
    writeFileSync(cutGif, readFileSync(evalFile('anime_clips', 'clips', 'animatediff_model01_01.gif')).subarray(0, 200_000));
    await chooseFiles(app.page, () => slot.getByRole('button', { name: 'Open…' }).first().click(), cutGif);
    await expect.poll(() => slot.locator('[data-testid=sticker-clip-name]').textContent(), { timeout: 30_000 }).toBe('cut.gif');
    expect(await slot.locator('[data-testid=sticker-cut-short]').textContent()).toMatch(/^This file is cut short \(a GIF without its end\): its last frames are missing\. The clip is the 0\.9\d s that are there\.$/);
    expect(app.pageErrors).toEqual([]);
  });

  it('a clip whose frames are all alike makes a one-frame GIF, and the result says the frames taken were alike (the strip counts them)', async () => {
    await workspace('sticker');
    const slot = app.page.locator('[data-workspace-slot=sticker]');
    // Half a second of one still picture: 6 frames at 12 fps, the same each time.
    const still = join(tempDir(), 'still.mp4');
    execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-y', '-loop', '1', '-i', evalFile('anime_cutout', 'images', 'ks_akira_basic_lost.jpg'), '-t', '0.5', '-r', '24', '-vf', 'scale=320:-2', '-pix_fmt', 'yuv420p', still]);
    await chooseFiles(app.page, () => slot.getByRole('button', { name: 'Open…' }).first().click(), still);
    await expect.poll(() => slot.locator('[data-testid=sticker-clip-name]').textContent(), { timeout: 30_000 }).toBe('still.mp4');
    await app.page.selectOption('[data-testid=sticker-preset]', 'none');
    await slot.locator('[data-format=gif]').click();
    await app.page.waitForSelector('[data-testid=sticker-export]:not([disabled]):not([aria-disabled=true])', { timeout: 60_000 });
    await app.page.click('[data-testid=sticker-export]');
    const info = slot.locator('[data-testid=sticker-result-info]');
    await info.waitFor({ timeout: 120_000 });
    // (It said "one frame (a still)", and the strip below it "in each of the 6 frames taken".)
    expect(await info.textContent()).toMatch(/^\d+ × \d+, one frame: the \d+ frames taken from the clip are alike \(a still, not animated\), \d+ KB$/);
    // Sure of every frame, the strip says so (it read "Unsure in 0 of 6 frames: —", a bare dash).
    expect(await slot.locator('[data-testid=sticker-frames]').getAttribute('aria-label')).toMatch(/^Sure in all \d+ frames$/);
    expect(app.pageErrors).toEqual([]);
  });

  it('a Telegram sticker (VP9 WebM with alpha) plays in the preview; a cancelled make says no new sticker was written, the last one kept', async () => {
    await workspace('sticker');
    const slot = app.page.locator('[data-workspace-slot=sticker]');
    await chooseFiles(app.page, () => slot.getByRole('button', { name: 'Open…' }).first().click(), evalFile('anime_clips', 'clips', 'animatediff_model07_01.gif'));
    await expect.poll(() => slot.locator('[data-testid=sticker-trim] .meta').textContent({ timeout: 1000 }).catch(() => ''), { timeout: 60_000 }).toMatch(/^\s*512 × 512/);
    const setEnd = (value: string) => setInputValue(slot.locator('[data-testid=sticker-trim] input[type=range]').nth(1), value);
    // LINE takes whole seconds: a trim of 1.5 s (of this 2.08-s clip) is said to be made 2 s, and the
    // frames line counts over 2 s; a whole-second trim says nothing.
    await app.page.selectOption('[data-testid=sticker-preset]', 'line');
    await setEnd('1.5');
    const whole = slot.locator('[data-testid=sticker-whole-seconds]');
    expect(await whole.textContent()).toBe('LINE takes a sticker of whole seconds (1 to 4): this part is made 2 s long.');
    expect(await slot.locator('[data-testid=sticker-trim] .meta').textContent()).toMatch(/over 2\.00 s/);
    await shot('sticker-line-whole-seconds');
    await setEnd('2');
    expect(await whole.count()).toBe(0);
    await app.page.selectOption('[data-testid=sticker-preset]', 'telegram');
    // The formats Telegram does not take are shown unavailable, and say why.
    const gifButton = slot.locator('[data-format=gif]');
    expect(await gifButton.isDisabled()).toBe(true);
    expect(await gifButton.getAttribute('title')).toBe('This platform takes WebM only: choose Custom for another format');
    expect(Number(await gifButton.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { opacity: string } }).getComputedStyle(el).opacity))).toBeLessThan(0.5);
    // Half a second: six frames at 12 fps.
    await setEnd('0.5');
    await app.page.waitForSelector('[data-testid=sticker-export]:not([disabled]):not([aria-disabled=true])', { timeout: 60_000 });
    await app.page.click('[data-testid=sticker-export]');
    const video = slot.locator('[data-testid=sticker-preview] video').first();
    await video.waitFor({ timeout: 120_000 });
    // The page's Content-Security-Policy lets the blob: video load (it once blocked it: an empty pane).
    const state = () => video.evaluate((el) => {
      const v = el as unknown as { readyState: number; error: { code: number } | null; videoWidth: number };
      return { ready: v.readyState >= 2, error: v.error?.code ?? 0, width: v.videoWidth };
    });
    await expect.poll(state, { timeout: 30_000 }).toEqual({ ready: true, error: 0, width: expect.any(Number) });
    expect((await state()).width).toBeGreaterThan(100);
    await shot('sticker-telegram');
    // Cancelled at once: the pane says so, and the make button is back.
    await app.page.selectOption('[data-testid=sticker-preset]', 'none');
    await app.page.click('[data-testid=sticker-export]');
    // By the keyboard: Cancel goes when the make stops, and hands the focus to Make sticker….
    await slot.locator('[data-testid=sticker-cancel]').focus();
    await app.page.keyboard.press('Enter');
    await expect.poll(() => slot.locator('[data-testid=sticker-cancelled]').textContent({ timeout: 1000 }).catch(() => ''), { timeout: 60_000 }).toBe('Cancelled: no new sticker was written; the last one is kept.');
    // The status line says so too (it kept "Opened …").
    expect(await app.page.textContent('[data-testid=status-text]')).toBe('Cancelled');
    await expect.poll(() => app.page.evaluate(`document.activeElement?.dataset.testid`)).toBe('sticker-export');
    // Made again at once: the status line says it works (it read "Cancelled" through the new make), and is cancelled again.
    await app.page.click('[data-testid=sticker-export]');
    await slot.locator('[data-testid=sticker-cancel]').waitFor({ timeout: 10_000 });
    expect(await app.page.textContent('[data-testid=status-text]')).toBe('Working…');
    await slot.locator('[data-testid=sticker-cancel]').click();
    await expect.poll(() => app.page.textContent('[data-testid=status-text]'), { timeout: 60_000 }).toBe('Cancelled');
    expect(app.pageErrors).toEqual([]);
  });

  it('a 1024 x 700 window: the toolbar wraps instead of hiding Export, and no inspector grows past its panel (Simplified Chinese too)', async () => {
    await app.page.setViewportSize({ width: 1024, height: 700 });
    try {
      // The editor still holds the portrait opened above.
      await workspace('cutout');
      const exportBox = (await app.page.locator('[data-testid=export]').boundingBox())!;
      const inspectorOf = (id: string) => app.page.locator(`[data-workspace-slot=${id}] .inspector`);
      const cutoutInspector = (await inspectorOf('cutout').boundingBox())!;
      expect(exportBox.x + exportBox.width).toBeLessThanOrEqual(cutoutInspector.x);
      expect(exportBox.y + exportBox.height).toBeLessThanOrEqual(700);
      await shot('cutout-narrow');
      // Nothing in an inspector is wider than the panel (a sideways scrollbar), in either language.
      const overflow = (id: string) => inspectorOf(id).evaluate((el) => {
        const box = el as unknown as { scrollWidth: number; clientWidth: number };
        return box.scrollWidth - box.clientWidth;
      });
      // A slider's name stays on one line (the Stickers panel's "Frame rate" broke in two: a review).
      const wrappedNames = (id: string) => inspectorOf(id).evaluate((el) =>
        [...(el as unknown as { querySelectorAll(s: string): Iterable<{ textContent: string; getClientRects(): { length: number }; firstChild: unknown }> }).querySelectorAll('label.slider > span:first-child')]
          .filter((span) => {
            const range = (globalThis as unknown as { document: { createRange(): { selectNodeContents(n: unknown): void; getClientRects(): { length: number } } } }).document.createRange();
            range.selectNodeContents(span);
            return range.getClientRects().length > 1;
          })
          .map((span) => span.textContent));
      for (const id of ['cutout', 'sticker', 'idphoto', 'batch']) {
        await workspace(id);
        expect(await overflow(id), id).toBeLessThanOrEqual(0);
        expect(await wrappedNames(id), id).toEqual([]);
      }
      // The Batch panel's Start stays in view at its foot, however long the mode's options (ID
      // photos': it was under the fold at 1000 x 700).
      await workspace('batch');
      const modeBefore = await app.page.inputValue('[data-testid=batch-mode]');
      await app.page.selectOption('[data-testid=batch-mode]', 'idphoto');
      const panel = (await inspectorOf('batch').boundingBox())!;
      const startBox = (await app.page.locator('[data-testid=batch-start]').boundingBox())!;
      expect(startBox.y + startBox.height).toBeLessThanOrEqual(panel.y + panel.height);
      expect(startBox.y).toBeGreaterThanOrEqual(panel.y);
      await app.page.selectOption('[data-testid=batch-mode]', modeBefore);
      await workspace('settings');
      await app.page.click('[data-language-choice=zh-CN]');
      await expect.poll(() => app.page.textContent('[data-workspace=idphoto]'), { timeout: 10_000 }).toContain('证件照');
      for (const id of ['cutout', 'sticker', 'idphoto', 'batch']) {
        await workspace(id);
        expect(await overflow(id), `${id} (zh-CN)`).toBeLessThanOrEqual(0);
        expect(await wrappedNames(id), `${id} (zh-CN)`).toEqual([]);
      }
      await workspace('sticker');
      await shot('sticker-narrow-zh');
    } finally {
      await workspace('settings');
      await app.page.click('[data-language-choice=en]');
      await app.page.setViewportSize({ width: 1360, height: 860 });
    }
    expect(app.pageErrors).toEqual([]);
  });

  it('a big picture with no one in it: the cut-out says it found nothing and offers the other model; the zoom is in its own pixels; an animated GIF says only its first frame is cut out', async () => {
    await workspace('cutout');
    // Made here: a plain test pattern (colour bars), no person, no character; 3200 px wide, twice
    // the editor's preview.
    const picture = join(tempDir(), 'bars.png');
    await sharp({ create: { width: 3200, height: 1800, channels: 3, background: '#3a6ea5' } })
      .composite([0, 1, 2, 3].map((k) => ({ input: { create: { width: 800, height: 1800, channels: 3 as const, background: ['#c0c0c0', '#c0c000', '#00c0c0', '#00c000'][k] } }, left: k * 800, top: 0 })))
      .png()
      .toFile(picture);
    await openThroughDialog(app.page, picture);
    await waitForCutoutOf(app.page, picture);
    const notice = app.page.locator('[data-testid=review-notice]');
    await notice.waitFor({ timeout: 60_000 });
    expect(await notice.textContent()).toContain('Nothing was found to cut out. The person model sees no one in this picture');
    expect(await notice.getByRole('button', { name: 'Try the anime model' }).count()).toBe(1);
    await shot('cutout-empty-result');
    // Exported all the same (as asked), and the status line says nothing was cut out.
    await app.page.click('[data-testid=export]');
    await expect.poll(() => app.page.textContent('[data-testid=status-live]'), { timeout: 120_000 }).toMatch(/^Saved \S*bars_cutout[^,]*\.png, with nothing cut out: no one was found in the picture$/);
    // The zoom is in the picture's own pixels (fitted, under a third of its size; it read as the
    // preview's), Actual size is 100 % of them, and the view says it is drawn from a preview.
    const zoomPct = async () => Number((await app.page.textContent('[data-testid=zoom-pct]'))!.replace('%', ''));
    expect(await zoomPct()).toBeLessThan(33);
    expect(await app.page.textContent('[data-testid=preview-size]')).toBe('shown from a 1600 × 900 preview');
    await app.page.keyboard.press('Control+1');
    expect(await zoomPct()).toBe(100);
    expect(Number(await app.page.getAttribute('[data-testid=editor-canvas]', 'data-zoom'))).toBeCloseTo(2, 6);
    await app.page.keyboard.press('Control+0');
    // An animated GIF: its first frame is cut out, and the editor says so and offers Stickers.
    const gif = join(tempDir(), 'wave.gif');
    const raw = Buffer.alloc(160 * 120 * 4 * 4);
    for (let p = 0; p < 4; p++) for (let i = 0; i < 160 * 120; i++) raw.set([40 * p, 160, 220, 255], (p * 160 * 120 + i) * 4);
    await sharp(raw, { raw: { width: 160, height: 480, channels: 4, pageHeight: 120 } }).gif().toFile(gif);
    await openThroughDialog(app.page, gif);
    const animated = app.page.locator('[data-testid=animated-notice]');
    await animated.waitFor({ timeout: 60_000 });
    expect(await animated.textContent()).toContain('This picture is an animation of 4 frames: only its first frame is cut out here.');
    await animated.getByRole('button', { name: 'Make an animated sticker of it' }).click();
    expect(await app.page.getAttribute('[data-workspace=sticker]', 'aria-current')).toBe('page');
    await expect.poll(() => app.page.locator('[data-workspace-slot=sticker] [data-testid=sticker-trim] .meta').first().textContent({ timeout: 1000 }).catch(() => ''), { timeout: 60_000 }).toMatch(/^\s*160 × 120/);
    // So is an APNG named .png (a LINE sticker), which was cut out as a still, unsaid.
    await workspace('cutout');
    const apng = join(tempDir(), 'wave.png');
    execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-i', gif, '-f', 'apng', '-plays', '0', apng]);
    await openThroughDialog(app.page, apng);
    // The GIF's notice (the same words) stays until wave.png is shown: its button opened the GIF
    // again in Stickers (a CI run clicked it so).
    await waitForCutoutOf(app.page, apng);
    await expect.poll(() => animated.textContent({ timeout: 1000 }).catch(() => ''), { timeout: 60_000 }).toContain('This picture is an animation of 4 frames: only its first frame is cut out here.');
    await animated.getByRole('button', { name: 'Make an animated sticker of it' }).click();
    expect(await app.page.getAttribute('[data-workspace=sticker]', 'aria-current')).toBe('page');
    await expect.poll(() => app.page.locator('[data-workspace-slot=sticker] [data-testid=sticker-clip-name]').first().textContent({ timeout: 1000 }).catch(() => ''), { timeout: 60_000 }).toBe('wave.png');
    await workspace('cutout');
    expect(app.pageErrors).toEqual([]);
  });

  it('single-key shortcuts turned off in Settings act only on the focused picture; Ctrl shortcuts still act anywhere', async () => {
    await workspace('cutout');
    await openThroughDialog(app.page, evalFile('id_portraits', 'images', 'df_img12.jpg'));
    await waitForCutoutOf(app.page, 'df_img12.jpg');
    const compare = app.page.locator('[data-workspace-slot=cutout] button[aria-pressed]', { hasText: 'Compare' });
    const zoom = () => app.page.textContent('[data-testid=zoom-pct]');
    await workspace('settings');
    const toggle = app.page.getByRole('checkbox', { name: 'Single-key shortcuts anywhere in the window' });
    expect(await toggle.isChecked()).toBe(true);
    expect(await toggle.getAttribute('aria-describedby')).toBe('settings-single-keys-tip');
    await toggle.uncheck();
    await workspace('cutout');
    // The focus is on the sidebar button just clicked: C and + do nothing there.
    await app.page.keyboard.press('c');
    const fitted = await zoom();
    await app.page.keyboard.press('+');
    expect(await compare.getAttribute('aria-pressed')).toBe('false');
    expect(await zoom()).toBe(fitted);
    // Ctrl+= is not a single key: it still zooms.
    await app.page.keyboard.press('Control+=');
    expect(await zoom()).not.toBe(fitted);
    await app.page.keyboard.press('Control+0');
    // On the focused picture the single keys act.
    await app.page.focus('[data-testid=editor-canvas]');
    await app.page.keyboard.press('c');
    expect(await compare.getAttribute('aria-pressed')).toBe('true');
    await app.page.keyboard.press('c');
    expect(await compare.getAttribute('aria-pressed')).toBe('false');
    // The compare divider focused, C turns compare off and hands the focus back to the picture.
    await app.page.keyboard.press('c');
    await app.page.keyboard.press('Tab');
    expect(await app.page.evaluate(`document.activeElement?.getAttribute('data-testid')`)).toBe('compare-split');
    await app.page.keyboard.press('c');
    expect(await compare.getAttribute('aria-pressed')).toBe('false');
    expect(await app.page.evaluate(`document.activeElement?.getAttribute('data-testid')`)).toBe('editor-canvas');
    // Stickers: the brush keys act on the focused frame (a click on it focuses it), not elsewhere.
    await workspace('sticker');
    const slot = app.page.locator('[data-workspace-slot=sticker]');
    await chooseFiles(app.page, () => slot.getByRole('button', { name: 'Open…' }).first().click(), evalFile('anime_clips', 'clips', 'animatediff_model07_01.gif'));
    const painter = slot.locator('[data-testid=sticker-painter]');
    await painter.waitFor({ timeout: 60_000 });
    const keep = slot.locator('[data-testid=sticker-brush-keep]');
    await app.page.keyboard.press('b');
    expect(await keep.getAttribute('aria-pressed')).toBe('false');
    await painter.focus();
    await app.page.keyboard.press('b');
    expect(await keep.getAttribute('aria-pressed')).toBe('true');
    await shot('sticker-painter-focus');
    await app.page.keyboard.press('Escape');
    expect(await keep.getAttribute('aria-pressed')).toBe('false');
    await workspace('cutout');
    // Back on: anywhere again (the setting is kept for the next tests otherwise).
    await workspace('settings');
    await toggle.check();
    await workspace('cutout');
    await app.page.keyboard.press('c');
    expect(await compare.getAttribute('aria-pressed')).toBe('true');
    await app.page.keyboard.press('c');
    expect(app.pageErrors).toEqual([]);
  });

  it('a clip of two frames at 24 fps: the Stickers trim says one frame makes a still, and how to keep it moving', async () => {
    const clip = join(tempDir(), 'two-frames.mp4');
    execFileSync(resolveFfmpeg().ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=24', '-frames:v', '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip]);
    await workspace('sticker');
    const slot = app.page.locator('[data-workspace-slot=sticker]');
    await chooseFiles(app.page, () => slot.getByRole('button', { name: 'Open…' }).first().click(), clip);
    const hint = slot.locator('[data-testid=sticker-one-frame]');
    await hint.waitFor({ timeout: 60_000 });
    expect(await hint.textContent()).toBe('One frame makes a still picture: raise the frame rate or lengthen the trim to keep the clip moving.');
    expect(app.pageErrors).toEqual([]);
  });
});
