// The web transport end to end in Node: `cutout serve`'s app (engine in a worker thread) on
// port 0, driven by the same web client the renderer uses: token checks, listModels, previews,
// a cut-out job over HTTP + WebSocket, cancellation and a coded failure.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { sendFileStream } from '../../src/main/server/static-files';
import { regionMarginPx } from '../../src/main/core/matting/region';
import { TRIMAP_LABEL, trimapFromAlpha } from '../../src/shared/trimap-brush';
import { paintCutout } from '../../src/shared/edge-colours';
import { neckRemoveStroke } from '../helpers/strokes';
import type { AppEvents } from '../../src/shared/api';
import { createWebClient, type ApiClient } from '../../src/shared/api-client';
import { isProviderInstalled, providerAttemptOrder, providersForPlatform } from '../../src/main/core/inference/execution-providers';
import type { JobOutcome } from '../../src/shared/jobs';
import { pruneUploads, startServeApp, UPLOAD_KEEP_MS, type ServeApp } from '../../src/main/server/serve-app';
import { SpecLibrary } from '../../src/main/core/idphoto/spec';
import { specLibraryPath } from '../../src/main/cli/commands/idphoto';
import { REPO_ROOT, SHARED_MODELS_DIR, evalFile, tempDir } from '../helpers/env';

let app: ServeApp;
let client: ApiClient & { close(): void; ready: Promise<void> };
const work = tempDir('cutout-serve-test-');
/** An eval portrait on disk: a page may not read it where it is. */
const portraitOnDisk = evalFile('id_portraits', 'images', 'df_img1.jpg');
/** The same portrait uploaded by the page (beforeAll): what it reads. */
let portrait: string;

/** A file uploaded by the page as it picks it: the path it then works on. */
function upload(web: Pick<ApiClient, 'pathForFile'>, path: string): Promise<string> {
  const bytes = readFileSync(path);
  return web.pathForFile({ name: basename(path), arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
}

function waitFinished(id: string, timeoutMs = 60_000): Promise<JobOutcome & { at: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`job ${id} did not finish`)), timeoutMs);
    const off = client.on('jobFinished', (e) => {
      if (e.jobId !== id) return;
      clearTimeout(timer);
      off();
      resolve({ ...e, at: performance.now() });
    });
  });
}

/** A fresh folder under `root`. */
function tempDirOf(root: string, name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  const rendererDir = join(work, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Cutout Studio</title><div id="app"></div>');
  app = await startServeApp({
    resourcesDir: join(REPO_ROOT, 'resources'),
    rendererDir,
    userDataDir: join(work, 'user'),
    exportsDir: join(work, 'exports'),
    env: { ...process.env, CUTOUT_MODELS_DIR: SHARED_MODELS_DIR },
    log: () => undefined,
  });
  client = createWebClient({ baseUrl: app.server.origin, token: app.server.token, WebSocket: WebSocket as never });
  await client.ready;
  portrait = await upload(client, portraitOnDisk);
});

afterAll(async () => {
  client?.close();
  await app?.close();
});

describe('cutout serve', () => {
  it('listens on 127.0.0.1 and rejects requests without the session token', async () => {
    expect(app.server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const noToken = await fetch(`${app.server.origin}/api/listModels`, { method: 'POST', body: '{}' });
    expect(noToken.status).toBe(401);
    expect(((await noToken.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    const wrong = await fetch(`${app.server.origin}/api/listModels`, { method: 'POST', body: '{}', headers: { 'x-cutout-token': 'nope' } });
    expect(wrong.status).toBe(401);
    // (The page itself is the app's own file: it comes, and then asks for the token.)
    const ws = new WebSocket(`${app.server.origin.replace('http', 'ws')}/events`);
    const wsError = await new Promise<string>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      ws.on('error', (e) => resolve(e.message));
    });
    expect(wsError).toMatch(/401/);
    // A foreign Origin (another site in the same browser) is refused even with the token.
    const foreign = await fetch(`${app.server.origin}/api/listModels`, { method: 'POST', body: '{}', headers: { 'x-cutout-token': app.server.token, origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
  });

  it('a bad cookie on the events route does not end the server, and no cookie is a token; a job writes only in the exports folder; a download runs nothing', async () => {
    // Another page on 127.0.0.1 shares the cookie jar: "cutout_token=%E0" threw in the upgrade handler and ended the server.
    const upgrade = await fetch(`${app.server.origin}/events`, { headers: { cookie: 'cutout_token=%E0', connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } }).catch((e: Error) => e);
    expect(upgrade instanceof Error || upgrade.status === 401).toBe(true);
    // A cookie carries no token (a browser sends a cookie of 127.0.0.1 to every port of it, so another
    // server there read the token): even the right one is not taken.
    const cookie = await fetch(`${app.server.origin}/api/listModels`, { method: 'POST', body: '{}', headers: { cookie: `cutout_token=${app.server.token}` } });
    expect(cookie.status).toBe(401);
    // A job's output outside the exports folder is refused (it was written, and its folder downloadable).
    const outside = tempDirOf(work, 'outside');
    writeFileSync(join(outside, 'victim.rc'), 'mine');
    await expect(client.startJob({ kind: 'cutout', input: portrait, output: join(outside, 'victim.rc'), options: { subject: 'person', background: { kind: 'transparent' }, refine: 'off' } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(client.startJob({ kind: 'batch', inputs: [portrait], outputDir: outside, options: { mode: 'portrait' } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(readFileSync(join(outside, 'victim.rc'), 'utf8')).toBe('mine');
    // A place given as something else than a path is refused as such (an array passed the check and was read as its text further on).
    const sheetOutside = join(outside, 'sheet.png');
    await expect(
      client.startJob({ kind: 'idphoto', input: portrait, output: join(work, 'exports', 'id.jpg'), options: { spec: 'icao-35x45', sheet: { output: [sheetOutside] as unknown as string, paper: '6inch', dpi: 300 } } as never }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: 'the print sheet must be a path (a string)' });
    await expect(client.startJob({ kind: 'cutout', input: portrait, output: { path: 'x' } as unknown as string, options: { subject: 'person', background: { kind: 'transparent' }, refine: 'off' } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(existsSync(sheetOutside)).toBe(false);
    // A link in the exports folder to a file or folder outside it leads nowhere: not downloaded, not written through.
    symlinkSync(join(outside, 'victim.rc'), join(work, 'exports', 'link.rc'));
    symlinkSync(outside, join(work, 'exports', 'linked-folder'));
    const viaLink = await fetch(`${app.server.origin}/download?path=${encodeURIComponent(join(work, 'exports', 'link.rc'))}`, { headers: { 'x-cutout-token': app.server.token } });
    expect(viaLink.status).toBe(404);
    await expect(client.startJob({ kind: 'cutout', input: portrait, output: join(work, 'exports', 'linked-folder', 'out.png'), options: { subject: 'person', background: { kind: 'transparent' }, refine: 'off' } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(existsSync(join(outside, 'out.png'))).toBe(false);
    // Options null are refused as such (the job failed INTERNAL reading them).
    await expect(client.startJob({ kind: 'cutout', input: portrait, output: join(app.exportsDir, 'null.png'), options: null } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const leak = await fetch(`${app.server.origin}/download?path=${encodeURIComponent(join(outside, 'victim.rc'))}`, { headers: { 'x-cutout-token': app.server.token } });
    expect(leak.status).toBe(404);
    // A page reads only what it uploaded or made: a picture, clip or folder of the server's user elsewhere is refused, by every call that reads one.
    const secret = join(outside, 'secret.png');
    writeFileSync(secret, await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } }).png().toBuffer());
    const clip = evalFile('anime_clips', 'clips', 'animatediff_model07_01.gif');
    const refused = { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^In a browser, .* is one the page uploaded or made/) };
    const reads: [string, () => Promise<unknown>][] = [
      ['loadImagePreview', () => client.loadImagePreview({ path: secret })],
      ['segment', () => client.segment({ path: secret, subject: 'person', refine: 'off' })],
      ['saveTrimap', () => client.saveTrimap({ path: secret, width: 1, height: 1, trimap: new Uint8Array(1) })],
      ['loadStickerFile', () => client.loadStickerFile({ path: secret })],
      ['probeClip', () => client.probeClip({ path: clip })],
      ['loadClipFrame', () => client.loadClipFrame({ path: clip })],
      ['previewStickerFrame', () => client.previewStickerFrame({ path: clip })],
      ['previewIdPhoto', () => client.previewIdPhoto({ path: portraitOnDisk, options: { spec: { id: 'cn-1inch' } } })],
      ['previewIdPhoto trimap', () => client.previewIdPhoto({ path: portrait, options: { spec: { id: 'cn-1inch' }, trimapPath: secret } })],
      ['expandPaths', () => client.expandPaths({ paths: [outside], filter: 'images' })],
      ['countBatchInputs', () => client.countBatchInputs({ inputs: [outside], mode: 'portrait' })],
      ['startJob input', () => client.startJob({ kind: 'cutout', input: secret, output: join(app.exportsDir, 'secret.png'), options: { subject: 'person', background: { kind: 'transparent' }, refine: 'off' } })],
      ['startJob background', () => client.startJob({ kind: 'cutout', input: portrait, output: join(app.exportsDir, 'bg.png'), options: { subject: 'person', background: { kind: 'image', path: secret }, refine: 'off' } })],
      ['startJob batch', () => client.startJob({ kind: 'batch', inputs: [outside], outputDir: app.exportsDir, options: { mode: 'portrait' } })],
    ];
    for (const [what, call] of reads) await expect(call(), what).rejects.toMatchObject(refused);
    expect(existsSync(join(app.exportsDir, 'secret.png'))).toBe(false);
    // A path sent as bytes is refused as such: it went past the check, and the job's error said
    // whether a file of the server's user exists ("could not be read" or "not found").
    const asBytes = (p: string) => new TextEncoder().encode(p) as unknown as string;
    for (const path of [secret, join(outside, 'no-such.png')]) {
      await expect(client.startJob({ kind: 'cutout', input: portrait, output: join(app.exportsDir, 'b.png'), options: { subject: 'person', background: { kind: 'transparent' }, refine: 'off', trimapPath: asBytes(path) } }), path).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: 'the trimap must be a path, not bytes or an object' });
    }
    // Nor are such files listed as recent (the desktop app may share the list): only those it may open.
    const recent = await client.addRecentFiles({ paths: [secret, portrait], openedAs: 'images' });
    expect(recent.map((f) => f.path)).toEqual([portrait]);
    expect((await client.getRecentFiles()).map((f) => f.path)).not.toContain(secret);
    // ... nor stored (the desktop app, which may share the list, showed it).
    expect(readFileSync(join(work, 'user', 'recent-files.json'), 'utf8')).not.toContain(secret);
    // The export folder is the server's: a page does not set the desktop app's (it was stored, and the desktop saved there).
    await expect(client.setSettings({ outputDir: outside })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await client.getSettings()).outputDir).not.toBe(outside);
    // An HTML file in the exports folder comes as a download that runs nothing, never as a page of this origin.
    writeFileSync(join(app.exportsDir, 'page.html'), '<script>fetch("/api/getSettings")</script>');
    const page = await fetch(`${app.server.origin}/download?path=${encodeURIComponent(join(app.exportsDir, 'page.html'))}&inline=1`, { headers: { 'x-cutout-token': app.server.token } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(page.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    // A batch's report downloads under its folder's name (every batch's was "report.csv"); other files keep theirs.
    mkdirSync(join(app.exportsDir, 'holiday photos'), { recursive: true });
    writeFileSync(join(app.exportsDir, 'holiday photos', 'report.csv'), 'file,status\n');
    const report = await fetch(`${app.server.origin}/download?path=${encodeURIComponent(join(app.exportsDir, 'holiday photos', 'report.csv'))}`, { headers: { 'x-cutout-token': app.server.token } });
    expect(report.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''holiday%20photos_report.csv");
    expect(page.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''page.html");
    // The token in a URL is taken only where a URL must carry it (the printed address, events, downloads).
    expect((await fetch(`${app.server.origin}/api/listModels?token=${app.server.token}`, { method: 'POST', body: '{}' })).status).toBe(401);
    // The server is still there.
    expect((await fetch(`${app.server.origin}/api/listModels`, { method: 'POST', body: '{}', headers: { 'x-cutout-token': app.server.token } })).status).toBe(200);
    // A body of JSON null is a call without an argument (it read "not valid JSON"); one that is not JSON is said so.
    const nullBody = await fetch(`${app.server.origin}/api/listModels`, { method: 'POST', body: 'null', headers: { 'x-cutout-token': app.server.token } });
    expect(nullBody.status).toBe(200);
    expect(((await nullBody.json()) as { ok: boolean }).ok).toBe(true);
    const notJson = await fetch(`${app.server.origin}/api/listModels`, { method: 'POST', body: '{', headers: { 'x-cutout-token': app.server.token } });
    expect([notJson.status, ((await notJson.json()) as { error: { message: string } }).error.message]).toEqual([400, 'The request body is not valid JSON']);
  });

  it('serves the page at the printed address with a CSP and sets no cookie; a wrong token is said; the API wants the token', async () => {
    const first = await fetch(app.server.url, { redirect: 'manual' });
    expect(first.status).toBe(200);
    expect(first.headers.get('set-cookie')).toBeNull();
    expect(first.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(first.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await first.text()).toContain('Cutout Studio');
    // The app's own files come to a page without the token (it then asks for it); nothing of the user's does.
    expect((await fetch(`${app.server.origin}/`)).status).toBe(200);
    expect((await fetch(`${app.server.url.replace(/token=[^&]+/, 'token=wrong')}`)).status).toBe(401);
    expect((await fetch(`${app.server.origin}/api/listModels`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await fetch(`${app.server.origin}/download?path=${encodeURIComponent(portrait)}`)).status).toBe(401);
    expect((await fetch(`${app.server.origin}/upload?name=a.png`, { method: 'POST', body: 'x' })).status).toBe(401);
  });

  it('lists the models and reports app info over the web transport', async () => {
    const models = await client.listModels();
    const person = models.find((m) => m.task === 'person-mask' && m.isDefault);
    expect(person?.state === 'ok' || person?.state === 'unpinned').toBe(true);
    const info = await client.getAppInfo();
    expect(info.transport).toBe('web');
    expect(info.providers).toContain('cpu');
  });

  it('a provider setting this platform does not have (DirectML from Windows) runs as auto: the app info loads, the list offers only what is here, a cut-out runs', async () => {
    const here = providersForPlatform();
    const foreign = (['dml', 'coreml'] as const).find((p) => !(here as string[]).includes(p))!;
    await client.setSettings({ provider: foreign });
    try {
      const info = await client.getAppInfo();
      expect(info.providerChoices).toEqual(['auto', ...here]);
      // Those whose library is not here (CUDA, TensorRT: an extra install), which Settings marks.
      expect(info.providersNotInstalled).toEqual(here.filter((p) => !isProviderInstalled(p)));
      expect(info.providers).toEqual(providerAttemptOrder('auto').filter(isProviderInstalled));
      const matte = await client.segment({ path: portrait, subject: 'person', refine: 'off', maxSidePx: 256 });
      expect(here).toContain(matte.provider);
      // CUDA asked for where its libraries are not installed: the status bar's order is what will
      // run (it named CUDA, on a machine with none).
      await client.setSettings({ provider: 'cuda' });
      expect((await client.getAppInfo()).providers).toEqual(isProviderInstalled('cuda') ? ['cuda', 'cpu'] : ['cpu']);
    } finally {
      await client.setSettings({ provider: 'auto' });
    }
  });

  it('decodes a preview and segments the portrait (bytes cross as base64)', async () => {
    const preview = await client.loadImagePreview({ path: portrait, maxSidePx: 512 });
    expect(Math.max(preview.width, preview.height)).toBe(512);
    expect(preview.rgba.length).toBe(preview.width * preview.height * 4);
    const matte = await client.segment({ path: portrait, subject: 'person', refine: 'fast', maxSidePx: 512 });
    expect([matte.width, matte.height]).toEqual([preview.width, preview.height]);
    expect(matte.alpha.length).toBe(matte.width * matte.height);
    // A portrait: the top corners are background, the centre of the lower half is the person.
    expect(matte.alpha[0]).toBeLessThan(30);
    expect(matte.alpha[Math.floor(matte.height * 0.75) * matte.width + Math.floor(matte.width / 2)]).toBeGreaterThan(220);
    expect(matte.provider).toBe('cpu');
    // A picture under 16 px a side: the editor asks its own size, which was refused (INVALID_ARGUMENT).
    const tinyOnDisk = join(tempDir(), 'tiny.png');
    await sharp(portraitOnDisk).resize(12, 12, { fit: 'fill' }).png().toFile(tinyOnDisk);
    const small = await client.segment({ path: await upload(client, tinyOnDisk), subject: 'person', refine: 'full', maxSidePx: 12 });
    expect([small.width, small.height, small.alpha.length]).toEqual([12, 12, 144]);
  });

  it("solves the editor's Best edges at the preview's size, and they match the full-size export shrunk to it", async () => {
    const matte = await client.segment({ path: portrait, subject: 'person', refine: 'full', maxSidePx: 400 });
    expect(Math.max(matte.width, matte.height)).toBe(400);
    expect(matte.sourceWidth).toBeGreaterThan(matte.width);
    // The export solves the whole picture; shrunk to the preview, it is what the editor showed.
    const out = join(app.exportsDir, 'full-export.png');
    const id = await client.startJob({ kind: 'cutout', input: portrait, output: out, options: { subject: 'person', background: { kind: 'transparent' }, refine: 'full' } });
    expect((await waitFinished(id)).outcome).toBe('done');
    const shrunk = await sharp(out).extractChannel(3).resize(matte.width, matte.height, { kernel: 'lanczos3' }).raw().toBuffer();
    let diff = 0;
    for (let i = 0; i < shrunk.length; i++) diff += Math.abs(shrunk[i] - matte.alpha[i]);
    expect(diff / shrunk.length / 255).toBeLessThan(0.01);
  });

  it("the editor paints the soft edge in the export's colours (a blue wall's fringe is not in the file), after a stroke too", async () => {
    // df_img24: a portrait on a blue wall, shown at its own size (1024 x 956), so the export is the preview's size.
    const onBlue = await upload(client, evalFile('id_portraits', 'images', 'df_img24.jpg'));
    const preview = await client.loadImagePreview({ path: onBlue, maxSidePx: 1600 });
    const matte = await client.segment({ path: onBlue, subject: 'person', refine: 'fast', maxSidePx: 1600 });
    expect([matte.width, matte.height]).toEqual([matte.sourceWidth, matte.sourceHeight]);
    const out = join(app.exportsDir, 'edge-colours.png');
    const id = await client.startJob({ kind: 'cutout', input: onBlue, output: out, options: { subject: 'person', background: { kind: 'transparent' }, refine: 'fast' } });
    expect((await waitFinished(id)).outcome).toBe('done');
    const exported = await sharp(out).raw().toBuffer();
    /** Mean |RGB difference| from the export over the soft edge, and that edge's mean blue lead (B − (R+G)/2). */
    const against = (painted: Uint8Array, alpha: Uint8Array): { diff: number; blueLead: number } => {
      let diff = 0;
      let lead = 0;
      let n = 0;
      for (let i = 0; i < alpha.length; i++) {
        if (alpha[i] === 0 || alpha[i] === 255 || exported[i * 4 + 3] < 32) continue;
        for (let c = 0; c < 3; c++) diff += Math.abs(painted[i * 4 + c] - exported[i * 4 + c]);
        lead += painted[i * 4 + 2] - (painted[i * 4] + painted[i * 4 + 1]) / 2;
        n++;
      }
      return { diff: diff / n / 3, blueLead: lead / n };
    };
    const painted = new Uint8Array(preview.rgba.length);
    paintCutout(preview.rgba, matte.alpha, matte.edgeColours, painted);
    const photo = new Uint8Array(preview.rgba.length);
    paintCutout(preview.rgba, matte.alpha, undefined, photo);
    const shown = against(painted, matte.alpha);
    const before = against(photo, matte.alpha);
    // The photo's colours on the edge carry the wall's blue (what the editor drew); the export's do not.
    expect(before.blueLead).toBeGreaterThan(shown.blueLead + 20);
    expect(shown.diff).toBeLessThan(before.diff / 4);
    expect(shown.diff).toBeLessThan(4);
    // A stroke's re-matte sends the edge colours of its matte too.
    const trimap = trimapFromAlpha(matte.alpha);
    for (let y = 10; y < 40; y++) for (let x = 10; x < 40; x++) trimap[y * matte.width + x] = 255;
    const brushed = await client.rematte({ path: onBlue, subject: 'person', width: matte.width, height: matte.height, trimap, region: { x: 10, y: 10, width: 30, height: 30 } });
    const soft = brushed.alpha.reduce((n, a) => n + (a > 0 && a < 255 ? 1 : 0), 0);
    expect(brushed.edgeColours?.length).toBe(soft * 3);
    const repainted = new Uint8Array(preview.rgba.length);
    paintCutout(preview.rgba, brushed.alpha, brushed.edgeColours, repainted);
    expect(against(repainted, brushed.alpha).blueLead).toBeLessThan(before.blueLead - 20);
    // Raw edges keep the photo's colours, as their export does.
    expect((await client.segment({ path: onBlue, subject: 'person', refine: 'off', maxSidePx: 1600 })).edgeColours).toBeUndefined();
  });

  it('re-mattes a brushed region only, and an undo (stroke removed) restores the automatic alpha', async () => {
    const matte = await client.segment({ path: portrait, subject: 'person', refine: 'fast', maxSidePx: 400 });
    const { width, height } = matte;
    // The editor's automatic trimap of the matte, as it makes it.
    const trimap = trimapFromAlpha(matte.alpha);
    const auto = trimap.slice();
    const before = await client.rematte({ path: portrait, subject: 'person', width, height, trimap: auto, region: { x: 10, y: 10, width: 20, height: 20 } });
    // Paint "foreground" over a 20x20 patch of background in the top-left corner.
    for (let y = 10; y < 30; y++) for (let x = 10; x < 30; x++) trimap[y * width + x] = 255;
    const brushed = await client.rematte({ path: portrait, subject: 'person', width, height, trimap, region: { x: 10, y: 10, width: 20, height: 20 } });
    expect(brushed.alpha[20 * width + 20]).toBe(255);
    // Only the stroke's box plus the solve margin (regionMarginPx: 24 here) changed; the rest of the matte is untouched.
    const reach = 30 + regionMarginPx(width, height);
    let changedFar = 0;
    for (let i = 0; i < trimap.length; i++) if ((i % width >= reach || Math.floor(i / width) >= reach) && brushed.alpha[i] !== matte.alpha[i]) changedFar++;
    expect(changedFar).toBe(0);
    expect(brushed.alpha[(height - 5) * width + (width - 5)]).toBe(matte.alpha[(height - 5) * width + (width - 5)]);
    expect(brushed.alpha[Math.floor(height * 0.75) * width + Math.floor(width / 2)]).toBe(matte.alpha[Math.floor(height * 0.75) * width + Math.floor(width / 2)]);
    // Undone, the matte is what it was before the stroke, to the pixel (solved again, it moved).
    const undone = await client.rematte({ path: portrait, subject: 'person', width, height, trimap: auto, region: { x: 10, y: 10, width: 20, height: 20 } });
    expect(undone.alpha).toEqual(before.alpha);
    await expect(client.rematte({ path: portrait, subject: 'person', width, height, trimap: new Uint8Array(5) })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const trimapPath = await client.saveTrimap({ path: portrait, width, height, trimap });
    const saved = await sharp(trimapPath).metadata();
    expect([saved.width, saved.height]).toEqual([matte.sourceWidth, matte.sourceHeight]);
  });

  it("once strokes settle, the whole picture is solved as the export solves it: the editor shows the file's matte; with every stroke undone, the automatic one", async () => {
    // df_img1 (758 x 1024) is no bigger than the preview: the export is solved at the preview's size.
    const matte = await client.segment({ path: portrait, subject: 'person', refine: 'full', maxSidePx: 1600 });
    const { width, height } = matte;
    expect([width, height]).toEqual([matte.sourceWidth, matte.sourceHeight]);
    const { editor, touchUp, box } = neckRemoveStroke(matte.alpha, width, height);
    const region = await client.rematte({ path: portrait, subject: 'person', width, height, trimap: editor, region: box });
    const whole = await client.rematte({ path: portrait, subject: 'person', width, height, trimap: touchUp, whole: true });
    const out = join(app.exportsDir, 'touched-up-mask.png');
    const trimapPath = await client.saveTrimap({ path: portrait, width, height, trimap: touchUp });
    const id = await client.startJob({ kind: 'cutout', input: portrait, output: out, options: { subject: 'person', background: { kind: 'transparent' }, refine: 'full', format: 'png', trimapPath, mask: true } });
    expect((await waitFinished(id)).outcome).toBe('done');
    const exported = await sharp(out).extractChannel(0).raw().toBuffer();
    const apart = (alpha: Uint8Array): number => alpha.reduce((n, a, i) => n + (Math.abs(a - exported[i]) > 1 ? 1 : 0), 0);
    // The region's re-solve alone stays off the export where the stroke's change runs on along the outline.
    expect(apart(region.alpha)).toBeGreaterThan(500);
    expect(apart(whole.alpha)).toBe(0);
    // Every stroke undone, the automatic matte comes back whole.
    const undone = await client.rematte({ path: portrait, subject: 'person', width, height, trimap: new Uint8Array(width * height).fill(TRIMAP_LABEL.auto), whole: true });
    expect(Buffer.from(undone.alpha).equals(Buffer.from(matte.alpha))).toBe(true);
    expect(undone.edgeColours).toEqual(matte.edgeColours);
    // The editor's edges come along (for a rebuild after a restart); an unknown mode is refused.
    const undoneBest = await client.rematte({ path: portrait, subject: 'person', width, height, trimap: new Uint8Array(width * height).fill(TRIMAP_LABEL.auto), whole: true, refine: 'full' });
    expect(Buffer.from(undoneBest.alpha).equals(Buffer.from(matte.alpha))).toBe(true);
    await expect(client.rematte({ path: portrait, subject: 'person', width, height, trimap: touchUp, whole: true, refine: 'best' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('runs a cut-out job: id at once, throttled progress, one done event, blue corner', async () => {
    const output = join(app.exportsDir, 'out', 'blue.png');
    const progress: AppEvents['jobProgress'][] = [];
    const finished: JobOutcome[] = [];
    const offP = client.on('jobProgress', (e) => progress.push(e));
    const offF = client.on('jobFinished', (e) => finished.push(e));
    const id = await client.startJob({ kind: 'cutout', input: portrait, output, options: { subject: 'person', background: { kind: 'color', hex: '#438EDB' }, refine: 'fast' } });
    expect(typeof id).toBe('string');
    const end = await waitFinished(id);
    await new Promise((r) => setTimeout(r, 300));
    offP();
    offF();
    expect(end.outcome).toBe('done');
    expect(finished.filter((f) => f.jobId === id)).toHaveLength(1);
    expect(progress.filter((p) => p.jobId === id).length).toBeGreaterThan(0);
    expect(existsSync(output)).toBe(true);
    const { data, info } = await sharp(output).raw().toBuffer({ resolveWithObject: true });
    expect([data[0], data[1], data[2]]).toEqual([0x43, 0x8e, 0xdb]);
    expect(info.width).toBeGreaterThan(100);
    // The page may download what its job wrote, and nothing else.
    const dl = await fetch(`${app.server.origin}/download?path=${encodeURIComponent(output)}`, { headers: { 'x-cutout-token': app.server.token } });
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toBe('image/png');
    const denied = await fetch(`${app.server.origin}/download?path=${encodeURIComponent(portraitOnDisk)}`, { headers: { 'x-cutout-token': app.server.token } });
    expect(denied.status).toBe(404);
  });

  it('its port taken (another server), one told to fall back runs on another and says so', async () => {
    const logs: string[] = [];
    const other = await startServeApp({ resourcesDir: join(REPO_ROOT, 'resources'), rendererDir: join(work, 'renderer'), userDataDir: join(work, 'user3'), exportsDir: join(work, 'exports3'), port: app.server.port, isPortFallback: true, env: { ...process.env, CUTOUT_MODELS_DIR: SHARED_MODELS_DIR }, log: (m) => logs.push(m) });
    try {
      expect(other.server.port).not.toBe(app.server.port);
      expect(logs.some((m) => m.startsWith(`Port ${app.server.port} is in use`))).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('a port asked for that is taken, and an exports folder that cannot be written, stop the start with what to do; missing models are said as it starts', async () => {
    const start = (over: Partial<Parameters<typeof startServeApp>[0]>) =>
      startServeApp({ resourcesDir: join(REPO_ROOT, 'resources'), rendererDir: join(work, 'renderer'), userDataDir: join(work, 'user4'), exportsDir: join(work, 'exports4'), env: { ...process.env, CUTOUT_MODELS_DIR: SHARED_MODELS_DIR }, log: () => undefined, ...over });
    // It read INTERNAL: listen EADDRINUSE.
    await expect(start({ port: app.server.port })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: `Port ${app.server.port} is in use (another Cutout Studio?): pick another with --port N, or --port 0 for any free one` });
    // Under a file: it started, and the first export said INTERNAL.
    const file = join(work, 'notes.txt');
    writeFileSync(file, 'a file, not a folder');
    await expect(start({ exportsDir: join(file, 'exports') })).rejects.toMatchObject({ code: 'OUTPUT_NOT_WRITABLE', message: expect.stringMatching(/^The exports folder cannot be used: .* is a file, not a folder\. Pass --exports DIR/) });
    // The uploads folder too (under the user data folder): it stopped with INTERNAL (EACCES … mkdir).
    await expect(start({ userDataDir: join(file, 'user') })).rejects.toMatchObject({ code: 'OUTPUT_NOT_WRITABLE', message: expect.stringMatching(/^The uploads folder cannot be used: .* Set CUTOUT_USER_DATA to a folder you can write\.$/) });
    // No models where it looks: said at once, with where they go and how to get them.
    const logs: string[] = [];
    const bare = await start({ env: { ...process.env, CUTOUT_MODELS_DIR: join(work, 'no-models') }, log: (m) => logs.push(m) });
    try {
      const said = logs.find((m) => m.startsWith('No usable model'));
      expect(said).toMatch(/^No usable model for cutting out people \(mediapipe-selfie missing, sinet missing[^)]*\); ID photos \(face detection\) \(yunet missing\); ID photos \(face landmarks\) \(pfld-98 missing\): these fail until a model is in \S*no-models \(no such folder\)/);
      expect(said).toMatch(/`cutout models` says where to get each and the file name to save it as\.$/);
      // Our own anime model is in the checkout: cutting out anime characters is not named.
      expect(said).not.toMatch(/anime/);
    } finally {
      await bare.close();
    }
  });

  it('an ID photo exported with its print sheet: the page may download both', async () => {
    const lib = await SpecLibrary.load(specLibraryPath());
    const output = (await client.chooseSaveTarget({ defaultName: 'id.jpg' }))!;
    const sheet = output.replace(/\.jpg$/, '_sheet.pdf');
    const id = await client.startJob({ kind: 'idphoto', input: portrait, output, options: { spec: { ...lib.get('icao-35x45') } as unknown as { id: string }, background: '#FFFFFF', sheet: { paper: '6inch', dpi: 300, output: sheet } } });
    expect((await waitFinished(id)).outcome).toBe('done');
    for (const [path, type] of [[output, 'image/jpeg'], [sheet, 'application/pdf']]) {
      const dl = await fetch(`${app.server.origin}/download?path=${encodeURIComponent(path)}`, { headers: { 'x-cutout-token': app.server.token } });
      expect([dl.status, dl.headers.get('content-type')]).toEqual([200, type]);
    }
  });

  it('cancels a job within a second and reports cancelled, not failed', async () => {
    const output = join(app.exportsDir, 'out', 'cancelled.png');
    const id = await client.startJob({ kind: 'cutout', input: portrait, output, options: { subject: 'person', background: { kind: 'transparent' }, refine: 'full' } });
    const finished = waitFinished(id);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    await client.cancelJob(id);
    const end = await finished;
    expect(end.outcome).toBe('cancelled');
    expect(end.at - t0).toBeLessThan(1000);
  });

  it('fails a job on a file that is not an image with INPUT_UNSUPPORTED, and an unknown kind with its code', async () => {
    const text = join(work, 'not-an-image.png');
    writeFileSync(text, 'this is text, not a PNG');
    const bad = await upload(client, text);
    const id = await client.startJob({ kind: 'cutout', input: bad, output: join(app.exportsDir, 'out', 'bad.png'), options: { subject: 'person', background: { kind: 'transparent' }, refine: 'fast' } });
    const end = await waitFinished(id);
    expect(end.outcome).toBe('failed');
    expect(end.outcome === 'failed' && end.error.code).toBe('INPUT_UNSUPPORTED');
    const id2 = await client.startJob({ kind: 'nonsense', input: bad, output: join(app.exportsDir, 'x.png'), options: {} } as never);
    const end2 = await waitFinished(id2);
    expect(end2.outcome === 'failed' && end2.error.code).toBe('JOB_KIND_UNSUPPORTED');
    await expect(client.loadImagePreview({ path: bad })).rejects.toMatchObject({ code: 'INPUT_UNSUPPORTED' });
    await expect(client.startJob({ kind: 'cutout' } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('uploads a dropped file and gives back a path the engine reads; save targets land in the exports folder', async () => {
    const bytes = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#ff0000' } }).png().toBuffer();
    const path = await client.pathForFile({ name: 'drop.png', arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
    expect(existsSync(path)).toBe(true);
    const preview = await client.loadImagePreview({ path });
    expect([preview.width, preview.height]).toEqual([64, 48]);
    // The same file again has the same path (kept by content), and the same file there, its time
    // kept: a batch's journal knows a file by size and time ("Add files…" of a batch done before redid
    // every file); another file another path.
    utimesSync(path, new Date(), new Date(1_700_000_000_000));
    const again = await client.pathForFile({ name: 'drop.png', arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
    expect(again).toBe(path);
    expect(statSync(again).mtimeMs).toBe(1_700_000_000_000);
    const otherBytes = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#00ff00' } }).png().toBuffer();
    const other = await client.pathForFile({ name: 'drop.png', arrayBuffer: async () => otherBytes.buffer.slice(otherBytes.byteOffset, otherBytes.byteOffset + otherBytes.byteLength) as ArrayBuffer });
    expect(other).not.toBe(path);
    // An empty file is kept, and fails where it is read, naming itself (a batch lists it as one failed file).
    const empty = await client.pathForFile({ name: 'empty.jpg', arrayBuffer: async () => new ArrayBuffer(0) });
    await expect(client.loadImagePreview({ path: empty })).rejects.toMatchObject({ code: 'INPUT_UNSUPPORTED', message: expect.stringMatching(/empty\.jpg is empty \(0 bytes\)/) });
    // No temporary folder is left behind: every upload folder is named by its content.
    expect(readdirSync(app.uploadDir).every((n) => /^[0-9a-f]{32}$/.test(n))).toBe(true);
    // Kept in the user data folder (a restart finds the same paths); one unused for a week goes as the server starts.
    expect(app.uploadDir).toBe(join(work, 'user', 'uploads'));
    const old = join(app.uploadDir, 'f'.repeat(32));
    mkdirSync(old);
    utimesSync(old, new Date(Date.now() - UPLOAD_KEEP_MS - 60_000), new Date(Date.now() - UPLOAD_KEEP_MS - 60_000));
    await pruneUploads(app.uploadDir, UPLOAD_KEEP_MS);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(path)).toBe(true);
    // An upload folder that cannot be written (here a file stands where it goes) is said as such,
    // as a full disk is DISK_FULL: the OS's error read INTERNAL.
    renameSync(app.uploadDir, `${app.uploadDir}.kept`);
    writeFileSync(app.uploadDir, 'not a folder');
    try {
      await expect(client.pathForFile({ name: 'drop.png', arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer })).rejects.toMatchObject({ code: 'OUTPUT_NOT_WRITABLE', message: expect.stringContaining('is a file, not a folder') });
    } finally {
      rmSync(app.uploadDir);
      renameSync(`${app.uploadDir}.kept`, app.uploadDir);
    }
    // A file over the import limit is refused with its error before it is read (its connection
    // was closed under it: "Is cutout serve still running?"); one that says so by its length too.
    const huge = { name: 'huge.mov', size: 600 * 1024 * 1024, arrayBuffer: async (): Promise<ArrayBuffer> => { throw new Error('read'); } };
    await expect(client.pathForFile(huge)).rejects.toMatchObject({ code: 'INPUT_UNSUPPORTED', message: 'huge.mov is larger than 512 MB' });
    const said = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(app.server.origin).port), '127.0.0.1', () => {
        socket.write(`POST /upload?name=huge.mov HTTP/1.1\r\nHost: ${new URL(app.server.origin).host}\r\nx-cutout-token: ${app.server.token}\r\nContent-Length: ${600 * 1024 * 1024}\r\n\r\n`);
        socket.write(Buffer.alloc(64 * 1024));
      });
      let text = '';
      socket.on('data', (d) => {
        text += d.toString();
        if (text.includes('}}')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
    });
    expect(said).toMatch(/^HTTP\/1\.1 200/);
    expect(said).toContain('"code":"INPUT_UNSUPPORTED","message":"huge.mov is larger than 512 MB"');
    // A download whose file goes between its check and its read ends that answer alone (the read
    // stream's error ended the server): sendFileStream after the answer has begun.
    const gone = await new Promise<string>((resolve) => {
      const server = createServer((_req, res) => {
        res.writeHead(200, { 'content-length': 10 });
        void sendFileStream(join(work, 'no-such-file'), res);
      }).listen(0, '127.0.0.1', () => {
        fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`).then(
          (r) => r.text().then(() => 'read', () => 'cut'),
          () => 'cut',
        ).then((how) => server.close(() => resolve(how)));
      });
    });
    expect(gone).toBe('cut');
    expect((await fetch(`${app.server.origin}/api/listModels`, { method: 'POST', body: '{}', headers: { 'x-cutout-token': app.server.token } })).status).toBe(200);
    const target = await client.chooseSaveTarget({ defaultName: '../../evil/name.png' });
    expect(target!.startsWith(join(work, 'exports'))).toBe(true);
    expect(target!.endsWith('name.png')).toBe(true);
  });
  it('a picked folder is uploaded in its tree and comes back as one folder; a batch over it mirrors its sub-folders, and the same folder picked again resumes', async () => {
    const bytes = await sharp(evalFile('id_portraits', 'images', 'df_img2.jpg')).resize({ height: 320 }).jpeg().toBuffer();
    const asFile = (path: string, data: Buffer, lastModified: number) => ({
      name: path.split('/').pop()!,
      webkitRelativePath: path,
      size: data.length,
      lastModified,
      arrayBuffer: async () => data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
    });
    // Two pictures of one name in two sub-folders, a clip (a sticker batch's), and a file no mode takes.
    const picked = [asFile('class/sub1/p.jpg', bytes, 1_700_000_000_000), asFile('class/sub2/p.jpg', bytes, 1_700_000_100_000), asFile('class/clip.mp4', Buffer.from('a clip'), 1_700_000_000_000), asFile('class/notes.txt', Buffer.from('x'), 1_700_000_000_000)];
    const accepts: string[] = [];
    const picker = createWebClient({ baseUrl: app.server.origin, token: app.server.token, WebSocket: WebSocket as never, pickFiles: async ({ accept }) => (accepts.push(accept), picked) });
    await picker.ready;
    try {
      const [root] = await picker.chooseFiles({ filter: 'images', multiple: true, folder: true, recursive: true });
      expect(root).toMatch(/[\\/]uploads[\\/]folder-[0-9a-f]{16}[\\/]class$/);
      // Every picture and video, whatever the mode and sub-folder setting at the pick: the batch
      // takes what they are at Start (a sticker batch chosen after the pick lost the folder's videos).
      // The file no mode takes comes by name, empty: the batch counts it as left out, as on the desktop.
      expect(readdirSync(root).sort()).toEqual(['clip.mp4', 'notes.txt', 'sub1', 'sub2']);
      expect(statSync(join(root, 'notes.txt')).size).toBe(0);
      // Each file keeps its own time (a batch's journal knows files by size and time).
      expect(statSync(join(root, 'sub2', 'p.jpg')).mtimeMs).toBe(1_700_000_100_000);
      const out = join(app.exportsDir, 'folder-batch');
      const run = async (resume: boolean) => {
        const id = await picker.startJob({ kind: 'batch', inputs: [root], outputDir: out, options: { mode: 'portrait', refine: 'off', recursive: true, resume } });
        const end = await waitFinished(id);
        expect(end.outcome).toBe('done');
        return (end as { result?: unknown }).result as { done: number; skipped: number };
      };
      expect(await run(false)).toMatchObject({ done: 2, skipped: 0 });
      expect(existsSync(join(out, 'sub1', 'p_cutout.png')) && existsSync(join(out, 'sub2', 'p_cutout.png'))).toBe(true);
      // The same folder picked again lands in the same place, with the same times: nothing to redo.
      // Picked again for another mode, sub-folders off, it is still the same folder (it went to a second one).
      const [again] = await picker.chooseFiles({ filter: 'videos', multiple: true, folder: true, recursive: false });
      expect(again).toBe(root);
      // A pick of clips offers .png: an APNG sticker (LINE's) is one (it was hidden in Open…).
      expect(accepts[1].split(',')).toEqual(expect.arrayContaining(['video/*', '.mp4', '.gif', '.apng', '.png']));
      // A folder of no picture or clip is said (it added nothing, unsaid).
      const textOnly = createWebClient({ baseUrl: app.server.origin, token: app.server.token, WebSocket: WebSocket as never, pickFiles: async () => [asFile('notes/readme.txt', Buffer.from('x'), 1_700_000_000_000)] });
      try {
        await textOnly.ready;
        await expect(textOnly.chooseFiles({ filter: 'images', multiple: true, folder: true })).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND', message: 'The folder notes holds no picture or clip this app opens (1 file of other kinds)', detail: { emptyFolder: true } });
      } finally {
        textOnly.close();
      }
      expect(await run(true)).toMatchObject({ done: 0, skipped: 2 });
    } finally {
      picker.close();
    }
    // An upload folder that is not the client's pick name is refused.
    const bad = await fetch(`${app.server.origin}/upload?name=x.png&dir=${encodeURIComponent('../../etc')}`, { method: 'POST', headers: { 'x-cutout-token': app.server.token }, body: 'x' });
    expect(await bad.json()).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('what a page exported, and the folder a batch writes to, stay when the server stops; only the session folder goes; a batch picked up after a restart resumes', async () => {
    const exportsDir = join(work, 'kept-exports');
    const bytes = await sharp(evalFile('id_portraits', 'images', 'df_img3.jpg')).resize({ height: 320 }).jpeg().toBuffer();
    const picked = [{ name: 'a.jpg', webkitRelativePath: 'kids/a.jpg', size: bytes.length, lastModified: 1_700_000_000_000, arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer }];
    const startOther = () => startServeApp({ resourcesDir: join(REPO_ROOT, 'resources'), rendererDir: join(work, 'renderer'), userDataDir: join(work, 'user2'), exportsDir, env: { ...process.env, CUTOUT_MODELS_DIR: SHARED_MODELS_DIR }, log: () => undefined });
    const batchOnce = async (served: ServeApp): Promise<{ done: number; skipped: number }> => {
      const picker = createWebClient({ baseUrl: served.server.origin, token: served.server.token, WebSocket: WebSocket as never, pickFiles: async () => picked });
      try {
        await picker.ready;
        const [root] = await picker.chooseFiles({ filter: 'images', multiple: true, folder: true, recursive: true });
        const id = await picker.startJob({ kind: 'batch', inputs: [root], outputDir: (await picker.chooseFolder({}))!, options: { mode: 'portrait', refine: 'off', recursive: true, resume: true } });
        const end = await new Promise<JobOutcome>((resolve) => {
          const off = picker.on('jobFinished', (e) => {
            if (e.jobId !== id) return;
            off();
            resolve(e);
          });
        });
        return (end as { result?: unknown }).result as { done: number; skipped: number };
      } finally {
        picker.close();
      }
    };
    const other = await startOther();
    const downloads: string[] = [];
    const web = createWebClient({ baseUrl: other.server.origin, token: other.server.token, WebSocket: WebSocket as never, download: (_file, name) => void downloads.push(name) });
    try {
      await web.ready;
      expect(await batchOnce(other)).toMatchObject({ done: 1, skipped: 0 });
      const output = (await web.chooseSaveTarget({ defaultName: 'kept.png' }))!;
      expect(output).toBe(join(exportsDir, 'kept.png'));
      const outputDir = (await web.chooseFolder({}))!;
      expect(outputDir).toBe(exportsDir);
      const id = await web.startJob({ kind: 'cutout', input: await upload(web, portraitOnDisk), output, options: { subject: 'person', background: { kind: 'transparent' }, refine: 'off' } });
      const end = await new Promise<JobOutcome>((resolve) => {
        const off = web.on('jobFinished', (e) => {
          if (e.jobId !== id) return;
          off();
          resolve(e);
        });
      });
      expect(end.outcome).toBe('done');
      // A second kept.png is kept-2.png in the exports folder, and downloads as kept.png (the name
      // asked for), as does a file written beside it under its name (a print sheet): a user's first
      // download read kept-2.png when an earlier one was kept on the server.
      const second = (await web.chooseSaveTarget({ defaultName: 'kept.png' }))!;
      expect(second).toBe(join(exportsDir, 'kept-2.png'));
      copyFileSync(output, second);
      copyFileSync(output, join(exportsDir, 'kept-2_sheet.png'));
      for (const path of [second, join(exportsDir, 'kept-2_sheet.png'), output]) await web.revealInFolder(path);
      expect(downloads).toEqual(['kept.png', 'kept_sheet.png', 'kept.png']);
    } finally {
      web.close();
      await other.close();
    }
    expect(existsSync(other.sessionDir)).toBe(false);
    expect((await sharp(join(exportsDir, 'kept.png')).metadata()).format).toBe('png');
    expect(existsSync(join(exportsDir, 'a_cutout.png'))).toBe(true);
    // Started again: the same folder picked lands at the same paths, and its batch skips what is done.
    const again = await startOther();
    try {
      expect(await batchOnce(again)).toMatchObject({ done: 0, skipped: 1 });
    } finally {
      await again.close();
    }
  });
});
