// The web service: a JSON API (documented in web/openapi.json) and the web app's static files.
//
//   POST /api/parse                 a report file (multipart field `file`, raw body, or JSON {text}) → report JSON with `text`
//   POST /api/export?format=csv|xlsx  a report JSON → CSV (long form) or XLSX (template layout)
//   GET  /api/template/:version     template data and its display layout (2019 | 2021)
//   GET  /api/templates             the versions known
//   GET  /api/health                liveness and limits
//   GET  /, /check                  the web app (web/index.html); other files of web/ by exact name
//
// Every response carries a strict Content-Security-Policy and nosniff; every error is JSON
// `{ error: { code, message } }` with the message in Chinese first, English after " / ".
//   GET  /api/corpus, /api/reports[/:id], /api/bodies[/:id], /api/dashboard, /api/compare[/pairs]
//                                   the corpus (src/server/corpus.ts, over src/store/)
//   GET  /corpus, /bodies, /body, /report, /dashboard, /compare, /batch   the corpus pages (same shell)

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Hono, type Context } from 'hono';
import { parseDocument } from '../parse.js';
import { InputError, type TemplateVersion } from '../types.js';
import { TEMPLATES } from '../template/index.js';
import { DEFAULT_WEB_DIR, loadAssets, type Asset } from './assets.js';
import { templateLayout } from '../layout/index.js';
import { looksLikeReport, reportToCsv, reportToXlsx } from './export.js';
import { HttpError } from './errors.js';
import { CORPUS_API_PATHS, mountCorpus } from './corpus.js';
import type { Db } from '../store/db.js';

export interface ServerDeps {
  /** Largest upload accepted, in bytes (default 20 MB). */
  maxBytes?: number;
  /** The web app's files; default: everything under web/, read once now. */
  assets?: Map<string, Asset>;
  /** Accepted Host header names (DNS-rebinding guard), e.g. localhost, 127.0.0.1; default: any. */
  allowedHosts?: string[];
  /** The corpus store (src/store/: PGlite or PostgreSQL). Without it the corpus routes answer 503. */
  store?: Db;
  /** Where internal errors are logged (default console.error). */
  log?: (message: string, err?: unknown) => void;
}

export const DEFAULT_UPLOAD_LIMIT = 20 * 1024 * 1024;

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Client-side page routes that answer with the app shell (web/index.html); web/app.js routes the same paths. */
export const PAGE_ROUTES = ['/', '/check', '/corpus', '/bodies', '/body', '/report', '/dashboard', '/compare', '/batch'];

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

/** Read a body up to `limit` bytes: refused by Content-Length first, then while streaming. */
export async function readLimited(req: Request, limit: number): Promise<Uint8Array> {
  const declared = req.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) throw tooLarge(limit);
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
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
    const body = await readLimited(c.req.raw, limit + 64 * 1024);
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
    const body = await readLimited(c.req.raw, limit + 1024);
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
  const bytes = await readLimited(c.req.raw, limit);
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
  const app = new Hono();

  // Security headers on every response, including errors and 404s.
  app.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
    if (c.req.path.startsWith('/api/')) c.res.headers.set('Cache-Control', 'no-store');
  });

  // Requests from other sites (form posts, DNS rebinding) are refused before any work.
  app.use('*', async (c, next) => {
    const host = (c.req.header('host') ?? '').toLowerCase();
    if (allowedHosts && !allowedHosts.includes(host.replace(/:\d+$/, ''))) {
      throw new HttpError(403, 'bad_host', '不接受此主机名的请求 / requests for this host name are refused');
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const origin = c.req.header('origin');
      const site = c.req.header('sec-fetch-site');
      let sameOrigin = true;
      if (origin && origin !== 'null') {
        try {
          sameOrigin = new URL(origin).host.toLowerCase() === host;
        } catch {
          sameOrigin = false;
        }
      } else if (origin === 'null') sameOrigin = false;
      if (!sameOrigin || site === 'cross-site') {
        throw new HttpError(403, 'cross_origin', '不接受来自其他网站的请求 / cross-origin requests are refused');
      }
    }
    await next();
  });

  app.get('/api/health', (c) =>
    c.json({
      status: 'ok', service: 'gongkai', version, schema: 'gongkai/report@1',
      templates: Object.keys(TEMPLATES), maxUploadBytes: limit, store: deps.store ? 'ready' : 'none',
    }));

  app.get('/api/templates', (c) =>
    c.json({ versions: Object.values(TEMPLATES).map((t) => ({ version: t.version, instrument: t.instrument, years: t.years })) }));

  app.get('/api/template/:version', (c) => {
    const v = c.req.param('version');
    if (v !== '2019' && v !== '2021') {
      throw new HttpError(404, 'unknown_template', `没有这个模板版本：${v.slice(0, 40)}（可用：2019、2021） / unknown template version (known: 2019, 2021)`);
    }
    const def = TEMPLATES[v as TemplateVersion];
    return c.json({ ...def, layout: templateLayout(def.version) });
  });

  app.post('/api/parse', async (c) => {
    const upload = await readUpload(c, limit);
    if (upload.bytes.byteLength === 0) throw emptyFile();
    const kind = sniffUnsupported(upload.bytes);
    if (kind) throw new HttpError(415, 'unsupported_type', `不支持的文件类型：${kind}；请上传文本、HTML、DOCX 或 PDF 格式的报告 / unsupported file type; send text, HTML, DOCX or PDF`);
    const report = await parseDocument(upload.bytes, { path: upload.name ?? 'upload', includeText: true, maxBytes: limit });
    return c.json(report);
  });

  app.post('/api/export', async (c) => {
    const format = c.req.query('format') ?? 'csv';
    if (format !== 'csv' && format !== 'xlsx') throw new HttpError(400, 'bad_format', '格式只能是 csv 或 xlsx / format must be csv or xlsx');
    const body = await readLimited(c.req.raw, limit * 2);
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

  mountCorpus(app, deps.store);

  // Known API paths with another method.
  const known: [string, string][] = [['/api/parse', 'POST'], ['/api/export', 'POST'], ['/api/health', 'GET'], ['/api/templates', 'GET'], ['/api/template/:version', 'GET'],
    ...CORPUS_API_PATHS.map((p): [string, string] => [p, 'GET'])];
  for (const [path, allow] of known) {
    app.all(path, (c) => c.json(errorBody('method_not_allowed', `此地址只接受 ${allow} 请求 / method not allowed (use ${allow})`), 405, { Allow: allow }));
  }

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
  app.get('*', (c, next) => {
    const asset = assets.get(c.req.path);
    return asset ? serveAsset(c, asset) : next();
  });

  app.notFound((c) => c.json(errorBody('not_found', `没有这个地址：${c.req.path.slice(0, 100)} / not found`), 404));

  app.onError((err, c) => {
    if (err instanceof HttpError) return c.json(errorBody(err.code, err.message), err.status as 400);
    if (err instanceof InputError) return c.json(errorBody(err.code, err.message), (INPUT_STATUS[err.code] ?? 422) as 400);
    log(`gongkai: 内部错误 / internal error on ${c.req.method} ${c.req.path}:`, err);
    return c.json(errorBody('internal', '内部错误，无法处理此请求 / internal error'), 500);
  });

  return app;
}
