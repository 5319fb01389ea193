// The web app end to end in headless Chromium (Debian package `chromium`): upload a report, see
// the ambiguous row marked, follow a finding to its cells and source, and check that script in
// a report never runs. Skipped when /usr/bin/chromium is absent. Screenshots go to
// test-output/screenshots/ (gitignored).

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createApp } from '../src/server/app.js';
import type { Report } from '../src/types.js';
import { openRig, skip, SHOTS, type BrowserRig } from './browser.js';
import { FIXTURES, fixture } from './helpers.js';

const SEED_PATH = join(FIXTURES, 'corpus', 'input', 'seed001-chaoyang-2021.txt');

describe('web app in Chromium', { skip }, () => {
  let rig: BrowserRig | undefined;
  let base = '';
  let page: Page;
  const dialogs: string[] = [];
  const problems: string[] = [];

  before(async () => {
    // The expected 422 of the error test is logged by Chromium as a failed resource load.
    rig = await openRig(createApp(), { width: 1440, height: 900 }, problems, /status of 422/);
    ({ base, page } = rig);
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  });

  after(async () => {
    await rig?.close();
  });

  test('the empty page: upload area in Chinese', async () => {
    await page.goto(base + '/');
    await page.waitForSelector('.dropzone');
    assert.match(await page.locator('h1').innerText(), /检查报告/);
    assert.match(await page.locator('.dropzone').innerText(), /选择文件/);
    assert.equal(await page.title(), '检查报告 · gongkai');
    await page.screenshot({ path: join(SHOTS, 'check-empty.png') });
  });

  test('upload a report: metadata, summary, tables; the ambiguous row is marked', async () => {
    await page.setInputFiles('#file-input', SEED_PATH);
    await page.waitForSelector('.report-main .tables');
    assert.match(await page.locator('.report-head h2').innerText(), /朝阳市人民政府办公室/);
    const meta = await page.locator('.report-head .meta').innerText();
    assert.match(meta, /2021/);
    assert.match(meta, /国办公开办函〔2021〕30号/);
    assert.match(meta, /辽宁省朝阳市/);
    assert.match(await page.locator('.summary .verdict').innerText(), /警告/);
    assert.match(await page.locator('.summary .top-findings').innerText(), /单元格无法从原文确定/);

    // Table 三 drawn in the template layout: 3 header rows, 申请人情况 over 7 columns, vertical group.
    assert.equal(await page.locator('table.t-requests thead tr').count(), 3);
    assert.equal(await page.locator('table.t-requests thead th', { hasText: '申请人情况' }).getAttribute('colspan'), '7');
    assert.equal(await page.locator('table.t-requests th.vertical').innerText().then((t) => t.replace(/\s/g, '')), '三、本年度办理结果');
    assert.equal(await page.locator('table.t-review_litigation thead th', { hasText: '行政诉讼' }).getAttribute('colspan'), '10');
    assert.equal(await page.locator('table.t-review_litigation thead th', { hasText: '未经复议直接起诉' }).getAttribute('colspan'), '5');

    // The 行政规范性文件 row: three ambiguous cells with their candidates shown.
    const amb = page.locator('td.cell[data-cell^="active.normative_documents."]');
    assert.equal(await amb.count(), 3);
    for (let i = 0; i < 3; i++) {
      assert.equal(await amb.nth(i).getAttribute('data-status'), 'ambiguous');
      assert.match((await amb.nth(i).getAttribute('class')) ?? '', /st-ambiguous/);
      assert.match(await amb.nth(i).locator('.cands').innerText(), /\d+ \/ \d+/);
    }
    assert.match((await amb.first().getAttribute('title')) ?? '', /存疑[\s\S]*候选值/);
    assert.equal(await page.locator('td.cell[data-cell="requests.new_received.natural_person"]').innerText(), '63');

    // Every cell drawn shows the status and value the API reports for it.
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(fixture('corpus', 'input', 'seed001-chaoyang-2021.txt'))]), 'seed001-chaoyang-2021.txt');
    const report = (await (await fetch(`${base}/api/parse`, { method: 'POST', headers: { origin: base }, body: form })).json()) as Report;
    const drawn = await page.locator('td.cell').evaluateAll((tds) => tds.map((td) => [(td as HTMLElement).dataset.cell, (td as HTMLElement).dataset.status, td.querySelector('.v')?.textContent ?? '']));
    assert.equal(drawn.length, 10 + 25 * 7 + 15);
    for (const [path, status, shown] of drawn) {
      const [t, r, c] = String(path).split('.');
      const cell = report.tables[t as keyof Report['tables']]?.[r]?.[c];
      assert.equal(status, cell?.status ?? 'none', String(path));
      if (cell?.status === 'read' || cell?.status === 'inferred' || cell?.status === 'blank') assert.equal(shown, String(cell.value), String(path));
    }
    await page.screenshot({ path: join(SHOTS, 'check-report.png') });
    await page.screenshot({ path: join(SHOTS, 'check-report-full.png'), fullPage: true });
  });

  test('click a cell: its span highlighted in the source, in view', async () => {
    await page.click('td.cell[data-cell="requests.new_received.natural_person"]');
    const mark = page.locator('.source-text mark.src-primary');
    await mark.waitFor();
    assert.equal(await mark.innerText(), '63');
    assert.match(await page.locator('.inspector').innerText(), /本年新收政府信息公开申请数量/);
    assert.match((await page.locator('td.cell[data-cell="requests.new_received.natural_person"]').getAttribute('class')) ?? '', /\bsel\b/);
    await page.waitForFunction(() => {
      const m = document.querySelector('.source-text mark');
      const box = document.querySelector('.source-scroll');
      if (!m || !box) return false;
      const a = m.getBoundingClientRect(), b = box.getBoundingClientRect();
      return a.top >= b.top && a.bottom <= b.bottom;
    });
    await page.screenshot({ path: join(SHOTS, 'check-cell.png') });
  });

  test('click a finding: its cells highlighted in the tables and the source', async () => {
    await page.click('li.finding[data-rule="cell.ambiguous"] .finding-main');
    const hl = page.locator('td.cell.hl');
    assert.equal(await hl.count(), 3);
    for (let i = 0; i < 3; i++) assert.match((await hl.nth(i).getAttribute('data-cell')) ?? '', /^active\.normative_documents\./);
    assert.match((await page.locator('li.finding[data-rule="cell.ambiguous"]').getAttribute('class')) ?? '', /\bactive\b/);
    const marks = page.locator('.source-text mark');
    assert.ok((await marks.count()) >= 1);
    assert.match(await marks.first().innerText(), /行政规范性文件/);
    await page.screenshot({ path: join(SHOTS, 'check-finding.png') });

    // A finding whose cells were read from the source (when the parser reports one): marks on their digits.
    const read = page.locator('li.finding[data-rule="solve.prose_evidence"] .finding-main');
    if (await read.count()) {
      await read.click();
      assert.ok((await page.locator('td.cell.hl').count()) >= 1);
      const texts = await page.locator('.source-text mark').allInnerTexts();
      assert.ok(texts.length >= 1 && texts.every((t) => /^\d+$/.test(t)), `marks: ${texts.join(',')}`);
    }
  });

  test('downloads: JSON and CSV', async () => {
    const [json] = await Promise.all([page.waitForEvent('download'), page.click('.downloads button:has-text("JSON")')]);
    assert.equal(json.suggestedFilename(), 'seed001-chaoyang-2021.json');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('.downloads button:has-text("CSV")')]);
    assert.equal(csv.suggestedFilename(), 'seed001-chaoyang-2021.csv');
    const path = await csv.path();
    const { readFileSync } = await import('node:fs');
    assert.match(readFileSync(path, 'utf8'), /^table,row,column,value,status,candidates\r\n/);
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('.downloads button:has-text("Excel")')]);
    assert.equal(xlsx.suggestedFilename(), 'seed001-chaoyang-2021.xlsx');
  });

  test('script in a report never runs', async () => {
    const text = fixture('corpus', 'input', 'seed001-chaoyang-2021.txt').toString('utf8')
      .replace('朝阳市政府办公室2021年', '朝阳市政府办公室<img src=x onerror="window.__pwned=1;alert(1)">2021年')
      .replace('信息来源:朝阳市人民政府办公室', '信息来源:朝阳市人民政府办公室<script>window.__pwned=2;alert(2)</script>')
      .replace('一、总体情况\n', '一、总体情况\n<svg onload="window.__pwned=3;alert(3)"></svg><iframe src="javascript:alert(4)"></iframe>\n');
    await page.click('.intake-head button:has-text("检查另一份报告")');
    await page.setInputFiles('#file-input', { name: '<img src=x onerror="window.__pwned=4;alert(5)">.txt', mimeType: 'text/plain', buffer: Buffer.from(text, 'utf8') });
    await page.waitForFunction(() => document.querySelector('.source-text')?.textContent?.includes('window.__pwned=2'));
    // Payloads shown as text (file name in the metadata, tags in the source), nothing executed.
    assert.match(await page.locator('.report-head .meta').innerText(), /<img src=x onerror=/);
    assert.match(await page.locator('.source-text').innerText(), /<script>window.__pwned=2;alert\(2\)<\/script>/);
    await page.click('li.finding[data-rule="cell.ambiguous"] .finding-main');
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.deepEqual(dialogs, []);
    assert.equal(await page.locator('#app script, #app img, #app svg, #app iframe').count(), 0);
    await page.screenshot({ path: join(SHOTS, 'check-injection.png') });
  });

  test('errors are shown in plain Chinese', async () => {
    await page.click('.intake-head button:has-text("检查另一份报告")');
    await page.setInputFiles('#file-input', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('今天天气很好，我们去公园散步。'.repeat(20), 'utf8') });
    const alert = page.locator('.alert[role="alert"]');
    await alert.waitFor();
    assert.match(await alert.innerText(), /不是政府信息公开工作年度报告/);
    await page.screenshot({ path: join(SHOTS, 'check-error.png') });
    await page.setInputFiles('#file-input', { name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0) });
    await page.waitForFunction(() => document.querySelector('.alert')?.textContent?.includes('文件为空'));
  });

  test('paste text', async () => {
    await page.goto(base + '/check');
    await page.click('details.paste summary');
    await page.fill('details.paste textarea', fixture('corpus', 'input', 'seed001-chaoyang-2021.txt').toString('utf8'));
    await page.click('details.paste button');
    await page.waitForSelector('td.cell[data-status="ambiguous"]');
    assert.match(await page.locator('.report-head .meta').innerText(), /粘贴的文字/);
  });

  test('no script errors, CSP violations or failed requests', () => {
    assert.deepEqual(problems, []);
  });
});
