// The web service: a JSON API (documented in web/openapi.json) and the web app's static files.
//
//   POST /api/parse                 a report file (multipart field `file`, raw body, or JSON {text}) → report JSON with `text`
//   POST /api/export?format=csv|xlsx  a report JSON → CSV (long form) or XLSX (template layout)
//   GET  /api/template/:version     template data and its display layout (2019 | 2021)
//   GET  /api/templates             the versions known
//   GET  /api/health                liveness and limits
//   GET  /api/corpus, /api/reports[/:id], /api/bodies[/:id], /api/dashboard, /api/compare[/pairs]
//                                   the corpus (src/server/corpus.ts, over src/store/)
//   /api/auth/*, /api/users/*, /api/audit[/export]   accounts (src/server/accounts.ts, over src/auth/)
//   /api/office/bodies/:body/*      the office side, per body (src/server/office.ts)
//   GET  /, /check, /login, /me, /corpus, /bodies, /body, /report, /dashboard, /compare, /batch   the web app's pages (one shell)
//
// Who may use each API route is declared in routes.ts and checked by guard.ts. Hono's own parts do
// the rest: secureHeaders (a strict Content-Security-Policy on every response, errors too), csrf
// (no form-like request from another site), bodyLimit (uploads), methodNotAllowed (405 with
// Allow). Every error is JSON `{ error: { code, message } }`, the message Chinese first, English
// after " / ".

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { secureHeaders } from 'hono/secure-headers';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { defaultParsePool, type UploadParsePool } from './parse-pool.js';
import { InputError, type TemplateVersion } from '../types.js';
import { TEMPLATES } from '../template/index.js';
import { DEFAULT_WEB_DIR, loadAssets, type Asset } from './assets.js';
import { templateLayout } from '../layout/index.js';
import { looksLikeReport, reportToCsv, reportToXlsx } from './export.js';
import { HttpError } from './errors.js';
import { corpusRoutes } from './corpus.js';
import { accountRoutes } from './accounts.js';
import { officeRoutes } from './office.js';
import { declare, defaultAuthOptions, identify, type AuthOptions } from './guard.js';
import { ROUTES } from './routes.js';
import type { Db } from '../store/db.js';

export interface ServerDeps {
  /** Largest upload accepted, in bytes (default 20 MB). */
  maxBytes?: number;
  /** The web app's files; default: everything under web/, read once now. */
  assets?: Map<string, Asset>;
  /** Accepted Host header names (DNS-rebinding guard), e.g. localhost, 127.0.0.1; default: any. */
  allowedHosts?: string[];
  /** The store (src/store/: PGlite or PostgreSQL): the corpus and the accounts. Without it those routes answer 503. */
  store?: Db;
  /** Where uploads are parsed (worker threads with a deadline; default: one pool per process). */
  parsePool?: UploadParsePool;
  /** Where internal errors are logged (default console.error). */
  log?: (message: string, err?: unknown) => void;
  /** Sign-in and sessions: public corpus or not, trusted proxy, session and lockout policy, clock. */
  auth?: Partial<Omit<AuthOptions, 'store'>>;
}

export const DEFAULT_UPLOAD_LIMIT = 20 * 1024 * 1024;

/** The Content-Security-Policy: everything from this origin, no inline script or style, no framing. */
const CSP = {
  defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'self'"],
};

/** Headers every response carries (set by Hono's secureHeaders from these values). */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': Object.entries(CSP).map(([k, v]) => `${k.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)} ${v.join(' ')}`).join('; '),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Client-side page routes that answer with the app shell (web/index.html); web/app.js routes the same paths. */
export const PAGE_ROUTES = ['/', '/check', '/login', '/me', '/corpus', '/bodies', '/body', '/report', '/dashboard', '/compare', '/batch', '/register', '/register/record', '/register/due', '/register/tables'];

export { HttpError } from './errors.js';

/** HTTP status for each InputError code of the parser. */
const INPUT_STATUS: Record<string, number> = {
  empty: 400,
  too_large: 413,
  binary: 415,
  unsupported: 415,
  zip: 415,
  async_needed: 415,
  not_a_report: 422,
};

const mb = (n: number) => `${Math.round((n / 1048576) * 10) / 10} MB`;

const tooLarge = (limit: number) => new HttpError(413, 'too_large', `文件过大，上限为 ${mb(limit)} / file too large (limit ${mb(limit)})`);
const emptyFile = () => new HttpError(400, 'empty', '文件为空 / empty file');

/** The body, already held to its limit by Hono's bodyLimit (installed on the route). */
async function readBody(c: Context): Promise<Uint8Array> {
  return new Uint8Array(await c.req.arrayBuffer());
}

/** Kinds of files that are certainly not reports, recognised by their first bytes. */
function sniffUnsupported(b: Uint8Array): string | null {
  const at = (sig: number[], off = 0) => sig.every((v, i) => b[off + i] === v);
  if (at([0x89, 0x50, 0x4e, 0x47])) return '图片 (PNG) / image (PNG)';
  if (at([0xff, 0xd8, 0xff])) return '图片 (JPEG) / image (JPEG)';
  if (at([0x47, 0x49, 0x46, 0x38])) return '图片 (GIF) / image (GIF)';
  if (at([0x52, 0x49, 0x46, 0x46]) && at([0x57, 0x45, 0x42, 0x50], 8)) return '图片 (WebP) / image (WebP)';
  if (at([0x49, 0x49, 0x2a, 0x00]) || at([0x4d, 0x4d, 0x00, 0x2a])) return '图片 (TIFF) / image (TIFF)';
  if (at([0x7f, 0x45, 0x4c, 0x46])) return '可执行程序 / executable';
  if (at([0x4d, 0x5a]) && b.subarray(0, 256).includes(0)) return '可执行程序 / executable';
  if (at([0x1f, 0x8b])) return 'gzip 压缩包 / gzip archive';
  if (at([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return '7z 压缩包 / 7z archive';
  if (at([0x52, 0x61, 0x72, 0x21])) return 'RAR 压缩包 / RAR archive';
  return null;
}

/** A file name from a client, kept only as a label (`source.path`): last segment, no control characters. */
export function cleanName(name: string | null | undefined): string | undefined {
  if (!name) return undefined;
  const last = name.split(/[\\/]/).pop() ?? '';
  const clean = last.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return clean || undefined;
}

interface Upload {
  bytes: Uint8Array;
  name?: string;
}

async function readUpload(c: Context, limit: number): Promise<Upload> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    // The form adds boundaries and headers around the file: allow a little more than the limit.
    const body = await readBody(c);
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(body), { headers: { 'content-type': c.req.header('content-type')! } }).formData();
    } catch {
      throw new HttpError(400, 'bad_form', '无法读取上传的表单 / malformed multipart form');
    }
    const file = form.get('file');
    if (file === null) throw new HttpError(400, 'no_file', '表单中没有 file 字段 / the form has no field named "file"');
    if (typeof file === 'string') return { bytes: Buffer.from(file, 'utf8') };
    if (file.size > limit) throw tooLarge(limit);
    return { bytes: new Uint8Array(await file.arrayBuffer()), name: cleanName(file.name) };
  }
  if (type.startsWith('application/json')) {
    const body = await readBody(c);
    if (body.byteLength === 0) throw emptyFile();
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(body).toString('utf8'));
    } catch {
      throw new HttpError(400, 'bad_json', '请求体不是有效的 JSON / the body is not valid JSON');
    }
    const text = (json as { text?: unknown } | null)?.text;
    if (typeof text !== 'string') throw new HttpError(400, 'no_text', 'JSON 中需要字符串字段 text / the JSON needs a string field "text"');
    const name = (json as { name?: unknown }).name;
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.byteLength > limit) throw tooLarge(limit);
    return { bytes, name: typeof name === 'string' ? cleanName(name) : undefined };
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    throw new HttpError(415, 'unsupported_media_type', '请以 multipart/form-data、JSON 或文件原始内容上传 / send multipart/form-data, JSON {text} or the raw file');
  }
  const bytes = await readBody(c);
  if (bytes.byteLength > limit) throw tooLarge(limit);
  let name: string | undefined;
  const q = c.req.query('name') ?? c.req.header('x-file-name');
  if (q) {
    try {
      name = cleanName(decodeURIComponent(q));
    } catch {
      name = cleanName(q);
    }
  }
  return { bytes, name };
}

const errorBody = (code: string, message: string) => ({ error: { code, message } });

/** Content-Disposition with an ASCII fallback and the UTF-8 name. */
function attachment(base: string, ext: string): string {
  const safe = (base.replace(/\.[A-Za-z0-9]{1,5}$/, '').replace(/["\\\u0000-\u001f\u007f/]/g, '').trim() || 'report').slice(0, 100);
  const ascii = safe.replace(/[^A-Za-z0-9._-]/g, '_');
  return `attachment; filename="${ascii || 'report'}.${ext}"; filename*=UTF-8''${encodeURIComponent(`${safe}.${ext}`)}`;
}

function readPackageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(resolve(DEFAULT_WEB_DIR, '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function createApp(deps: ServerDeps = {}): Hono {
  const limit = deps.maxBytes ?? DEFAULT_UPLOAD_LIMIT;
  const assets = deps.assets ?? loadAssets();
  const log = deps.log ?? ((m: string, e?: unknown) => console.error(m, e ?? ''));
  const allowedHosts = deps.allowedHosts?.map((h) => h.toLowerCase());
  const version = readPackageVersion();
  const auth = defaultAuthOptions({ ...deps.auth, store: deps.store });
  const app = new Hono();

  app.use('*', secureHeaders({ contentSecurityPolicy: CSP, xFrameOptions: 'DENY', strictTransportSecurity: false }));
  app.use('*', async (c, next) => {
    await next();
    if (c.req.path.startsWith('/api/')) c.res.headers.set('Cache-Control', 'no-store');
  });

  // Requests for another host name (DNS rebinding) are refused before any work.
  app.use('*', async (c, next) => {
    const host = (c.req.header('host') ?? '').toLowerCase();
    if (allowedHosts && !allowedHosts.includes(host.replace(/:\d+$/, ''))) {
      throw new HttpError(403, 'bad_host', '不接受此主机名的请求 / requests for this host name are refused');
    }
    await next();
  });

  // Form-like requests from other sites; Hono's check throws before calling on, so a throw
  // before `next` is its refusal (answered in our JSON), a later one the route's own error.
  const originCheck = csrf();
  app.use('*', async (c, next) => {
    let passed = false;
    try {
      await originCheck(c, async () => {
        passed = true;
        await next();
      });
    } catch (err) {
      if (!passed) throw new HttpError(403, 'cross_origin', '不接受来自其他网站的请求 / cross-origin requests are refused');
      throw err;
    }
  });

  app.use('*', methodNotAllowed({
    app,
    onMethodNotAllowed: (c, methods) => {
      const allow = methods.join(', ');
      return c.json(errorBody('method_not_allowed', `此地址只接受 ${allow} 请求 / method not allowed (use ${allow})`), 405, { Allow: allow });
    },
  }));

  app.use('/api/*', identify(auth));

  declare(app, '', 'GET', '/api/health', (c) =>
    c.json({
      status: 'ok', service: 'gongkai', version, schema: 'gongkai/report@1',
      templates: Object.keys(TEMPLATES), maxUploadBytes: limit, store: deps.store ? 'ready' : 'none',
    }));

  declare(app, '', 'GET', '/api/templates', (c) =>
    c.json({ versions: Object.values(TEMPLATES).map((t) => ({ version: t.version, instrument: t.instrument, years: t.years })) }));

  declare(app, '', 'GET', '/api/template/:version', (c) => {
    const v = c.req.param('version') ?? '';
    if (v !== '2019' && v !== '2021') {
      throw new HttpError(404, 'unknown_template', `没有这个模板版本：${v.slice(0, 40)}（可用：2019、2021） / unknown template version (known: 2019, 2021)`);
    }
    const def = TEMPLATES[v as TemplateVersion];
    return c.json({ ...def, layout: templateLayout(def.version) });
  });

  // The form adds boundaries and headers around the file: a little more than the limit; the file itself is held to it.
  const uploadLimit = (max: number) => bodyLimit({ maxSize: max, onError: () => { throw tooLarge(limit); } });
  app.use('/api/parse', uploadLimit(limit + 64 * 1024));
  app.use('/api/export', uploadLimit(limit * 2));

  declare(app, '', 'POST', '/api/parse', async (c) => {
    const upload = await readUpload(c, limit);
    if (upload.bytes.byteLength === 0) throw emptyFile();
    const kind = sniffUnsupported(upload.bytes);
    if (kind) throw new HttpError(415, 'unsupported_type', `不支持的文件类型：${kind}；请上传文本、HTML、DOCX 或 PDF 格式的报告 / unsupported file type; send text, HTML, DOCX or PDF`);
    const report = await (deps.parsePool ?? defaultParsePool()).parse(upload.bytes, { path: upload.name ?? 'upload', includeText: true, maxBytes: limit });
    return c.json(report);
  });

  declare(app, '', 'POST', '/api/export', async (c) => {
    const format = c.req.query('format') ?? 'csv';
    if (format !== 'csv' && format !== 'xlsx') throw new HttpError(400, 'bad_format', '格式只能是 csv 或 xlsx / format must be csv or xlsx');
    const body = await readBody(c);
    if (body.byteLength === 0) throw new HttpError(400, 'empty', '请求体为空，需要报告 JSON / empty body: send the report JSON');
    let report: unknown;
    try {
      report = JSON.parse(Buffer.from(body).toString('utf8'));
    } catch {
      throw new HttpError(400, 'bad_json', '请求体不是有效的 JSON / the body is not valid JSON');
    }
    if (!looksLikeReport(report)) throw new HttpError(422, 'not_a_report', '请求体不是 gongkai/report@1 报告 JSON / the body is not a gongkai/report@1 report');
    const path = report.source && typeof report.source.path === 'string' ? report.source.path : undefined;
    const base = cleanName(path) ?? 'report';
    if (format === 'csv') {
      return c.body(reportToCsv(report), 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': attachment(base, 'csv') });
    }
    const xlsx = await reportToXlsx(report);
    return c.body(new Uint8Array(xlsx), 200, {
      'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'Content-Disposition': attachment(base, 'xlsx'),
    });
  });

  app.route('/api', corpusRoutes(deps.store));
  app.route('/api', accountRoutes());
  app.route('/api/office', officeRoutes());
  checkDeclarations(app);

  // The web app: page routes answer with the shell; other files by exact name from memory.
  const serveAsset = (c: Context, asset: Asset) =>
    c.body(new Uint8Array(asset.body), 200, { 'Content-Type': asset.type, 'Cache-Control': 'no-cache' });
  for (const route of PAGE_ROUTES) {
    app.get(route, (c) => {
      const shell = assets.get('/index.html');
      if (!shell) throw new HttpError(404, 'not_found', '网页文件缺失 / web app files missing');
      return serveAsset(c, shell);
    });
  }
  // a middleware, not a GET route for '*': that would make every path "allow GET" to methodNotAllowed
  app.use('*', async (c, next) => {
    const asset = c.req.method === 'GET' || c.req.method === 'HEAD' ? assets.get(c.req.path) : undefined;
    if (asset) return serveAsset(c, asset);
    await next();
  });

  app.notFound((c) => c.json(errorBody('not_found', `没有这个地址：${c.req.path.slice(0, 100)} / not found`), 404));

  app.onError((err, c) => {
    if (err instanceof HttpError) return c.json(errorBody(err.code, err.message), err.status as 400);
    if (err instanceof InputError) return c.json(errorBody(err.code, err.message), (INPUT_STATUS[err.code] ?? 422) as 400);
    // the method and path only: never the query or the body, which may hold personal data
    log(`gongkai: 内部错误 / internal error on ${c.req.method} ${c.req.path}:`, err);
    return c.json(errorBody('internal', '内部错误，无法处理此请求 / internal error'), 500);
  });

  return app;
}

/** Every /api route registered is declared in routes.ts and every declared route is registered (else: no start). */
function checkDeclarations(app: Hono): void {
  const registered = new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`));
  for (const r of ROUTES) if (!registered.has(`${r.method} ${r.path}`)) throw new Error(`routes.ts declares ${r.method} ${r.path}, which has no handler`);
  for (const key of registered) {
    const [method, path] = key.split(' ');
    if (path.startsWith('/api') && !ROUTES.some((r) => r.method === method && r.path === path)) throw new Error(`${key} is not declared in src/server/routes.ts`);
  }
}
