/** Config and formats: zod schemas, inferred types and validated loaders. */
export * from './load.js';
export * from './model-config.js';
export * from './repo-config.js';
export * from './run-record.js';
