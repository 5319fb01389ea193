// The office side, per body, mounted at /api/office: today the body's workspace (the body and
// what the caller may do there); the register and draft routes are declared in routes.ts and
// answer 501 after their access check until their features land.

import { Hono } from 'hono';
import { CAPABILITIES, type CapabilityKey } from '../auth/roles.js';
import { grantsCovering } from '../auth/scope.js';
import { HttpError } from './errors.js';
import { declare, needStore, sessionOf } from './guard.js';
import { ROUTES } from './routes.js';

export function officeRoutes(): Hono {
  const api = new Hono();

  declare(api, '/api/office', 'GET', '/bodies/:body', async (c) => {
    const db = needStore(c);
    const s = sessionOf(c);
    const id = Number(c.req.param('body'));
    const [body] = await db.query<{ id: number; name: string; level: string | null; region: string | null; division_code: string | null }>(
      'select id, name, level, region, division_code from bodies where id = $1', [id]);
    const may: { capability: string; zh: string; en: string }[] = [];
    for (const [key, cap] of Object.entries(CAPABILITIES)) {
      if (cap.scope !== 'body') continue;
      if ((await grantsCovering(db, s.user.grants, key as CapabilityKey, id)).length) may.push({ capability: key, zh: cap.zh, en: cap.en });
    }
    return c.json({ body, may });
  });

  for (const r of ROUTES.filter((x) => x.planned && x.path.startsWith('/api/office/'))) {
    declare(api, '/api/office', r.method, r.path.slice('/api/office'.length), () => {
      throw new HttpError(501, 'not_implemented', '此功能尚未开放 / not available yet');
    });
  }
  return api;
}
