// The JSON API (see /openapi.json). Every failure becomes an ApiError with the server's
// Chinese-first message.

export class ApiError extends Error {
  constructor(code, message, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

async function failure(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  const e = body && body.error;
  return new ApiError(e?.code ?? 'http_' + res.status, e?.message ?? `服务器错误（${res.status}） / server error (${res.status})`, res.status);
}

/** The session's CSRF token (GET /api/auth/me, sign-in): sent on every request that changes something. */
let csrfToken = null;
export function setCsrfToken(token) {
  csrfToken = token || null;
}

async function request(url, init = {}) {
  let res;
  const method = (init.method ?? 'GET').toUpperCase();
  if (csrfToken && method !== 'GET' && method !== 'HEAD') init = { ...init, headers: { ...(init.headers ?? {}), 'X-CSRF-Token': csrfToken } };
  try {
    res = await fetch(url, { ...init, credentials: 'same-origin' });
  } catch {
    throw new ApiError('network', '无法连接服务，请确认 gongkai 仍在运行 / cannot reach the service', 0);
  }
  if (!res.ok) throw await failure(res);
  return res;
}

/** Parse a File (multipart upload). */
export async function parseFile(file) {
  const form = new FormData();
  form.append('file', file, file.name);
  return (await request('/api/parse', { method: 'POST', body: form })).json();
}

/** Parse pasted text. */
export async function parseText(text, name = '粘贴的文字.txt') {
  return (await request('/api/parse', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text, name }) })).json();
}

const templates = new Map();
/** Template data and layout of a version (cached). */
export function template(version) {
  if (!templates.has(version)) {
    const p = request(`/api/template/${encodeURIComponent(version)}`).then((r) => r.json());
    p.catch(() => templates.delete(version));
    templates.set(version, p);
  }
  return templates.get(version);
}

export async function health() {
  return (await request('/api/health')).json();
}

/** CSV or XLSX of a report, as a Blob. */
export async function exportReport(report, format) {
  const { text: _text, ...rest } = report;
  const res = await request(`/api/export?format=${encodeURIComponent(format)}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(rest),
  });
  return res.blob();
}

/** Query string of the non-empty values. */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== null && v !== '' && v !== false) u.set(k, v === true ? '1' : String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** GET a corpus route: /api/reports, /api/bodies/3 … with a query. */
export async function get(path, params) {
  return (await request(`${path}${qs(params)}`)).json();
}

/** Who is signed in: { user (null when nobody), csrf_token, public_corpus, roles }. */
export async function me() {
  const data = await (await request('/api/auth/me')).json();
  setCsrfToken(data.csrf_token);
  return data;
}

export async function signIn(name, password, code) {
  const body = { name, password, ...(code ? { code } : {}) };
  const data = await (await request('/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json();
  setCsrfToken(data.csrf_token);
  return data;
}

export async function signOut() {
  await request('/api/auth/logout', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  setCsrfToken(null);
}
