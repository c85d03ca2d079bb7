import { describe, expect, it } from 'vitest';
import { RepoConfigSchema } from '../../src/config/repo-config.js';
import { affectedModels, changesConfig, gateRulesChanged } from '../../src/pr/affected-models.js';
import { startCheckRuns } from '../../src/pr/check-runs.js';
import { parseRepoConfig } from '../../src/pr/load-config.js';
import { onPullRequest } from '../../src/pr/on-pull-request.js';
import { onWorkflowRunCompleted } from '../../src/pr/on-workflow-run.js';
import { CONFIG, openPullRequest, prEvent, runArtifact, sha, workflowRunEvent, world } from './helpers.js';

const TYPO = `version: 1
models:
  - name: risk
    path: models/risk
    metrics:
      - name: roc_auc
        max_regresion: 0.01
`;

describe('parseRepoConfig', () => {
  it('accepts a valid config with defaults applied', () => {
    const r = parseRepoConfig(CONFIG, '.github/modelgate.yml');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.config.models[0]!.bump).toBe('minor');
  });

  it('reports an unknown field on its line, never throwing', () => {
    const r = parseRepoConfig(TYPO, '.github/modelgate.yml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.annotation).toMatchObject({
      path: '.github/modelgate.yml',
      startLine: 7,
      endLine: 7,
      level: 'failure',
    });
    expect(r.message).toContain('.github/modelgate.yml:7: models[0].metrics[0].max_regresion: unknown field');
  });

  it('reports a wrong value and YAML syntax errors with their lines', () => {
    const bad = parseRepoConfig('version: 1\nmodels:\n  - name: Risk!\n    path: models/risk\n', 'x.yml');
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.annotation.startLine).toBe(3);
      expect(bad.message).toMatch(/models\[0\]\.name/);
    }
    const syntax = parseRepoConfig('version: 1\nmodels: [\n  - a: b\n', 'x.yml');
    expect(syntax.ok).toBe(false);
    if (!syntax.ok) expect(syntax.message).toMatch(/YAML syntax/);
    const huge = parseRepoConfig(`# ${'x'.repeat(600_000)}\n`, 'x.yml');
    expect(huge.ok).toBe(false);
  });
});

describe('affected models', () => {
  const config = RepoConfigSchema.parse({
    models: [
      { name: 'risk', path: 'models/risk', paths: ['src/train/**', 'shared/*.py', 'lib/{a,b}.ts'] },
      { name: 'churn', path: 'models/churn/' },
    ],
  });

  it('matches the model folder, its path globs, and the models whose config entry changed', () => {
    const names = (files: string[], previous: typeof config | null = null) =>
      affectedModels(config, files, previous).map((m) => m.name);
    expect(names(['models/risk/model.yml'])).toEqual(['risk']);
    expect(names(['models/riskier/model.yml'])).toEqual([]);
    expect(names(['models/churn/train.py', 'README.md'])).toEqual(['churn']);
    expect(names(['src/train/deep/x.ts'])).toEqual(['risk']);
    expect(names(['shared/util.py'])).toEqual(['risk']);
    expect(names(['shared/deep/util.py'])).toEqual([]);
    expect(names(['lib/b.ts'])).toEqual(['risk']);
    expect(names(['lib/c.ts'])).toEqual([]);
    // the config changed: every model without the base's config, only the changed entries with it
    expect(names(['.github/modelgate.yml'])).toEqual(['risk', 'churn']);
    const before = RepoConfigSchema.parse({
      models: [config.models[0], { ...config.models[1], bump: 'major' }],
    });
    expect(names(['.github/modelgate.yml'], before)).toEqual(['churn']);
    expect(names(['.github/modelgate.yml'], config)).toEqual([]);
    expect(changesConfig(['./.github/modelgate.yml'])).toBe(true);
    expect(changesConfig(['.github/workflows/ci.yml'])).toBe(false);
    expect(gateRulesChanged(config.models[1]!, ['.github/modelgate.yml'], before)).toBe(true);
    expect(gateRulesChanged(config.models[0]!, ['.github/modelgate.yml'], before)).toBe(false);
    expect(gateRulesChanged(config.models[0]!, ['.github/modelgate.yml'], null)).toBe(true);
    expect(gateRulesChanged(config.models[1]!, ['models/churn/x'], before)).toBe(false);
  });
});

describe('an invalid .github/modelgate.yml in the App', () => {
  it('fails the config check with an annotation on the offending line when a pull request opens', async () => {
    const w = await world();
    const head = sha('c');
    const pr = openPullRequest(w, { headSha: head, config: TYPO });
    const r = await onPullRequest(w.deps, await prEvent(w.forge, pr.number, 'opened'));
    expect(r.error).toBeUndefined();
    const checks = w.forge.checkRuns.filter((c) => c.headSha === head);
    expect(checks.map((c) => c.name)).toEqual(['modelgate/config']);
    const check = checks[0]!;
    expect(check.conclusion).toBe('failure');
    expect(check.title).toBe('Invalid .github/modelgate.yml');
    expect(check.summary).toContain('max_regresion: unknown field');
    expect(check.annotations).toEqual([
      expect.objectContaining({ path: '.github/modelgate.yml', startLine: 7, endLine: 7, level: 'failure' }),
    ]);
    // redelivery: no duplicate check, no duplicate annotation
    await onPullRequest(w.deps, await prEvent(w.forge, pr.number, 'opened'));
    expect(w.forge.checkRuns.filter((c) => c.headSha === head)).toHaveLength(1);
    expect(w.forge.checkRuns[0]!.annotations).toHaveLength(1);
  });

  it('fails running model checks when the workflow completes on a commit whose config is invalid', async () => {
    const w = await world();
    const head = sha('d');
    openPullRequest(w, { headSha: head, config: TYPO });
    await startCheckRuns(w.forge, head, ['risk']);
    const { zip } = await runArtifact({ sha: head, quality: 'good' });
    const runId = w.forge.addWorkflowRun(head, 'modelgate-pr');
    w.forge.addArtifact(runId, 'modelgate-run-risk', zip);
    const r = await onWorkflowRunCompleted(w.deps, workflowRunEvent(runId, head, 'success'));
    expect(r.error).toBeUndefined();
    const model = w.forge.checkRuns.find((c) => c.name === 'modelgate/risk')!;
    expect(model.conclusion).toBe('failure');
    expect(model.summary).toContain('modelgate/config');
    const config = w.forge.checkRuns.find((c) => c.name === 'modelgate/config')!;
    expect(config.annotations[0]!.startLine).toBe(7);
    expect(w.forge.comments).toHaveLength(0);
  });

  it('uses the config text the bot passes instead of reading the file', async () => {
    const w = await world();
    const head = sha('e');
    const pr = openPullRequest(w, { headSha: head });
    const r = await onPullRequest(
      { ...w.deps, configText: TYPO },
      await prEvent(w.forge, pr.number, 'opened'),
    );
    expect(r.summary).toContain('invalid config');
    const none = await onPullRequest(
      { ...w.deps, configText: null },
      await prEvent(w.forge, pr.number, 'opened'),
    );
    expect(none.handled).toBe(false);
  });

  it('a pull request that changes the gate rules needs approval even when the metrics pass', async () => {
    const w = await world();
    const head = sha('f');
    // the rules of risk change in the pull request (the base branch has the stricter ones)
    w.forge.setFile('.github/modelgate.yml', 'main', w.config.replace('0.01', '0.001'));
    const pr = openPullRequest(w, { headSha: head, files: ['.github/modelgate.yml'] });
    await onPullRequest(w.deps, await prEvent(w.forge, pr.number, 'opened'));
    const { zip } = await runArtifact({ sha: head, quality: 'good' });
    const runId = w.forge.addWorkflowRun(head, 'modelgate-pr');
    w.forge.addArtifact(runId, 'modelgate-run-risk', zip);
    await onWorkflowRunCompleted(w.deps, workflowRunEvent(runId, head, 'success'));
    const check = w.forge.checkRuns.find((c) => c.name === 'modelgate/risk')!;
    expect(check.conclusion).toBe('action_required');
    expect(check.summary).toContain('changes .github/modelgate.yml');
  });

  it('a config change that leaves the model entry as on the base branch does not gate it', async () => {
    const w = await world();
    const head = sha('7');
    const pr = openPullRequest(w, {
      headSha: head,
      files: ['.github/modelgate.yml', 'models/risk/model.yml'],
    });
    await onPullRequest(w.deps, await prEvent(w.forge, pr.number, 'opened'));
    const { zip } = await runArtifact({ sha: head, quality: 'good' });
    const runId = w.forge.addWorkflowRun(head, 'modelgate-pr');
    w.forge.addArtifact(runId, 'modelgate-run-risk', zip);
    await onWorkflowRunCompleted(w.deps, workflowRunEvent(runId, head, 'success'));
    expect(w.forge.checkRuns.find((c) => c.name === 'modelgate/risk')!.conclusion).toBe('success');
  });
});
