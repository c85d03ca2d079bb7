/** The registry port, the local folder registry, the GitHub releases registry and semantic versions. */
export * from './github-registry.js';
export * from './local-registry.js';
export * from './model-version-schema.js';
export * from './registry.js';
export * from './semver.js';
