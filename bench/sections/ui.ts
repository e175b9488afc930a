// Benchmark: what a user waits for in the app itself. The ID photo workspace in Debian's Chromium
// (playwright-core) on `cutout serve` started in this process: from a click on a control to the
// photo on screen showing the change (its new picture decoded), against the engine's own preview
// call for the same change over the web client, measured in the same rounds.
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import WebSocket from 'ws';
import type { IdPhotoPreviewRequest } from '../../src/shared/api';
import { createWebClient } from '../../src/shared/api-client';
import { decodeWire } from '../../src/shared/wire-codec';
import { startServeApp } from '../../src/main/server/serve-app';
import { darkPortrait } from '../../tests/helpers/env';
import { ensureRendererBuilt, RENDERER_DIR } from '../../tests/helpers/renderer-build';
import { summarize, type BenchRow, type BenchSection } from '../harness';

/** Longer than the previewer's pause (180 ms): each change comes after a quiet spell, as a click does. */
const QUIET_MS = 400;

/**
 * Runs `act` in the page and resolves with the ms from just before it to the photo showing a new
 * picture, decoded (the <img>'s src changes to the new preview's file).
 */
async function timeToPhoto(page: Page, act: string): Promise<number> {
  // Page code as text: this file is compiled without the DOM's types.
  return page.evaluate(`new Promise((resolve, reject) => {
    const img = document.querySelector('[data-testid=idphoto-photo]');
    const before = img.src;
    const timer = setTimeout(() => reject(new Error('no new photo 30 s after the change')), 30000);
    const observer = new MutationObserver(() => {
      if (img.src === before) return;
      observer.disconnect();
      img.decode().catch(() => undefined).then(() => {
        clearTimeout(timer);
        resolve(performance.now() - t0);
      });
    });
    observer.observe(img, { attributes: true, attributeFilter: ['src'] });
    const t0 = performance.now();
    ${act}
  })`) as Promise<number>;
}

/** Page code that sets a range input's value and fires its input event, as a drag does. */
function slide(testIdOrLabel: string, value: number): string {
  const selector = testIdOrLabel.startsWith('[') ? testIdOrLabel : `[data-workspace-slot=idphoto] input[aria-label="${testIdOrLabel}"]`;
  return `const el = document.querySelector(${JSON.stringify(selector)}); el.value = '${value}'; el.dispatchEvent(new Event('input', { bubbles: true }));`;
}

const click = (selector: string): string => `document.querySelector(${JSON.stringify(selector)}).click();`;

export const section: BenchSection = {
  id: 'ui',
  title: 'The ID photo workspace in Chromium: a change to the photo on screen (cutout serve, CPU)',
  async run(ctx) {
    const rows: BenchRow[] = [];
    const n = ctx.quick ? 4 : 12;
    ensureRendererBuilt();
    const work = ctx.tempDir('ui');
    const portrait = join(ctx.sharedDir, 'eval', 'id_portraits', 'images', 'df_img2.jpg');
    // df_img2 too dark for the face brightness check (Auto takes +1 EV for it).
    const dark = join(work, 'dark.jpg');
    await darkPortrait(dark);
    const app = await startServeApp({ resourcesDir: join(ctx.repoRoot, 'resources'), rendererDir: RENDERER_DIR, userDataDir: join(work, 'user'), exportsDir: join(work, 'exports'), log: () => undefined });
    const client = createWebClient({ baseUrl: app.server.origin, token: app.server.token, WebSocket: WebSocket as never });
    // Chromium started inside the try: one that could not start left the server open, and the bench never exited.
    let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
    try {
      browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
      await client.ready;
      const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
      await page.goto(app.server.url);
      await page.locator('[data-testid=status-text]', { hasText: /^Ready$/ }).waitFor({ timeout: 30_000 });
      await page.click('[data-workspace=idphoto]');
      const open = async (file: string): Promise<void> => {
        const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.locator('[data-workspace-slot=idphoto] [data-testid=drop-zone], [data-workspace-slot=idphoto] button:has-text("Another photo")').first().click()]);
        await chooser.setFiles(file);
        await page.locator('[data-testid=idphoto-busy]').waitFor({ state: 'detached', timeout: 60_000 });
        await page.locator('[data-testid=idphoto-photo]').waitFor({ timeout: 60_000 });
      };
      await open(portrait);
      // ICAO 35×45, as the idphoto section measures it (its side nudge reaches 1.75 mm: 14 places).
      await page.locator('[data-workspace-slot=idphoto] .specs button', { hasText: 'ICAO' }).first().click();
      await page.locator('[data-testid=idphoto-busy]').waitFor({ state: 'detached', timeout: 60_000 });
      // The page's own preview requests, read off the wire: the baseline asks the engine for the same kind of change.
      let asked: IdPhotoPreviewRequest | null = null;
      page.on('request', (r) => {
        if (r.url().includes('/api/previewIdPhoto')) asked = decodeWire<{ arg: IdPhotoPreviewRequest }>(r.postData() ?? '').arg;
      });

      /**
       * `n` changes in the page (`act(i)`), each after a quiet spell, timed to the photo on screen;
       * after each, the engine's preview call alone for a change of the same kind to the page's
       * last request (`variant`), in the same rounds.
       */
      const measure = async (name: string, act: (i: number) => string, variant: ((req: IdPhotoPreviewRequest) => IdPhotoPreviewRequest) | null, note: string): Promise<void> => {
        const ui: number[] = [];
        const engine: number[] = [];
        for (let i = 0; i < n; i++) {
          await page.waitForTimeout(QUIET_MS);
          ui.push(await timeToPhoto(page, act(i)));
          await page.locator('[data-testid=idphoto-busy]').waitFor({ state: 'detached', timeout: 60_000 });
          if (variant && asked) {
            const t0 = performance.now();
            await client.previewIdPhoto(variant(asked));
            engine.push(performance.now() - t0);
          }
        }
        const engineNote = engine.length ? `; the engine's preview call alone for such a change: ${summarize(engine).medianMs.toFixed(1)} ms (web client, same rounds)` : '';
        rows.push({ name, ...summarize(ui), note: `${note}${engineNote}` });
      };

      const swatch = (k: number) => click(`[data-workspace-slot=idphoto] .swatches .swatch:nth-child(${k})`);
      const otherColour = (bg: string | undefined) => (bg?.toUpperCase() === '#FFFFFF' ? '#F0F0F0' : '#FFFFFF');
      await measure('a background colour clicked', (i) => swatch(i % 2 === 0 ? 2 : 1), (req) => ({ ...req, options: { ...req.options, background: otherColour(req.options.background) } }), 'on the matte kept for the place: composed again');
      const ev = (req: IdPhotoPreviewRequest) => (typeof req.options.brightnessEv === 'number' ? req.options.brightnessEv : 0);
      await measure('Brightness moved a quarter EV', (i) => slide('[data-testid=idphoto-brightness]', i % 2 === 0 ? 0.25 : 0), (req) => ({ ...req, options: { ...req.options, brightnessEv: ev(req) === 0 ? 0.5 : 0 } }), 'composed again');
      // Every place a new one (the last four are kept): ±0.25 … ±1.5 mm in the page, the engine a quarter of that step beside each.
      const places = [0.25, -0.25, 0.5, -0.5, 0.75, -0.75, 1, -1, 1.25, -1.25, 1.5, -1.5];
      await measure('Left / right moved to a new place', (i) => slide('Left / right', places[i % places.length]), (req) => ({ ...req, options: { ...req.options, nudge: { ...req.options.nudge, dxMm: (req.options.nudge?.dxMm ?? 0) + 0.0625 } } }), 'the edges solved at the new place');
      // Auto on a portrait too dark: on takes +1 EV, off goes back to 0.
      await open(dark);
      await measure('Auto brightness pressed (a face too dark)', () => click('[data-testid=idphoto-brightness-auto]'), (req) => ({ ...req, options: { ...req.options, brightnessEv: req.options.brightnessEv === 'auto' ? 0 : 'auto' } }), 'on: the least step that passes (+1 EV), off: 0 EV; composed again');
      await page.close();
    } finally {
      await browser?.close();
      client.close();
      await app.close();
    }
    return rows;
  },
};
