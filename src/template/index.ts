export * from './model.js';
export * from './versions.js';
export * from './rules.js';
