// Zip bombs built by hand, for the hostile tests and the fuzzer.

import { strToU8 } from 'fflate';

/**
 * Raw DEFLATE of `n` zero bytes, written by hand: one fixed-Huffman block of a literal 0 and
 * then (length 258, distance 1) copies — 13 bits per 258 bytes, so 300 MB is about 2 MB.
 */
export function deflateZeros(n: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(((n / 258) * 13 + 300 * 8 + 64) / 8));
  let pos = 0, bit = 0;
  const put = (value: number, len: number) => { // LSB first
    for (let i = 0; i < len; i++) {
      if ((value >> i) & 1) out[pos] |= 1 << bit;
      if (++bit === 8) { bit = 0; pos++; }
    }
  };
  const code = (value: number, len: number) => { // Huffman codes go MSB first
    for (let i = len - 1; i >= 0; i--) put((value >> i) & 1, 1);
  };
  put(1, 1); // BFINAL
  put(1, 2); // BTYPE = fixed Huffman
  code(0x30, 8); // literal 0
  let left = n - 1;
  while (left >= 258) {
    code(0xc5, 8); // length code 285 = 258 bytes
    code(0, 5); // distance code 0 = distance 1
    left -= 258;
  }
  while (left-- > 0) code(0x30, 8);
  code(0, 7); // end of block
  return out.subarray(0, pos + 1);
}

/** A one-entry zip (word/document.xml) around raw deflate data, declaring `declared` as its size. */
export function zipOf(deflated: Uint8Array, declared: number): Uint8Array {
  const name = strToU8('word/document.xml');
  const local = new Uint8Array(30 + name.length);
  const lv = new DataView(local.buffer);
  lv.setUint32(0, 0x04034b50, true);
  lv.setUint16(4, 20, true);
  lv.setUint16(8, 8, true);
  lv.setUint32(18, deflated.length, true);
  lv.setUint32(22, declared, true);
  lv.setUint16(26, name.length, true);
  local.set(name, 30);
  const central = new Uint8Array(46 + name.length);
  const cv = new DataView(central.buffer);
  cv.setUint32(0, 0x02014b50, true);
  cv.setUint16(4, 20, true);
  cv.setUint16(6, 20, true);
  cv.setUint16(10, 8, true);
  cv.setUint32(20, deflated.length, true);
  cv.setUint32(24, declared, true);
  cv.setUint16(28, name.length, true);
  cv.setUint32(42, 0, true);
  central.set(name, 46);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, 1, true);
  ev.setUint16(10, 1, true);
  ev.setUint32(12, central.length, true);
  ev.setUint32(16, local.length + deflated.length, true);
  const out = new Uint8Array(local.length + deflated.length + central.length + end.length);
  out.set(local, 0);
  out.set(deflated, local.length);
  out.set(central, local.length + deflated.length);
  out.set(end, local.length + deflated.length + central.length);
  return out;
}
