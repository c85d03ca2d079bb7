/**
 * Which models a pull request touches, from its changed files, with the rules the workflows use
 * (`detectChangedModels` in `src/workflows/changed-models.ts`): a model is affected when a file
 * under its `path` changed, a file matching one of its `paths` globs changed, or its entry in
 * `.github/modelgate.yml` changed (every model when the previous config is unknown). Plus the
 * App's own rule: a change of a model's gate rules needs a reviewer's approval.
 */
import type { RepoConfig, RepoModel } from '../config/repo-config.js';
import { detectChangedModels } from '../workflows/changed-models.js';
import { normalizeRepoPath } from '../workflows/path-glob.js';
import { CONFIG_PATH } from './load-config.js';

/**
 * The models of `config` that the changed files affect, in config order.
 * @param changedFiles repository paths, as the pull request's file list gives them
 * @param previousConfig the config at the base branch (null: unknown, so a config change affects every model)
 */
export function affectedModels(
  config: RepoConfig,
  changedFiles: readonly string[],
  previousConfig: RepoConfig | null = null,
): RepoModel[] {
  const names = new Set(
    detectChangedModels({ config, changedFiles, configPath: CONFIG_PATH, previousConfig }).map((m) => m.name),
  );
  return config.models.filter((m) => names.has(m.name));
}

/** Whether the pull request changes `.github/modelgate.yml`. */
export function changesConfig(changedFiles: readonly string[]): boolean {
  return changedFiles.some((f) => normalizeRepoPath(f) === CONFIG_PATH);
}

/**
 * Whether the pull request changes this model's gate rules: `.github/modelgate.yml` changed and the
 * model's entry differs from the base branch's (or the base's config is unknown, or the model is new).
 */
export function gateRulesChanged(
  model: RepoModel,
  changedFiles: readonly string[],
  previousConfig: RepoConfig | null,
): boolean {
  if (!changesConfig(changedFiles)) return false;
  const before = previousConfig?.models.find((m) => m.name === model.name);
  return before === undefined || JSON.stringify(before) !== JSON.stringify(model);
}
