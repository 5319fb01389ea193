// Every API route and what it needs — the one table access control is read from. A route is
// registered through `declare` (guard.ts), which finds its line here and puts the check in front
// of the handler; createApp refuses to start when a registered /api route is missing here or a
// line here has no route. test/access.test.ts walks every line with every role.
//
// Who:
//   anyone        no sign-in (health, templates, the sign-in itself)
//   public_site   the published-report corpus and the report checker: anyone, unless the
//                 deployment sets GONGKAI_PUBLIC_CORPUS=0 — then any signed-in user
//   signed_in     any signed-in user
//   capability    a capability of src/auth/roles.ts; when it is body-scoped the path's `:body`
//                 names the body and one of the user's grants must cover it
//
// Register and draft routes are declared here ahead of their features (`planned`): the check runs
// and the handler answers 501 until the feature replaces it. A new office route is one more line
// like them, with the capability it needs.

import type { CapabilityKey } from '../auth/roles.js';

export type Access =
  | { kind: 'anyone' }
  | { kind: 'public_site' }
  | { kind: 'signed_in' }
  | { kind: 'capability'; capability: CapabilityKey };

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteDecl {
  method: Method;
  path: string;
  access: Access;
  /** Declared before its feature: answers 501 after the access check. */
  planned?: boolean;
}

const anyone: Access = { kind: 'anyone' };
const publicSite: Access = { kind: 'public_site' };
const signedIn: Access = { kind: 'signed_in' };
const cap = (capability: CapabilityKey): Access => ({ kind: 'capability', capability });

export const ROUTES: readonly RouteDecl[] = [
  // service
  { method: 'GET', path: '/api/health', access: anyone },
  { method: 'GET', path: '/api/templates', access: anyone },
  { method: 'GET', path: '/api/template/:version', access: anyone },
  // the report checker (stores nothing)
  { method: 'POST', path: '/api/parse', access: publicSite },
  { method: 'POST', path: '/api/export', access: publicSite },
  // the published-report corpus (src/server/corpus.ts)
  { method: 'GET', path: '/api/corpus', access: publicSite },
  { method: 'GET', path: '/api/reports', access: publicSite },
  { method: 'GET', path: '/api/reports/:id', access: publicSite },
  { method: 'GET', path: '/api/bodies', access: publicSite },
  { method: 'GET', path: '/api/bodies/:id', access: publicSite },
  { method: 'GET', path: '/api/dashboard', access: publicSite },
  { method: 'GET', path: '/api/compare', access: publicSite },
  { method: 'GET', path: '/api/compare/pairs', access: publicSite },
  // signing in (src/server/accounts.ts)
  { method: 'POST', path: '/api/auth/login', access: anyone },
  { method: 'GET', path: '/api/auth/me', access: anyone },
  { method: 'POST', path: '/api/auth/logout', access: signedIn },
  { method: 'POST', path: '/api/auth/password', access: signedIn },
  // accounts and the audit log
  { method: 'GET', path: '/api/users', access: cap('users.manage') },
  { method: 'POST', path: '/api/users', access: cap('users.manage') },
  { method: 'GET', path: '/api/users/:id', access: cap('users.manage') },
  { method: 'POST', path: '/api/users/:id/disable', access: cap('users.manage') },
  { method: 'POST', path: '/api/users/:id/enable', access: cap('users.manage') },
  { method: 'POST', path: '/api/users/:id/password', access: cap('users.manage') },
  { method: 'POST', path: '/api/users/:id/grants', access: cap('users.manage') },
  { method: 'DELETE', path: '/api/users/:id/grants/:grant', access: cap('users.manage') },
  { method: 'GET', path: '/api/audit', access: cap('audit.read') },
  { method: 'GET', path: '/api/audit/export', access: cap('audit.read') },
  // the office side, per body (src/server/office.ts)
  { method: 'GET', path: '/api/office/bodies/:body', access: cap('body.view') },
  { method: 'GET', path: '/api/office/bodies/:body/register', access: cap('register.read'), planned: true },
  { method: 'POST', path: '/api/office/bodies/:body/register', access: cap('register.write'), planned: true },
  { method: 'GET', path: '/api/office/bodies/:body/register/export', access: cap('register.export'), planned: true },
  { method: 'GET', path: '/api/office/bodies/:body/register/counts', access: cap('register.counts'), planned: true },
  { method: 'GET', path: '/api/office/bodies/:body/drafts', access: cap('drafts.read'), planned: true },
  { method: 'POST', path: '/api/office/bodies/:body/drafts', access: cap('drafts.write'), planned: true },
];

export function findRoute(method: string, path: string): RouteDecl | undefined {
  return ROUTES.find((r) => r.method === method && r.path === path);
}
