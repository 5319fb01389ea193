// gongkai user … and gongkai audit … (#14): the first administrator from the command line with
// the password on stdin (never argv), grants by body name, disabling, the audit log listed and
// exported; bad input is a one-line message and exit 2.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../src/store/db.js';
import { BIN } from './backends.js';

function gongkai(args: string[], input = '') {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('user add / list / grant / disable and audit list / export', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gk-cli-acc-'));
  const data = join(tmp, 'data');
  const d = ['--data', data];
  try {
    const argv = gongkai(['user', 'add', '--admin', 'root', '--password', 'Hunter-22-long', ...d]);
    assert.equal(argv.code, 2);
    assert.match(argv.err, /^gongkai: 密码不能写在命令行上.* \/ a password is never given on the command line/);
    const short = gongkai(['user', 'add', '--admin', 'root', ...d], 'short\n');
    assert.equal(short.code, 2);
    assert.match(short.err, /密码至少需要 10 个字符/);
    const none = gongkai(['user', 'add', '--admin', 'root', ...d], '');
    assert.equal(none.code, 2);
    assert.match(none.err, /标准输入中没有密码/);

    const add = gongkai(['user', 'add', '--admin', 'root', ...d], 'Hunter-22-long\n');
    assert.equal(add.code, 0, add.err);
    assert.match(add.out, /已建立用户 \/ user created: 1\troot\t正常 active\t#1 管理员 admin/);
    assert.equal(gongkai(['user', 'add', 'root', ...d], 'Hunter-22-long\n').code, 2, 'a second root');

    const db = await openDb({ dataDir: data, url: '' });
    await db.query(`insert into bodies (name, norm_name, level, division_code, region_parts) values ('示例市甲区人民政府', '示例市甲区人民政府', '县级', '990101', '{示例省,示例市,甲区}')`);
    await db.close();
    assert.equal(gongkai(['user', 'add', 'clerk', ...d], 'Ledger-9-quiet\n').code, 0);
    const grant = gongkai(['user', 'grant', 'clerk', '--role', 'registrar', '--body', '示例市甲区人民政府', ...d]);
    assert.equal(grant.code, 0, grant.err);
    assert.match(grant.out, /登记人员 registrar · 机关 body 示例市甲区人民政府/);
    const badGrant = gongkai(['user', 'grant', 'clerk', '--role', 'registrar', '--division', '9901', ...d]);
    assert.equal(badGrant.code, 2);
    assert.match(badGrant.err, /登记人员 \(registrar\) 须指定一个机关/);
    assert.match(gongkai(['user', 'grant', 'clerk', '--role', 'registrar', '--body', '没有这个机关', ...d]).err, /没有名为“没有这个机关”的机关/);
    assert.equal(gongkai(['user', 'disable', 'clerk', ...d]).code, 0);
    const lastAdmin = gongkai(['user', 'disable', 'root', ...d]);
    assert.equal(lastAdmin.code, 2);
    assert.match(lastAdmin.err, /不能停用最后一个管理员/);

    const list = gongkai(['user', 'list', '--json', ...d]);
    const users = JSON.parse(list.out) as { name: string; disabled: boolean; grants: { role: string; body_name: string | null }[] }[];
    assert.deepEqual(users.map((u) => [u.name, u.disabled, u.grants.map((g) => `${g.role}:${g.body_name ?? ''}`)]), [['root', false, ['admin:']], ['clerk', true, ['registrar:示例市甲区人民政府']]]);
    assert.doesNotMatch(list.out, /argon2|Hunter|Clerk-password/);

    const audit = gongkai(['audit', 'list', ...d]);
    assert.equal(audit.code, 0);
    assert.match(audit.out, /user\.disable/);
    assert.match(audit.out, /user\.grant/);
    assert.match(audit.out, /命令行 \(/);
    const out = join(tmp, 'audit.csv');
    assert.equal(gongkai(['audit', 'export', '--out', out, ...d]).code, 0);
    const csv = readFileSync(out, 'utf8');
    assert.match(csv, /^id,at,actor_id,actor_name,address,action,/);
    assert.equal(csv.trim().split('\r\n').length, 1 + 4, 'header + 2 creates, 1 grant, 1 disable; the refused ones change nothing and are not logged: ' + csv);
    assert.doesNotMatch(csv, /argon2|Hunter|Clerk-password/);
    assert.match(gongkai(['audit', 'list', ...d]).out, /audit\.export/, 'the export is itself logged');
    assert.equal(gongkai(['user', 'frobnicate', ...d]).code, 2);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
