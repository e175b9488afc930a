// What the host sets for the app, in Chromium against `cutout serve`:
// - A picture with more pixels than a cut-out is made of (80 MP by default; CUTOUT_MAX_MEGAPIXELS=2
//   here, so that a test picture stays small): refused with IMAGE_TOO_LARGE before, it is now worked
//   on at its largest size within the budget. The editor says so and exports that size, a batch
//   notes it on the file's row, and the ID photo workspace makes its photo of it.
// - Settings' export folder (settings.json, set on the desktop): a browser does not use it unseen.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { SHARED_MODELS_DIR, evalFile, sinetLikeDescriptor, tempDir } from '../helpers/env';
import { ARTIFACTS_DIR, chooseFiles, openThroughDialog, setInputValue, startServe, useAppSession, waitForCutoutOf } from './helpers';

const BUDGET_MP = 2;

/** A user data folder whose settings.json names an export folder, as the desktop's Settings writes it, and more cores than this computer has (settings brought from a bigger one). */
function userDataWithExportFolder(): { userData: string; exportFolder: string } {
  const userData = tempDir('cutout-e2e-userdata-');
  const exportFolder = join(tempDir('cutout-e2e-exports-'), 'My cut-outs');
  mkdirSync(exportFolder);
  writeFileSync(join(userData, 'settings.json'), JSON.stringify({ outputDir: exportFolder, threads: 256 }));
  return { userData, exportFolder };
}

describe('host settings in Chromium: the pixel budget, the export folder', () => {
  const { userData, exportFolder } = userDataWithExportFolder();
  const app = useAppSession({ CUTOUT_MAX_MEGAPIXELS: String(BUDGET_MP), CUTOUT_USER_DATA: userData });

  it('a browser neither offers Settings\' export folder nor starts Batch in one the desktop stored (its exports are downloads)', async () => {
    expect(existsSync(exportFolder)).toBe(true);
    await app.page.click('[data-workspace=batch]');
    // Where the batch goes is the server's exports folder, said (a browser picks no folder there).
    await expect.poll(() => app.page.textContent('[data-testid=batch-output]')).toMatch(/cutout-e2e-exports-/);
    expect(await app.page.textContent('[data-testid=batch-output]')).not.toContain(exportFolder);
    expect(await app.page.locator('[data-testid=batch-output]').evaluate((e) => e.tagName)).toBe('P');
    await app.page.click('[data-workspace=settings]');
    expect(await app.page.locator('[data-testid=settings-output-choose]').count()).toBe(0);
    // Nor "Show the file in its folder after export", which a download cannot do (it did nothing).
    expect(await app.page.locator('[data-testid=settings-reveal]').count()).toBe(0);
    // Where each export's copy is kept on the server is said (only Batch said it, as its output with no files listed).
    const exportsDir = (await app.page.locator('[data-workspace-slot=batch] [data-testid=batch-output]').getAttribute('title'))!;
    await expect.poll(() => app.page.textContent('[data-testid=settings-exports-dir]')).toBe(exportsDir);
    // 256 cores stored, on this computer's few: the menu says the models run on those there are (it listed 256 unsaid).
    const cores = await app.page.evaluate(() => navigator.hardwareConcurrency);
    expect(await app.page.inputValue('[data-testid=settings-threads]')).toBe('256');
    expect(await app.page.locator('[data-testid=settings-threads] option[value="256"]').textContent()).toBe(`256 (this computer has ${cores}: runs on ${cores})`);
    expect(app.pageErrors).toEqual([]);
  });

  it('is cut out and exported at its largest size within the budget, said in the editor and in a batch; the ID photo is made of it', async () => {
    const dir = tempDir('cutout-e2e-budget-');
    // A real portrait enlarged to 1516 x 2048 (3.1 MP).
    const big = join(dir, 'big-portrait.jpg');
    await sharp(evalFile('id_portraits', 'images', 'df_img1.jpg')).resize(1516, 2048).jpeg({ quality: 92 }).toFile(big);
    // Its largest size within 2 MP (1216 x 1643 = 1.998 MP; fitPixelBudget's unit test covers the rule).
    const fitted = { width: 1216, height: 1643 };

    // The editor: the notice, the size under the picture, and an export of the fitted size that is a cut-out.
    await app.page.click('[data-workspace=cutout]');
    await openThroughDialog(app.page, big);
    await waitForCutoutOf(app.page, big);
    const notice = app.page.locator('[data-testid=downscaled-notice]');
    expect((await notice.textContent())!.trim()).toBe(
      `This picture is 1516×2048 (3.1 MP), more pixels than a cut-out is made of: it is cut out and exported at ${fitted.width}×${fitted.height} (2.0 MP).`,
    );
    // The export size names the largest it can be, not an "original size" it is not.
    expect(await app.page.locator('[data-testid=export-size] option').first().textContent()).toBe('Largest');
    await app.page.screenshot({ path: join(ARTIFACTS_DIR, 'screens', 'cutout-downscaled.png') });
    // A Remove stroke across the neck: its trimap is made at the size the picture is worked on, so the export takes it.
    const canvas = app.page.locator('[data-testid=editor-canvas]');
    const box = (await canvas.boundingBox())!;
    const attr = async (name: string) => Number(await canvas.getAttribute(name));
    const [zoom, panX, panY, imageW, imageH] = [await attr('data-zoom'), await attr('data-pan-x'), await attr('data-pan-y'), await attr('data-image-w'), await attr('data-image-h')];
    const toPage = (fx: number, fy: number) => ({ x: box.x + panX + fx * imageW * zoom, y: box.y + panY + fy * imageH * zoom });
    await app.page.click('[data-tool=background]');
    await app.page.locator('[data-testid=brush-size]').fill('60');
    const a = toPage(0.4, 0.62);
    const b = toPage(0.6, 0.62);
    await app.page.mouse.move(a.x, a.y);
    await app.page.mouse.down();
    for (let k = 1; k <= 10; k++) await app.page.mouse.move(a.x + ((b.x - a.x) * k) / 10, a.y);
    await app.page.mouse.up();
    await app.page.getByText('Re-solving the edge').waitFor({ state: 'detached', timeout: 60_000 });
    expect(await app.page.textContent('[data-workspace-slot=cutout] .inspector')).toContain('Strokes: 1');
    const saved = app.page.locator('[data-testid=last-export] .path');
    await app.page.click('[data-testid=export]');
    await saved.waitFor({ timeout: 120_000 });
    const output = (await saved.getAttribute('title'))!;
    const { data, info } = await sharp(output).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([fitted.width, fitted.height]);
    const alphaAt = (x: number, y: number) => data[(y * info.width + x) * 4 + 3];
    // The studio backdrop at the top corner is gone; the face in the middle is kept; the stroke's core is removed.
    expect(alphaAt(5, 5)).toBe(0);
    expect(alphaAt(Math.round(info.width / 2), Math.round(info.height * 0.4))).toBe(255);
    for (const fx of [0.45, 0.5, 0.55]) expect(alphaAt(Math.round(info.width * fx), Math.round(info.height * 0.62))).toBe(0);

    // A batch: written at the fitted size, and the row's note says why.
    await app.page.click('[data-workspace=batch]');
    await chooseFiles(app.page, () => app.page.click('[data-workspace-slot=batch] [data-testid=drop-zone]'), big);
    await app.page.locator('.toolbar', { hasText: '1 file' }).waitFor();
    await app.page.selectOption('[data-testid=batch-mode]', 'portrait');
    // Files (no folder): into the exports folder's "batch".
    await expect.poll(() => app.page.textContent('[data-testid=batch-output]')).toMatch(/cutout-e2e-exports-\w+[\\/]batch$/);
    await app.page.click('[data-testid=batch-start]');
    await expect.poll(() => app.page.locator('[data-testid=batch-summary]').textContent(), { timeout: 120_000 }).toBe('1 done, 0 skipped, 0 failed of 1');
    const row = app.page.locator('[data-testid=batch-item]', { hasText: 'big-portrait.jpg' });
    expect(await row.locator('[data-testid=batch-note]').getAttribute('title')).toBe(
      `A picture of 1516×2048 (3.1 MP), more pixels than a cut-out is made of: it was cut out at ${fitted.width}×${fitted.height} (2.0 MP).`,
    );
    const batchOut = (await row.locator('.out').getAttribute('title'))!;
    const batchMeta = await sharp(batchOut).metadata();
    expect([batchMeta.width, batchMeta.height]).toEqual([fitted.width, fitted.height]);

    // The ID photo workspace makes the default spec's photo (an en-US system's: US 2×2) of it.
    await app.page.click('[data-workspace=idphoto]');
    await chooseFiles(app.page, () => app.page.click('[data-workspace-slot=idphoto] [data-testid=drop-zone]'), big);
    await app.page.locator('[data-testid=idphoto-photo]').waitFor({ timeout: 90_000 });
    await expect.poll(() => app.page.textContent('[data-testid=idphoto-report]'), { timeout: 60_000 }).toMatch(/Crown to chin/);
    expect(await app.page.locator('[data-testid=error-banner]').count()).toBe(0);
    expect(app.pageErrors).toEqual([]);
  }, 300_000);
});

describe('the server stopping under the page', () => {
  const app = useAppSession();

  it('says the engine is gone (status bar and banner, in every workspace), and an action then says the same, not "an unexpected problem"', async () => {
    await app.session.served.stop();
    await app.page.locator('[data-testid=status-text]', { hasText: 'Engine not reachable' }).waitFor({ timeout: 10_000 });
    const banner = app.page.locator('[data-testid=error-banner]');
    expect(await banner.getAttribute('data-code')).toBe('ENGINE_UNREACHABLE');
    expect(await banner.textContent()).toContain('Start `cutout serve` again and open the address it prints.');
    await app.page.click('[data-workspace=idphoto]');
    expect(await app.page.locator('[data-testid=error-banner]').getAttribute('data-code')).toBe('ENGINE_UNREACHABLE');
    // Opening a picture (an upload) is refused with the same words (it read INTERNAL).
    await app.page.click('[data-workspace=cutout]');
    await chooseFiles(app.page, () => app.page.click('[data-workspace-slot=cutout] [data-testid=drop-zone]'), evalFile('id_portraits', 'images', 'hv_test1.jpg'));
    await expect.poll(() => app.page.locator('[data-testid=error-banner]').getAttribute('data-code'), { timeout: 10_000 }).toBe('ENGINE_UNREACHABLE');
    expect(await app.page.locator('[data-testid=error-banner]', { hasText: 'unexpected problem' }).count()).toBe(0);
    expect(app.pageErrors).toEqual([]);
  });
});

describe('the session token in the browser', () => {
  const app = useAppSession();

  it('stays with its own server: no cookie another port of 127.0.0.1 receives, a second server beside it, a reload and a new tab', async () => {
    // The token leaves the address bar, kept in this origin's storage.
    expect(app.page.url()).not.toContain('token=');
    // Another server on 127.0.0.1 (another port): the browser sent it the token in a cookie.
    const seen: string[] = [];
    const other = createServer((req, res) => {
      seen.push(String(req.headers.cookie ?? ''));
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>other</title>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const context = app.session.browser.context;
    try {
      const visit = await context.newPage();
      await visit.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.join('\n')).not.toContain(new URL(app.session.served.url).searchParams.get('token')!);
      await visit.close();
    } finally {
      other.close();
    }
    // A second `cutout serve` opened in the same browser: the first's page still reaches its own
    // (the second's cookie replaced the first's, and the first page was signed out).
    const second = await startServe();
    try {
      const page2 = await context.newPage();
      await page2.goto(second.url);
      await page2.locator('[data-testid=status-text]', { hasText: /^Ready$/ }).waitFor({ timeout: 20_000 });
      await app.page.reload();
      await app.page.locator('[data-testid=status-text]', { hasText: /^Ready$/ }).waitFor({ timeout: 20_000 });
      // A new tab of the first server's address without the token is signed in too.
      const tab = await context.newPage();
      await tab.goto(new URL(app.session.served.url).origin + '/');
      await tab.locator('[data-testid=status-text]', { hasText: /^Ready$/ }).waitFor({ timeout: 20_000 });
      // A page of another origin (localhost, not 127.0.0.1) has none: it says how to sign in.
      const stranger = await context.newPage();
      await stranger.goto(new URL(app.session.served.url).origin.replace('127.0.0.1', 'localhost') + '/');
      const banner = stranger.locator('[data-testid=error-banner]');
      await expect.poll(() => banner.getAttribute('data-code'), { timeout: 20_000 }).toBe('UNAUTHORIZED');
      expect(await banner.textContent()).toContain('Open the address that `cutout serve` printed, including its token.');
      for (const p of [page2, tab, stranger]) await p.close();
    } finally {
      await second.stop();
    }
    expect(app.pageErrors).toEqual([]);
  }, 120_000);
});

describe('Settings: the models as the folders hold them now', () => {
  // A models folder with the face models only: the person models are not there yet.
  const modelsDir = tempDir('cutout-e2e-models-');
  for (const file of ['face_detection_yunet_2023mar.onnx', 'face_landmarks_pfld_ghostone_wflw98_112x112.onnx']) copyFileSync(join(SHARED_MODELS_DIR, file), join(modelsDir, file));
  // Settings brought from elsewhere: a default background none of the presets is (settings.json takes any #RRGGBB),
  // and an export folder the desktop app stored (which a browser's Reset… leaves alone).
  const userData = tempDir('cutout-e2e-settings-');
  const exportFolder = tempDir('cutout-e2e-desktop-exports-');
  writeFileSync(join(userData, 'settings.json'), JSON.stringify({ defaultBackground: '#123456', outputDir: exportFolder }));
  const app = useAppSession({ CUTOUT_MODELS_DIR: modelsDir, CUTOUT_USER_DATA: userData });

  it('reads the models again each time Settings is shown: one put in the folder meanwhile is installed (it said Not installed till a reload)', async () => {
    const mediapipe = app.page.locator('[data-workspace-slot=settings] .model', { hasText: 'MediaPipe' }).first();
    // Said as the app starts, in the banner (a first run without the person models read "Ready" till a picture failed).
    const banner = app.page.locator('[data-testid=error-banner]');
    await expect.poll(() => banner.getAttribute('data-code'), { timeout: 20_000 }).toBe('MODEL_MISSING');
    expect(await banner.textContent()).toContain('Some models are not installed: what needs them fails until they are.');
    // For what, in the UI's words (the details are the engine's English).
    expect(await banner.locator('[data-testid=error-missing-for]').textContent()).toBe('No model for: people.');
    // An ID photo then fails with the engine's sentence shown, which its words send to (it was on hover only; in Chinese, nowhere).
    await app.page.click('[data-workspace=idphoto]');
    await chooseFiles(app.page, () => app.page.locator('[data-workspace-slot=idphoto] [data-testid=drop-zone]').click(), evalFile('id_portraits', 'images', 'df_img1.jpg'));
    await expect.poll(() => app.page.locator('[data-testid=idphoto-failure]').getAttribute('data-code', { timeout: 1000 }).catch(() => null), { timeout: 60_000 }).toBe('MODEL_MISSING');
    expect(await app.page.textContent('[data-testid=idphoto-failure]')).toContain('The details name the file');
    expect(await app.page.textContent('[data-testid=idphoto-failure-details]')).toMatch(/^Model file portrait_selfie_segmentation_mediapipe_256x256\.onnx \(mediapipe-selfie\) not found\..* save it as portrait_selfie_segmentation_mediapipe_256x256\.onnx in /);
    // The banner goes where it says (it named Settings › Models, with no way there): the models, focused.
    await banner.locator('[data-testid=error-open-models]').click();
    expect(await app.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)).toBe('settings-models');
    expect(await banner.locator('[data-testid=error-open-models]').count()).toBe(0);
    // The name to save it as: the download's own is another (selfie_segmentation.onnx).
    await expect.poll(() => mediapipe.locator('[data-testid=settings-model-problem]').textContent({ timeout: 1000 }).catch(() => ''), { timeout: 20_000 }).toMatch(/^Not installed: download it from https:\/\/\S+ and save it as portrait_selfie_segmentation_mediapipe_256x256\.onnx in a models folder$/);
    // Its address is a link, and copied by a button (it was text to select by hand); the sentence is
    // read once (the dot said it too).
    const url = (await mediapipe.locator('[data-testid=settings-model-problem]').textContent())!.match(/https:\/\/\S+/)![0];
    expect(await mediapipe.locator('[data-testid=settings-model-url]').getAttribute('href')).toBe(url);
    expect(await mediapipe.locator('[data-testid=settings-model-url]').textContent()).toMatch(/^Download MediaPipe/);
    expect(await mediapipe.locator('.dot').getAttribute('aria-hidden')).toBe('true');
    await app.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await mediapipe.locator('[data-testid=settings-model-copy]').click();
    await expect.poll(() => app.page.textContent('[data-testid=status-text]')).toBe(`Address copied: ${url}`);
    expect(await app.page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText())).toBe(url);
    copyFileSync(join(SHARED_MODELS_DIR, 'portrait_selfie_segmentation_mediapipe_256x256.onnx'), join(modelsDir, 'portrait_selfie_segmentation_mediapipe_256x256.onnx'));
    await app.page.click('[data-workspace=cutout]');
    await app.page.click('[data-workspace=settings]');
    await expect.poll(() => mediapipe.locator('.dot').getAttribute('aria-label'), { timeout: 20_000 }).toBe('Installed, checksum verified');
    expect(await mediapipe.locator('[data-testid=settings-model-problem]').count()).toBe(0);
    // Every task has a model now: the notice is gone.
    expect(await banner.count()).toBe(0);
    expect(app.pageErrors).toEqual([]);
  });

  it('lists the model descriptors it left out, with why (a model someone added did not appear, unsaid), and stops once they are mended', async () => {
    const leftOut = app.page.locator('[data-workspace-slot=settings] [data-testid=settings-model-left-out]');
    expect(await leftOut.count()).toBe(0);
    // One not JSON, one taking an app model's id.
    writeFileSync(join(modelsDir, 'mine.model.json'), '{ "id": "mine", ');
    writeFileSync(join(modelsDir, 'clash.model.json'), JSON.stringify({ ...sinetLikeDescriptor('sinet', 'mine.onnx'), name: 'My person model' }));
    await app.page.click('[data-workspace=cutout]');
    await app.page.click('[data-workspace=settings]');
    await expect.poll(() => leftOut.count(), { timeout: 20_000 }).toBe(2);
    // Sorted by file name in its folder: clash, then mine.
    expect(await leftOut.nth(0).locator('.problem').textContent()).toBe('Not listed: the model description clash.model.json is left out');
    expect(await leftOut.nth(0).locator('.reason').textContent()).toBe(`Model descriptor ${join(modelsDir, 'clash.model.json')}: its id "sinet" is one of the app's own models'; give it another id`);
    expect(await leftOut.nth(0).locator('.problem').getAttribute('title')).toBe(join(modelsDir, 'clash.model.json'));
    expect(await leftOut.nth(1).locator('.reason').textContent()).toBe(`Model descriptor ${join(modelsDir, 'mine.model.json')} is not valid JSON: Expected double-quoted property name in JSON at position 16 (line 1 column 17)`);
    // The app's SINet is still the app's, listed once; the descriptor's name is nowhere.
    expect(await app.page.locator('[data-workspace-slot=settings] .model', { hasText: 'SINet' }).count()).toBe(1);
    expect(await app.page.locator('[data-workspace-slot=settings] .model', { hasText: 'My person model' }).count()).toBe(0);
    // Mended (the id changed, the broken one removed): nothing left out, and the new model listed, not installed yet.
    rmSync(join(modelsDir, 'mine.model.json'));
    writeFileSync(join(modelsDir, 'clash.model.json'), JSON.stringify({ ...sinetLikeDescriptor('mine', 'mine.onnx'), name: 'My person model' }));
    await app.page.click('[data-workspace=cutout]');
    await app.page.click('[data-workspace=settings]');
    await expect.poll(() => leftOut.count(), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => app.page.locator('[data-workspace-slot=settings] .model', { hasText: 'My person model' }).count(), { timeout: 20_000 }).toBe(1);
    // Its file not there: said as the user's to put back (it read "Comes with the app …: reinstall the app").
    expect(await app.page.locator('[data-workspace-slot=settings] .model', { hasText: 'My person model' }).locator('[data-testid=settings-model-problem]').textContent()).toBe(
      'Its file mine.onnx was not found: put it beside its description clash.model.json, or in a models folder',
    );
    expect(app.pageErrors).toEqual([]);
  });

  it('shows a default background that is no preset (it was a blank menu), the quality as its slider is dragged, and opens a picture with Ctrl+O (it did nothing)', async () => {
    const { page } = app;
    await page.click('[data-workspace=settings]');
    const background = page.locator('[data-testid=settings-background]');
    expect(await background.evaluate((el) => (el as unknown as { selectedOptions: { textContent: string }[] }).selectedOptions[0]?.textContent)).toBe('Custom #123456');
    const slider = page.locator('[data-workspace-slot=settings] .quality input[type=range]');
    await setInputValue(slider, 63);
    expect(await page.textContent('[data-testid=settings-quality-value]')).toBe('63');
    await slider.evaluate((el) => el.dispatchEvent(new Event('change', { bubbles: true })));
    await expect.poll(() => JSON.parse(readFileSync(join(userData, 'settings.json'), 'utf8')).jpegQuality, { timeout: 10_000 }).toBe(63);
    await page.click('[data-workspace-slot=settings] h2 >> nth=0');
    const picture = join(tempDir('cutout-e2e-open-'), 'from-settings.jpg');
    copyFileSync(evalFile('id_portraits', 'images', 'df_img1.jpg'), picture);
    await chooseFiles(page, () => page.keyboard.press('Control+o'), picture);
    await expect.poll(() => page.locator('[data-workspace=cutout]').getAttribute('aria-current'), { timeout: 20_000 }).toBe('page');
    await waitForCutoutOf(page, picture);
    expect(app.pageErrors).toEqual([]);
  });

  it('resets every setting to its default from Settings, asked once more (it was deleting settings.json by hand); a browser keeps the desktop\'s export folder', async () => {
    const { page } = app;
    await page.click('[data-workspace=settings]');
    const stored = () => JSON.parse(readFileSync(join(userData, 'settings.json'), 'utf8')) as Record<string, unknown>;
    await page.click('[data-theme-choice=dark]');
    await expect.poll(() => stored().theme, { timeout: 10_000 }).toBe('dark');
    expect(await page.textContent('[data-testid=settings-reset-tip]')).toMatch(/^Language, appearance, the engine, export defaults and shortcuts as the app first came/);
    const focused = () => page.evaluate(`document.activeElement?.dataset.testid`);
    // Asked first; Escape keeps them, the focus back on Reset….
    await page.click('[data-testid=settings-reset]');
    await expect.poll(focused).toBe('settings-reset-yes');
    expect(await page.textContent('[data-workspace-slot=settings] .confirm')).toBe('Reset every setting?');
    await page.keyboard.press('Escape');
    await expect.poll(focused).toBe('settings-reset');
    expect(stored()).toMatchObject({ theme: 'dark', jpegQuality: 63, defaultBackground: '#123456' });
    // A click elsewhere closes the question too (it stayed open, deaf to Escape).
    await page.click('[data-testid=settings-reset]');
    await expect.poll(focused).toBe('settings-reset-yes');
    await page.click('[data-workspace-slot=settings] h2 >> nth=0');
    await expect.poll(() => page.locator('[data-testid=settings-reset-yes]').count()).toBe(0);
    // Reset: every default, the export folder the desktop stored kept (a browser does not set it).
    await page.click('[data-testid=settings-reset]');
    await page.click('[data-testid=settings-reset-yes]');
    await expect.poll(() => stored().jpegQuality, { timeout: 10_000 }).toBe(92);
    expect(stored()).toMatchObject({ theme: 'system', language: 'system', defaultBackground: 'transparent', threads: null, refine: 'full', exportFormat: 'png', outputDir: exportFolder });
    await expect.poll(focused).toBe('settings-reset');
    expect(await page.getAttribute('[data-testid=settings-reset]', 'aria-disabled')).toBe('true');
    expect(await page.textContent('[data-testid=settings-reset-tip]')).toBe('Every setting is at its default.');
    expect(await page.evaluate(`document.documentElement.dataset.theme ?? ''`)).not.toBe('dark');
    expect(app.pageErrors).toEqual([]);
  });
});

describe('a damaged default model', () => {
  // The default person model damaged (bytes changed), SINet beside it: the engine cuts out with SINet.
  const modelsDir = tempDir('cutout-e2e-models-');
  for (const file of ['face_detection_yunet_2023mar.onnx', 'face_landmarks_pfld_ghostone_wflw98_112x112.onnx', 'portrait_sinet_softmax_320x320.onnx']) copyFileSync(join(SHARED_MODELS_DIR, file), join(modelsDir, file));
  const damaged = readFileSync(join(SHARED_MODELS_DIR, 'portrait_selfie_segmentation_mediapipe_256x256.onnx'));
  damaged.fill(0, 1000, 2000);
  writeFileSync(join(modelsDir, 'portrait_selfie_segmentation_mediapipe_256x256.onnx'), damaged);
  const app = useAppSession({ CUTOUT_MODELS_DIR: modelsDir });

  it('is said in every workspace with the model used instead (the app said it nowhere), and a cut-out is still made', async () => {
    const banner = app.page.locator('[data-testid=error-banner]');
    await expect.poll(() => banner.getAttribute('data-code', { timeout: 1000 }).catch(() => null), { timeout: 20_000 }).toBe('MODEL_CORRUPT');
    expect((await banner.locator('.title').textContent())!.replace(/\s+/g, ' ').trim()).toMatch(/^portrait_selfie_segmentation_mediapipe_256x256\.onnxThe default model MediaPipe[^:]* is damaged: SINet[^.]* is used instead\. MODEL_CORRUPT$/);
    await app.page.click('[data-workspace=idphoto]');
    expect(await banner.getAttribute('data-code')).toBe('MODEL_CORRUPT');
    await app.page.click('[data-workspace=cutout]');
    const portrait = evalFile('id_portraits', 'images', 'df_img1.jpg');
    await openThroughDialog(app.page, portrait);
    await waitForCutoutOf(app.page, portrait);
    await app.page.screenshot({ path: join(ARTIFACTS_DIR, 'screens', 'model-default-damaged.png') });
    expect(app.pageErrors).toEqual([]);
  });
});
