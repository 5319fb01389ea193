// Plain text: bytes → text. The encoding is detected, never assumed (charset.ts): a byte-order
// mark; UTF-16 by its pattern of NUL bytes; strict UTF-8; else GB18030 (a superset of GBK/GB2312)
// when the result reads as Chinese. Anything else is refused with an InputError (Chinese first,
// English after " / ").

import iconv from 'iconv-lite';
import { InputError } from '../types.js';
import { asBuffer, byBom, readsAsChinese, SAMPLE, strictUtf8, utf16Guess } from './charset.js';

export interface Decoded {
  text: string;
  /** 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' */
  encoding: string;
  /** UTF-8 with local damage: how many invalid byte sequences were read as U+FFFD. */
  replaced?: number;
}

/**
 * UTF-8 damaged only here and there (a flipped byte, a character cut in two): decoded with
 * U+FFFD for each bad sequence, when the bad ones are few beside the characters that decoded —
 * text in another encoding read as UTF-8 has almost no valid multi-byte characters.
 */
function locallyDamagedUtf8(buf: Buffer): Decoded | null {
  const text = buf.toString('utf8');
  let replaced = 0, valid = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd) replaced++;
    else if (c >= 0x80) valid++;
  }
  // a U+FFFD written in the file (EF BF BD) is not damage
  for (let i = buf.indexOf(REPLACEMENT_BYTES); i >= 0; i = buf.indexOf(REPLACEMENT_BYTES, i + 3)) replaced--;
  if (replaced <= 0 || replaced * 50 > valid) return null;
  return { text, encoding: 'utf-8', replaced };
}

const REPLACEMENT_BYTES = Buffer.from([0xef, 0xbf, 0xbd]);

/** Share of characters that no text has: C0 controls other than tab/newlines/form feed (and U+FFFD). */
function controlShare(text: string, countReplacement = true): number {
  let bad = 0;
  const n = Math.min(text.length, SAMPLE);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0x7f || (countReplacement && c === 0xfffd)) bad++;
  }
  return n === 0 ? 0 : bad / n;
}

export function decodeBytes(bytes: Uint8Array): Decoded {
  if (bytes.length === 0) throw new InputError('文件为空 / the input is empty', 'empty');
  const buf = asBuffer(bytes);
  let decoded: Decoded | null = byBom(buf);
  if (!decoded) {
    const u16 = utf16Guess(buf);
    if (u16) decoded = { text: iconv.decode(buf, u16), encoding: u16 };
  }
  if (!decoded) {
    if (buf.includes(0)) throw new InputError('这是二进制文件，不是文本报告 / binary data, not a text report', 'binary');
    const utf8 = strictUtf8(buf);
    decoded = utf8 !== null ? { text: utf8, encoding: 'utf-8' } : locallyDamagedUtf8(buf);
    if (!decoded) {
      const text = iconv.decode(buf, 'gb18030');
      if (controlShare(text, false) > 0.05) throw new InputError('这是二进制文件，不是文本报告 / binary data, not a text report', 'binary');
      if (!readsAsChinese(text)) {
        throw new InputError('无法识别文件的文字编码（不是 UTF-8、UTF-16 或 GB18030/GBK） / undecodable bytes: not UTF-8, UTF-16 or GB18030/GBK text', 'encoding');
      }
      decoded = { text, encoding: 'gb18030' };
    }
  }
  if (decoded.text.trim() === '') throw new InputError('文件为空（只有空白） / the input is empty (only whitespace)', 'empty');
  if (controlShare(decoded.text) > 0.05) throw new InputError('这是二进制文件，不是文本报告 / binary data, not a text report', 'binary');
  return decoded;
}
