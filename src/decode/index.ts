// Decoders by format. Each takes the raw bytes and returns a DecodedDocument (see types.ts).
export * from './types.js';
export { detectFormat } from './detect.js';
export { decodeBytes, type Decoded } from './text.js';
export { decodeHtml } from './html.js';
export { decodeDocx, decodeLegacyDoc } from './docx.js';
export { decodePdf } from './pdf.js';
