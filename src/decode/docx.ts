// PLACEHOLDER written by the lead: the HTML/DOCX helper replaces this whole file.
import { InputError } from '../types.js';
import type { DecodedDocument, DecodeLimits } from './types.js';
export function decodeDocx(_bytes: Uint8Array, _limits: DecodeLimits): DecodedDocument {
  throw new InputError('DOCX 解析尚未实现 / DOCX not supported yet', 'unsupported');
}
export function decodeLegacyDoc(_bytes: Uint8Array, _limits: DecodeLimits): DecodedDocument {
  throw new InputError('DOC 解析尚未实现 / DOC not supported yet', 'unsupported');
}
