export { decodeBytes, type Decoded } from './decode.js';
export { normalizeText, type NormalizedText, type Repair } from './normalize.js';
export { findMojibake, type MojibakeRepair } from './mojibake.js';
