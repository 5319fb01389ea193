// Whether a user's grants give a capability (roles.ts), and for a body-scoped one whether a grant
// covers that body: a registrar's or reviewer's body itself; a superior's region — the body's
// division code starts with the grant's prefix, or the body is the parent body, a department of
// its region or any body in a region below it (bodies.region_parts, as `aggregate --parent-body`).

import type { Queryable } from '../store/db.js';
import { CAPABILITIES, type CapabilityKey } from './roles.js';
import type { Grant } from './users.js';

export function hasCapability(grants: Grant[], cap: CapabilityKey): boolean {
  const c = CAPABILITIES[cap];
  return grants.some((g) => (c.roles as readonly string[]).includes(g.role));
}

/** The grants of `grants` that give `cap` for body `bodyId`. */
export async function grantsCovering(q: Queryable, grants: Grant[], cap: CapabilityKey, bodyId: number): Promise<Grant[]> {
  const c = CAPABILITIES[cap];
  const personal = 'personal' in c && c.personal;
  const out: Grant[] = [];
  for (const g of grants) {
    if (!(c.roles as readonly string[]).includes(g.role)) continue;
    // a superior sees the applicants' personal data of its region only when granted
    if (personal && g.role === 'superior' && !g.personal_data) continue;
    if (g.body_id !== null && g.body_id === bodyId) {
      out.push(g);
      continue;
    }
    if (g.role !== 'superior') continue;
    if (g.division_prefix === null && g.parent_body_id === null) continue;
    const rows = await q.query(
      `select 1 from bodies b where b.id = $1 and (
         ($2::text is not null and b.division_code like $2 || '%')
         or ($3::int is not null and (b.id = $3 or exists (
              select 1 from bodies p where p.id = $3 and p.level is distinct from '部门' and cardinality(p.region_parts) > 0 and b.region_parts @> p.region_parts))))`,
      [bodyId, g.division_prefix, g.parent_body_id]);
    if (rows.length) out.push(g);
  }
  return out;
}
