// The corpus pages end to end in headless Chromium (Debian `chromium`, playwright-core), over a
// temporary PGlite store holding the bundled examples: search and filter the reports, open a
// body's page and see its charts (one point per year with a value, the missing year shaded),
// compare two reports and see a difference marked, the region's year-on-year pairs, the dashboard,
// a stored report with its source. Skipped when /usr/bin/chromium is absent. Screenshots go to
// test-output/screenshots/ (gitignored), like test/e2e.test.ts.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createApp } from '../src/server/app.js';
import { openDb, type Db } from '../src/store/db.js';
import { collectPaths, ingest, storeReport } from '../src/store/ingest.js';
import { parseReport } from '../src/parse.js';
import { openRig, skip, SHOTS, type BrowserRig } from './browser.js';
import { FIXTURES } from './helpers.js';

const ROOT = join(FIXTURES, '..', '..');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('corpus pages in Chromium', { skip }, () => {
  let tmp = '';
  let db: Db;
  let rig: BrowserRig | undefined;
  let base = '';
  let page: Page;
  const problems: string[] = [];
  const api = async (path: string): Promise<Json> => (await (await fetch(base + path)).json()) as Json;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'gk-e2e-corpus-'));
    db = await openDb({ dataDir: join(tmp, 'data'), url: '', create: true });
    const s = await ingest(db, collectPaths([join(ROOT, 'examples')]).files, { workers: 2 });
    assert.equal(s.failed.length, 0);
    // a laptop screen
    rig = await openRig(createApp({ store: db }), { width: 1366, height: 768 }, problems);
    ({ base, page } = rig);
  });

  after(async () => {
    await rig?.close();
    await db?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('报告库: search by name, then filter by year; navigation to every page', async () => {
    await page.goto(base + '/corpus');
    await page.waitForSelector('table.list tbody tr');
    assert.equal(await page.title(), '报告库 · gongkai');
    assert.equal(await page.locator('table.list tbody tr').count(), 18);
    assert.deepEqual(await page.locator('#nav a').allInnerTexts(), ['检查报告', '报告库', '机关', '总览', '对比', '批量对比']);
    assert.equal(await page.locator('#nav a[aria-current="page"]').innerText(), '报告库');

    await page.fill('input[name="body"]', '教育局');
    await page.click('form.filters button[type="submit"]');
    await page.waitForURL(/\/corpus\?body=/);
    await page.waitForFunction(() => document.querySelectorAll('table.list tbody tr').length === 3);
    const bodies = await page.locator('table.list tbody tr td:nth-child(2)').allInnerTexts();
    assert.deepEqual(bodies, ['示例市教育局', '示例市教育局', '示例市教育局']);
    assert.match(await page.locator('.toolbar strong').innerText(), /找到 3 份报告/);

    await page.selectOption('select[name="year"]', '2024');
    await page.click('form.filters button[type="submit"]');
    await page.waitForFunction(() => document.querySelectorAll('table.list tbody tr').length === 1);
    assert.equal(await page.locator('table.list tbody tr td:nth-child(5)').innerText(), '2024');
    assert.equal(new URL(page.url()).search, `?body=${encodeURIComponent('教育局')}&year=2024`);
    await page.screenshot({ path: join(SHOTS, 'corpus-search.png'), fullPage: true });

    await page.goto(base + '/corpus?has_errors=1');
    await page.waitForSelector('table.list tbody tr');
    const errors = await page.locator('table.list tbody tr .chip.sev-error').count();
    assert.equal(errors, await page.locator('table.list tbody tr').count(), 'every row has errors');
  });

  test('机关 page: its years with the missing one, charts with one point per year that has a value', async () => {
    await page.goto(base + '/bodies?q=' + encodeURIComponent('青禾'));
    await page.click('table.list a:has-text("示例市青禾区人民政府")');
    await page.waitForSelector('figure.chart[data-chart="applicants"] svg');
    assert.equal(await page.locator('h1').first().innerText().then((t) => t.split(/\s/)[0]), '示例市青禾区人民政府');
    const id = new URL(page.url()).searchParams.get('id');
    const data = await api(`/api/bodies/${id}`);

    // year strip: 2019–2024, 2021 shown as having no report
    assert.deepEqual(await page.locator('.year-box strong').allInnerTexts(), ['2019', '2020', '2021', '2022', '2023', '2024']);
    assert.equal(await page.locator('.year-box.missing-year').count(), 1);
    assert.match(await page.locator('.year-box.missing-year').innerText(), /2021[\s\S]*无报告/);

    for (const chart of data.charts as Json[]) {
      const fig = page.locator(`figure.chart[data-chart="${chart.key}"]`);
      assert.equal(await fig.locator('svg g.series').count(), chart.series.length, `${chart.key}: one group per series`);
      assert.equal(await fig.locator('svg rect.gap').count(), 1, `${chart.key}: the missing year shaded`);
      for (const s of chart.series as Json[]) {
        const want = s.values.filter((v: unknown) => typeof v === 'number').length;
        const pts = fig.locator(`svg g.series[data-series="${s.key}"] circle.pt`);
        assert.equal(await pts.count(), want, `${chart.key}.${s.key}: points`);
        assert.equal(want, 5, 'five years with a report');
        const years = await pts.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-year'))));
        assert.ok(!years.includes(2021));
      }
    }
    // the legend names the template's applicant columns; the points carry the stored values
    assert.match(await page.locator('figure.chart[data-chart="applicants"] .chart-legend').innerText(), /自然人[\s\S]*商业企业[\s\S]*总计/);
    const np = data.charts[0].series[0];
    const values = await page.locator('figure.chart[data-chart="applicants"] g.series[data-series="natural_person"] circle.pt').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
    assert.deepEqual(values, np.values.filter((v: unknown) => typeof v === 'number'));

    // cross-year findings
    const rules = await page.locator('.cross-year li.finding').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.rule));
    assert.ok(rules.includes('corpus.year_missing') && rules.includes('requests.carry_continuity'), rules.join(','));
    await page.screenshot({ path: join(SHOTS, 'body.png'), fullPage: true });
    await page.locator('figure.chart[data-chart="applicants"]').screenshot({ path: join(SHOTS, 'body-chart.png') });
  });

  test('对比: two reports side by side, the differences marked', async () => {
    // from the body page: 2024 against 2023
    await page.click('.year-box[data-year="2024"] a:has-text("与 2023 年对比")');
    await page.waitForSelector('table.diff tbody tr');
    const params = new URL(page.url()).searchParams;
    const cmp = await api(`/api/compare?a=${params.get('a')}&b=${params.get('b')}`);
    assert.match(await page.locator('.side-a h2').innerText(), /示例市青禾区人民政府 2023 年/);
    assert.match(await page.locator('.side-b h2').innerText(), /示例市青禾区人民政府 2024 年/);
    // the overall problems of each side come before the cells
    const order = await page.evaluate(() => {
      const side = document.querySelector('.sides');
      const table = document.querySelector('table.diff');
      return side && table ? side.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING : 0;
    });
    assert.ok(order, 'sides first');

    const changed = cmp.cells.filter((c: Json) => c.kind === 'changed');
    assert.ok(changed.length > 0);
    assert.equal(await page.locator('table.diff tr.diff-changed').count(), changed.length);
    assert.equal(await page.locator('table.diff tr.diff-same').evaluateAll((els) => els.filter((e) => getComputedStyle(e).display !== 'none').length), 0, 'same cells hidden');
    const c = changed[0];
    const row = page.locator(`table.diff tr[data-cell="${c.cell}"]`);
    assert.match((await row.getAttribute('class')) ?? '', /diff-changed/);
    assert.equal(await row.locator('td.delta').innerText(), c.delta > 0 ? `+${c.delta}` : String(c.delta));
    assert.equal(await row.locator('td').nth(0).innerText(), String(c.a.value));
    assert.equal(await row.locator('td').nth(1).innerText(), String(c.b.value));
    assert.equal(await row.locator('.kind').innerText(), '不同');
    assert.match(await page.locator('.summary-chips').innerText(), new RegExp(`不同 ${cmp.summary.changed}`));
    await page.screenshot({ path: join(SHOTS, 'compare.png') });

    await page.uncheck('#only-diff');
    assert.ok(await page.locator('table.diff tr.diff-same').first().isVisible());
  });

  test('对比 an undecided cell: marked as such, not as a change', async () => {
    const reports = (await api('/api/reports?per_page=200')).items as Json[];
    const a = reports.find((r) => r.body === '朝阳市人民政府办公室')!.id;
    const b = reports.find((r) => r.body === '淮安市人民政府')!.id;
    await page.goto(`${base}/compare?a=${a}&b=${b}`);
    await page.waitForSelector('table.diff tbody tr');
    const row = page.locator('table.diff tr[data-cell="active.normative_documents.issued"]');
    assert.match((await row.getAttribute('class')) ?? '', /diff-undecided/);
    assert.match((await row.locator('td').nth(0).getAttribute('class')) ?? '', /undecided/);
    assert.match(await row.locator('td').nth(0).innerText(), /^\? \d+ \/ \d+/);
    assert.match(await row.innerText(), /无法判断[\s\S]*甲存疑或缺失/);
    assert.match(await page.locator('.side-a').innerText(), /警告/);
    await page.screenshot({ path: join(SHOTS, 'compare-undecided.png') });
  });

  test('批量对比: a region, this year against last, largest change first', async () => {
    await page.goto(`${base}/batch?parent=${encodeURIComponent('示例市')}&year=2024`);
    await page.waitForSelector('table.pairs tbody tr');
    const rows = page.locator('table.pairs tbody tr');
    assert.equal(await rows.count(), 3);
    const sizes = (await page.locator('table.pairs tbody tr td:nth-child(3)').allInnerTexts()).map(Number);
    assert.deepEqual(sizes, [...sizes].sort((x, y) => y - x));
    await page.screenshot({ path: join(SHOTS, 'batch.png') });
    await rows.first().locator('a:has-text("逐格对比")').click();
    await page.waitForSelector('table.diff tbody tr.diff-changed');
  });

  test('总览: totals by year and by region', async () => {
    await page.goto(base + '/dashboard');
    await page.waitForSelector('table.totals tbody tr');
    const d = await api('/api/dashboard');
    assert.equal(await page.locator('table.totals tbody tr').count(), d.by_year.length);
    const y2024 = d.by_year.find((y: Json) => y.year === 2024);
    assert.equal(await page.locator('table.totals tr[data-year="2024"] td').nth(0).innerText(), String(y2024.reports));
    assert.equal(await page.locator('figure.chart[data-chart="applications"] circle.pt').count(), d.by_year.length);
    await page.screenshot({ path: join(SHOTS, 'dashboard.png'), fullPage: true });
    await page.click('table.region-grid a:has-text("示例市青禾区")');
    await page.waitForURL(/depth=3/);
    await page.waitForSelector('table.region-grid tbody tr');
    assert.deepEqual(await page.locator('table.region-grid tbody th').allInnerTexts(), ['示例市青禾区']);
  });

  test('a stored report: the check view with its source text', async () => {
    const reports = (await api('/api/reports?per_page=200')).items as Json[];
    const r = reports.find((x) => x.body === '示例市青禾区人民政府' && x.year === 2024)!;
    await page.goto(`${base}/report?id=${r.id}`);
    await page.waitForSelector('.report-main .tables');
    assert.match(await page.locator('.report-head h2').innerText(), /示例市青禾区人民政府/);
    assert.match(await page.locator('.crumbs').innerText(), /与 2023 年报告对比/);
    await page.click('td.cell[data-cell="requests.new_received.natural_person"]');
    const mark = page.locator('.source-text mark.src-primary');
    await mark.waitFor();
    const value = (await api(`/api/reports/${r.id}`)).report.tables.requests.new_received.natural_person.value;
    assert.equal(await mark.innerText(), String(value));
    await page.screenshot({ path: join(SHOTS, 'stored-report.png') });
  });

  test('names with markup (from untrusted reports) are shown as text; bad ids are clean errors', async () => {
    const text = readFileSync(join(ROOT, 'examples', 'generated', 'example-education-2024.txt'), 'utf8');
    const report = parseReport(text, { path: 'evil.txt' });
    const evil = '<img src=x onerror="window.__pwned=1">示例<script>window.__pwned=2</script>局';
    report.meta.agency = evil;
    report.source.sha256 = 'f'.repeat(64);
    await storeReport(db, report, { path: '/tmp/<b>evil</b>.txt' });
    await page.goto(base + '/corpus?body=' + encodeURIComponent('示例<script>'));
    await page.waitForSelector('table.list tbody tr');
    assert.equal(await page.locator('table.list tbody tr td:nth-child(2)').innerText(), evil);
    await page.click('table.list tbody tr td:nth-child(2) a');
    await page.waitForSelector('figure.chart svg');
    assert.equal(await page.locator('h1').first().evaluate((e) => e.firstChild?.textContent), evil);
    const id = (await api('/api/reports?body=' + encodeURIComponent('示例<script>'))).items[0].id;
    await page.goto(`${base}/report?id=${id}`);
    await page.waitForSelector('.report-main .tables');
    assert.equal(await page.locator('.report-head h2').innerText(), evil);
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await page.locator('#app script, #app img').count(), 0);
    await page.screenshot({ path: join(SHOTS, 'corpus-injection.png') });

    await page.goto(base + '/body?id=99999');
    await page.waitForSelector('.alert[role="alert"]');
    assert.match(await page.locator('.alert').innerText(), /没有编号为 99999 的机关/);
    await page.goto(base + '/compare?a=1&b=x');
    await page.waitForSelector('.alert[role="alert"]');
    assert.match(await page.locator('.alert').innerText(), /参数 b 不正确/);
  });

  test('no script errors, CSP violations or failed requests', () => {
    // The two error pages above answer 404 and 400 on purpose; Chromium logs those loads.
    assert.deepEqual(problems.filter((p) => !/status of 40[04]/.test(p)), []);
  });
});
