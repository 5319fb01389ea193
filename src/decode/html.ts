// PLACEHOLDER written by the lead: the HTML/DOCX helper replaces this whole file.
import { InputError } from '../types.js';
import type { DecodedDocument } from './types.js';
export function decodeHtml(_bytes: Uint8Array | string): DecodedDocument {
  throw new InputError('HTML 解析尚未实现 / HTML not supported yet', 'unsupported');
}
