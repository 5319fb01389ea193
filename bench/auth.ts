// npm run bench:auth — what sign-in costs: one Argon2id hash and verify with the stated
// parameters, and a whole sign-in (POST /api/auth/login on a PGlite store: lockout check, verify,
// session row, audit row) and a signed-in request (the session looked up by its hash).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/server/app.js';
import { hashPassword, verifyPassword } from '../src/auth/passwords.js';
import { createUser } from '../src/auth/users.js';
import { openDb } from '../src/store/db.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(n: number, fn: () => unknown): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return median(out);
}

const pw = 'Bench-password-42';
const h = await hashPassword(pw);
console.log(`argon2id hash   median ${(await time(20, () => hashPassword(pw))).toFixed(1)} ms`);
console.log(`argon2id verify median ${(await time(20, () => verifyPassword(h, pw))).toFixed(1)} ms`);

const dir = mkdtempSync(join(tmpdir(), 'gk-bench-auth-'));
const db = await openDb({ dataDir: join(dir, 'data'), url: '', create: true });
try {
  await createUser(db, { id: null, name: 'bench', address: 'bench' }, { name: 'bencher', password: pw });
  const app = createApp({ store: db });
  const login = () => app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://localhost' }, body: JSON.stringify({ name: 'bencher', password: pw }) });
  console.log(`sign-in request median ${(await time(20, login)).toFixed(1)} ms`);
  const cookie = ((await login()).headers.get('set-cookie') ?? '').split(';')[0];
  console.log(`signed-in GET /api/auth/me median ${(await time(50, () => app.request('/api/auth/me', { headers: { cookie } }))).toFixed(2)} ms`);
} finally {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
