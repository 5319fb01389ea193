// The HTTP API and static files (src/server/app.ts): every route, the security headers on every
// response, and bad uploads answered with clear JSON errors.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import ExcelJS from 'exceljs';
import { createApp, SECURITY_HEADERS } from '../src/server/app.js';
import { placeGrid } from '../src/layout/index.js';
import type { TableLayout } from '../src/layout/index.js';
import type { Report } from '../src/types.js';
import { fixture } from './helpers.js';
import { fetchSameSite, sameSite } from './http.js';

const app = sameSite(createApp());
const SEED = new Uint8Array(fixture('corpus', 'input', 'seed001-chaoyang-2021.txt'));
const CSP = SECURITY_HEADERS['Content-Security-Policy'];

function secure(res: Response) {
  assert.equal(res.headers.get('content-security-policy'), CSP, 'CSP header');
  assert.match(CSP, /default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
}

async function jsonError(res: Response, status: number, code: string): Promise<string> {
  secure(res);
  assert.equal(res.status, status, `status ${res.status}, expected ${status}`);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, code);
  assert.ok(/[\u4e00-\u9fff]/.test(body.error.message.split(' / ')[0]), `Chinese first: ${body.error.message}`);
  assert.ok(body.error.message.includes(' / '), `Chinese / English: ${body.error.message}`);
  return body.error.message;
}

function multipart(bytes: Uint8Array, name = 'report.txt', field = 'file'): FormData {
  const form = new FormData();
  form.append(field, new Blob([new Uint8Array(bytes)]), name);
  return form;
}

async function parseSeed(): Promise<Report> {
  const res = await app.request('/api/parse', { method: 'POST', body: multipart(SEED, 'seed001-chaoyang-2021.txt') });
  assert.equal(res.status, 200);
  return (await res.json()) as Report;
}

describe('GET routes', () => {
  test('health', async () => {
    const res = await app.request('/api/health');
    secure(res);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.status, 'ok');
    assert.equal(body.schema, 'gongkai/report@1');
    assert.equal(body.maxUploadBytes, 20 * 1024 * 1024);
    assert.deepEqual(body.templates, ['2019', '2021']);
  });

  test('templates list', async () => {
    const res = await app.request('/api/templates');
    secure(res);
    const body = (await res.json()) as { versions: { version: string }[] };
    assert.deepEqual(body.versions.map((v) => v.version), ['2019', '2021']);
  });

  for (const version of ['2019', '2021']) {
    test(`template ${version}: data and a consistent layout`, async () => {
      const res = await app.request(`/api/template/${version}`);
      secure(res);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { version: string; tables: Record<string, { rows: unknown[] }>; layout: { tables: TableLayout[] } };
      assert.equal(body.version, version);
      assert.ok(body.tables.requests.rows.length > 20);
      assert.deepEqual(body.layout.tables.map((t) => t.key), ['active', 'requests', 'review_litigation']);
      for (const t of body.layout.tables) {
        // Every grid row covers exactly `columns` columns once merged cells are placed.
        const placed = placeGrid(t.rows);
        const cover = new Map<number, number>();
        for (const p of placed) for (let i = 0; i < (p.cell.rowspan ?? 1); i++) cover.set(p.r + i, (cover.get(p.r + i) ?? 0) + (p.cell.colspan ?? 1));
        for (const [r, n] of cover) assert.equal(n, t.columns, `${t.key} row ${r} covers ${n} of ${t.columns}`);
      }
      const req = body.layout.tables[1];
      assert.equal(req.headerRows, 3);
      const corner = req.rows[0][0];
      assert.equal(corner.kind, 'corner');
      assert.equal(corner.rowspan, 3);
      assert.equal(corner.colspan, 3);
      assert.deepEqual(req.rows[0][1], { kind: 'head', text: '申请人情况', colspan: 7 });
      assert.equal(req.rows[1].find((c) => c.text === '法人或其他组织')?.colspan, 5);
      assert.equal(req.rows[1].find((c) => c.text === '自然人')?.rowspan, 2);
      const results = req.rows.flat().find((c) => c.kind === 'group' && c.row === 'results');
      assert.ok(results?.vertical, 'vertical 本年度办理结果');
      assert.equal(results?.rowspan, version === '2021' ? 22 : 20);
      const rl = body.layout.tables[2];
      assert.deepEqual(rl.rows[0].map((c) => [c.text, c.colspan]), [['行政复议', 5], ['行政诉讼', 10]]);
      assert.deepEqual(rl.rows[1].filter((c) => c.colspan === 5).map((c) => c.text), ['未经复议直接起诉', '复议后起诉']);
      assert.equal(rl.rows[3].filter((c) => c.kind === 'data').length, 15);
    });
  }

  test('unknown template version: 404 JSON', async () => {
    await jsonError(await app.request('/api/template/2018'), 404, 'unknown_template');
  });

  test('the web app shell and its files', async () => {
    for (const path of ['/', '/check']) {
      const res = await app.request(path);
      secure(res);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      const html = await res.text();
      assert.match(html, /<script type="module" src="\/app.js"><\/script>/);
      assert.doesNotMatch(html, /<script>(?!<)|style=|https?:\/\/(?!localhost)/, 'no inline script/style, no external asset');
    }
    for (const [path, type] of [['/app.js', /javascript/], ['/pages/check.js', /javascript/], ['/style.css', /text\/css/], ['/favicon.svg', /svg/]] as const) {
      const res = await app.request(path);
      secure(res);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', type);
    }
    const api = await app.request('/openapi.json');
    const doc = (await api.json()) as { openapi: string; paths: Record<string, unknown> };
    assert.equal(doc.openapi, '3.1.0');
    for (const p of ['/api/parse', '/api/export', '/api/template/{version}', '/api/health']) assert.ok(doc.paths[p], p);
  });

  test('web files never build DOM from strings', async () => {
    for (const path of ['/app.js', '/pages/check.js', '/components/tables.js', '/components/findings.js', '/components/source.js', '/lib/dom.js', '/lib/report.js', '/lib/api.js']) {
      const js = await (await app.request(path)).text();
      assert.doesNotMatch(js, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/, path);
    }
  });

  test('unknown routes: 404 JSON, and no path reaches the file system', async () => {
    for (const path of ['/nope', '/api/nope', '/../package.json', '/%2e%2e/package.json', '/pages/%2e%2e/%2e%2e/package.json', '/..%2fpackage.json', '/web/index.html', '/src/server/app.ts', '/.gitignore']) {
      const res = await app.request(path);
      await jsonError(res, 404, 'not_found');
    }
  });

  test('wrong method: 405 JSON', async () => {
    const res = await app.request('/api/parse');
    assert.equal(res.headers.get('allow'), 'POST');
    assert.equal((await app.request('/api/health', { method: 'DELETE' })).headers.get('allow'), 'GET, HEAD');
    await jsonError(res, 405, 'method_not_allowed');
    await jsonError(await app.request('/api/health', { method: 'POST' }), 405, 'method_not_allowed');
  });
});

describe('POST /api/parse', () => {
  test('multipart upload: the report with its text', async () => {
    const res = await app.request('/api/parse', { method: 'POST', body: multipart(SEED, 'seed001-chaoyang-2021.txt') });
    secure(res);
    assert.equal(res.status, 200);
    const r = (await res.json()) as Report;
    assert.equal(r.schema, 'gongkai/report@1');
    assert.equal(r.source.path, 'seed001-chaoyang-2021.txt');
    assert.equal(r.meta.template, '2021');
    assert.equal(r.meta.year, 2021);
    assert.ok(typeof r.text === 'string' && r.text.length > 1000);
    assert.equal(r.tables.active?.normative_documents.issued.status, 'ambiguous');
    assert.ok((r.tables.active?.normative_documents.issued.candidates ?? []).length > 1);
    const c = r.tables.requests?.new_received.natural_person;
    assert.equal(c?.value, 63);
    assert.equal(r.text.slice(c!.span![0], c!.span![1]), '63');
  });

  test('raw body and JSON {text}', async () => {
    const raw = await app.request('/api/parse?name=%E6%9C%9D%E9%98%B3.txt', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: SEED });
    assert.equal(raw.status, 200);
    assert.equal(((await raw.json()) as Report).source.path, '朝阳.txt');
    const json = await app.request('/api/parse', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: Buffer.from(SEED).toString('utf8') }) });
    assert.equal(json.status, 200);
    assert.equal(((await json.json()) as Report).meta.template, '2021');
  });

  test('a client file name is only a label', async () => {
    const res = await app.request('/api/parse', { method: 'POST', body: multipart(SEED, '../../etc/passwd') });
    assert.equal(((await res.json()) as Report).source.path, 'passwd');
  });

  test('empty uploads', async () => {
    assert.equal(await jsonError(await app.request('/api/parse', { method: 'POST', body: multipart(new Uint8Array(0)) }), 400, 'empty'), '文件为空 / empty file');
    await jsonError(await app.request('/api/parse', { method: 'POST', body: new Uint8Array(0) }), 400, 'empty');
    await jsonError(await app.request('/api/parse', { method: 'POST' }), 400, 'empty');
    await jsonError(await app.request('/api/parse', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":""}' }), 400, 'empty');
    // Only whitespace: the parser's own empty check.
    await jsonError(await app.request('/api/parse', { method: 'POST', body: multipart(Buffer.from('  \n\n \t ')) }), 400, 'empty');
  });

  test('too large: by Content-Length, by size, and in a form', async () => {
    const small = sameSite(createApp({ maxBytes: 1000 }));
    const msg = await jsonError(await small.request('/api/parse', { method: 'POST', body: new Uint8Array(2000) }), 413, 'too_large');
    assert.match(msg, /^文件过大/);
    // A declared length over the limit is refused before the body is read.
    const declared = await small.request('/api/parse', { method: 'POST', headers: { 'content-length': '999999999' }, body: 'x' });
    await jsonError(declared, 413, 'too_large');
    await jsonError(await small.request('/api/parse', { method: 'POST', body: multipart(new Uint8Array(5000)) }), 413, 'too_large');
    await jsonError(await small.request('/api/parse', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: '报'.repeat(600) }) }), 413, 'too_large');
    const health = (await (await small.request('/api/health')).json()) as { maxUploadBytes: number };
    assert.equal(health.maxUploadBytes, 1000);
  });

  test('not a report: 422 with the parser\'s message', async () => {
    const prose = '今天天气很好，我们去公园散步。公园里有很多人，有的在跑步，有的在下棋。'.repeat(10);
    const msg = await jsonError(await app.request('/api/parse', { method: 'POST', body: multipart(Buffer.from(prose)) }), 422, 'not_a_report');
    assert.match(msg, /不是政府信息公开工作年度报告/);
  });

  test('binary and unsupported types: 415', async () => {
    const binary = Buffer.alloc(4096);
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 7919) % 256;
    await jsonError(await app.request('/api/parse', { method: 'POST', body: multipart(binary, 'x.bin') }), 415, 'binary');
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100)]);
    const msg = await jsonError(await app.request('/api/parse', { method: 'POST', body: multipart(png, 'scan.png') }), 415, 'unsupported_type');
    assert.match(msg, /图片/);
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('some/file.txt'), Buffer.alloc(100)]);
    await jsonError(await app.request('/api/parse', { method: 'POST', body: multipart(zip, 'a.zip') }), 415, 'zip');
    await jsonError(await app.request('/api/parse', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'file=abc' }), 415, 'unsupported_media_type');
  });

  test('malformed requests', async () => {
    await jsonError(await app.request('/api/parse', { method: 'POST', body: multipart(SEED, 'a.txt', 'document') }), 400, 'no_file');
    await jsonError(await app.request('/api/parse', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":' }), 400, 'bad_json');
    await jsonError(await app.request('/api/parse', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"txt":"a"}' }), 400, 'no_text');
    await jsonError(await app.request('/api/parse', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=zzz' }, body: 'garbage' }), 400, 'bad_form');
  });

  test('requests from another site are refused', async () => {
    const app = createApp(); // no Origin added
    await jsonError(await app.request('/api/parse', { method: 'POST', body: SEED }), 403, 'cross_origin');
    await jsonError(await app.request('/api/parse', { method: 'POST', headers: { origin: 'http://evil.example' }, body: SEED }), 403, 'cross_origin');
    await jsonError(await app.request('/api/parse', { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' }, body: SEED }), 403, 'cross_origin');
    const same = await app.request('http://localhost/api/parse', { method: 'POST', headers: { origin: 'http://localhost', host: 'localhost' }, body: SEED });
    assert.equal(same.status, 200);
    const guarded = createApp({ allowedHosts: ['localhost', '127.0.0.1'] });
    await jsonError(await guarded.request('http://rebind.example/api/health', { headers: { host: 'rebind.example' } }), 403, 'bad_host');
    assert.equal((await guarded.request('http://localhost:8080/api/health', { headers: { host: 'localhost:8080' } })).status, 200);
  });
});

describe('POST /api/export', () => {
  test('CSV, long form', async () => {
    const report = await parseSeed();
    const res = await app.request('/api/export?format=csv', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(report) });
    secure(res);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/csv/);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="seed001-chaoyang-2021.csv"/);
    const lines = (await res.text()).trim().split('\r\n');
    assert.equal(lines[0], 'table,row,column,value,status,candidates');
    assert.ok(lines.includes('requests,new_received,natural_person,63,read,'));
    assert.ok(lines.some((l) => /^active,normative_documents,issued,,ambiguous,[\d;]+$/.test(l)));
    // 2021: 10 active cells + 25 rows × 7 + 15.
    assert.equal(lines.length - 1, 10 + 25 * 7 + 15);
  });

  test('XLSX in the template layout', async () => {
    const report = await parseSeed();
    const res = await app.request('/api/export?format=xlsx', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(report) });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /spreadsheetml/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await res.arrayBuffer()) as ArrayBuffer);
    assert.deepEqual(wb.worksheets.map((w) => w.name), ['报告 Report', '二、主动公开政府信息情况', '三、收到和处理政府信息公开申请情况', '四、政府信息公开行政复议、行政诉讼情况', '单元格 Cells']);
    const ws = wb.getWorksheet('三、收到和处理政府信息公开申请情况')!;
    assert.equal(ws.getCell('D3').value, '申请人情况');
    assert.equal(ws.getCell('J3').master.address, 'D3', '申请人情况 spans 7 columns');
    assert.equal(ws.getCell('A8').value, '三、本年度办理结果');
    assert.equal(ws.getCell('A20').master.address, 'A8', 'the vertical group spans its rows');
    assert.equal(ws.getCell('D6').value, 63);
    const active = wb.getWorksheet('二、主动公开政府信息情况')!;
    const row = active.getRows(1, 30)!.find((r) => r.getCell(1).value === '行政规范性文件')!;
    assert.match(String(row.getCell(2).value), /^\?/);
  });

  test('bad export requests', async () => {
    await jsonError(await app.request('/api/export?format=pdf', { method: 'POST', body: '{}' }), 400, 'bad_format');
    await jsonError(await app.request('/api/export?format=csv', { method: 'POST', body: '' }), 400, 'empty');
    await jsonError(await app.request('/api/export?format=csv', { method: 'POST', body: '{oops' }), 400, 'bad_json');
    await jsonError(await app.request('/api/export?format=xlsx', { method: 'POST', body: '{"schema":"x"}' }), 422, 'not_a_report');
  });

  test('a malformed report outline is exported without failing', async () => {
    const odd = {
      schema: 'gongkai/report@1', source: { path: 42 }, meta: { template: '2021', agency: { x: 1 } },
      tables: { active: 'nope', requests: { total: { total: { value: 'x', status: 'read' } } }, review_litigation: null },
      findings: [null, 7, { rule: 'r', severity: 'bogus', message: 3, cells: 'x' }],
    };
    for (const format of ['csv', 'xlsx']) {
      const res = await app.request(`/api/export?format=${format}`, { method: 'POST', body: JSON.stringify(odd) });
      assert.equal(res.status, 200, format);
    }
    const csv = await (await app.request('/api/export?format=csv', { method: 'POST', body: JSON.stringify(odd) })).text();
    assert.equal(csv, 'table,row,column,value,status,candidates\r\nrequests,total,total,,read,\r\n');
  });

  test('only template cells are exported from a posted report', async () => {
    const report = await parseSeed();
    (report.tables.requests as Record<string, unknown>)['=cmd|calc'] = { x: { value: 1, status: 'read' } };
    (report.meta as Record<string, unknown>).template = '2021';
    const csv = await (await app.request('/api/export?format=csv', { method: 'POST', body: JSON.stringify(report) })).text();
    assert.doesNotMatch(csv, /cmd/);
  });
});

describe('over a real socket', () => {
  let server: ServerType;
  let base = '';
  before(async () => {
    server = serve({ fetch: createApp({ maxBytes: 1000 }).fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => { server.close(() => resolve()); (server as import('node:http').Server).closeAllConnections?.(); }));

  test('a streamed body over the limit is cut off with 413', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${base}/api/parse`, { method: 'POST', headers: { 'content-type': 'text/plain', 'transfer-encoding': 'chunked', origin: base } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', (e) => reject(e));
      let sent = 0;
      const pump = () => {
        if (sent >= 20) return req.end();
        sent++;
        req.write('报告'.repeat(100), () => setTimeout(pump, 5));
      };
      pump();
    });
    assert.equal(status, 413);
    assert.equal(JSON.parse(body).error.code, 'too_large');
  });

  test('a multipart upload from fetch', async () => {
    const res = await fetchSameSite(base)(`${base}/api/parse`, { method: 'POST', body: multipart(Buffer.from('')) });
    await jsonError(res, 400, 'empty');
    const notFound = await fetch(`${base}/definitely/not/here`);
    await jsonError(notFound, 404, 'not_found');
  });
});
