/**
 * The change detection a workflow's first job runs, end to end: read `.github/modelgate.yml` from
 * the checkout, list the files the commits differ in (shallow-clone safe), read the previous
 * modelgate.yml from the base commit, and decide which models to train. `changesOutputs` turns the
 * result into the step outputs (`models`, `matrix`, `any`) the reusable workflows read.
 */
import { join } from 'node:path';
import { loadYamlFile, parseYaml } from '../config/load.js';
import { type RepoConfig, RepoConfigSchema } from '../config/repo-config.js';
import { UsageError } from '../errors.js';
import { listChangedFiles, readFileAtCommit } from './changed-files.js';
import { type ChangedModel, changedModelsMatrix, detectChangedModels } from './changed-models.js';

/** Options of {@link detectChanges}. */
export interface DetectChangesOptions {
  /** The checkout (repository root). */
  cwd: string;
  /** modelgate.yml path relative to the root; default `.github/modelgate.yml`. */
  configPath?: string;
  /** Old commit (PR base SHA, push `before`); empty means every model. */
  base: string | undefined;
  /** New commit; default `HEAD`. */
  head?: string;
  /** Only these models (e.g. a manual dispatch); skips the diff. Unknown names are an error. */
  only?: readonly string[];
  /** Token and server for fetching a missing base commit (see listChangedFiles). */
  token?: string;
  /** GITHUB_SERVER_URL. */
  serverUrl?: string;
}

/** What {@link detectChanges} found. */
export interface ChangesResult {
  /** Affected models in config order. */
  models: ChangedModel[];
  /** The changed files, or null when unknown (then every model counts). */
  changedFiles: string[] | null;
}

/** Runs the detection (see the module comment). Config errors surface as ConfigError with file and line. */
export async function detectChanges(options: DetectChangesOptions): Promise<ChangesResult> {
  const configPath = options.configPath ?? '.github/modelgate.yml';
  const config: RepoConfig = await loadYamlFile(join(options.cwd, configPath), RepoConfigSchema);
  if (options.only && options.only.length > 0) {
    const known = new Set(config.models.map((m) => m.name));
    const unknown = options.only.filter((n) => !known.has(n));
    if (unknown.length > 0) {
      throw new UsageError(
        `${configPath}: no model named ${unknown.map((n) => JSON.stringify(n)).join(', ')} (known: ${[...known].join(', ')})`,
      );
    }
    const models = config.models
      .filter((m) => options.only!.includes(m.name))
      .map((m) => ({ name: m.name, path: m.path, runsOn: m.runs_on, reasons: ['requested'] }));
    return { models, changedFiles: null };
  }
  const head = options.head || 'HEAD';
  const changed = await listChangedFiles({
    cwd: options.cwd,
    base: options.base,
    head,
    ...(options.token ? { token: options.token } : {}),
    ...(options.serverUrl ? { serverUrl: options.serverUrl } : {}),
  });
  let previousConfig: RepoConfig | null = null;
  if (changed.files && options.base) {
    const text = await readFileAtCommit(options.cwd, options.base, configPath);
    if (text !== null) {
      try {
        previousConfig = parseYaml(text, `${configPath}@${options.base.slice(0, 12)}`, RepoConfigSchema);
      } catch {
        previousConfig = null;
      }
    }
  }
  const models = detectChangedModels({
    config,
    changedFiles: changed.files,
    configPath,
    previousConfig,
    ...(changed.reason ? { unknownReason: changed.reason } : {}),
  });
  return { models, changedFiles: changed.files };
}

/** The step outputs: `models` (JSON array of names), `matrix` (JSON), `any` (`true`/`false`). */
export function changesOutputs(result: ChangesResult): { models: string; matrix: string; any: string } {
  return {
    models: JSON.stringify(result.models.map((m) => m.name)),
    matrix: JSON.stringify(changedModelsMatrix(result.models)),
    any: String(result.models.length > 0),
  };
}
