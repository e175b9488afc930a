// cutout serve: large API bodies wait their turn under one budget (ByteGate), a body declared
// past the limit is refused unread, and the small calls of every day never wait.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppApi } from '../../../src/shared/api';
import { ByteGate } from '../../../src/main/server/byte-gate';
import { EventHub } from '../../../src/main/server/event-hub';
import { GATED_API_BODY_BYTES, MAX_API_BODY_BYTES, startWebServer, type WebServer } from '../../../src/main/server/http-server';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ByteGate', () => {
  it('hands out at most its budget, in the order asked, and a second give-back does nothing', async () => {
    const gate = new ByteGate(100);
    const order: string[] = [];
    const a = await gate.take(60);
    const b = gate.take(60).then((give) => (order.push('b'), give));
    // Fits beside a, but waits behind b, which asked first.
    const c = gate.take(10).then((give) => (order.push('c'), give));
    await tick();
    expect(order).toEqual([]);
    expect(gate.inUse).toBe(60);
    a();
    a();
    const giveB = await b;
    const giveC = await c;
    expect(order).toEqual(['b', 'c']);
    expect(gate.inUse).toBe(70);
    giveB();
    giveC();
    expect(gate.inUse).toBe(0);
  });

  it('a take past the budget is capped to it, so it is granted once the gate is empty', async () => {
    const gate = new ByteGate(100);
    const small = await gate.take(1);
    let isGranted = false;
    const huge = gate.take(1e9).then((give) => ((isGranted = true), give));
    await tick();
    expect(isGranted).toBe(false);
    small();
    (await huge)();
    expect(isGranted).toBe(true);
    expect(gate.inUse).toBe(0);
  });
});

describe('the web transport holds large API bodies under one budget', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cutout-gate-'));
  const entered: string[] = [];
  const waiting = new Map<string, () => void>();
  let server: WebServer;

  // importImage stands for any call with a large body; it answers when the test lets it.
  const api = {
    importImage: async (arg: { name: string }) => {
      entered.push(arg.name);
      await new Promise<void>((resolve) => waiting.set(arg.name, resolve));
      return `/done/${arg.name}`;
    },
    getSettings: async () => ({ small: true }),
  } as unknown as AppApi;

  beforeAll(async () => {
    server = await startWebServer({ api, hub: new EventHub(), rendererDir: join(dir, 'renderer'), uploadDir: join(dir, 'up'), isDownloadAllowed: () => false, log: () => undefined, token: 't0ken' });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const bodyOf = (name: string, bytes: number) => {
    const head = `{"arg":{"name":"${name}","pad":"`;
    return Buffer.from(head + 'x'.repeat(bytes - head.length - 4) + '"}}');
  };

  /** Posts a body, with its size declared or sent in chunks without it; resolves to the status and answer. */
  const post = (method: string, body: Buffer, { isChunked = false, declared }: { isChunked?: boolean; declared?: number } = {}) =>
    new Promise<{ status: number; json: { ok: boolean; value?: unknown; error?: { code: string; message: string } } }>((resolve, reject) => {
      const headers: Record<string, string | number> = { 'x-cutout-token': 't0ken', 'content-type': 'application/json' };
      if (!isChunked) headers['content-length'] = declared ?? body.length;
      const req = request(`${server.origin}/api/${method}`, { method: 'POST', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      });
      req.on('error', reject);
      for (let at = 0; at < body.length; at += 1 << 20) req.write(body.subarray(at, at + (1 << 20)));
      req.end();
    });

  const until = async (check: () => boolean) => {
    for (let i = 0; i < 400 && !check(); i++) await sleep(25);
    expect(check()).toBe(true);
  };

  it('two bodies that do not fit together run one after the other; a small call passes meanwhile', async () => {
    const size = Math.ceil(MAX_API_BODY_BYTES * 0.55);
    const first = post('importImage', bodyOf('first', size));
    await until(() => entered.includes('first'));
    const second = post('importImage', bodyOf('second', size));
    // Sent without its size: it takes the most a body may be once past the gated size.
    const third = post('importImage', bodyOf('third', GATED_API_BODY_BYTES * 3), { isChunked: true });
    expect((await post('getSettings', Buffer.from('{}'))).json).toEqual({ ok: true, value: { small: true } });
    await sleep(300);
    expect(entered).toEqual(['first']);

    waiting.get('first')!();
    expect((await first).json).toEqual({ ok: true, value: '/done/first' });
    await until(() => entered.includes('second'));
    await sleep(200);
    expect(entered).toEqual(['first', 'second']);
    waiting.get('second')!();
    await until(() => entered.includes('third'));
    waiting.get('third')!();
    expect((await second).json.value).toBe('/done/second');
    expect((await third).json.value).toBe('/done/third');
  });

  it('a body declared past the limit is refused before it is read; one sent past it without its size, once it passes', async () => {
    const declared = await post('importImage', bodyOf('declared', 1000), { declared: MAX_API_BODY_BYTES + 1 });
    expect(declared.status).toBe(413);
    expect(declared.json.error).toMatchObject({ code: 'INVALID_ARGUMENT', message: `Request body larger than ${MAX_API_BODY_BYTES} bytes` });
    const streamed = await post('importImage', bodyOf('streamed', MAX_API_BODY_BYTES + (1 << 20)), { isChunked: true });
    expect(streamed.status).toBe(400);
    expect(streamed.json.error?.message).toBe(`Request body larger than ${MAX_API_BODY_BYTES} bytes`);
    expect(entered).not.toContain('declared');
    expect(entered).not.toContain('streamed');
    // The gate was given back: a full-size body runs.
    const full = post('importImage', bodyOf('full', MAX_API_BODY_BYTES));
    await until(() => entered.includes('full'));
    waiting.get('full')!();
    expect((await full).json.value).toBe('/done/full');
  });
});
