/**
 * The workflow security linter rule by rule: each unsafe pattern gives the expected finding at the
 * right line and column, and the safe way of writing the same thing gives none.
 */
/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub Actions `${{ }}` expressions are literal text here. */
import { describe, expect, it } from 'vitest';
import { formatFinding, type WorkflowFinding } from '../../src/workflows/finding.js';
import { lintWorkflow } from '../../src/workflows/lint-workflow.js';
import { hasForkGuard } from '../../src/workflows/rule-self-hosted-fork.js';

const SHA = '11bd71901bbe5b1630ceea73d27597364c9af683';
const lines = (...l: string[]) => `${l.join('\n')}\n`;
const lint = (text: string, rule?: WorkflowFinding['rule']) =>
  lintWorkflow(text, 'wf.yml').filter((f) => rule === undefined || f.rule === rule);
const where = (f: WorkflowFinding[]) => f.map((x) => `${x.rule}@${x.line}:${x.column}`);

describe('pull-request-target-checkout', () => {
  it('flags a pull_request_target job that checks out the PR head, at the ref line', () => {
    const text = lines(
      'on: pull_request_target', // 1
      'permissions:', // 2
      '  contents: read', // 3
      'jobs:', // 4
      '  build:', // 5
      '    runs-on: ubuntu-latest', // 6
      '    steps:', // 7
      `      - uses: actions/checkout@${SHA}`, // 8
      '        with:', // 9
      '          ref: ${{ github.event.pull_request.head.sha }}', // 10
      '      - run: npm ci && npm test', // 11
    );
    const findings = lint(text);
    expect(where(findings)).toEqual(['pull-request-target-checkout@10:16']);
    expect(findings[0]!.job).toBe('build');
    expect(formatFinding(findings[0]!)).toMatch(
      /^wf\.yml:10:16: \[pull-request-target-checkout\] job "build" runs on pull_request_target .*ref: \$\{\{ github\.event\.pull_request\.head\.sha \}\}/,
    );
  });

  it('flags the other ways to reach PR code in privileged workflows', () => {
    const viaRepo = lines(
      'on: [pull_request_target]',
      'permissions: {}',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      `      - uses: actions/checkout@${SHA}`,
      '        with:',
      '          repository: ${{ github.event.pull_request.head.repo.full_name }}',
    );
    expect(where(lint(viaRepo))).toEqual(['pull-request-target-checkout@9:23']);
    const workflowRun = lines(
      'on:',
      '  workflow_run:',
      '    workflows: [ci]',
      '    types: [completed]',
      'permissions: {}',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      `      - uses: actions/checkout@${SHA}`,
      '        with:',
      '          ref: ${{ github.event.workflow_run.head_sha }}',
    );
    expect(where(lint(workflowRun))).toEqual(['pull-request-target-checkout@12:16']);
    const comment = lines(
      'on: issue_comment',
      'permissions: {}',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: gh pr checkout ${{ github.event.issue.number }}',
    );
    expect(where(lint(comment))).toEqual(['pull-request-target-checkout@7:14']);
    const fetchRef = lines(
      'on: pull_request_target',
      'permissions: {}',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      `      - uses: actions/checkout@${SHA}`,
      '        with:',
      '          ref: refs/pull/${{ github.event.number }}/merge',
    );
    expect(where(lint(fetchRef))).toEqual(['pull-request-target-checkout@9:16']);
  });

  it('accepts privileged workflows that check out the base, and pull_request jobs that check out the head', () => {
    const base = lines(
      'on: pull_request_target',
      'permissions: {}',
      'jobs:',
      '  label:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      `      - uses: actions/checkout@${SHA}`,
      '        with:',
      '          ref: refs/heads/main',
    );
    expect(lint(base)).toEqual([]);
    const pullRequest = base
      .replace('pull_request_target', 'pull_request')
      .replace('refs/heads/main', '${{ github.event.pull_request.head.sha }}');
    expect(lint(pullRequest)).toEqual([]);
  });
});

describe('untrusted-context-in-run', () => {
  const job = (...steps: string[]) =>
    lines(
      'on: issues',
      'permissions: {}',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      ...steps,
    );

  it('flags an issue title pasted into a script, at the expression', () => {
    const findings = lint(job('      - run: echo "${{ github.event.issue.title }}"'));
    expect(where(findings)).toEqual(['untrusted-context-in-run@7:20']);
    expect(findings[0]!.message).toContain('github.event.issue.title');
    expect(findings[0]!.message).toContain('TITLE: ${{ github.event.issue.title }}');
  });

  it('finds the line of an expression inside a block script', () => {
    const text = job(
      '      - name: greet', // 7
      '        run: |', // 8
      '          echo start', // 9
      '          echo "${{ github.sha }}"', // 10
      '          git switch "${{ github.head_ref }}"', // 11
      '          echo "${{ github.event.pull_request.body }}" > body.txt', // 12
    );
    expect(where(lint(text))).toEqual(['untrusted-context-in-run@11:23', 'untrusted-context-in-run@12:17']);
  });

  it('flags whole-object dumps, index syntax, any letter case and github-script', () => {
    const text = job(
      "      - run: echo '${{ toJSON(github.event) }}'", // 7
      '      - run: echo ${{ github.event.commits[0].message }}', // 8
      "      - run: echo ${{ github.event['pull_request']['title'] }}", // 9
      '      - run: echo ${{ GitHub.Event.Comment.Body }}', // 10
      `      - uses: actions/github-script@${SHA}`, // 11
      '        with:', // 12
      '          script: console.log("${{ github.event.review.body }}")', // 13
    );
    expect(where(lint(text)).map((w) => w.split('@')[1]!.split(':')[0])).toEqual(['7', '8', '9', '10', '13']);
  });

  it('flags ${{ env.X }} when X carries an untrusted value, but not "$X"', () => {
    const text = lines(
      'on: pull_request',
      'permissions: {}',
      'env:',
      '  BRANCH: ${{ github.head_ref }}',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo "$BRANCH"', // 9: safe
      '      - run: echo "${{ env.BRANCH }}"', // 10: unsafe
    );
    const findings = lint(text);
    expect(where(findings)).toEqual(['untrusted-context-in-run@10:20']);
    expect(findings[0]!.message).toContain('env.branch (set from github.head_ref)');
  });

  it('accepts trusted values: SHAs, numbers, inputs, step outputs, the env indirection', () => {
    const text = job(
      '      - run: echo "${{ github.event.pull_request.head.sha }} ${{ github.event.issue.number }}"',
      '      - run: echo "${{ inputs.model }} ${{ steps.x.outputs.y }} ${{ github.repository }}"',
      "      - run: echo \"${{ contains(github.event.issue.title, 'x') && 'yes' || 'no' }}\"".replace(
        'github.event.issue.title',
        'github.event.issue.state',
      ),
      '      - env:',
      '          TITLE: ${{ github.event.issue.title }}',
      '        run: echo "$TITLE"',
      "      - run: echo '${{ github.event.pull_request.head.repo.full_name }}'",
    );
    expect(lint(text)).toEqual([]);
  });
});

describe('job-without-permissions and permissions-write-all', () => {
  it('flags a job without permissions when the workflow has none, at the job key', () => {
    const text = lines(
      'on: push',
      'jobs:',
      '  ok:',
      '    runs-on: ubuntu-latest',
      '    permissions:',
      '      contents: read',
      '    steps:',
      '      - run: "true"',
      '  bare:', // 9
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: "true"',
    );
    const findings = lint(text);
    expect(where(findings)).toEqual(['job-without-permissions@9:3']);
    expect(findings[0]!.job).toBe('bare');
  });

  it('accepts top-level permissions for every job, including an empty grant', () => {
    const text = lines(
      'on: push',
      'permissions: {}',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: "true"',
    );
    expect(lint(text)).toEqual([]);
    expect(lint(text.replace('permissions: {}', 'permissions: read-all'))).toEqual([]);
  });

  it('flags write-all at workflow and job level', () => {
    const text = lines(
      'on: push',
      'permissions: write-all', // 2
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    permissions: write-all', // 6
      '    steps:',
      '      - run: "true"',
    );
    expect(where(lint(text))).toEqual(['permissions-write-all@2:14', 'permissions-write-all@6:18']);
  });
});

describe('unpinned-third-party-action', () => {
  const steps = (...s: string[]) =>
    lines('on: push', 'permissions: {}', 'jobs:', '  a:', '    runs-on: ubuntu-latest', '    steps:', ...s);

  it('flags a tag ref, at the uses value', () => {
    const findings = lint(steps('      - uses: someone/action@v1'));
    expect(where(findings)).toEqual(['unpinned-third-party-action@7:15']);
    expect(findings[0]!.message).toContain('the ref "v1" is not a full commit SHA');
  });

  it('flags GitHub-owned actions, short SHAs, missing refs and Docker tags too', () => {
    const text = steps(
      '      - uses: actions/checkout@v4', // 7
      '      - uses: someone/action@11bd719', // 8
      '      - uses: someone/action', // 9
      '      - uses: docker://alpine:3.20', // 10
    );
    expect(where(lint(text)).map((w) => Number(w.split('@')[1]!.split(':')[0]))).toEqual([7, 8, 9, 10]);
  });

  it('accepts full SHAs, digests, local actions and modelgate by tag; other trusted repos by option', () => {
    const text = steps(
      `      - uses: someone/action/sub@${SHA} # v1.2.3`,
      `      - uses: docker://alpine@sha256:${'a'.repeat(64)}`,
      '      - uses: ./.github/actions/local',
      '      - uses: modelgate/modelgate/actions/train@v0',
    );
    expect(lint(text)).toEqual([]);
    const own = steps('      - uses: acme/tools/setup@v2');
    expect(lint(own)).toHaveLength(1);
    expect(lintWorkflow(own, 'wf.yml', { trustedActionRepos: ['acme/*'] })).toEqual([]);
  });

  it('checks reusable workflow calls', () => {
    const text = lines(
      'on: push',
      'permissions: {}',
      'jobs:',
      '  call:',
      '    uses: someone/repo/.github/workflows/x.yml@main', // 5
    );
    expect(where(lint(text))).toEqual(['unpinned-third-party-action@5:11']);
  });
});

describe('self-hosted-on-fork', () => {
  const prJob = (runsOn: string, condition?: string) =>
    lines(
      'on: pull_request', // 1
      'permissions: {}', // 2
      'jobs:', // 3
      '  train:', // 4
      ...(condition === undefined ? [] : [`    if: ${condition}`]),
      `    runs-on: ${runsOn}`,
      '    steps:',
      '      - run: make train',
    );

  it('flags a self-hosted job on pull_request without a fork guard, at runs-on', () => {
    const findings = lint(prJob('[self-hosted, gpu]'));
    expect(where(findings)).toEqual(['self-hosted-on-fork@5:14']);
    expect(findings[0]!.message).toContain(
      'github.event.pull_request.head.repo.full_name == github.repository',
    );
  });

  it('accepts the same-repository guard as a top-level && term, in either order', () => {
    expect(
      lint(prJob('[self-hosted, gpu]', 'github.event.pull_request.head.repo.full_name == github.repository')),
    ).toEqual([]);
    expect(
      lint(
        prJob(
          '[self-hosted, gpu]',
          '${{ github.repository == github.event.pull_request.head.repo.full_name && !cancelled() }}',
        ),
      ),
    ).toEqual([]);
  });

  it('rejects guards that do not exclude forks', () => {
    for (const condition of [
      '"!github.event.pull_request.head.repo.fork"',
      'always() || github.event.pull_request.head.repo.full_name == github.repository',
      "github.event_name == 'pull_request'",
      "github.actor != 'dependabot[bot]'",
    ]) {
      expect(where(lint(prJob('self-hosted', condition))), condition).toEqual(['self-hosted-on-fork@6:14']);
    }
  });

  it('treats runner groups and run-time runner choices as possibly self-hosted', () => {
    expect(where(lint(prJob('{ group: gpu-runners }')))).toEqual(['self-hosted-on-fork@5:14']);
    expect(where(lint(prJob('${{ fromJSON(vars.RUNNER) }}')))).toEqual(['self-hosted-on-fork@5:14']);
    expect(lint(prJob('ubuntu-latest'))).toEqual([]);
  });

  it('applies to reusable workflows, where a non-PR event test is also a guard', () => {
    const reusable = (condition: string) =>
      lines(
        'on:',
        '  workflow_call:',
        'permissions: {}',
        'jobs:',
        '  drift:',
        `    if: ${condition}`,
        '    runs-on: ${{ fromJSON(inputs.runs-on) }}', // 7
        '    steps:',
        '      - run: "true"',
      );
    expect(
      lint(reusable("github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'")),
    ).toEqual([]);
    expect(
      where(lint(reusable("github.event_name == 'schedule' || github.event_name == 'pull_request'"))),
    ).toEqual(['self-hosted-on-fork@7:14']);
  });

  it('leaves workflows that PRs cannot start alone', () => {
    expect(lint(prJob('[self-hosted, gpu]').replace('on: pull_request', 'on: push'))).toEqual([]);
  });

  it('parses guards structurally', () => {
    expect(hasForkGuard('(github.event.pull_request.head.repo.full_name == github.repository)')).toBe(true);
    expect(hasForkGuard("(github.event_name == 'push') && x")).toBe(true);
    expect(hasForkGuard("(github.event_name == 'push') || (x)")).toBe(false);
    expect(
      hasForkGuard("contains('a && github.event.pull_request.head.repo.full_name == github.repository', x)"),
    ).toBe(false);
    expect(hasForkGuard(undefined)).toBe(false);
  });
});

describe('invalid workflows', () => {
  it('report YAML errors with their line instead of throwing', () => {
    const findings = lint(lines('on: push', 'jobs:', '  a:', '    runs-on: [ubuntu-latest', '    steps: []'));
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0]!.rule).toBe('invalid-workflow');
    expect(findings[0]!.line).toBeGreaterThanOrEqual(4);
  });

  it('report a root that is not a mapping', () => {
    expect(where(lint('- just\n- a list\n'))).toEqual(['invalid-workflow@1:1']);
  });

  it('follow YAML aliases', () => {
    const text = lines(
      'on: push',
      'permissions: {}',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - &bad',
      '        uses: someone/action@v1', // 8
      '  b:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - *bad',
    );
    expect(where(lint(text))).toEqual([
      'unpinned-third-party-action@8:15',
      'unpinned-third-party-action@8:15',
    ]);
  });
});
