// Access control on the HTTP side: who is asking (the session cookie, the client address), the
// CSRF token on every state-changing request of a signed-in user, and the check each route
// declares in routes.ts, put in front of its handler by `declare`.
//
// CSRF, two layers: Hono's `csrf` (app.ts) refuses form-like requests (form, multipart, text)
// whose Origin / Sec-Fetch-Site is not this site; other content types (JSON) cannot be sent
// cross-site without a CORS preflight, which this service never grants. On top, a signed-in
// request that changes anything must carry the session's token in `X-CSRF-Token` (given by
// sign-in and GET /api/auth/me), so a cookie alone never acts.

import type { Context, Hono, MiddlewareHandler } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Db } from '../store/db.js';
import { grantsCovering, hasCapability } from '../auth/scope.js';
import { DEFAULT_POLICY, findSession, sameSecret, type Session, type SessionPolicy } from '../auth/sessions.js';
import { CAPABILITIES } from '../auth/roles.js';
import { HttpError } from './errors.js';
import { findRoute, type Method, type RouteDecl } from './routes.js';

export interface AuthOptions {
  store?: Db;
  /** The corpus and the checker without sign-in (default true; GONGKAI_PUBLIC_CORPUS=0 turns it off). */
  publicCorpus: boolean;
  /**
   * Behind a reverse proxy: trust its X-Forwarded-For (the last address, the one the proxy saw)
   * and X-Forwarded-Proto (https → the cookie is Secure). Never set it without a proxy in front:
   * a client could then claim any address.
   */
  trustProxy: boolean;
  policy: SessionPolicy;
  now: () => Date;
}

export const defaultAuthOptions = (o: Partial<AuthOptions> = {}): AuthOptions => ({
  publicCorpus: true, trustProxy: false, policy: DEFAULT_POLICY, now: () => new Date(), ...o,
});

declare module 'hono' {
  interface ContextVariableMap {
    auth: AuthOptions;
    session: Session | null;
    address: string;
  }
}

export const CSRF_HEADER = 'x-csrf-token';

/** The cookie's name: `__Host-` over HTTPS (the browser then insists on Secure, Path=/ and no Domain). */
export const cookieName = (secure: boolean) => (secure ? '__Host-gongkai_session' : 'gongkai_session');

export function isHttps(c: Context): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  return c.get('auth').trustProxy && (c.req.header('x-forwarded-proto') ?? '').split(',')[0].trim().toLowerCase() === 'https';
}

function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (hops.length) return hops[hops.length - 1].slice(0, 64);
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // not served by @hono/node-server (app.request in tests)
  }
}

export function setSessionCookie(c: Context, id: string): void {
  const secure = isHttps(c);
  setCookie(c, cookieName(secure), id, { httpOnly: true, sameSite: 'Lax', secure, path: '/' });
}

export function clearSessionCookie(c: Context): void {
  const secure = isHttps(c);
  deleteCookie(c, cookieName(secure), { httpOnly: true, sameSite: 'Lax', secure, path: '/' });
}

/** First middleware: the options, the client's address and the session (or null) on the context. */
export function identify(opts: AuthOptions): MiddlewareHandler {
  return async (c, next) => {
    c.set('auth', opts);
    c.set('address', clientAddress(c, opts.trustProxy));
    c.set('session', null);
    const id = getCookie(c, cookieName(isHttps(c)));
    if (id && opts.store) {
      const s = await findSession(opts.store, id, opts.now(), opts.policy);
      if (s) c.set('session', s);
      else clearSessionCookie(c);
    }
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method);
    const session = c.get('session');
    // signing in again replaces the session whatever the token says; anything else needs it
    if (unsafe && session && c.req.path !== '/api/auth/login') {
      const token = c.req.header(CSRF_HEADER) ?? '';
      if (!sameSecret(token, session.csrf)) {
        throw new HttpError(403, 'csrf_token', '请求缺少有效的防伪令牌，请刷新页面后重试 / missing or wrong CSRF token: reload the page and try again');
      }
    }
    await next();
  };
}

const signInRequired = () => new HttpError(401, 'sign_in_required', '请先登录 / please sign in');
const forbidden = () => new HttpError(403, 'forbidden', '您的账户没有此项权限 / your account may not do this');
const outOfScope = () => new HttpError(403, 'out_of_scope', '此机关不在您的权限范围内 / this body is outside your scope');

/** The check a route declares (routes.ts). */
export function authorize(decl: RouteDecl): MiddlewareHandler {
  return async (c, next) => {
    const opts = c.get('auth');
    const session = c.get('session');
    const a = decl.access;
    if (a.kind === 'public_site' && !opts.publicCorpus && !session) throw signInRequired();
    if (a.kind === 'signed_in' && !session) throw signInRequired();
    if (a.kind === 'capability') {
      if (!session) throw signInRequired();
      const capability = CAPABILITIES[a.capability];
      if (!hasCapability(session.user.grants, a.capability)) throw forbidden();
      if (capability.scope === 'body') {
        const raw = c.req.param('body') ?? '';
        const bodyId = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
        // an unknown body and a body outside the scope get the same answer: nothing leaks
        if (!opts.store || !Number.isInteger(bodyId) || !(await grantsCovering(opts.store, session.user.grants, a.capability, bodyId)).length) throw outOfScope();
      }
    }
    await next();
  };
}

/** Registers a route of routes.ts on `app` (mounted at `base`) with its declared check first. */
export function declare(app: Hono, base: string, method: Method, path: string, handler: (c: Context) => Response | Promise<Response>): void {
  const decl = findRoute(method, base + path);
  if (!decl) throw new Error(`${method} ${base + path} is not declared in src/server/routes.ts`);
  app.on(method, path, authorize(decl), handler);
}

/** The session of a route that declared signed_in or a capability (authorize ran). */
export function sessionOf(c: Context): Session {
  const s = c.get('session');
  if (!s) throw signInRequired();
  return s;
}

export function needStore(c: Context): Db {
  const store = c.get('auth').store;
  if (!store) throw new HttpError(503, 'no_store', '没有打开数据库：请用 npm start 启动服务 / no store is open: start the service with npm start');
  return store;
}
