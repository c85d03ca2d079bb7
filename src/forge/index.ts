/** The GitHub port and its implementations. */
export * from './forge.js';
export * from './memory-forge.js';
