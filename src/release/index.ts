/**
 * Releasing runs on GitHub (annotated tags `<model>@vX.Y.Z` and releases with the run's files as
 * assets) and the zip helpers the GitHub registry reads them back with.
 */
export * from './next-version.js';
export * from './previous-signature.js';
export * from './release-assets.js';
export * from './release-body.js';
export * from './release-error.js';
export * from './release-run.js';
export * from './unzip-folder.js';
export * from './zip-folder.js';
