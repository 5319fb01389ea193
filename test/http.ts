// Requests as a browser on the same site sends them: the Origin header on every request that is
// not GET/HEAD (Hono's csrf refuses a form-like request without it), and — once signed in — the
// session cookie and the CSRF token.
import type { Hono } from 'hono';

export const ORIGIN = 'http://localhost';

function withOriginInit(init: RequestInit | undefined, origin: string): RequestInit | undefined {
  const method = (init?.method ?? 'GET').toUpperCase();
  if (method === 'GET' || method === 'HEAD') return init;
  const headers = new Headers(init?.headers);
  if (!headers.has('origin')) headers.set('origin', origin);
  return { ...init, headers };
}

/** The app, its `request` sending Origin like a browser on the same site. */
export function sameSite(app: Hono, origin = ORIGIN): Hono {
  const wrapped = Object.create(app) as Hono;
  wrapped.request = ((input: string | Request | URL, init?: RequestInit, ...rest: unknown[]) =>
    (app.request as (...a: unknown[]) => Response | Promise<Response>)(input, withOriginInit(init, origin), ...rest)) as Hono['request'];
  return wrapped;
}

/** fetch with Origin (a real socket: the origin is the server's base URL). */
export const fetchSameSite = (base: string) => (url: string, init?: RequestInit) => fetch(url, withOriginInit(init, base));

/** A signed-in browser: the session cookie and its CSRF token on every request. */
export interface Agent {
  request(path: string, init?: RequestInit): Promise<Response>;
  cookie: string;
  csrf: string;
}

export async function signIn(app: Hono, name: string, password: string, extra: Record<string, string> = {}): Promise<Agent> {
  const res = await app.request('/api/auth/login', {
    method: 'POST', headers: { 'content-type': 'application/json', origin: ORIGIN, ...extra }, body: JSON.stringify({ name, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${name}: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  const { csrf_token } = (await res.json()) as { csrf_token: string };
  return {
    cookie, csrf: csrf_token,
    request(path, init) {
      const headers = new Headers(init?.headers);
      headers.set('cookie', cookie);
      const method = (init?.method ?? 'GET').toUpperCase();
      if (method !== 'GET' && method !== 'HEAD') {
        if (!headers.has('origin')) headers.set('origin', ORIGIN);
        if (!headers.has('x-csrf-token')) headers.set('x-csrf-token', csrf_token);
      }
      for (const [k, v] of Object.entries(extra)) if (!headers.has(k)) headers.set(k, v);
      return Promise.resolve(app.request(path, { ...init, headers }));
    },
  };
}
