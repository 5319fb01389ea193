export * from './model.js';
export * from './versions.js';
