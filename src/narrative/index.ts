export { extractFacts, parseChineseNumber } from './facts.js';
