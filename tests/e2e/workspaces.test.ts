// Browser end-to-end tests of the app frame in Chromium: every workspace renders, the language
// switches to Simplified Chinese and back, the theme switches to dark, the compare slider and the
// trimap overlay draw. Screenshots of each state go to test-artifacts/e2e/screens.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evalFile } from '../helpers/env';
import { ARTIFACTS_DIR, openThroughDialog, openAppSession, waitForCutout, type AppSession } from './helpers';

const SCREENS = join(ARTIFACTS_DIR, 'screens');

describe('workspaces, language and theme in Chromium', () => {
  let session: AppSession;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    session = await openAppSession();
    ({ page, pageErrors } = session);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  const shot = (name: string) => page.screenshot({ path: join(SCREENS, `${name}.png`) });
  const workspace = (id: string) => page.click(`[data-workspace=${id}]`);

  it('shows each workspace in the sidebar order, the current one marked', async () => {
    const ids = await page.locator('nav [data-workspace]').evaluateAll((els) => els.map((e) => e.getAttribute('data-workspace')));
    expect(ids).toEqual(['idphoto', 'cutout', 'sticker', 'batch', 'settings']);
    await shot('cutout-empty');
    for (const id of ['idphoto', 'sticker', 'batch', 'settings']) {
      await workspace(id);
      expect(await page.locator(`[data-workspace=${id}]`).getAttribute('aria-current')).toBe('page');
      await page.waitForTimeout(150);
      await shot(id);
    }
    expect(pageErrors).toEqual([]);
  });

  it('the editor shows the cut-out, the compare split and the trimap overlay', async () => {
    await workspace('cutout');
    await openThroughDialog(page, evalFile('id_portraits', 'images', 'df_img24.jpg'));
    await waitForCutout(page);
    await page.click('[data-bg=id-blue]');
    await shot('cutout-blue');
    await page.keyboard.press('c');
    await page.waitForTimeout(150);
    await shot('cutout-compare');
    await page.keyboard.press('c');
    await page.click('[data-bg=transparent]');
    // The edge brush turns the trimap overlay on.
    await page.click('[data-tool=unknown]');
    expect(await page.locator('[data-testid=overlay-toggle]').isChecked()).toBe(true);
    await page.waitForTimeout(150);
    await shot('cutout-trimap');
    // Zoom shortcuts change the zoom read-out; fit brings it back.
    const fitted = await page.textContent('[data-testid=zoom-pct]');
    await page.keyboard.press('Control+=');
    expect(await page.textContent('[data-testid=zoom-pct]')).not.toBe(fitted);
    await page.keyboard.press('Control+0');
    expect(await page.textContent('[data-testid=zoom-pct]')).toBe(fitted);
    await page.keyboard.press('t');
    expect(await page.locator('[data-testid=overlay-toggle]').isChecked()).toBe(false);
    await page.keyboard.press('h');
  });

  it('switches to Simplified Chinese in Settings and back', async () => {
    await workspace('settings');
    await page.selectOption('[data-testid=settings-language]', 'zh-CN');
    await expect.poll(() => page.textContent('[data-workspace=idphoto]'), { timeout: 10_000 }).toContain('证件照');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await shot('settings-zh');
    await workspace('cutout');
    // The open image survived the trip to Settings.
    expect(Number(await page.getAttribute('[data-testid=editor-canvas]', 'data-image-w'))).toBeGreaterThan(0);
    await page.waitForTimeout(150);
    await shot('cutout-zh');
    await workspace('settings');
    await page.selectOption('[data-testid=settings-language]', 'en');
    await expect.poll(() => page.textContent('[data-workspace=idphoto]'), { timeout: 10_000 }).toContain('ID photo');
  });

  it('follows the OS dark theme and the Settings override', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.click('[data-theme-choice=system]');
    await expect.poll(() => page.getAttribute('html', 'data-theme'), { timeout: 10_000 }).toBe('dark');
    await workspace('cutout');
    await page.click('[data-bg=id-blue]');
    await page.waitForTimeout(200);
    await shot('cutout-dark');
    await workspace('settings');
    await page.click('[data-theme-choice=light]');
    await expect.poll(() => page.getAttribute('html', 'data-theme'), { timeout: 10_000 }).toBe('light');
    await page.click('[data-theme-choice=system]');
    expect(pageErrors).toEqual([]);
  });
});
