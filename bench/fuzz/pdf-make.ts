// A minimal PDF (one page, one content stream, Helvetica) with a correct cross-reference table:
// the base the fuzzer mutates, and the hostile PDFs the tests build (nested q/Q operators).

export function makePdf(content: string): Uint8Array {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** Text lines drawn top to bottom (ASCII only: Helvetica has no CJK). */
export function textPdf(lines: string[]): Uint8Array {
  const esc = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const ops = lines.map((l, i) => `BT /F1 10 Tf 40 ${800 - i * 14} Td (${esc(l)}) Tj ET`).join('\n');
  return makePdf(ops);
}

/** `depth` nested q (save) … Q (restore) pairs around a text and a few numbers: pdf.js walks them all. */
export function nestedQPdf(depth: number): Uint8Array {
  return makePdf(`${'q '.repeat(depth)}BT /F1 10 Tf 40 800 Td (2021 1 2 3 4) Tj ET 0 0 m 100 0 l S ${'Q '.repeat(depth)}`);
}
