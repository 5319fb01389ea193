// TEMPORARY STUB written by the lead so the pipeline compiles; the normalize helper replaces this whole file.
export interface Decoded { text: string; encoding: string }
export function decodeBytes(bytes: Uint8Array): Decoded { return { text: new TextDecoder().decode(bytes), encoding: 'utf-8' }; }
export interface Repair { kind: string; span: [number, number]; original: string; replacement: string }
export function normalizeText(original: string) {
  const text = original.replace(/\r\n?/g, '\n').replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[\u00a0\u3000]/g, ' ');
  return { original, text, toOriginal: new Int32Array(text.length + 1), repairs: [] as Repair[], traditional: false };
}
