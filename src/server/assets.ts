// The web app's files, read once at start into memory. Requests are answered from this map by
// exact name, so no path from a request ever reaches the file system.

import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  body: Uint8Array;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** web/ of the package: dist/src/server/ → ../../../web. */
export const DEFAULT_WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'web');

/**
 * Compiled modules of the project the browser imports as they are, so that the page and the
 * server share one implementation (how a cell is shown: src/layout/cells.ts). URL → file, beside
 * this one in dist/src/. They import nothing but types.
 */
const SHARED_MODULES: Record<string, string> = {
  '/shared/cells.js': resolve(dirname(fileURLToPath(import.meta.url)), '..', 'layout', 'cells.js'),
};

/**
 * Every regular file under `dir` with a known type, keyed by its URL path (`/pages/check.js`),
 * and the shared modules (their source-map comment dropped: the maps are not served).
 */
export function loadAssets(dir: string = DEFAULT_WEB_DIR): Map<string, Asset> {
  const out = new Map<string, Asset>();
  const walk = (abs: string, url: string, depth: number) => {
    if (depth > 8) return;
    for (const name of readdirSync(abs).sort()) {
      if (name.startsWith('.')) continue;
      const path = join(abs, name);
      const st = lstatSync(path);
      if (st.isSymbolicLink()) continue;
      if (st.isDirectory()) walk(path, `${url}${name}/`, depth + 1);
      else if (st.isFile()) {
        const ext = name.slice(name.lastIndexOf('.')).toLowerCase();
        const type = TYPES[ext];
        if (type) out.set(`${url}${name}`, { body: readFileSync(path), type });
      }
    }
  };
  walk(dir, '/', 0);
  for (const [url, path] of Object.entries(SHARED_MODULES)) {
    const text = readFileSync(path, 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
    out.set(url, { body: new TextEncoder().encode(text), type: TYPES['.js'] });
  }
  return out;
}
