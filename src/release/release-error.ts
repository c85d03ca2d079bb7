/** The error of releasing a run and of reading releases back (the GitHub registry). */
import { RegistryError } from '../errors.js';

/**
 * A release failed or a release asset is unusable (an upload that failed, a bad `model.zip`, an
 * asset over its size limit). It is a {@link RegistryError} (exit code 1), so callers of the
 * registry can catch both alike.
 */
export class ReleaseError extends RegistryError {}
