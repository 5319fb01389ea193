// GBK byte-shift mojibake repair.
//
// Mirrored pages sometimes show runs like `?。ㄒ唬┲鲃庸_方面`: the page was GBK, one byte was
// lost or added before the run (shown as `?`), and every following pair of bytes was decoded one
// byte off — lead byte of one character with the trail byte of the previous — until an ASCII
// byte (here `_`, the trail byte of 開 = E9 5F) brings the decoder back in step. Re-encoding the
// run as GB18030 gives back the byte stream; dropping the stray leading byte(s) and decoding
// again restores the text: `(一)主動…方面`. The same trick with UTF-8 in place of the second GBK
// decode repairs UTF-8 text shown as GBK (锛堜竴锛 → （一）).
//
// A run is repaired only when the repaired text reads as Chinese (a much larger share of common
// characters than the run had), so ordinary text is never touched. No library does this.

import iconv from 'iconv-lite';

/** Common characters of Chinese (simplified and traditional forms of the most frequent ones). */
const COMMON = new Set(
  ('的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严' +
    '們個國時來會對發動過說產種後經現實點從業當還與關義間樣東導壓志門運區強決戰則處隊給邊頭機號進無問題黨員條長應開與網單網絡務屬報檢査審開辦據資鄉縣區區規範辦公廳縣級鎮街道處理結轉繼續辦結')
    .split(''),
);

function commonShare(s: string): number {
  let cjk = 0, common = 0;
  for (const ch of s) {
    if (ch >= '\u3400' && ch <= '\u9fff') {
      cjk++;
      if (COMMON.has(ch)) common++;
    }
  }
  return cjk === 0 ? 0 : common / cjk;
}

export interface MojibakeRepair {
  start: number;
  end: number;
  replacement: string;
}

/** Characters that ordinary Chinese text almost never has but byte-shifted text has plenty of. */
const SUSPICIOUS = /[\u2500-\u257f\u3100-\u312f锛銆鏈鍙鐨鎴浠璇瀹鍏鏂閲鐢鍦濂宸绗缁闂]/;

const RUN = /\?[!\u0080-\uffff][\u0080-\uffff_!]*|[\u0080-\uffff]{4,}/g;

function tryRepair(run: string): string | null {
  let bytes: Buffer;
  try {
    bytes = iconv.encode(run, 'gb18030');
  } catch {
    return null;
  }
  const before = commonShare(run);
  let best: { text: string; score: number } | null = null;
  for (let drop = 0; drop <= 3; drop++) {
    const b = bytes.subarray(drop);
    const candidates = [iconv.decode(b, 'gbk'), b.toString('utf8')];
    for (const raw of candidates) {
      // The run's last byte may lead a character whose trail byte fell outside it: cut it off
      // and mark the loss rather than guess the character.
      const text = raw.replace(/[\ufffd?]$/, '\ufffd');
      if (/[\ufffd?]/.test(text.slice(0, -1))) continue;
      const score = commonShare(text);
      if (!best || score > best.score) best = { text, score };
    }
  }
  if (!best || best.score < 0.75 || best.score < before + 0.3) return null;
  return best.text;
}

/**
 * Repairs in `text` (only runs that start with the lost-byte `?` marker or whose characters are
 * mostly uncommon): start/end in `text`, with the replacement text.
 */
export function findMojibake(text: string): MojibakeRepair[] {
  const out: MojibakeRepair[] = [];
  for (const m of text.matchAll(RUN)) {
    const run = m[0];
    const start = m.index ?? 0;
    if (run[0] !== '?' && (!SUSPICIOUS.test(run) || commonShare(run) > 0.45)) continue;
    // The decoder falls back in step at the first ASCII byte inside the run (after the marker):
    // repair up to it; the ASCII byte itself was the trail of a character whose other byte was
    // lost, so that character is marked as lost (U+FFFD), not guessed.
    let resync = -1;
    for (let i = 1; i < run.length; i++) if (run.charCodeAt(i) < 0x80 && !(i === 1 && run[0] === '?')) { resync = i; break; }
    const prefix = resync > 0 ? run.slice(0, resync) : run;
    const fixed = tryRepair(prefix);
    if (fixed === null) continue;
    const replacement = resync > 0 ? fixed.replace(/\ufffd$/, '') + '\ufffd' : fixed;
    out.push({ start, end: start + (resync > 0 ? resync + 1 : run.length), replacement });
  }
  return out;
}
