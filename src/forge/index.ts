/** The GitHub port, its implementations (in memory, Octokit) and the sticky-comment helpers. */
export * from './create-octokit.js';
export * from './forge.js';
export * from './memory-forge.js';
export * from './octokit-forge.js';
export * from './sticky-comment.js';
