/** modelgate's GitHub Actions as library code: the runner I/O, the input schemas and the use cases. */
export * from './attest.js';
export * from './deploy.js';
export * from './drift.js';
export * from './evaluate.js';
export * from './github.js';
export * from './inputs.js';
export * from './release.js';
export * from './report.js';
export * from './runtime.js';
export * from './summary.js';
export * from './train.js';
