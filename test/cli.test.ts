// The command line: JSON out, JSON Lines for several files, stdin, exit codes and one clear line per bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from './helpers.js';

const BIN = join(FIXTURES, '..', '..', 'bin', 'gongkai.js');
const run = (args: string[], input?: string | Buffer) => spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
const seed = (n: string) => join(FIXTURES, 'corpus', 'input', `${n}.txt`);

test('parse --json prints one contract object; several files print JSON Lines in order', () => {
  const one = run(['parse', '--json', seed('seed002-benge-2023')]);
  assert.equal(one.status, 0);
  assert.equal(JSON.parse(one.stdout).schema, 'gongkai/report@1');
  const two = run(['parse', '--json', seed('seed002-benge-2023'), seed('seed001-chaoyang-2021')]);
  const lines = two.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((r) => r.meta.year), [2023, 2021]);
});

test('parse - reads stdin', () => {
  const r = run(['parse', '-'], Buffer.from('某某局2021年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况\n'));
  assert.equal(r.status, 0);
  assert.equal(JSON.parse(r.stdout).meta.agency, '某某局');
});

test('check prints the tables for people, no colour under NO_COLOR, exit 0 without errors', () => {
  const r = run(['check', seed('seed001-chaoyang-2021')]);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /三、收到和处理政府信息公开申请情况/);
  assert.match(r.stdout, /\?0\/6\/62|\?[0-9/]+/);
  assert.ok(!r.stdout.includes('\u001b['));
});

test('check exits 1 when a rule is broken', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gk-cli-'));
  const f = join(dir, 'broken.txt');
  writeFileSync(f, '某某局2021年政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计\n1 | 0 | 0 | 0 | 5 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n五、存在的主要问题及改进情况\n');
  const r = run(['check', f]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /review_litigation\.group_total/);
});

test('bad inputs: one clear line each on stderr, exit 2, nothing on stdout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gk-cli-'));
  const cases: [string, Buffer | null, RegExp][] = [
    ['empty.txt', Buffer.alloc(0), /为空/],
    ['binary.dat', Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 131) % 256)), /二进制|编码/],
    ['not-a-report.txt', Buffer.from('今天天气很好，我们去公园散步。'), /不是政府信息公开工作年度报告/],
    ['missing.txt', null, /无法读取文件/],
  ];
  for (const [name, bytes, re] of cases) {
    const f = join(dir, name);
    if (bytes) writeFileSync(f, bytes);
    const r = run(['parse', '--json', f]);
    assert.equal(r.status, 2, name);
    assert.equal(r.stdout, '', name);
    assert.match(r.stderr, re, name);
    assert.equal(r.stderr.trim().split('\n').length, 1, name);
    assert.ok(!/\s+at\s/.test(r.stderr), `${name}: no stack trace`);
  }
  const usage = run([]);
  assert.equal(usage.status, 2);
});
