/** Which models a change affects: folder, globs, and modelgate.yml entries; and the glob matcher. */
import { describe, expect, it } from 'vitest';
import { type RepoConfig, RepoConfigSchema } from '../../src/config/repo-config.js';
import { changedModelsMatrix, detectChangedModels } from '../../src/workflows/changed-models.js';
import { globToRegExp, matchesRepoGlob, normalizeRepoPath } from '../../src/workflows/path-glob.js';

const config = (models: unknown[]): RepoConfig => RepoConfigSchema.parse({ version: 1, models });

const BASE = config([
  { name: 'risk', path: 'models/risk', paths: ['src/features/**', 'data/*.dvc'] },
  { name: 'risk-torch', path: 'models/risk-torch', runs_on: 'gpu-box' },
  { name: 'churn', path: './models/churn/' },
]);
const names = (files: string[] | null, previous?: RepoConfig | null, cfg = BASE) =>
  detectChangedModels({
    config: cfg,
    changedFiles: files,
    configPath: '.github/modelgate.yml',
    previousConfig: previous ?? null,
  }).map((m) => m.name);

describe('detectChangedModels', () => {
  it('matches files under a model folder without confusing folders that share a prefix', () => {
    expect(names(['models/risk/model.yml'])).toEqual(['risk']);
    expect(names(['models/risk-torch/train_torch.py'])).toEqual(['risk-torch']);
    expect(names(['models/churn/train.py', 'README.md'])).toEqual(['churn']);
    expect(names(['README.md', 'docs/x.md'])).toEqual([]);
  });

  it('matches the extra paths globs', () => {
    expect(names(['src/features/a/b.py'])).toEqual(['risk']);
    expect(names(['data/policies.dvc'])).toEqual(['risk']);
    expect(names(['data/sub/policies.dvc'])).toEqual([]);
  });

  it('counts a changed modelgate.yml entry, a new model, and nothing for an untouched entry', () => {
    const before = config([
      { name: 'risk', path: 'models/risk', paths: ['src/features/**', 'data/*.dvc'], bump: 'patch' },
      { name: 'risk-torch', path: 'models/risk-torch', runs_on: 'gpu-box' },
    ]);
    const changed = detectChangedModels({
      config: BASE,
      changedFiles: ['.github/modelgate.yml'],
      configPath: '.github/modelgate.yml',
      previousConfig: before,
    });
    expect(changed.map((m) => [m.name, m.reasons])).toEqual([
      ['risk', ['its entry in .github/modelgate.yml changed']],
      ['churn', ['churn is new in .github/modelgate.yml']],
    ]);
  });

  it('counts every model when the old modelgate.yml or the changed files are unknown', () => {
    expect(names(['.github/modelgate.yml'], null)).toEqual(['risk', 'risk-torch', 'churn']);
    const all = detectChangedModels({
      config: BASE,
      changedFiles: null,
      configPath: '.github/modelgate.yml',
      unknownReason: 'no base',
    });
    expect(all.map((m) => m.reasons)).toEqual([['no base'], ['no base'], ['no base']]);
  });

  it('builds the matrix with each model’s runners', () => {
    const models = detectChangedModels({
      config: BASE,
      changedFiles: ['models/risk/x', 'models/risk-torch/y'],
      configPath: '.github/modelgate.yml',
    });
    expect(changedModelsMatrix(models)).toEqual({
      include: [
        { model: 'risk', path: 'models/risk', 'runs-on': ['self-hosted', 'gpu'] },
        { model: 'risk-torch', path: 'models/risk-torch', 'runs-on': 'gpu-box' },
      ],
    });
    expect(changedModelsMatrix([])).toEqual({ include: [] });
  });
});

describe('repository globs', () => {
  it('normalises paths', () => {
    expect(normalizeRepoPath('./a\\b/')).toBe('a/b');
    expect(normalizeRepoPath('/x')).toBe('x');
  });

  it('keeps * and ? inside one segment and lets ** span segments', () => {
    expect(matchesRepoGlob('src/a.py', 'src/*.py')).toBe(true);
    expect(matchesRepoGlob('src/x/a.py', 'src/*.py')).toBe(false);
    expect(matchesRepoGlob('src/x/y/a.py', 'src/**/*.py')).toBe(true);
    expect(matchesRepoGlob('src/a.py', 'src/**/*.py')).toBe(true);
    expect(matchesRepoGlob('a/b/c', '**')).toBe(true);
    expect(matchesRepoGlob('lib/v1.py', 'lib/v?.py')).toBe(true);
    expect(matchesRepoGlob('lib/v10.py', 'lib/v?.py')).toBe(false);
  });

  it('supports braces, classes, and plain folder names', () => {
    expect(matchesRepoGlob('conf/a.yaml', 'conf/*.{yml,yaml}')).toBe(true);
    expect(matchesRepoGlob('conf/a.json', 'conf/*.{yml,yaml}')).toBe(false);
    expect(matchesRepoGlob('x/a1', 'x/a[0-9]')).toBe(true);
    expect(matchesRepoGlob('x/ab', 'x/a[!0-9]')).toBe(true);
    expect(matchesRepoGlob('shared/lib/util.py', 'shared/lib')).toBe(true);
    expect(matchesRepoGlob('shared/library.py', 'shared/lib')).toBe(false);
  });

  it('escapes regular expression characters', () => {
    expect(globToRegExp('a.b+(c)').test('a.b+(c)')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });
});
