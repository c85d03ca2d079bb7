/** The registry port, the local folder registry and semantic versions. */
export * from './local-registry.js';
export * from './registry.js';
export * from './semver.js';
