// The web server parses uploads in worker threads with a hard deadline (src/server/parse-pool.ts):
// a hostile upload never stalls another request, and a stuck parser costs one thread.

import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../src/server/app.js';
import { UploadParsePool } from '../src/server/parse-pool.js';
import { nestedQPdf } from '../bench/fuzz/pdf-make.js';
import { parseDocument } from '../src/parse.js';
import { InputError } from '../src/types.js';
import { fixture } from './helpers.js';

const SEED = new Uint8Array(fixture('corpus', 'input', 'seed001-chaoyang-2021.txt'));
/** pdf.js walks 20,000 nested q/Q operators for about half a minute, synchronously. */
const STUCK_PDF = nestedQPdf(20_000);

describe('uploads parsed in the pool', () => {
  const pool = new UploadParsePool({ size: 2, timeoutMs: 4000 });
  const app = createApp({ parsePool: pool });
  let server: ServerType;
  let base = '';
  after(async () => {
    await pool.close();
    await new Promise<void>((r) => server?.close(() => r()));
  });

  test('while a PDF that blocks pdf.js is parsed, /api/health answers; the upload then ends in a timeout and the server still parses', async () => {
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        base = `http://127.0.0.1:${info.port}`;
        resolve();
      });
    });
    let settled = false;
    const upload = fetch(`${base}/api/parse?name=stuck.pdf`, { method: 'POST', body: new Blob([new Uint8Array(STUCK_PDF)]), headers: { 'content-type': 'application/pdf', origin: base } })
      .finally(() => { settled = true; });
    // wait (by events, not by time) until a pool thread has the upload
    while (pool.stats().busy === 0) await new Promise((r) => setImmediate(r));
    const health = await fetch(`${base}/api/health`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');
    assert.equal(settled, false, 'health answered while the hostile upload was still being parsed');
    // another upload is parsed by the other thread meanwhile
    const other = await fetch(`${base}/api/parse?name=seed.txt`, { method: 'POST', body: new Blob([SEED]), headers: { 'content-type': 'text/plain', origin: base } });
    assert.equal(other.status, 200);
    assert.equal(settled, false, 'a second upload was answered while the first still ran');
    const res = await upload;
    assert.equal(res.status, 422);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'timeout');
    assert.match(body.error.message, /超时.* \/ .*timed out/);
    // the stuck thread was terminated and replaced: the next upload is parsed
    const again = await fetch(`${base}/api/parse?name=seed.txt`, { method: 'POST', body: new Blob([SEED]), headers: { 'content-type': 'text/plain', origin: base } });
    assert.equal(again.status, 200);
    assert.equal(((await again.json()) as { meta: { year: number } }).meta.year, 2021);
  });
});

describe('the pool on its own', () => {
  test('a full queue is refused with 503, not queued without end', async () => {
    const pool = new UploadParsePool({ size: 1, timeoutMs: 3000, maxWaiting: 1 });
    try {
      const first = pool.parse(STUCK_PDF, {}).catch((e) => e);
      while (pool.stats().busy === 0) await new Promise((r) => setImmediate(r));
      const second = pool.parse(SEED, {}).catch((e) => e); // waits
      const third = await pool.parse(SEED, {}).catch((e) => e);
      assert.equal((third as { status?: number }).status, 503);
      assert.equal(((await first) as InputError).code, 'timeout');
      assert.equal(((await second) as { meta: { year: number } }).meta.year, 2021);
    } finally {
      await pool.close();
    }
  });

  test('the library on the main thread: the same PDF ends in a timeout InputError while timers keep running', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);
    try {
      await assert.rejects(parseDocument(STUCK_PDF, { limits: { timeoutMs: 500 } }), (e: unknown) => e instanceof InputError && e.code === 'timeout');
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticks > 0, 'the event loop ran while pdf.js was stuck in its own thread');
  });
});
