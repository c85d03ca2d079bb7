/**
 * Which models a change affects, as a pure function of the changed paths and `.github/modelgate.yml`
 * (now and before). A model is affected when a changed file lies under its `path`, matches one of
 * its `paths` globs, or its entry in modelgate.yml changed (a new model counts). The matrix built
 * from the result is what the reusable workflows fan out over.
 */
import type { RepoConfig, RepoModel } from '../config/repo-config.js';
import { matchesRepoGlob, normalizeRepoPath } from './path-glob.js';

/** One affected model and why. */
export interface ChangedModel {
  /** Model name. */
  name: string;
  /** Its folder. */
  path: string;
  /** Its runner labels from modelgate.yml. */
  runsOn: string | string[];
  /** Why it counts as changed, for logs (at most a few entries). */
  reasons: string[];
}

/** Input of {@link detectChangedModels}. */
export interface ChangedModelsInput {
  /** modelgate.yml at the new commit. */
  config: RepoConfig;
  /** Changed paths (repository-relative); null when unknown, which affects every model. */
  changedFiles: readonly string[] | null;
  /** Where modelgate.yml lives, e.g. `.github/modelgate.yml`. */
  configPath: string;
  /** modelgate.yml at the old commit; null when it did not exist or could not be read. */
  previousConfig?: RepoConfig | null;
  /** Why changedFiles is null, for the reasons. */
  unknownReason?: string;
}

const MAX_REASONS = 5;

function sameEntry(a: RepoModel, b: RepoModel | undefined): boolean {
  return b !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/** Lists the affected models in modelgate.yml order (see the module comment for the rules). */
export function detectChangedModels(input: ChangedModelsInput): ChangedModel[] {
  const { config, changedFiles } = input;
  const configPath = normalizeRepoPath(input.configPath);
  const files = changedFiles?.map(normalizeRepoPath);
  const configChanged = files?.includes(configPath) ?? false;
  const out: ChangedModel[] = [];
  for (const model of config.models) {
    const reasons: string[] = [];
    if (!files) reasons.push(input.unknownReason ?? 'the changed files are unknown, so every model counts');
    else {
      const root = normalizeRepoPath(model.path);
      for (const file of files) {
        if (reasons.length >= MAX_REASONS) break;
        if (file === root || file.startsWith(`${root}/`)) reasons.push(`${file} changed`);
        else {
          const glob = model.paths.find((g) => matchesRepoGlob(file, g));
          if (glob !== undefined) reasons.push(`${file} changed (matches ${glob})`);
        }
      }
      if (configChanged) {
        if (input.previousConfig == null)
          reasons.push(`${configPath} changed and its previous version is unknown`);
        else {
          const before = input.previousConfig.models.find((m) => m.name === model.name);
          if (!before) reasons.push(`${model.name} is new in ${configPath}`);
          else if (!sameEntry(model, before)) reasons.push(`its entry in ${configPath} changed`);
        }
      }
    }
    if (reasons.length > 0) out.push({ name: model.name, path: model.path, runsOn: model.runs_on, reasons });
  }
  return out;
}

/** The GitHub Actions matrix for the affected models: `{ include: [{ model, path, runs-on }] }`. */
export function changedModelsMatrix(models: readonly ChangedModel[]): {
  include: { model: string; path: string; 'runs-on': string | string[] }[];
} {
  return { include: models.map((m) => ({ model: m.name, path: m.path, 'runs-on': m.runsOn })) };
}
