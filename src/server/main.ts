// `npm start` [-- --data DIR]: the web service on localhost with the corpus store.
//   --data DIR / GONGKAI_DATA   the embedded store's data directory (default ./gongkai-data)
//   DATABASE_URL                a PostgreSQL server instead (when no --data is given)
//   GONGKAI_EXAMPLES=0          do not load the example reports into an empty corpus
//   PORT                        port (default 8080)
//   HOST                        address to bind (default 127.0.0.1; anything else also accepts other host names)
//   GONGKAI_MAX_UPLOAD_MB       largest upload in MB (default 20)
//   GONGKAI_PUBLIC_CORPUS=0     the corpus and the checker only for signed-in users
//   GONGKAI_TRUST_PROXY=1       behind a reverse proxy: trust X-Forwarded-For / X-Forwarded-Proto (docs/deployment.md)
//   GONGKAI_HOSTS               host names accepted (comma-separated; the DNS-rebinding guard behind a proxy)
//   GONGKAI_SESSION_IDLE_MINUTES, GONGKAI_SESSION_HOURS   session idle and absolute lifetime (default 30 min, 12 h)
// With no administrator yet, a start on a terminal asks to create one; otherwise it prints how.
// On first start (an empty corpus) the reports under examples/ are ingested, so the corpus pages
// have something to show. A store that cannot be opened ends the process with a one-line message.

import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { createApp, DEFAULT_UPLOAD_LIMIT } from './app.js';
import { DEFAULT_WEB_DIR } from './assets.js';
import { openDb, StoreError, type Db } from '../store/db.js';
import { collectPaths, ingest } from '../store/ingest.js';
import { DEFAULT_POLICY } from '../auth/sessions.js';
import { createUser, hasAdmin } from '../auth/users.js';
import { readLine, readNewPassword } from '../cli/password.js';
import { installProcessGuard } from '../guard.js';

// An error nobody handled is logged and the server goes on serving.
installProcessGuard();

function fail(message: string): never {
  process.stderr.write(`gongkai: ${message}\n`);
  process.exit(2);
}

/** The bundled example reports (real ones and generated 示例 ones): examples/ beside web/. */
const EXAMPLES_DIR = resolve(DEFAULT_WEB_DIR, '..', 'examples');

function dataDirArg(argv: string[]): string | undefined {
  let dir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--data') {
      dir = argv[++i];
      if (!dir) fail('--data 需要一个目录 / --data needs a directory');
    } else if (a.startsWith('--data=')) dir = a.slice(7) || fail('--data 需要一个目录 / --data needs a directory');
    else fail(`未知参数 ${a}（可用：--data DIR） / unknown argument ${a} (known: --data DIR)`);
  }
  return dir;
}

const port = process.env.PORT === undefined || process.env.PORT === '' ? 8080 : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT 必须是 0–65535 之间的整数 / PORT must be an integer 0–65535 (got ${process.env.PORT})`);

const hostname = process.env.HOST || '127.0.0.1';
const loopback = ['127.0.0.1', 'localhost', '::1'].includes(hostname);

let maxBytes = DEFAULT_UPLOAD_LIMIT;
if (process.env.GONGKAI_MAX_UPLOAD_MB) {
  const n = Number(process.env.GONGKAI_MAX_UPLOAD_MB);
  if (!(n > 0)) fail('GONGKAI_MAX_UPLOAD_MB 必须是正数 / GONGKAI_MAX_UPLOAD_MB must be a positive number');
  maxBytes = Math.round(n * 1024 * 1024);
}

const dataDir = dataDirArg(process.argv.slice(2));

function minutesEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!(n > 0)) fail(`${name} 必须是正数 / ${name} must be a positive number`);
  return n;
}
const policy = {
  ...DEFAULT_POLICY,
  idleMinutes: minutesEnv('GONGKAI_SESSION_IDLE_MINUTES', DEFAULT_POLICY.idleMinutes),
  absoluteHours: minutesEnv('GONGKAI_SESSION_HOURS', DEFAULT_POLICY.absoluteHours),
};
const publicCorpus = process.env.GONGKAI_PUBLIC_CORPUS !== '0';
const trustProxy = process.env.GONGKAI_TRUST_PROXY === '1';
const hosts = (process.env.GONGKAI_HOSTS ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);

async function openStore(): Promise<Db> {
  try {
    return await openDb({ dataDir, create: true });
  } catch (err) {
    const why = err instanceof StoreError ? err.message : (err as Error)?.message ?? String(err);
    fail(`无法打开语料库 / cannot open the corpus store — ${why}`);
  }
}

/** An empty corpus gets the example reports, so that the corpus pages are not empty on first start. */
async function loadExamples(db: Db): Promise<void> {
  if (process.env.GONGKAI_EXAMPLES === '0') return;
  const [{ n }] = await db.query<{ n: number }>('select count(*)::int as n from reports');
  if (Number(n) > 0) return;
  const { files } = collectPaths([EXAMPLES_DIR]);
  if (!files.length) return;
  process.stdout.write(`语料库为空，正在导入 ${files.length} 份示例报告…… / empty corpus: loading ${files.length} example reports…\n`);
  const s = await ingest(db, files);
  process.stdout.write(`已导入 ${s.stored} 份，失败 ${s.failed.length} 份（${s.seconds.toFixed(1)} 秒） / loaded ${s.stored}, failed ${s.failed.length}\n`);
  for (const f of s.failed) process.stdout.write(`  ${f.path}: ${f.message}\n`);
}

const store = await openStore();
process.stdout.write(`语料库 / corpus: ${store.location}（${store.kind === 'pglite' ? '内嵌数据库 embedded PGlite' : 'PostgreSQL'}）\n`);
try {
  await loadExamples(store);
} catch (err) {
  await store.close().catch(() => undefined);
  fail(`无法导入示例报告 / cannot load the example reports: ${(err as Error)?.message ?? String(err)}`);
}

/** The first administrator: asked for on a terminal, else how to create one is printed. */
async function firstAdmin(db: Db): Promise<void> {
  if (await hasAdmin(db)) return;
  const how = `还没有管理员账户。请运行 / no administrator yet: run\n  npx gongkai user add --admin 用户名${dataDir ? ` --data ${dataDir}` : ''}\n`;
  if (!process.stdin.isTTY || process.env.GONGKAI_NO_PROMPT === '1') {
    process.stdout.write(how);
    return;
  }
  process.stdout.write('还没有管理员账户，现在建立一个（直接回车跳过） / no administrator yet: create one now (Enter to skip)\n');
  const name = await readLine('管理员用户名 / administrator name: ');
  if (!name) {
    process.stdout.write(how);
    return;
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const u = await createUser(db, { id: null, name: '首次启动 first start', address: 'cli' }, { name, password: await readNewPassword(), admin: true });
      process.stdout.write(`已建立管理员 ${u.name} / administrator ${u.name} created\n`);
      return;
    } catch (err) {
      process.stdout.write(`${(err as Error).message}\n`);
    }
  }
  process.stdout.write(how);
}

try {
  await firstAdmin(store);
} catch (err) {
  await store.close().catch(() => undefined);
  fail(`无法建立管理员 / cannot create the administrator: ${(err as Error)?.message ?? String(err)}`);
}

const app = createApp({
  maxBytes,
  store,
  auth: { publicCorpus, trustProxy, policy },
  // Bound to loopback: only local host names, so a web page cannot reach the service through DNS rebinding.
  ...(loopback ? { allowedHosts: ['localhost', '127.0.0.1', '[::1]'] } : hosts.length ? { allowedHosts: hosts } : {}),
});

const server = serve({ fetch: app.fetch, port, hostname }, (info: AddressInfo) => {
  const host = loopback ? 'localhost' : info.family === 'IPv6' ? `[${info.address}]` : info.address;
  const url = `http://${host}:${info.port}/`;
  process.stdout.write(`gongkai 网页服务已启动：${url}  （按 Ctrl+C 停止）\n`);
  process.stdout.write(`gongkai web service running at ${url}  (Ctrl+C to stop)\n`);
});

server.on('error', async (err: NodeJS.ErrnoException) => {
  await store.close().catch(() => undefined);
  if (err.code === 'EADDRINUSE') fail(`端口 ${port} 已被占用，请用 PORT=其他端口 启动 / port ${port} is in use; start with PORT=<another port>`);
  if (err.code === 'EACCES') fail(`没有权限使用端口 ${port} / no permission to use port ${port}`);
  fail(`无法启动服务 / cannot start the server: ${err.message}`);
});

const stop = () => {
  // Close the store too: PGlite's lock file is released and its data flushed.
  server.close(() => void store.close().finally(() => process.exit(0)));
  setTimeout(() => process.exit(0), 3000).unref();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
