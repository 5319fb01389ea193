// A register workbook as an office keeps it (test/fixtures/register/qinghe-2025.xlsx was made by
// this): a title row merged across the sheet, two header rows with merged group headings
// (申请人信息 › 姓名 | 申请人类型 | 身份证号码 | 联系电话; 补正情况 › …; 办理情况 › …), dates as
// Excel serials, as date cells and as text in several spellings, outcomes in Chinese, and row 11
// bad (a date that does not exist, an outcome that is no outcome of table 三).
import ExcelJS from 'exceljs';

export const WORKBOOK_BODY = '示例市青禾区人民政府办公室';

/** Excel serial of an ISO date (1900 date system). */
export const serial = (iso: string) => Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86_400_000 + 25_569;

export async function makeOfficeWorkbook(): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('2025年台账');
  ws.getCell('A1').value = `${WORKBOOK_BODY}2025年政府信息公开申请登记台账`;
  ws.mergeCells('A1:O1');
  const top = ['序号', '登记号', '收到申请日期', '申请方式', '申请人信息', '', '', '', '申请内容', '补正情况', '', '延期答复日期', '办理情况', '', '备注'];
  const sub = ['', '', '', '', '姓名', '申请人类型', '身份证号码', '联系电话', '', '告知补正日期', '收到补正日期', '', '答复日期', '答复结果', ''];
  top.forEach((v, i) => { if (v) ws.getCell(2, i + 1).value = v; });
  sub.forEach((v, i) => { if (v) ws.getCell(3, i + 1).value = v; });
  for (const c of ['A', 'B', 'C', 'D', 'I', 'L', 'O']) ws.mergeCells(`${c}2:${c}3`);
  ws.mergeCells('E2:H2');
  ws.mergeCells('J2:K2');
  ws.mergeCells('M2:N2');
  const d = (iso: string) => new Date(`${iso}T00:00:00Z`);
  const rows: unknown[][] = [
    [1, 'QH-2025-001', serial('2025-01-06'), '网上申请', '王某某', '自然人', '110101199001011234', '13800000001', '2024年财政预算执行情况', null, null, null, serial('2025-01-20'), '予以公开', null],
    [2, 'QH-2025-002', '2025/2/10', '信函', '示例科技有限公司', '法人或其他组织-商业企业', '91110000MA0000000X', '010-12345678', '某项目环评批复', '2025-02-12', '2025-02-20', null, '2025年3月10日', '部分公开', null],
    [3, 'QH-2025-003', d('2025-03-03'), '当面', '李某', '自然人', '110101198502021234', null, '某地块征收补偿方案', null, null, '2025-03-28', '2025.4.20', '不予公开-属于国家秘密', '已延期'],
    [4, 'QH-2025-004', '2025年4月7日', '电子邮件', '某律师事务所', '法律服务机构', null, 'lawyer@example.cn', '行政处罚决定书', null, null, null, serial('2025-04-25'), '无法提供（本机关不掌握相关政府信息）', null],
    [5, 'QH-2025-005', '20250512', '网络', '张某', '自然人', '110101197003031234', null, '信访事项处理情况', null, null, null, '2025-05-20', '不予处理-信访举报投诉类申请', null],
    [6, 'QH-2025-006', serial('2025-06-02'), '网络', '赵某', '自然人', '110101196004041234', null, '某会议纪要', null, null, null, '2025-06-05', '申请人撤回', '申请人电话撤回'],
    [7, 'QH-2025-007', '2025-12-22', '网络', '某大学', '科研机构', null, null, '全区污染源名单', null, null, null, null, null, '办理中'],
    [8, 'QH-2025-008', '2025-02-30', '网络', '钱某', '自然人', '110101199912311234', '13900000009', '某文件', null, null, null, '2025-03-15', '同意', null],
  ];
  rows.forEach((r, i) => r.forEach((v, j) => { if (v !== null) ws.getCell(4 + i, j + 1).value = v as ExcelJS.CellValue; }));
  ws.getCell('C6').numFmt = 'yyyy-mm-dd';
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** The same workbook with its bad row (row 11) put right. */
export async function fixedOfficeWorkbook(bytes: Uint8Array): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  ws.getCell('C11').value = '2025-02-28';
  ws.getCell('N11').value = '予以公开';
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
