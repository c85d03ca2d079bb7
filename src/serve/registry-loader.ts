/**
 * The model loader of `modelgate serve` for a registry: resolves a version (`X.Y.Z`, `vX.Y.Z` or
 * `latest`), materialises its folder, finds the model inside it through the run record's
 * `artifacts.model`, loads it with `loadModel` and wraps it as a {@link ServedModel}.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { loadJsonFile } from '../config/load.js';
import { RunRecordSchema } from '../config/run-record.js';
import { RegistryError } from '../errors.js';
import type { Registry } from '../registry/registry.js';
import { versionTag } from '../registry/semver.js';
import type { Backend, BackendRequest } from '../train/backend.js';
import { loadModel } from '../train/saved-model.js';
import { loadContract } from '../validate/contract.js';
import { normaliseVersion } from './model-manager.js';
import type { ModelLoader, ServedModel } from './types.js';

/** Options of {@link registryLoader}. */
export interface RegistryLoaderOptions {
  /** A ready backend, or which one to load (default `auto`). */
  backend?: Backend | BackendRequest;
}

/** What the loader needs from a registry (the local folder registry, or any {@link Registry}). */
export type RegistrySource = Pick<Registry, 'latest' | 'materialise'>;

/**
 * The model folder inside a version folder: `artifacts.model` of the run record, which must be a
 * relative path staying inside the version folder (a RegistryError otherwise).
 */
export function modelFolder(versionDir: string, artifact: string | undefined, runFile: string): string {
  if (!artifact) {
    throw new RegistryError(`${runFile}: artifacts.model is not set; this run has no model to serve`);
  }
  const dir = resolve(versionDir, artifact);
  const rel = relative(resolve(versionDir), dir);
  if (isAbsolute(artifact) || rel === '' || rel.split(sep)[0] === '..' || isAbsolute(rel)) {
    throw new RegistryError(
      `${runFile}: artifacts.model ${JSON.stringify(artifact)} must be a folder inside the version folder`,
    );
  }
  return dir;
}

/**
 * A {@link ModelLoader} reading versions from `registry`. The returned model's `version` is the
 * resolved `X.Y.Z` (so `latest` reports what it loaded); `dispose` is idempotent. A version that
 * does not exist, a run without a model artifact, or a model whose signature names another model
 * is a RegistryError.
 */
export function registryLoader(registry: RegistrySource, options: RegistryLoaderOptions = {}): ModelLoader {
  return async (name: string, version: string): Promise<ServedModel> => {
    let resolved = normaliseVersion(version);
    if (resolved === 'latest') {
      const latest = await registry.latest(name);
      if (!latest) throw new RegistryError(`${name} has no registered version`);
      resolved = latest.version;
    }
    const dir = await registry.materialise(name, resolved);
    const runFile = join(dir, 'run.json');
    const run = await loadJsonFile(runFile, RunRecordSchema);
    if (run.model !== name) {
      throw new RegistryError(`${runFile}: the run is of model "${run.model}", not "${name}"`);
    }
    const folder = modelFolder(dir, run.artifacts.model, runFile);
    const loaded = await loadModel(folder, options.backend ? { backend: options.backend } : {});
    if (loaded.signature.model !== name) {
      loaded.dispose();
      throw new RegistryError(
        `${join(folder, 'signature.json')}: the signature is of model "${loaded.signature.model}", not "${name}" (${versionTag(name, resolved)})`,
      );
    }
    const contractFile = join(dir, 'data.contract.yml');
    const contract = existsSync(contractFile) ? await loadContract(contractFile) : undefined;
    let disposed = false;
    return {
      name,
      version: resolved,
      signature: loaded.signature,
      ...(contract ? { contract } : {}),
      predict: (rows) => {
        if (disposed) throw new Error(`${versionTag(name, resolved)} was used after dispose`);
        return loaded.predict(rows);
      },
      dispose: () => {
        if (disposed) return;
        disposed = true;
        loaded.dispose();
      },
    };
  };
}
