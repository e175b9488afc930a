// Browser end-to-end tests of the app with the keyboard and as a screen reader reads it, in
// Chromium: every control has a name, the window reads as a document with live status lines, Space
// presses a focused button while a picture is open (the editor's Space-to-pan took it everywhere),
// an export keeps the focus on its button, and a focused colour swatch looks unlike a selected one.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalFile, tempDir } from '../helpers/env';
import { ARTIFACTS_DIR, chooseFiles, openThroughDialog, setInputValue, useAppSession, waitForCutoutOf } from './helpers';

const SCREENS = join(ARTIFACTS_DIR, 'screens');
/** Roles a user acts on, which must carry a name. */
const CONTROL_ROLES = ['button', 'combobox', 'textbox', 'searchbox', 'slider', 'checkbox', 'radio', 'progressbar', 'spinbutton', 'switch'];

/** The lines of an aria snapshot that are a control without a name ("- combobox:", "- button [pressed]"). */
function unnamedControls(snapshot: string): string[] {
  const roles = CONTROL_ROLES.join('|');
  return snapshot.split('\n').filter((line) => new RegExp(`^\\s*- (${roles})( \\[[^\\]]*\\])*:?$`).test(line.trimEnd()));
}

describe('the keyboard and a screen reader in Chromium', () => {
  const app = useAppSession();

  it('names every control of every workspace, and reads the window as a document with live status lines', async () => {
    const page = app.page;
    expect(unnamedControls('- button\n- combobox:\n  - option "PNG"\n- button [pressed]\n- button "Export"\n- slider "Head size"')).toEqual(['- button', '- combobox:', '- button [pressed]']);
    // role="application" on the window made a screen reader stop reading notices, reports and lists:
    // only the pictures painted on are applications (browse mode would take their arrows and Enter).
    expect(await page.locator('[role=application]:not([data-testid=editor-canvas], [data-testid=sticker-painter])').count()).toBe(0);
    await openThroughDialog(page, evalFile('id_portraits', 'images', 'hv_test2.jpg'));
    await waitForCutoutOf(page, 'hv_test2.jpg');
    // One live region always there (a new element's first text is often not read), saying the status line.
    const live = page.locator('[data-testid=status-live]');
    expect(await live.getAttribute('role')).toBe('status');
    expect(await live.textContent()).toBe(await page.textContent('[data-testid=status-text]'));
    for (const id of ['cutout', 'idphoto', 'sticker', 'batch', 'settings']) {
      await page.click(`[data-workspace=${id}]`);
      await page.waitForTimeout(100);
      const snapshot = await page.locator(`[data-workspace-slot=${id}]`).ariaSnapshot();
      expect(snapshot.length).toBeGreaterThan(100);
      expect(unnamedControls(snapshot), id).toEqual([]);
    }
    await page.screenshot({ path: join(SCREENS, 'a11y-settings.png') });
    // A model that is not installed (the optional ones, absent from ../shared/models here and on CI)
    // says so in words, not by a dot's colour only.
    expect(await page.locator('[data-workspace-slot=settings] [data-testid=settings-model-problem]').first().textContent()).toMatch(/^Optional, not installed: to use it, download it from https:\/\/\S+ and save it as \S+\.onnx in a models folder$/);
    // The cores the models use can be set (the schema had it, the UI did not), and it is kept.
    await page.selectOption('[data-testid=settings-threads]', '1');
    // (The select shows what the engine's settings store gave back: a value it refused would revert.)
    await page.click('[data-workspace=cutout]');
    await page.click('[data-workspace=settings]');
    await expect.poll(() => page.inputValue('[data-testid=settings-threads]')).toBe('1');
    await page.selectOption('[data-testid=settings-threads]', '');
    // CUDA's library is not installed here (nor on CI): the menu says so, and picked, that the CPU runs (it said nothing).
    expect(await page.locator('[data-testid=settings-provider] option[value=cuda]').textContent()).toBe('CUDA (not installed)');
    await page.selectOption('[data-testid=settings-provider]', 'cuda');
    await expect.poll(() => page.locator('[data-testid=settings-provider-not-installed]').textContent({ timeout: 1000 }).catch(() => '')).toBe('CUDA is not installed here (it is an extra install of ONNX Runtime): the models run on the CPU.');
    await page.selectOption('[data-testid=settings-provider]', 'auto');
    expect(await page.locator('[data-testid=settings-provider-not-installed]').count()).toBe(0);
    // What the choices do is said (WebGPU and Raw / Fast / Best were named only).
    expect(await page.textContent('[data-testid=settings-provider-note]')).toMatch(/falls back to the CPU; the status bar says where the last picture ran\.$/);
    expect(await page.textContent('[data-testid=settings-refine-note]')).toMatch(/^(Raw|Fast|Best): /);
    // …and the folders to put one in, as the engine searches them.
    const dirs = await page.locator('[data-workspace-slot=settings] [data-testid=settings-models-dirs] code').allTextContents();
    expect(dirs.length).toBeGreaterThan(0);
    expect(dirs.some((d) => d.endsWith('models'))).toBe(true);
    // The ID photo sizes: each favourite star says which size it is for.
    const stars = await page.locator('[data-workspace-slot=idphoto] .star').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(stars.length).toBeGreaterThan(10);
    expect(new Set(stars).size).toBe(stars.length);
    expect(app.pageErrors).toEqual([]);
  });

  it('Space presses the focused button with a picture open, in the editor and elsewhere; ↑ ↓ walk the ID photo sizes', async () => {
    const page = app.page;
    await page.click('[data-workspace=cutout]');
    await page.locator('[data-testid=editor-canvas][data-image-w]:not([data-image-w="0"])').waitFor({ timeout: 60_000 });
    const compare = page.locator('[data-workspace-slot=cutout] button[aria-pressed]', { hasText: 'Compare' });
    expect(await compare.getAttribute('aria-pressed')).toBe('false');
    // Clicked with the mouse, the button keeps the focus, but Space held still pans (it does not press it again).
    await compare.click();
    expect(await compare.getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.down('Space');
    expect(await page.locator('[data-testid=editor-canvas]').evaluate((c) => (c as unknown as { style: { cursor: string } }).style.cursor)).toBe('grab');
    await page.keyboard.up('Space');
    expect(await compare.getAttribute('aria-pressed')).toBe('true');
    await compare.click();
    // Reached by the keyboard (away and back), Space presses it.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    expect(await compare.evaluate((b) => b === (b.ownerDocument as unknown as { activeElement: unknown }).activeElement)).toBe(true);
    await page.keyboard.press('Space');
    expect(await compare.getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('Space');
    expect(await compare.getAttribute('aria-pressed')).toBe('false');
    // The picture itself takes the focus: the arrow keys move it, + zooms, 0 fits it again.
    const canvas = page.locator('[data-testid=editor-canvas]');
    await canvas.focus();
    const fitted = await page.textContent('[data-testid=zoom-pct]');
    // The zoom button is named by what it does, then the zoom (it read "72%").
    expect(await page.getAttribute('[data-testid=zoom-pct]', 'aria-label')).toBe(`Actual size (now ${fitted})`);
    await page.keyboard.press('+');
    expect(await page.textContent('[data-testid=zoom-pct]')).not.toBe(fitted);
    const panX = Number(await canvas.getAttribute('data-pan-x'));
    await page.keyboard.press('ArrowLeft');
    expect(Number(await canvas.getAttribute('data-pan-x'))).toBe(panX + 40);
    await page.keyboard.press('0');
    expect(await page.textContent('[data-testid=zoom-pct]')).toBe(fitted);
    // In another workspace, while the editor's picture is still open there.
    await page.click('[data-workspace=settings]');
    await page.focus('[data-theme-choice=dark]');
    await page.keyboard.press('Space');
    await expect.poll(() => page.getAttribute('html', 'data-theme')).toBe('dark');
    await page.focus('[data-theme-choice=light]');
    await page.keyboard.press('Space');
    await expect.poll(() => page.getAttribute('html', 'data-theme')).toBe('light');
    await page.click('[data-workspace=idphoto]');
    const sizes = page.locator('[data-workspace-slot=idphoto] button.spec');
    await sizes.first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const focusedSize = () => page.evaluate(`[...document.querySelectorAll('[data-workspace-slot=idphoto] button.spec')].indexOf(document.activeElement)`);
    expect(await focusedSize()).toBe(2);
    await page.keyboard.press('ArrowUp');
    expect(await focusedSize()).toBe(1);
    // From the search box: ↓ goes to the first size found, and Enter picks the first one.
    const search = page.locator('[data-testid=idphoto-search]');
    await search.fill('schengen');
    // What it found is told (a screen reader heard nothing, even of no match).
    const found = page.locator('[data-testid=idphoto-search-live]');
    expect([await found.getAttribute('role'), await found.textContent()]).toEqual(['status', '1 size matches']);
    await search.fill('zzz');
    expect(await found.textContent()).toBe('No size matches “zzz”');
    await search.fill('schengen');
    await search.press('ArrowDown');
    expect(await focusedSize()).toBe(0);
    expect(await page.evaluate(`document.activeElement?.textContent`)).toContain('Schengen');
    await search.fill('us passport');
    await search.press('Enter');
    expect(await page.textContent('[data-workspace-slot=idphoto] [data-testid=idphoto-current-spec]')).toBe('US passport 2×2 in · 600×600 px');
    await search.fill('');
    // The list of 31 sizes is one Tab stop, which lands on the chosen size; the next Tab leaves it.
    await search.focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(`document.activeElement?.getAttribute('aria-current')`)).toBe('true');
    expect(await page.evaluate(`document.activeElement?.textContent`)).toContain('US passport 2×2 in');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(`document.activeElement?.closest('ul.specs') === null`)).toBe(true);
    // Back in, ← reaches the size's star (Space pins and unpins it) and → the size again.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('ArrowLeft');
    expect(await page.evaluate(`document.activeElement?.getAttribute('aria-label')`)).toBe('Favourite: US passport 2×2 in');
    await page.keyboard.press('Space');
    await expect.poll(() => page.evaluate(`document.activeElement?.getAttribute('aria-pressed')`)).toBe('true');
    await page.keyboard.press('Space');
    await expect.poll(() => page.evaluate(`document.activeElement?.getAttribute('aria-pressed')`)).toBe('false');
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(`document.activeElement?.classList.contains('spec')`)).toBe(true);
  });

  it('an export by Enter keeps the focus on its button; the background is one radio group the arrows walk, the focused swatch drawn apart', async () => {
    const page = app.page;
    await page.click('[data-workspace=cutout]');
    const saved = page.locator('[data-testid=last-export] .path');
    const before = (await saved.count()) > 0 ? await saved.getAttribute('title') : null;
    await page.focus('[data-testid=export]');
    await page.keyboard.press('Enter');
    await expect.poll(async () => ((await saved.count()) > 0 ? await saved.getAttribute('title') : null), { timeout: 120_000 }).not.toBe(before);
    expect(await page.evaluate(`document.activeElement?.getAttribute('data-testid')`)).toBe('export');
    await expect.poll(() => page.textContent('[data-testid=status-live]')).toMatch(/^Saved /);
    // One Tab stop, the background in use; → goes to White and takes it (each swatch was a Tab stop, and the arrows did nothing).
    const slot = '[data-workspace-slot=cutout]';
    const tabStops = () => page.locator(`${slot} [role=radiogroup] [tabindex="0"]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-choice')));
    const checked = () => page.locator(`${slot} [role=radiogroup] [aria-checked=true]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-choice')));
    await page.click(`${slot} [data-bg=transparent]`);
    expect(await tabStops()).toEqual(['transparent']);
    await page.focus(`${slot} [data-bg=transparent]`);
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(`document.activeElement?.getAttribute('data-bg')`)).toBe('white');
    expect(await checked()).toEqual(['white']);
    expect(await tabStops()).toEqual(['white']);
    const look = async (bg: string) => {
      const [outline, ring] = await Promise.all(['outline-style', 'box-shadow'].map((p) => page.locator(`${slot} [data-bg=${bg}]`).evaluate((e, name) => (globalThis as unknown as { getComputedStyle(el: unknown): { getPropertyValue(n: string): string } }).getComputedStyle(e).getPropertyValue(name), p)));
      return { outline, ring };
    };
    // Focused and in use: the selection's ring and the focus's wider one outside it; the one left, neither.
    const [focused, left] = [await look('white'), await look('transparent')];
    expect(focused.outline).toBe('solid');
    expect(focused.ring).toMatch(/6px/);
    expect(left.outline).toBe('none');
    expect(left.ring).not.toMatch(/6px/);
    await page.locator(`${slot} aside.inspector`).screenshot({ path: join(SCREENS, 'a11y-swatch-focus.png') });
    // The keyboard shows a focused control's tooltip (a title shows only under a mouse); a click does not.
    const whiteTitle = await page.getAttribute(`${slot} [data-bg=white]`, 'title');
    expect(whiteTitle).toBeTruthy();
    expect(await page.textContent('[data-testid=focus-tip]')).toBe(whiteTitle);
    await page.keyboard.press('Escape');
    expect(await page.locator('[data-testid=focus-tip]').count()).toBe(0);
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('[data-testid=focus-tip]').count()).toBe(1);
    await page.click(`${slot} [data-bg=transparent]`);
    expect(await page.locator('[data-testid=focus-tip]').count()).toBe(0);
    // ← from the first wraps to the last, the picture swatch: with no picture chosen it is only focused (its chooser opens by Enter).
    await page.focus(`${slot} [data-bg=transparent]`);
    await page.keyboard.press('ArrowLeft');
    expect(await page.evaluate(`document.activeElement?.getAttribute('data-bg')`)).toBe('picture');
    expect(await checked()).toEqual(['transparent']);
    // A colour of one's own is a radio as the others are (its <input type=color> sat in the group,
    // not a radio: not counted, and its name apart): → from Black takes it, and it opens the colour
    // input under it; a colour chosen there is the one in use.
    const radios = () => page.locator(`${slot} [role=radiogroup] [data-choice]`).evaluateAll((els) => els.map((e) => e.getAttribute('role')));
    expect(await radios()).toEqual(Array(9).fill('radio'));
    await page.click(`${slot} [data-bg=black]`);
    await page.focus(`${slot} [data-bg=black]`);
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(`document.activeElement?.getAttribute('data-choice')`)).toBe('custom');
    expect(await checked()).toEqual(['custom']);
    expect(await tabStops()).toEqual(['custom']);
    expect(await page.getAttribute(`${slot} [data-testid=bg-custom]`, 'aria-label')).toMatch(/^Custom colour: #[0-9A-F]{6}$/);
    await setInputValue(page.locator(`${slot} [data-testid=bg-custom-input]`), '#12ab34');
    expect(await checked()).toEqual(['custom']);
    expect(await page.getAttribute(`${slot} [data-testid=bg-custom]`, 'aria-label')).toBe('Custom colour: #12AB34');
    await page.click(`${slot} [data-bg=transparent]`);
    expect(await checked()).toEqual(['transparent']);
    expect(await page.getAttribute(`${slot} [data-testid=bg-custom]`, 'aria-label')).toBe('Custom colour: #12AB34');
  });

  it('paints a touch-up with the keyboard: a brush key, the arrows, Enter down and up; it is said where the brush is and what lies under it', async () => {
    const page = app.page;
    await page.click('[data-workspace=cutout]');
    await openThroughDialog(page, evalFile('id_portraits', 'images', 'hv_test2.jpg'));
    await waitForCutoutOf(page, 'hv_test2.jpg');
    await page.click('[data-workspace-slot=cutout] [data-view=cutout]');
    const canvas = page.locator('[data-testid=editor-canvas]');
    const live = page.locator('[data-testid=brush-live]');
    const strokes = () => page.locator('[data-workspace-slot=cutout] .section-head .count').allTextContents();
    const before = await strokes();
    await page.locator('[data-testid=brush-size]').fill('40');
    await canvas.focus();
    // The picture has the focus before a key is pressed (in a loaded full e2e run E once went elsewhere).
    await expect.poll(() => page.evaluate(`document.activeElement?.getAttribute('data-testid')`)).toBe('editor-canvas');
    // Without a brush the arrows move the picture; E takes the Remove brush and the picture says so.
    await page.keyboard.press('e');
    await expect.poll(() => page.getAttribute('[data-tool=background]', 'aria-pressed')).toBe('true');
    // (Polled: on a loaded machine the label followed the pressed button a moment later.)
    await expect.poll(() => canvas.getAttribute('aria-label')).toMatch(/^The picture, with the Remove brush: the arrow keys move the brush/);
    // And said (a screen reader does not read a focused picture's new name).
    expect(await live.textContent()).toBe('Remove brush: the arrow keys move it, Enter puts it down');
    const panX = await canvas.getAttribute('data-pan-x');
    // The brush starts in the middle of the view (her face): kept.
    await page.keyboard.press('ArrowUp');
    expect(await canvas.getAttribute('data-pan-x')).toBe(panX);
    const at = (await live.textContent())!;
    expect(at).toMatch(/^Remove brush at \d+ % across, \d+ % down, over the kept part$/);
    const [, fx, fy] = at.match(/at (\d+) % across, (\d+) % down/)!.map(Number);
    // The colour the canvas shows at an image point given in per cent: the person, or the checkerboard once removed.
    const shownAt = async (px: number, py: number) => {
      const [zoom, pX, pY, w, h] = await Promise.all(['data-zoom', 'data-pan-x', 'data-pan-y', 'data-image-w', 'data-image-h'].map(async (a) => Number(await canvas.getAttribute(a))));
      const cssAt = [pX + (px / 100) * (w - 1) * zoom, pY + (py / 100) * (h - 1) * zoom] as const;
      return canvas.evaluate((c, [x, y]) => {
        const dpr = (globalThis as unknown as { devicePixelRatio: number }).devicePixelRatio;
        return [...(c as unknown as { getContext(k: string): { getImageData(x: number, y: number, w: number, h: number): { data: number[] } } }).getContext('2d').getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data].slice(0, 3);
      }, cssAt);
    };
    const isChecker = ([r, g, b]: number[]) => (r > 250 && g > 250 && b > 250) || (Math.abs(r - 0xe4) < 4 && Math.abs(g - 0xe7) < 4 && Math.abs(b - 0xec) < 4);
    expect(isChecker(await shownAt(fx, fy))).toBe(false);
    // Enter puts it down; → paints along; Enter lifts it: one stroke, re-matted.
    await page.keyboard.press('Enter');
    expect(await live.textContent()).toMatch(/^Painting Remove at /);
    for (let k = 0; k < 3; k++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    expect(await live.textContent()).toBe(`Remove stroke painted (${before.length === 0 ? 1 : Number(before[0].match(/\d+/)![0]) + 1} ${before.length === 0 ? 'stroke' : 'strokes'} in all)`);
    await page.getByText('Re-solving the edge').waitFor({ state: 'detached', timeout: 60_000 });
    await expect.poll(async () => isChecker(await shownAt(fx, fy)), { timeout: 30_000 }).toBe(true);
    await page.screenshot({ path: join(SCREENS, 'a11y-keyboard-brush.png') });
    // Escape lifts a pen that is down and keeps the brush; a second Escape puts the brush away.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    expect(await live.textContent()).toMatch(/^Remove stroke painted \(\d+ strokes in all\)/);
    expect(await page.getAttribute('[data-tool=background]', 'aria-pressed')).toBe('true');
    await page.keyboard.press('Escape');
    expect(await page.getAttribute('[data-tool=background]', 'aria-pressed')).toBe('false');
    expect(await live.textContent()).toBe('Brush put away: the arrow keys move the picture');
    // Escape on a control whose keyboard tooltip shows hides the tooltip only (it put the brush down too).
    await page.keyboard.press('e');
    await page.focus('[data-tool=foreground]');
    await page.keyboard.press('Tab');
    expect(await page.textContent('[data-testid=focus-tip]')).toBe('Paint what must go (E)');
    await page.keyboard.press('Escape');
    expect(await page.locator('[data-testid=focus-tip]').count()).toBe(0);
    expect(await page.getAttribute('[data-tool=background]', 'aria-pressed')).toBe('true');
    await page.keyboard.press('Escape');
    expect(await page.getAttribute('[data-tool=background]', 'aria-pressed')).toBe('false');
    // Ctrl+Z undoes the keyboard's strokes as a mouse's; the picture is whole again.
    await page.getByText('Re-solving the edge').waitFor({ state: 'detached', timeout: 60_000 });
    await page.keyboard.press('Control+z');
    // Said, as a stroke painted is (it kept saying "Remove stroke painted").
    await expect.poll(() => live.textContent()).toMatch(/^Stroke undone \(\d+ strokes? left\)$/);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => isChecker(await shownAt(fx, fy)), { timeout: 60_000 }).toBe(false);
    // Redone, then Clear takes every stroke back in one step, and one undo brings them all back.
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => live.textContent()).toMatch(/^Stroke redone \(\d+ strokes? in all\)$/);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(async () => isChecker(await shownAt(fx, fy)), { timeout: 60_000 }).toBe(true);
    const painted = Number((await page.textContent('[data-workspace-slot=cutout] .section-head .count'))!.match(/\d+/)![0]);
    // Solved once, as a whole (a region re-matte of the whole picture came before the whole solve).
    const asked: string[] = [];
    const onRequest = (r: { url(): string; postData(): string | null }): void => {
      if (r.url().includes('rematte')) asked.push(r.postData() ?? '');
    };
    page.on('request', onRequest);
    await page.click('[data-testid=brush-clear]');
    await expect.poll(() => live.textContent()).toBe('Every stroke taken back (Undo brings them back)');
    expect(await page.locator('[data-testid=brush-clear]').count()).toBe(0);
    // The focus, lost with the button, is on the picture.
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid'))).toBe('editor-canvas');
    await expect.poll(async () => isChecker(await shownAt(fx, fy)), { timeout: 60_000 }).toBe(false);
    page.off('request', onRequest);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain('"whole":true');
    await page.keyboard.press('Control+z');
    await expect.poll(() => live.textContent()).toBe(`Strokes back (${painted} ${painted === 1 ? 'stroke' : 'strokes'})`);
    await expect.poll(async () => isChecker(await shownAt(fx, fy)), { timeout: 60_000 }).toBe(true);
    expect(await page.textContent('[data-workspace-slot=cutout] .section-head .count')).toBe(`Strokes: ${painted}`);
    await page.click('[data-testid=brush-clear]');
    await expect.poll(async () => isChecker(await shownAt(fx, fy)), { timeout: 60_000 }).toBe(false);
    // Another picture's touch-up put back is not said as an undo: one stroke taken back on df_img1,
    // one painted on df_img3, then df_img1 again (one stroke fewer, one more to redo: "Stroke undone").
    const paintOne = async (name: string) => {
      await openThroughDialog(page, evalFile('id_portraits', 'images', name));
      await waitForCutoutOf(page, name);
      await canvas.focus();
      await page.keyboard.press('e');
      await page.keyboard.press('Enter');
      for (let k = 0; k < 3; k++) await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Enter');
      expect(await live.textContent()).toBe('Remove stroke painted (1 stroke in all)');
      await page.getByText('Re-solving the edge').waitFor({ state: 'detached', timeout: 60_000 });
      await page.keyboard.press('Escape');
    };
    await paintOne('df_img1.jpg');
    await page.keyboard.press('Control+z');
    await expect.poll(() => live.textContent()).toBe('Stroke undone (0 strokes left)');
    await paintOne('df_img3.jpg');
    await openThroughDialog(page, evalFile('id_portraits', 'images', 'df_img1.jpg'));
    await waitForCutoutOf(page, 'df_img1.jpg');
    // (Its touch-up is back: nothing to undo, the stroke to redo.)
    await expect.poll(() => page.locator('[data-workspace-slot=cutout] button[title^="Redo"]').isEnabled()).toBe(true);
    expect(await page.locator('[data-workspace-slot=cutout] button[title^="Undo"]').isEnabled()).toBe(false);
    expect(await live.textContent()).toBe('Brush put away: the arrow keys move the picture');
    expect(app.pageErrors).toEqual([]);
  });

  it('names controls by their words (not their values or keys), groups the choices, and says each ID photo preview', async () => {
    const page = app.page;
    // Each workspace has one page heading, its name (heading navigation reached only the inspector's
    // sections): shown in the ID photo's and the batch's toolbars, for a screen reader in the others.
    for (const [id, name, isShown] of [['cutout', 'Cut-out', false], ['idphoto', 'ID photo', true], ['sticker', 'Stickers', false], ['batch', 'Batch', true]] as const) {
      await page.click(`[data-workspace=${id}]`);
      const h1 = page.locator(`[data-workspace-slot=${id}] h1`);
      expect(await h1.count()).toBe(1);
      expect(await page.locator(`[data-workspace-slot=${id}]`).getByRole('heading', { level: 1 }).textContent()).toBe(name);
      expect((await h1.boundingBox())!.width > 1, id).toBe(isShown);
    }
    // Settings' cards each under a heading (Language and Appearance had none).
    await page.click('[data-workspace=settings]');
    expect((await page.locator('[data-workspace-slot=settings]').getByRole('heading').allTextContents()).slice(0, 3)).toEqual(['Settings', 'General', 'Engine']);
    await page.click('[data-workspace=cutout]');
    const cutout = await page.locator('[data-workspace-slot=cutout] aside').ariaSnapshot();
    for (const line of ['- group "Subject"', '- group "Edges"', '- group "Touch-up"', '- button "Pan" [pressed]', '- slider "Brush size"', '- slider "Brush hardness"', '- checkbox "Show trimap"']) expect(cutout).toContain(line);
    // (They read "Size 40", "Hardness 80%", "Pan (H; or hold Space)" and "Show trimap T".)
    expect(cutout).not.toMatch(/slider "Size|Show trimap T|Pan \(/);
    // A focused choice reads apart from the chosen one (both were blue boxes): its ring is in the text colour.
    const slotSel = '[data-workspace-slot=cutout]';
    const pressed = await page.locator(`${slotSel} [data-refine][aria-pressed=true]`).getAttribute('data-refine');
    const other = pressed === 'fast' ? 'off' : 'fast';
    await page.focus(`${slotSel} [data-refine=${other}]`);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const css = (sel: string, prop: string) => page.locator(sel).evaluate((e, p) => (globalThis as unknown as { getComputedStyle(el: unknown): { getPropertyValue(n: string): string } }).getComputedStyle(e).getPropertyValue(p), prop);
    expect(await css(`${slotSel} [data-refine=${other}]`, 'outline-color')).toBe(await css(`${slotSel} [data-refine=${pressed}]`, 'color'));
    await page.locator(`${slotSel} aside.inspector`).screenshot({ path: join(SCREENS, 'a11y-segmented-focus.png') });
    await page.click('[data-workspace=idphoto]');
    // What the live status line says while the photo is made (it read "Ready" till the preview came).
    await page.evaluate(`(() => {
      const live = document.querySelector('[data-testid=status-live]');
      const said = (globalThis.said = []);
      new MutationObserver(() => said.push(live.textContent ?? '')).observe(live, { childList: true, characterData: true, subtree: true });
    })()`);
    await chooseFiles(page, () => page.click('[data-workspace-slot=idphoto] [data-testid=drop-zone]'), evalFile('id_portraits', 'images', 'df_img2.jpg'));
    await page.locator('[data-testid=idphoto-photo]').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { said: string[] }).said.at(-1))).toMatch(/^Preview updated/);
    expect(await page.evaluate(() => (globalThis as unknown as { said: string[] }).said)).toContain('Updating preview…');
    // The drop zone went when the photo came: its focus went on to Make ID photo, not to the page.
    await expect.poll(() => page.evaluate(`document.activeElement?.dataset.testid`)).toBe('idphoto-export');
    const idphoto = await page.locator('[data-workspace-slot=idphoto] aside').ariaSnapshot();
    for (const line of ['- slider "Left / right"', '- slider "Up / down"', '- slider "Head size"', '- group "File size"']) expect(idphoto).toContain(line);
    // Its sections are headings a screen reader can go by (they were plain text), as the other workspaces'.
    for (const line of ['- heading "Photo size" [level=2]', '- heading "Background" [level=2]', '- heading "File size" [level=2]']) expect(idphoto).toContain(line);
    expect(cutout).toContain('- heading "Subject" [level=2]');
    // A change of the photo is said on the status line once its preview comes, with the checks that fail.
    await expect.poll(() => page.textContent('[data-testid=status-live]'), { timeout: 60_000 }).toMatch(/^Preview updated: (every check passes|\d+ checks? fails?: .+)$/);
    // An export's stages, then "Saved": the line before it is not said again between them (it read
    // "Preview updated …" once more as the job ended).
    const saidSoFar = () => page.evaluate(() => (globalThis as unknown as { said: string[] }).said);
    const from = (await saidSoFar()).length;
    await page.click('[data-testid=idphoto-export]');
    await expect.poll(async () => (await saidSoFar()).at(-1), { timeout: 60_000 }).toMatch(/^Saved /);
    const during = (await saidSoFar()).slice(from);
    expect(during.length).toBeGreaterThan(1);
    expect(during.filter((w) => w.startsWith('Preview updated'))).toEqual([]);
    const upDown = page.getByRole('slider', { name: 'Up / down' });
    await upDown.focus();
    for (let k = 0; k < 6; k++) await page.keyboard.press('ArrowRight');
    await page.locator('[data-testid=idphoto-busy]').waitFor({ state: 'detached', timeout: 60_000 });
    // 3 mm down is more than the spec's bands allow: the slider's value says what was applied.
    await expect.poll(() => upDown.getAttribute('aria-valuetext')).toMatch(/^3 mm down \([\d.]+ mm down applied: the spec stops it there\)$/);
    for (let k = 0; k < 6; k++) await page.keyboard.press('ArrowLeft');
    await page.locator('[data-testid=idphoto-busy]').waitFor({ state: 'detached', timeout: 60_000 });
    // Touch up edges… by the keyboard while the editor shows another picture: the focus waits for
    // this one's Use / Back to ID photo, not the old picture's canvas; Back returns it to Touch up edges….
    const focused = () => page.evaluate(`document.activeElement?.dataset.testid`);
    await page.focus('[data-testid=idphoto-touchup]');
    await page.keyboard.press('Enter');
    await expect.poll(focused, { timeout: 60_000 }).toBe('use-in-idphoto');
    await waitForCutoutOf(page, 'df_img2.jpg');
    await page.keyboard.press('Enter');
    await expect.poll(focused, { timeout: 30_000 }).toBe('idphoto-touchup');
    // The status line is read once (its words were in the page twice: the line shown and the live one).
    await expect.poll(() => page.locator('[data-testid=job-progress]').count(), { timeout: 60_000 }).toBe(0);
    const shown = (await page.textContent('[data-testid=status-text]'))!;
    expect(shown.length).toBeGreaterThan(0);
    expect((await page.locator('footer.status').ariaSnapshot()).split(shown).length - 1).toBe(1);
    expect(app.pageErrors).toEqual([]);
  });

  it('keeps the focus where the control it was on went away: files added to a batch, Clear list, an error dismissed (Escape too)', async () => {
    const page = app.page;
    const focused = () => page.evaluate(`document.activeElement?.dataset.testid ?? document.activeElement?.dataset.workspaceSlot ?? document.activeElement?.tagName`);
    await page.click('[data-workspace=batch]');
    await chooseFiles(page, () => page.click('[data-workspace-slot=batch] [data-testid=drop-zone]'), [evalFile('id_portraits', 'images', 'df_img1.jpg'), evalFile('id_portraits', 'images', 'df_img2.jpg')]);
    await expect.poll(focused).toBe('batch-start');
    await page.focus('[data-testid=batch-clear]');
    await page.keyboard.press('Enter');
    await expect.poll(focused).toBe('drop-zone');
    // A file no picture decoder reads: the banner; dismissed by its button, or by Escape within it.
    const bad = join(tempDir(), 'not-a-picture.jpg');
    writeFileSync(bad, 'these bytes are no picture at all');
    await page.click('[data-workspace=cutout]');
    for (const key of ['Enter', 'Escape']) {
      await openThroughDialog(page, bad);
      await page.locator('[data-testid=error-banner]').waitFor({ timeout: 30_000 });
      await page.focus('[data-testid=error-dismiss]');
      await page.keyboard.press(key);
      await page.locator('[data-testid=error-banner]').waitFor({ state: 'detached' });
      // Back on Open…, which had it before the banner, and marked (it went to the workspace, which shows no focus).
      await expect.poll(() => page.evaluate(`document.activeElement?.textContent?.trim()`)).toBe('Open…');
      expect(await page.evaluate(`document.activeElement?.matches(':focus-visible')`)).toBe(true);
    }
    expect(app.pageErrors).toEqual([]);
  });

  it('at 200 % zoom (a 680 × 430 page) the Stickers panes stack, so the trim sliders keep their width', async () => {
    const page = app.page;
    const size = page.viewportSize();
    await page.setViewportSize({ width: 680, height: 430 });
    try {
      await page.click('[data-workspace=sticker]');
      await chooseFiles(page, () => page.click('[data-workspace-slot=sticker] [data-testid=drop-zone]'), evalFile('anime_clips', 'clips', 'animatediff_model07_01.gif'));
      await page.waitForSelector('[data-testid=sticker-export]:not([disabled]):not([aria-disabled=true])', { timeout: 60_000 });
      // The drop zone the clip was opened from is gone: the focus is on Make sticker…, not on the page.
      expect(await page.evaluate(`document.activeElement?.dataset.testid`)).toBe('sticker-export');
      const panes = await page.locator('[data-workspace-slot=sticker] .pane').evaluateAll((els) => els.map((e) => (e as unknown as { getBoundingClientRect(): { x: number; y: number } }).getBoundingClientRect()).map((r) => [r.x, r.y]));
      expect(panes).toHaveLength(2);
      expect(panes[1][0]).toBe(panes[0][0]);
      expect(panes[1][1]).toBeGreaterThan(panes[0][1]);
      // (They were squeezed to 4 px side by side.)
      expect((await page.locator('[data-workspace-slot=sticker] .pane input[type=range]').last().boundingBox())!.width).toBeGreaterThan(100);
      await page.screenshot({ path: join(SCREENS, 'a11y-sticker-zoom200.png') });
      // Named by their words, not their values ("Start 0.13 s", "Frame rate 8"), the choices in named groups.
      const sticker = await page.locator('[data-workspace-slot=sticker]').ariaSnapshot();
      for (const line of ['- slider "Start"', '- slider "End"', '- slider "Frame rate"', '- slider "Stability"', '- group "Format"', '- group "Character"', '- group "Outline colour"', '- group "GIF edge colour"']) expect(sticker).toContain(line);
      expect(sticker).not.toMatch(/slider "(Start|End|Frame rate|Stability|Threshold|Outline) [\d.]/);
    } finally {
      await page.setViewportSize(size!);
    }
  });

  it('the arrows walk a segmented group\'s buttons (Format, Character, a theme) without pressing one; each stays a Tab stop', async () => {
    const page = app.page;
    const focused = () => page.evaluate(`document.activeElement?.dataset.themeChoice ?? document.activeElement?.dataset.format ?? document.activeElement?.textContent`);
    await page.click('[data-workspace=settings]');
    const pressed = () => page.locator('[data-theme-choice][aria-pressed=true]').getAttribute('data-theme-choice');
    const before = await pressed();
    await page.focus('[data-theme-choice=system]');
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('light');
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('dark');
    // Round at the ends; nothing pressed on the way (the arrows did nothing: a review).
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('system');
    await page.keyboard.press('ArrowLeft');
    expect(await focused()).toBe('dark');
    expect(await pressed()).toBe(before);
    // Tab goes on to the next control, not the next button of the group (they stay Tab stops: Shift+Tab comes back).
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('light');
    // The Stickers workspace's Character pair alike.
    await page.click('[data-workspace=sticker]');
    const character = page.locator('[data-workspace-slot=sticker] [role=group][aria-label=Character] button');
    await character.first().focus();
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe(await character.nth(1).textContent());
    expect(app.pageErrors).toEqual([]);
  });

  it('a user who asks for less motion gets none: the busy dot does not pulse on (it did for good)', async () => {
    const page = app.page;
    const pulses = (): Promise<string> => page.evaluate(`(() => {
      const bar = document.querySelector('footer.status');
      const tone = bar.dataset.tone;
      bar.dataset.tone = 'busy';
      const count = getComputedStyle(bar.querySelector('.dot')).animationIterationCount;
      bar.dataset.tone = tone;
      return count;
    })()`);
    expect(await pulses()).toBe('infinite');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    try {
      expect(await pulses()).toBe('1');
    } finally {
      await page.emulateMedia({ reducedMotion: null });
    }
  });
});
