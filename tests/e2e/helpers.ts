// E2E helpers: build the renderer when out/renderer is missing, start `cutout serve` on a random
// port, launch Debian's Chromium through playwright-core with a fresh profile. Node only.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { REPO_ROOT, SHARED_MODELS_DIR } from '../helpers/env';
import { ensureRendererBuilt } from '../helpers/renderer-build';

export { ensureRendererBuilt };

/** Where e2e screenshots go (gitignored). */
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts', 'e2e');

/** A running `cutout serve` with its tokenised URL. */
export interface Served {
  url: string;
  child: ChildProcess;
  /** The server's settings folder (CUTOUT_USER_DATA); the page's uploads are in its `uploads`. */
  userDataDir: string;
  stop(): Promise<void>;
}

/** How a test server is started besides its environment. */
export interface ServeOptions {
  /** The largest file the server may write (prlimit --fsize): a disk that fills up at this size. */
  maxFileBytes?: number;
}

/** Starts `node bin/cutout.mjs serve --port 0` (with `env` added to the environment) and waits for the printed address. */
export function startServe(env: NodeJS.ProcessEnv = {}, options: ServeOptions = {}): Promise<Served> {
  const command = [process.execPath, join(REPO_ROOT, 'bin', 'cutout.mjs'), 'serve', '--port', '0'];
  if (options.maxFileBytes !== undefined) command.unshift('prlimit', `--fsize=${options.maxFileBytes}`);
  // A fresh settings/recent-files folder: tests never touch the user's own.
  const userDataDir = env.CUTOUT_USER_DATA ?? mkdtempSync(join(tmpdir(), 'cutout-e2e-userdata-'));
  const child = spawn(command[0], command.slice(1), {
    cwd: REPO_ROOT,
    env: { ...process.env, CUTOUT_MODELS_DIR: process.env.CUTOUT_MODELS_DIR ?? SHARED_MODELS_DIR, CUTOUT_EXPORTS_DIR: mkdtempSync(join(tmpdir(), 'cutout-e2e-exports-')), ...env, CUTOUT_USER_DATA: userDataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cutout serve did not start:\n${log}`)), 60_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          child,
          userDataDir,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGINT');
              setTimeout(() => child.kill('SIGKILL'), 5000).unref();
            }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`cutout serve exited with ${code}:\n${log}`)));
  });
}

/** A headless Chromium (/usr/bin/chromium) with a fresh profile; close() removes the profile. */
export async function launchBrowser(): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'cutout-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1360, height: 860 },
    // A system in American English (what a first run starts on follows it: the ID photo size US 2×2).
    locale: 'en-US',
    acceptDownloads: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A browser on a fresh `cutout serve`, the app loaded and Ready, collecting page errors. */
export interface AppSession {
  served: Served;
  browser: Awaited<ReturnType<typeof launchBrowser>>;
  page: Page;
  /** Uncaught errors the page threw (a test asserts it stays empty). */
  pageErrors: string[];
  /**
   * Resources the page could not load, as Chromium's console says them ("Failed to load resource:
   * ... 404"); a browser's own favicon request shows only here, not as a page response.
   */
  failedLoads: string[];
  close(): Promise<void>;
}

/** Builds the renderer if needed, starts `cutout serve` (with `env` added) and Chromium, opens the app (light theme) and waits for Ready. */
export async function openAppSession(env: NodeJS.ProcessEnv = {}, options: ServeOptions = {}): Promise<AppSession> {
  ensureRendererBuilt();
  mkdirSync(join(ARTIFACTS_DIR, 'screens'), { recursive: true });
  const served = await startServe(env, options);
  const browser = await launchBrowser();
  const page = browser.page;
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const failedLoads: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && m.text().startsWith('Failed to load resource')) failedLoads.push(m.text());
  });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(served.url);
  await page.locator('[data-testid=status-text]', { hasText: /^Ready$/ }).waitFor({ timeout: 20_000 });
  return {
    served,
    browser,
    page,
    pageErrors,
    failedLoads,
    async close() {
      await browser.close();
      await served.stop();
    },
  };
}

/**
 * Registers beforeAll / afterAll in the calling describe block: one app session for its tests.
 * Read `.page` and `.pageErrors` inside the tests (they exist once beforeAll has run).
 */
export function useAppSession(env: NodeJS.ProcessEnv = {}, options: ServeOptions = {}): { readonly page: Page; readonly pageErrors: string[]; readonly session: AppSession } {
  let session: AppSession | undefined;
  beforeAll(async () => {
    session = await openAppSession(env, options);
  }, 120_000);
  afterAll(async () => {
    await session?.close();
  });
  return {
    get session() {
      if (!session) throw new Error('the app session starts in beforeAll');
      return session;
    },
    get page() {
      return this.session.page;
    },
    get pageErrors() {
      return this.session.pageErrors;
    },
  };
}

/**
 * Picks `files` in the file chooser that `trigger` opens. A trigger whose chooser has not come in
 * 10 s is fired once more, with a warning: on a loaded 2-core CI machine a Ctrl+O once brought no
 * chooser in 30 s (not reproduced in 52 tries since), and one lost key press should not fail a run.
 */
export async function chooseFiles(page: Page, trigger: () => Promise<unknown>, files: string | string[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: attempt === 1 ? 10_000 : 30_000 }).catch((e: unknown) => (attempt === 1 ? null : Promise.reject(e))), trigger()]);
    if (chooser) return chooser.setFiles(files);
    console.warn('chooseFiles: no file chooser came in 10 s; firing the trigger again');
  }
}

/**
 * Sets an input's value as a drag or a colour picker does and fires its `input` event (a range
 * slider, an <input type=color>): Playwright's fill() takes neither.
 */
export async function setInputValue(input: Locator, value: string | number): Promise<void> {
  await input.evaluate((el, v) => {
    const target = el as unknown as { value: string; dispatchEvent(e: unknown): boolean };
    target.value = v;
    target.dispatchEvent(new (globalThis as unknown as { Event: new (type: string, init: { bubbles: boolean }) => unknown }).Event('input', { bubbles: true }));
  }, String(value));
}

/** Opens a file through the drop zone's file chooser (the browser's open dialog). */
export async function openThroughDialog(page: Page, file: string): Promise<void> {
  await chooseFiles(page, () => page.getByRole('button', { name: /Open/ }).first().click(), file);
}

/** The pixel size of the ID photo the workspace shows (its image's natural size). */
export async function shownPhotoSize(page: Page): Promise<[number, number]> {
  return page.$eval('[data-testid=idphoto-photo]', (el) => {
    const img = el as unknown as { naturalWidth: number; naturalHeight: number };
    return [img.naturalWidth, img.naturalHeight] as [number, number];
  });
}

/**
 * Waits until the editor shows `file` (its name under the picture) and then its finished cut-out:
 * after another picture, waitForCutout alone can return on the last one's before the new open starts.
 */
export async function waitForCutoutOf(page: Page, file: string): Promise<void> {
  const name = file.split(/[\\/]/).pop()!;
  // The whole name ("a.png" is not "data.png").
  const exact = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  await page.locator('[data-workspace-slot=cutout] .info span').first().filter({ hasText: exact }).waitFor({ timeout: 60_000 });
  await waitForCutout(page);
}

/** Waits until the editor shows a finished cut-out (no busy pill, export enabled). */
export async function waitForCutout(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid=editor-canvas][data-image-w]:not([data-image-w="0"])', { timeout: 60_000 });
  await page.waitForSelector('[data-testid=busy]', { state: 'detached', timeout: 90_000 });
  // Best edges: the fast matte shown first has been replaced.
  await page.waitForSelector('[data-testid=refining]', { state: 'detached', timeout: 90_000 });
  await page.waitForSelector('[data-testid=export]:not([disabled]):not([aria-disabled=true])', { timeout: 90_000 });
}

/**
 * The WCAG contrast ratio of each element's text against what lies under it: its own background
 * and those of the elements around it, composited (a tinted chip over a grey list), down to the
 * first opaque one (white when none is).
 */
export async function textContrasts(elements: Locator): Promise<number[]> {
  return elements.evaluateAll((els) => {
    const rgba = (css: string): number[] => {
      const m = /rgba?\(([^)]+)\)/.exec(css);
      if (!m) return [0, 0, 0, 0];
      const parts = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return [parts[0], parts[1], parts[2], parts[3] ?? 1];
    };
    const over = (top: number[], under: number[]): number[] => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3]));
    const luminance = (rgb: number[]): number => {
      const [r, g, b] = rgb.map((v) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    // (This runs in the page; the tests' own types have no DOM.)
    type El = { parentElement: El | null };
    const styleOf = (e: El): { backgroundColor: string; color: string } => (globalThis as unknown as { getComputedStyle(e: El): { backgroundColor: string; color: string } }).getComputedStyle(e);
    return (els as unknown as El[]).map((el) => {
      const layers: number[][] = [];
      for (let e: El | null = el; e; e = e.parentElement) {
        const bg = rgba(styleOf(e).backgroundColor);
        if (bg[3] > 0) layers.push(bg);
        if (bg[3] >= 1) break;
      }
      let under = [255, 255, 255];
      for (const layer of layers.reverse()) under = over(layer, under);
      const text = over(rgba(styleOf(el).color), under);
      const [a, b] = [luminance(text), luminance(under)].sort((x, y) => y - x);
      return (a + 0.05) / (b + 0.05);
    });
  });
}
