// Bytes → text. The encoding is detected, never assumed: a byte-order mark; UTF-16 by its pattern
// of NUL bytes; strict UTF-8; else GB18030 (a superset of GBK/GB2312) when the result reads as
// Chinese. Anything else is refused with an InputError (Chinese first, English after " / ").

import iconv from 'iconv-lite';
import { InputError } from '../types.js';

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

const SAMPLE = 1 << 16;

/** UTF-16 without a BOM: most text has ASCII (digits, newlines), whose high byte is 0. */
function utf16Guess(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, SAMPLE) & ~1;
  if (n < 4) return null;
  let evenZero = 0, oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  // the zeros sit on one side of the pairs (characters U+xx00 such as 一 put a few on the other)
  const pairs = n / 2;
  if (oddZero >= pairs * 0.03 && evenZero <= oddZero * 0.25) return 'utf-16le';
  if (evenZero >= pairs * 0.03 && oddZero <= evenZero * 0.25) return 'utf-16be';
  return null;
}

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

/**
 * A GB18030 reading is accepted when it reads as Chinese: almost no replacement characters, and
 * the non-ASCII characters mostly Chinese characters and CJK/full-width punctuation.
 */
function readsAsChinese(text: string): boolean {
  let nonAscii = 0, chinese = 0, replaced = 0;
  const n = Math.min(text.length, SAMPLE);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    nonAscii++;
    if (c === 0xfffd) replaced++;
    else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xffef) || (c >= 0x2010 && c <= 0x206f) || c === 0xb7) chinese++;
  }
  if (nonAscii === 0) return true;
  return replaced <= Math.max(1, nonAscii * 0.005) && chinese >= nonAscii * 0.85;
}

export function decodeBytes(bytes: Uint8Array): Decoded {
  if (bytes.length === 0) throw new InputError('文件为空 / the input is empty', 'empty');
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let decoded: Decoded | null = null;
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) decoded = { text: buf.subarray(3).toString('utf8'), encoding: 'utf-8' };
  else if (buf[0] === 0xff && buf[1] === 0xfe) decoded = { text: iconv.decode(buf.subarray(2), 'utf-16le'), encoding: 'utf-16le' };
  else if (buf[0] === 0xfe && buf[1] === 0xff) decoded = { text: iconv.decode(buf.subarray(2), 'utf-16be'), encoding: 'utf-16be' };
  else {
    const u16 = utf16Guess(buf);
    if (u16) decoded = { text: iconv.decode(buf, u16), encoding: u16 };
  }
  if (!decoded) {
    if (buf.includes(0)) throw new InputError('这是二进制文件，不是文本报告 / binary data, not a text report', 'binary');
    try {
      decoded = { text: new TextDecoder('utf-8', { fatal: true }).decode(buf), encoding: 'utf-8' };
    } catch {
      decoded = locallyDamagedUtf8(buf);
    }
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
