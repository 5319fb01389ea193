// Page 检查报告 / Check a report: drop, pick or paste a report; see its metadata and overall
// problems first, then the three tables in the template's layout with each cell's status, the
// findings linked to their cells, and the source text with the selected span highlighted.

import { h, clear, splitMessage, saveBlob } from '../lib/dom.js';
import * as api from '../lib/api.js';
import { SEVERITY, STATUS, baseName, cellOf, formatCell, isVersion, pathText, spanForCell, validSpan } from '../lib/report.js';
import { renderTables } from '../components/tables.js';
import { renderFindings, renderSummary } from '../components/findings.js';
import { createSourcePane } from '../components/source.js';

const ACCEPT = '.txt,.text,.htm,.html,.shtml,.xhtml,.docx,.pdf,text/plain,text/html,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The report shown last, kept while the app runs (navigating away and back keeps it). */
let current = null;

export default {
  title: '检查报告',
  mount(container) {
    let maxBytes = 20 * 1024 * 1024;
    api.health().then((x) => { if (x && Number.isFinite(x.maxUploadBytes)) maxBytes = x.maxUploadBytes; }).catch(() => undefined);

    const fileInput = h('input', { type: 'file', accept: ACCEPT, className: 'visually-hidden', id: 'file-input', name: 'file' });
    const dropzone = h('label', { className: 'dropzone', htmlFor: 'file-input' },
      h('span', { className: 'dz-icon', 'aria-hidden': 'true' }, '⇪'),
      h('span', { className: 'dz-main' }, '把报告文件拖到这里，或', h('span', { className: 'button primary' }, '选择文件')),
      h('span', { className: 'dz-sub' }, '支持文本、HTML、Word（DOCX）和 PDF，最大 20 MB。文件只在本机的服务中处理。 / Drop a report or pick a file.'));
    const textarea = h('textarea', { rows: 8, placeholder: '把报告全文粘贴到这里…… / paste the full text of a report here', spellcheck: 'false', name: 'text' });
    const pasteButton = h('button', { type: 'button', className: 'button' }, '检查这段文字');
    const paste = h('details', { className: 'paste' },
      h('summary', {}, '或者粘贴报告文字 / or paste text'),
      textarea, h('div', { className: 'row-end' }, pasteButton));
    const status = h('div', { className: 'status', 'aria-live': 'polite' });
    const intakeToggle = h('button', { type: 'button', className: 'button', hidden: true }, '检查另一份报告');
    const intake = h('section', { className: 'intake panel' },
      h('div', { className: 'intake-head' },
        h('h1', {}, '检查报告 ', h('span', { className: 'en' }, 'Check a report')),
        intakeToggle),
      h('div', { className: 'intake-body' },
        h('p', { className: 'lead' }, '上传一份《政府信息公开工作年度报告》，查看按全国统一格式读出的三张统计表、每个数字的来源，以及表格数字是否对得上。'),
        fileInput, dropzone, paste));
    const view = h('div', { className: 'report-view' });
    container.append(h('div', { className: 'check' }, intake, status, view));

    const setBusy = (busy, label) => {
      fileInput.disabled = busy;
      pasteButton.disabled = busy;
      textarea.disabled = busy;
      intake.classList.toggle('busy', busy);
      clear(status);
      if (busy) status.append(h('p', { className: 'busy-line' }, h('span', { className: 'spinner', 'aria-hidden': 'true' }), `正在解析 ${label}…… / parsing…`));
    };
    const showError = (err, label) => {
      clear(status);
      const [zh, en] = splitMessage(err?.message ?? String(err));
      status.append(h('div', { className: 'alert', role: 'alert' },
        h('strong', {}, label ? `无法检查「${label}」：` : '出错了：'), zh, en ? h('span', { className: 'en' }, en) : null,
        err?.code ? h('code', { className: 'rule' }, err.code) : null,
        current && label ? h('span', { className: 'muted small previous' }, '下方仍是之前打开的报告。 / The report below is the previous one.') : null));
    };

    // With a report open the intake folds into a bar; its button opens or folds it again.
    const collapseIntake = (collapsed) => {
      intake.classList.toggle('collapsed', collapsed);
      intakeToggle.hidden = !current;
      intakeToggle.textContent = collapsed ? '检查另一份报告' : '收起';
      intakeToggle.setAttribute('aria-expanded', String(!collapsed));
    };
    intakeToggle.addEventListener('click', () => collapseIntake(!intake.classList.contains('collapsed')));

    async function run(label, job) {
      setBusy(true, label);
      try {
        const report = await job();
        const tmpl = isVersion(report?.meta?.template) ? await api.template(report.meta.template) : null;
        current = { report, tmpl };
        setBusy(false);
        showReport(view, report, tmpl, showError);
        collapseIntake(true);
      } catch (err) {
        setBusy(false);
        showError(err, label);
      }
    }

    const takeFile = (file) => {
      if (!file) return;
      if (file.size === 0) return showError(new api.ApiError('empty', '文件为空 / empty file'), file.name);
      if (file.size > maxBytes) return showError(new api.ApiError('too_large', `文件过大（${(file.size / 1048576).toFixed(1)} MB），上限为 ${Math.round(maxBytes / 1048576)} MB / file too large`), file.name);
      run(file.name, () => api.parseFile(file));
    };
    fileInput.addEventListener('change', () => {
      takeFile(fileInput.files?.[0]);
      fileInput.value = '';
    });
    pasteButton.addEventListener('click', () => {
      const text = textarea.value;
      if (!text.trim()) return showError(new api.ApiError('empty', '没有可检查的文字 / nothing to check: the text is empty'), '粘贴的文字');
      run('粘贴的文字', () => api.parseText(text));
    });

    // Drop anywhere on the page while it is shown.
    let depth = 0;
    const onDragEnter = (e) => { if (hasFiles(e)) { e.preventDefault(); depth++; document.body.classList.add('dragging'); } };
    const onDragLeave = () => { if (--depth <= 0) { depth = 0; document.body.classList.remove('dragging'); } };
    const onDragOver = (e) => { if (hasFiles(e)) { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; } };
    const onDrop = (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      document.body.classList.remove('dragging');
      takeFile(e.dataTransfer.files[0]);
    };
    document.addEventListener('dragenter', onDragEnter);
    document.addEventListener('dragleave', onDragLeave);
    document.addEventListener('dragover', onDragOver);
    document.addEventListener('drop', onDrop);

    if (current) {
      showReport(view, current.report, current.tmpl, showError);
      collapseIntake(true);
    }

    return () => {
      document.removeEventListener('dragenter', onDragEnter);
      document.removeEventListener('dragleave', onDragLeave);
      document.removeEventListener('dragover', onDragOver);
      document.removeEventListener('drop', onDrop);
      document.body.classList.remove('dragging');
    };
  },
};

function hasFiles(e) {
  return !!e.dataTransfer && Array.from(e.dataTransfer.types ?? []).includes('Files');
}

function templateLabel(report, tmpl) {
  const t = report.meta?.template;
  if (tmpl) return `${t} 版格式（${tmpl.instrument}）`;
  if (t === 'pre2019') return '2019 年以前的格式（没有全国统一表格）';
  return '未能识别 / unknown';
}

function metaBlock(report, tmpl) {
  const m = report.meta ?? {};
  const s = report.source ?? {};
  const item = (k, v, cls) => (v === null || v === undefined || v === '' ? null : [h('dt', {}, k), h('dd', cls ? { className: cls } : {}, String(v))]);
  return h('dl', { className: 'meta' },
    item('年度 year', m.year ?? '未识别'),
    item('发布日期 published', m.published),
    item('模板 template', templateLabel(report, tmpl)),
    item('层级 level', m.level),
    item('地区 region', m.region ? `${m.region}${m.division_code ? `（${m.division_code}）` : ''}` : null),
    item('文件 file', `${s.path ?? ''}　${s.format ?? ''}${s.encoding && s.encoding !== 'binary' ? ` · ${s.encoding}` : ''}`),
    item('SHA-256', s.sha256 ? String(s.sha256).slice(0, 16) + '…' : null, 'mono'));
}

/** Draw a parsed report into `view`, wiring cells, findings and the source pane together (also the stored-report page). */
export function showReport(view, report, tmpl, showError) {
  clear(view);
  const source = createSourcePane(report);
  const main = h('div', { className: 'report-main' });
  view.append(main, source.el);

  let tables = { cells: new Map() };
  let findingItems = new Map();
  const findings = Array.isArray(report.findings) ? report.findings : [];

  const tdsFor = (path) => {
    const p = String(path);
    if (tables.cells.has(p)) return [tables.cells.get(p)];
    return [...tables.cells.entries()].filter(([k]) => k.startsWith(p + '.')).map(([, td]) => td);
  };
  const clearSelection = () => {
    for (const td of main.querySelectorAll('.cell.hl, .cell.sel')) td.classList.remove('hl', 'sel');
    for (const li of findingItems.values()) li.classList.remove('active');
    for (const el of main.querySelectorAll('.fact.active, .extra.active')) el.classList.remove('active');
  };
  const spanMark = (path, kind) => {
    const where = spanForCell(report, tmpl, path);
    return where ? { span: where.span, kind: where.approx ? 'approx' : kind } : null;
  };

  function selectCell(path) {
    clearSelection();
    const tds = tdsFor(path);
    for (const td of tds) td.classList.add('sel');
    if (tds[0] && !isVisible(tds[0])) tds[0].scrollIntoView({ block: 'center' });
    const cells = tds.length > 1 ? tds.map((td) => td.dataset.cell) : [path];
    const marks = cells.map((p) => spanMark(p, 'primary')).filter(Boolean);
    source.setMarks(marks);
    source.inspect(...cellInspector(report, tmpl, path, marks, selectFinding));
  }

  function selectFinding(index) {
    const f = findings[index];
    if (!f) return;
    clearSelection();
    const paths = Array.isArray(f.cells) ? f.cells : [];
    const tds = paths.flatMap(tdsFor);
    for (const td of tds) td.classList.add('hl');
    findingItems.get(index)?.classList.add('active');
    if (tds[0]) tds[0].scrollIntoView({ block: 'center' });
    const marks = [];
    if (validSpan(report, f.span)) marks.push({ span: f.span, kind: 'primary' });
    for (const td of tds) {
      const m = spanMark(td.dataset.cell, 'cell');
      if (m) marks.push(m);
    }
    const shown = source.setMarks(marks);
    const [zh, en] = splitMessage(f.message);
    source.inspect(
      h('p', { className: 'insp-title' }, h('span', { className: `badge sev-${f.severity}` }, SEVERITY[f.severity]?.zh ?? String(f.severity)), zh),
      en ? h('p', { className: 'en' }, en) : null,
      h('p', { className: 'muted small' }, h('code', {}, String(f.rule ?? '')), paths.length ? `　涉及 ${paths.length} 个单元格（表中已高亮）` : ''),
      shown ? null : h('p', { className: 'muted small' }, '这个问题没有对应的原文位置。 / no source position for this finding.'),
      marks.some((x) => x.kind === 'approx') ? h('p', { className: 'muted small' }, '虚线框是数值所在行的大致位置（原文中没有这些数的确切位置）。') : null);
  }

  function selectSpan(el, span, ...info) {
    clearSelection();
    el.classList.add('active');
    source.setMarks([{ span, kind: 'primary' }]);
    source.inspect(...info);
  }

  // Head: who, when, which template, then the downloads.
  const m = report.meta ?? {};
  const downloads = h('div', { className: 'downloads' },
    h('span', { className: 'muted small' }, '下载：'),
    h('button', { type: 'button', className: 'button small', on: { click: () => saveBlob(new Blob([JSON.stringify(report, null, 2)], { type: 'application/json' }), `${baseName(report)}.json`) } }, 'JSON'),
    h('button', { type: 'button', className: 'button small', on: { click: () => download('csv') } }, 'CSV'),
    h('button', { type: 'button', className: 'button small', on: { click: () => download('xlsx') } }, 'Excel'));
  async function download(format) {
    try {
      saveBlob(await api.exportReport(report, format), `${baseName(report)}.${format}`);
    } catch (err) {
      showError(err);
    }
  }
  main.append(h('header', { className: 'report-head' },
    h('div', { className: 'title-line' },
      h('h2', {}, m.agency ?? '未识别发布机关'),
      m.year ? h('span', { className: 'year' }, `${m.year} 年度报告`) : null),
    metaBlock(report, tmpl), downloads));

  main.append(renderSummary(tmpl, report, { onFinding: selectFinding }));

  if (tmpl) {
    tables = renderTables(tmpl, report, { onCell: selectCell });
    main.append(tables.el);
  } else {
    main.append(h('p', { className: 'absent panel' }, report.meta?.template === 'pre2019'
      ? '这是 2019 年以前格式的报告，没有全国统一的统计表格，只列出发现的问题。'
      : '没有识别出报告使用的模板，无法按模板画出表格。'));
  }

  const f = renderFindings(tmpl, report, { onFinding: selectFinding, onCell: selectCell });
  findingItems = f.items;
  main.append(f.el);

  const facts = Array.isArray(report.narrative?.facts) ? report.narrative.facts : [];
  if (facts.length) {
    const list = h('ul', { className: 'facts' });
    for (const fact of facts) {
      const li = h('li', { className: 'fact' });
      li.append(h('button', { type: 'button', className: 'linklike', on: { click: () => {
        selectSpan(li, fact.span, h('p', { className: 'insp-title' }, `正文：${fact.value} ${fact.unit ?? ''}`), fact.cell ? h('p', { className: 'muted small' }, `对应表格单元格：${pathText(tmpl, fact.cell)}`) : null);
        if (fact.cell) for (const td of tdsFor(fact.cell)) td.classList.add('hl');
      } } },
      h('span', { className: 'fact-value' }, `${fact.value} ${fact.unit ?? ''}`),
      h('span', { className: 'fact-text' }, fact.text ? String(fact.text) : validSpan(report, fact.span) ? report.text.slice(fact.span[0], fact.span[1]) : String(fact.kind)),
      fact.cell ? h('span', { className: 'muted small' }, `↔ ${pathText(tmpl, fact.cell)}`) : null));
      list.append(li);
    }
    main.append(h('section', { className: 'facts-block' }, h('h3', {}, '正文中的数字 ', h('span', { className: 'en' }, 'Figures in the prose')), list));
  }

  const extra = Array.isArray(report.extra_rows) ? report.extra_rows : [];
  if (extra.length) {
    const list = h('ul', { className: 'extras' });
    for (const x of extra) {
      const li = h('li', { className: 'extra' });
      li.append(h('button', { type: 'button', className: 'linklike', on: { click: () => selectSpan(li, x.span, h('p', { className: 'insp-title' }, `模板以外的行：${x.label}`)) } },
        h('span', {}, String(x.label ?? '')), h('span', { className: 'muted small' }, `　${(x.values ?? []).join(' | ')}`)));
      list.append(li);
    }
    main.append(h('section', { className: 'extras-block' }, h('h3', {}, '模板以外的行 ', h('span', { className: 'en' }, 'Rows not in the template')), list));
  }
}

function isVisible(el) {
  const r = el.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight;
}

function cellInspector(report, tmpl, path, marks, selectFinding) {
  const cell = cellOf(report, path);
  const out = [h('p', { className: 'insp-title' }, pathText(tmpl, path))];
  if (!cell) {
    out.push(h('p', { className: 'muted' }, '报告中没有这个单元格。'));
    return out;
  }
  const st = STATUS[cell.status];
  out.push(h('p', { className: 'insp-value' },
    h('span', { className: `lg st-${cell.status}` }, formatCell(cell, { maxCandidates: 0 }).text),
    h('span', { className: 'insp-status' }, st ? `${st.zh}（${st.en}）` : String(cell.status)),
    cell.unit ? h('span', { className: 'muted small' }, `原文单位：${cell.unit}`) : null));
  if (st) out.push(h('p', { className: 'muted small' }, st.hint));
  if (cell.status === 'ambiguous' && Array.isArray(cell.candidates)) {
    out.push(h('p', { className: 'cands-line' }, '候选值（可能性从高到低）：', cell.candidates.map((c) => h('span', { className: 'cand' }, String(c)))));
  }
  const mark = marks[0];
  if (mark && mark.kind === 'approx') out.push(h('p', { className: 'muted small' }, '原文中没有这个数的确切位置，虚线框是它所在的行。 / approximate position: the row in the source.'));
  else if (mark) out.push(h('p', { className: 'muted small' }, `原文位置 ${mark.span[0]}–${mark.span[1]}：「${report.text.slice(mark.span[0], mark.span[1])}」`));
  else out.push(h('p', { className: 'muted small' }, '原文中找不到这个数的位置。'));
  const related = (report.findings ?? []).map((f, i) => ({ f, i })).filter(({ f }) => Array.isArray(f.cells) && f.cells.some((c) => c === path || path.startsWith(c + '.')));
  if (related.length) {
    out.push(h('ul', { className: 'related' }, related.map(({ f, i }) => h('li', {},
      h('button', { type: 'button', className: 'linklike', on: { click: () => selectFinding(i) } },
        h('span', { className: `badge sev-${f.severity}` }, SEVERITY[f.severity]?.zh ?? ''), splitMessage(f.message)[0])))));
  }
  return out;
}
