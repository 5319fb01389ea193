// What the browser tests share: Debian's Chromium (skipped when absent), the app served on a free
// loopback port, and a page that records every script error, console error and failed request.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import type { createApp } from '../src/server/app.js';
import { FIXTURES } from './helpers.js';

/** The Debian package's browser; CHROMIUM_PATH overrides it (e.g. to check the skip). */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const skip = existsSync(CHROMIUM) ? false : `Chromium not installed (${CHROMIUM}); install the Debian package "chromium" to run the browser tests`;
export const SHOTS = join(FIXTURES, '..', '..', 'test-output', 'screenshots');

export interface BrowserRig {
  base: string;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/**
 * Serve `app`, launch Chromium, open a page of `viewport`. Script errors, CSP violations (logged
 * as console errors) and failed requests go to `problems`, except console errors `ignore` matches.
 */
export async function openRig(app: ReturnType<typeof createApp>, viewport: { width: number; height: number }, problems: string[], ignore?: RegExp): Promise<BrowserRig> {
  mkdirSync(SHOTS, { recursive: true });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !(ignore && ignore.test(m.text()))) problems.push(`console: ${m.text()}`);
  });
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()}`));
  return {
    base, browser, page,
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => { server.close(() => resolve()); (server as Server).closeAllConnections?.(); });
    },
  };
}
