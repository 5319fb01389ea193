// PLACEHOLDER written by the lead: the PDF helper replaces this whole file.
import { InputError } from '../types.js';
import type { DecodedDocument, DecodeLimits } from './types.js';
export async function decodePdf(_bytes: Uint8Array, _limits: DecodeLimits): Promise<DecodedDocument> {
  throw new InputError('PDF 解析尚未实现 / PDF not supported yet', 'unsupported');
}
