// The documents an office sends about an application, as .docx drafts (the `docx` package) for the
// user to review and edit before they go out: 补正告知书, 延期答复告知书, 第三方意见征询函, 收费通知
// and the 答复书 of each outcome, each citing the provision it rests on. Dates come from the
// record and the clock; nothing is filled in that the record does not say (a blank line is left
// for the user instead). The letter to a third party never names the applicant (personal data).

import { AlignmentType, Document, Packer, Paragraph, TextRun } from 'docx';
import { addWorkingDays, day, isoOf } from './calendar.js';
import { clockOf } from './clock.js';
import { outcomeWording } from './export.js';
import { closing, type Application } from './records.js';

export const NOTICE_KINDS = ['correction', 'extension', 'consultation', 'fee', 'answer'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

const STATUTE = '《中华人民共和国政府信息公开条例》';
const FEE_RULES = '《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）';

/** The provision each outcome of an answer rests on (条例 2019 revision). Keyed by outcome. */
const OUTCOME_BASIS: Record<string, { basis: string; text: string }> = {
  granted: { basis: '第三十六条第（二）项', text: '您申请公开的政府信息，本机关予以公开，现将有关信息提供给您（见附件）。' },
  partially_granted: { basis: '第三十七条', text: '您申请公开的政府信息中含有不应当公开的内容，但能够作区分处理，本机关向您提供可以公开的部分，并对不予公开的部分说明理由如下：' },
  denied_state_secret: { basis: '第十四条、第三十六条第（三）项', text: '您申请公开的政府信息属于国家秘密，依法不予公开。' },
  denied_law_forbidden: { basis: '第十四条、第三十六条第（三）项', text: '您申请公开的政府信息属于法律、行政法规禁止公开的信息，不予公开。' },
  denied_three_safeties: { basis: '第十四条、第三十六条第（三）项', text: '您申请公开的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定，不予公开。' },
  denied_third_party: { basis: '第十五条、第三十二条、第三十六条第（三）项', text: '您申请公开的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害，不予公开。' },
  denied_internal_affairs: { basis: '第十六条第一款、第三十六条第（三）项', text: '您申请公开的政府信息属于行政机关的内部事务信息，可以不予公开。' },
  denied_process_info: { basis: '第十六条第二款、第三十六条第（三）项', text: '您申请公开的政府信息属于行政机关在履行行政管理职能过程中形成的过程性信息，可以不予公开。' },
  denied_law_enforcement_file: { basis: '第十六条第二款、第三十六条第（三）项', text: '您申请公开的政府信息属于行政执法案卷信息，可以不予公开。' },
  denied_administrative_query: { basis: '第三十六条第（七）项', text: '您申请获取的信息属于有关法律、行政法规对获取有特别规定的行政查询事项，请依照有关规定办理。' },
  unable_not_held: { basis: '第三十六条第（四）项、第（五）项', text: '经检索，本机关没有您申请公开的政府信息。' },
  unable_need_creation: { basis: '第三十八条', text: '您申请的信息需要本机关对现有政府信息进行加工、分析，本机关可以不予提供。' },
  unable_unclear_after_correction: { basis: '第二十九条、第三十条', text: '经补正后，您的申请内容仍不明确，本机关无法提供。' },
  not_processed_petition: { basis: '第三十九条第一款', text: '您以政府信息公开申请的形式进行信访、投诉、举报等活动，本机关不作为政府信息公开申请处理，您可以通过相应渠道提出。' },
  not_processed_duplicate: { basis: '第三十六条第（六）项', text: '本机关已就您提出的政府信息公开申请作出答复，您重复申请公开相同政府信息，本机关不予重复处理。' },
  not_processed_publication: { basis: '第三十九条第二款', text: '您申请提供的是政府公报、报刊、书籍等公开出版物，可以通过相应途径获取。' },
  not_processed_mass_repeated: { basis: '第三十五条', text: '您申请公开政府信息的数量、频次明显超过合理范围，且未能说明理由或理由不合理，本机关不予处理。' },
  not_processed_confirm_reissue: { basis: '第三十六条（国办公开办函〔2021〕30号 所列情形）', text: '您要求本机关确认或者重新出具已获取的信息，不属于政府信息公开申请的处理范围，本机关不予处理。' },
  other_no_correction: { basis: '第三十条', text: '本机关已告知您作出补正，您无正当理由逾期未补正，视为放弃申请，本机关不再处理该政府信息公开申请。' },
  other_no_fee: { basis: `第四十二条、${FEE_RULES}`, text: '本机关已向您发出收费通知，您逾期未按要求缴纳费用，视为放弃申请，本机关不再处理该政府信息公开申请。' },
  other_other: { basis: '第三十六条', text: '' },
};

export interface NoticeOptions {
  /** The date on the notice (default: the date of the event it is about). */
  date?: string;
  /** 补正 period given to the applicant, in working days. **[decision]** The 条例 asks for a reasonable period; default 15. */
  correctionDays?: number;
  /** The fee (元) when the record's fee_notice has no amount. */
  amount?: number;
}

export class NoticeError extends Error {}

const zh = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
};
const BLANK = '＿＿＿＿＿＿';

function lastEvent(a: Application, kind: string) {
  return [...(a.events ?? [])].reverse().find((e) => e.kind === kind);
}

interface Draft {
  title: string;
  to: string;
  paragraphs: string[];
  date: string;
}

function draft(a: Application, kind: NoticeKind, opts: NoticeOptions): Draft {
  const applicant = a.applicant.name || BLANK;
  const req = a.request ? `申请公开“${a.request}”` : '申请公开政府信息';
  const intro = `本机关于${zh(a.received)}收到您（单位）提出的政府信息公开申请（登记号：${a.id}），${req}。`;
  switch (kind) {
    case 'correction': {
      const e = lastEvent(a, 'correction_requested');
      if (!e) throw new NoticeError('该申请没有补正告知（correction_requested）事件 / no correction request in the record');
      const until = isoOf(addWorkingDays(day(e.date), opts.correctionDays ?? 15));
      return {
        title: '政府信息公开申请补正告知书', to: applicant, date: opts.date ?? e.date,
        paragraphs: [
          intro,
          `经审查，您的申请内容不明确。根据${STATUTE}第三十条的规定，请您对申请作出补正，需要补正的事项：${e.note || BLANK}。`,
          `请于${zh(until)}前提交补正材料。答复期限自本机关收到补正后的申请之日起计算。您无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。`,
        ],
      };
    }
    case 'extension': {
      const e = lastEvent(a, 'extended');
      if (!e) throw new NoticeError('该申请没有延期（extended）事件 / no extension in the record');
      const s = clockOf(a, day(e.date));
      if (s.flags.includes('repeated_extension') || s.flags.includes('late_extension')) {
        throw new NoticeError('该延期不合规定（再次延期或在原期限届满后延期），不能出具告知书 / the extension is irregular (a second one, or after the due date): no notice');
      }
      return {
        title: '政府信息公开申请延期答复告知书', to: applicant, date: opts.date ?? e.date,
        paragraphs: [
          intro,
          `因需要延长答复期限，经本机关政府信息公开工作机构负责人同意，根据${STATUTE}第三十三条第二款的规定，答复期限延长二十个工作日，本机关将于${s.due ? zh(s.due) : BLANK}前作出答复。`,
        ],
      };
    }
    case 'consultation': {
      const e = lastEvent(a, 'consultation_started');
      if (!e) throw new NoticeError('该申请没有征求意见（consultation_started）事件 / no consultation in the record');
      const until = isoOf(addWorkingDays(day(e.date), 15));
      // Addressed to the third party: the applicant is not named (spec §6).
      return {
        title: '政府信息公开第三方意见征询函', to: BLANK, date: opts.date ?? e.date,
        paragraphs: [
          `本机关于${zh(a.received)}收到一件政府信息公开申请（登记号：${a.id}），${req}。该信息的公开可能损害你方合法权益。`,
          `根据${STATUTE}第三十二条的规定，现征求你方意见。请于${zh(until)}前（自收到本函之日起十五个工作日内）以书面形式提出意见，同意或者不同意公开均请说明理由。逾期未提出意见的，由本机关依照${STATUTE}的规定决定是否公开。第三方不同意公开且有合理理由的，本机关不予公开；本机关认为不公开可能对公共利益造成重大影响的，可以决定予以公开。`,
          `征求意见所需时间不计算在答复期限内（第三十三条第三款）。`,
        ],
      };
    }
    case 'fee': {
      const e = lastEvent(a, 'fee_notice');
      if (!e || e.kind !== 'fee_notice') throw new NoticeError('该申请没有收费通知（fee_notice）事件 / no fee notice in the record');
      const amount = e.amount ?? opts.amount;
      return {
        title: '政府信息公开信息处理费收费通知', to: applicant, date: opts.date ?? e.date,
        paragraphs: [
          intro,
          `您申请公开政府信息的数量、频次明显超过合理范围。根据${STATUTE}第四十二条和${FEE_RULES}的规定，本机关依法收取信息处理费，计费方式：${e.method === 'volume' ? '按量计收' : e.method === 'piece' ? '按件计收' : BLANK}，金额：${amount !== undefined ? `${amount}元` : BLANK}。`,
          '请于收到本通知次日起二十个工作日内缴纳费用。您逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。缴费期间不计算在答复期限内。',
        ],
      };
    }
    case 'answer': {
      const c = closing(a);
      if (!c || c.withdrawn) throw new NoticeError('该申请尚未答复（answered） / the application has not been answered');
      const b = OUTCOME_BASIS[c.outcome] ?? OUTCOME_BASIS.other_other;
      return {
        title: '政府信息公开申请答复书', to: applicant, date: opts.date ?? c.date,
        paragraphs: [
          intro,
          `经审查，根据${STATUTE}${b.basis}的规定，现答复如下：`,
          b.text || BLANK,
          `办理结果：${outcomeWording(c.outcome)}。`,
          `如对本答复不服，可以自收到本答复之日起六十日内依法申请行政复议，或者自收到本答复之日起六个月内依法提起行政诉讼（${STATUTE}第五十一条）。`,
        ],
      };
    }
  }
}

/** The notice as the text it will carry (for tests and a preview). */
export function noticeText(a: Application, kind: NoticeKind, opts: NoticeOptions = {}): string {
  const d = draft(a, kind, opts);
  return [d.title, `${d.to}：`, ...d.paragraphs, a.body, zh(d.date)].join('\n');
}

export async function noticeDocx(a: Application, kind: NoticeKind, opts: NoticeOptions = {}): Promise<Uint8Array> {
  const d = draft(a, kind, opts);
  const font = { font: 'FangSong', size: 32 };
  const para = (text: string, extra: Partial<ConstructorParameters<typeof Paragraph>[0] & object> = {}) =>
    new Paragraph({ spacing: { line: 560 }, ...extra, children: [new TextRun({ text, ...font })] });
  const doc = new Document({
    creator: 'gongkai',
    title: d.title,
    sections: [{
      children: [
        new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 400 }, children: [new TextRun({ text: d.title, font: 'SimHei', size: 44, bold: true })] }),
        new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: `（登记号：${a.id}）`, ...font })] }),
        para(`${d.to}：`),
        ...d.paragraphs.map((p) => para(p, { indent: { firstLine: 640 } })),
        para(a.body, { alignment: AlignmentType.RIGHT }),
        para(zh(d.date), { alignment: AlignmentType.RIGHT }),
      ],
    }],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}
