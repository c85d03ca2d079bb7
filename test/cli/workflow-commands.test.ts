/** `modelgate lint-workflows` and `modelgate changed-models` through the CLI, on real files and a real git repository. */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, REPO_ROOT, tempDir } from './helpers.js';

const BAD = `name: bad
on: pull_request_target
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: \${{ github.event.pull_request.head.sha }}
      - run: echo "\${{ github.event.pull_request.title }}"
`;

describe('modelgate lint-workflows', () => {
  it('passes the reusable and example workflows, and names each finding with file and line', async () => {
    const clean = await cli(
      ['lint-workflows', '.github/workflows', 'examples/risk-scoring/.github/workflows'],
      REPO_ROOT,
    );
    expect(clean.err).toContain('no findings');
    expect(clean.code).toBe(0);

    const dir = await tempDir();
    await writeFile(join(dir, 'bad.yml'), BAD);
    const bad = await cli(['lint-workflows', 'bad.yml'], dir);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^bad\.yml:\d+:\d+: \[pull-request-target-checkout\]/m);
    expect(bad.out).toMatch(/^bad\.yml:10:\d+: \[untrusted-context-in-run\]/m);
    expect(bad.out).toMatch(/\[job-without-permissions\]/);
    expect(bad.out).toMatch(/^bad\.yml:7:\d+: \[unpinned-third-party-action\]/m);
    const json = await cli(['lint-workflows', 'bad.yml', '--json'], dir);
    const findings = JSON.parse(json.out) as { rule: string; line: number }[];
    expect(findings.length).toBeGreaterThanOrEqual(4);
    expect((await cli(['lint-workflows', 'missing.yml'], dir)).code).not.toBe(0);
  });
});

describe('modelgate changed-models', () => {
  it('lists the models a commit range touches', async () => {
    const dir = await tempDir();
    await cp(join(REPO_ROOT, 'examples/risk-scoring/.github'), join(dir, '.github'), { recursive: true });
    await cp(join(REPO_ROOT, 'examples/risk-scoring/models'), join(dir, 'models'), { recursive: true });
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: dir,
        encoding: 'utf8',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@example.com',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@example.com',
        },
      }).trim();
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'base');
    const base = git('rev-parse', 'HEAD');
    await mkdir(join(dir, 'models/risk-torch'), { recursive: true });
    await writeFile(join(dir, 'models/risk-torch/notes.md'), 'a change\n');
    git('add', '-A');
    git('commit', '-qm', 'change risk-torch');

    const plain = await cli(['changed-models', '--base', base], dir);
    expect(plain.code).toBe(0);
    expect(
      plain.out
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]),
    ).toEqual(['risk-torch']);
    const json = JSON.parse((await cli(['changed-models', '--base', base, '--json'], dir)).out);
    expect(json.models).toEqual(['risk-torch']);
    expect(json.matrix.include[0]).toMatchObject({ model: 'risk-torch', path: 'models/risk-torch' });
    expect(json.changedFiles).toEqual(['models/risk-torch/notes.md']);
    const only = JSON.parse((await cli(['changed-models', '--models', 'risk', '--json'], dir)).out);
    expect(only.models).toEqual(['risk']);
    const unknown = await cli(['changed-models', '--models', 'nope'], dir);
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toContain('no model named "nope"');
  });
});
