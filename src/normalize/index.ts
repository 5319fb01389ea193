export { normalizeText, type NormalizedText, type Repair } from './normalize.js';
export { findMojibake, type MojibakeRepair } from './mojibake.js';
