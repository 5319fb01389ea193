// Bytes → text. The encoding is detected, never assumed: BOM, UTF-16 by its NUL pattern, strict
// UTF-8, else GB18030 (a superset of GBK/GB2312) when the result reads as Chinese.

import iconv from 'iconv-lite';
import { InputError } from '../types.js';

export interface Decoded {
  text: string;
  encoding: string;
}

function controlShare(text: string): number {
  let bad = 0;
  const n = Math.min(text.length, 20000);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0xfffd) bad++;
  }
  return n === 0 ? 0 : bad / n;
}

function utf16Guess(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, 4000) & ~1;
  if (n < 4) return null;
  let evenZero = 0, oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  // ASCII-heavy UTF-16 has a zero in one byte of most pairs; CJK-heavy text has few zeros but no
  // zero at all in the other position.
  if (oddZero > pairs * 0.3 && evenZero < pairs * 0.05) return 'utf-16le';
  if (evenZero > pairs * 0.3 && oddZero < pairs * 0.05) return 'utf-16be';
  return null;
}

export function decodeBytes(bytes: Uint8Array): Decoded {
  if (bytes.length === 0) throw new InputError('文件为空 / the input is empty', 'empty');
  let decoded: Decoded | null = null;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) decoded = { text: Buffer.from(bytes.subarray(3)).toString('utf8'), encoding: 'utf-8' };
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) decoded = { text: iconv.decode(Buffer.from(bytes.subarray(2)), 'utf-16le'), encoding: 'utf-16le' };
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) decoded = { text: iconv.decode(Buffer.from(bytes.subarray(2)), 'utf-16be'), encoding: 'utf-16be' };
  else {
    const u16 = utf16Guess(bytes);
    if (u16) decoded = { text: iconv.decode(Buffer.from(bytes), u16), encoding: u16 };
  }
  if (!decoded) {
    if (bytes.includes(0)) throw new InputError('这是二进制文件，不是文本报告 / binary data, not a text report', 'binary');
    try {
      decoded = { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
    } catch {
      const text = iconv.decode(Buffer.from(bytes), 'gb18030');
      decoded = { text, encoding: 'gb18030' };
    }
  }
  if (decoded.text.trim() === '') throw new InputError('文件为空（只有空白） / the input is empty (only whitespace)', 'empty');
  if (controlShare(decoded.text) > 0.05) {
    throw new InputError('无法识别文件的文字编码，或这是二进制文件 / undecodable bytes or binary data', 'binary');
  }
  return decoded;
}
