import { describe, expect, it } from 'vitest';
import { MemoryForge } from '../../src/forge/memory-forge.js';
import {
  codeownersMatch,
  evaluateApproval,
  latestReviews,
  ownersOf,
  parseCodeowners,
  readCodeowners,
} from '../../src/pr/approval.js';
import {
  checkStateText,
  completeCheckRun,
  conclusionOf,
  configMarker,
  labelsMarker,
  parseCheckState,
  startCheckRuns,
  withLabelsStamp,
} from '../../src/pr/check-runs.js';
import { sha } from './helpers.js';

const HEAD = sha('a');
const model = { name: 'risk', path: 'models/risk' };

function setup() {
  const forge = new MemoryForge();
  const pr = forge.addPullRequest({ headSha: HEAD, user: 'alice' });
  for (const u of ['bob', 'carol', 'dave']) forge.setPermission(u, 'write');
  forge.setPermission('erin', 'maintain');
  forge.setPermission('tom', 'triage');
  return { forge, pr };
}

describe('evaluateApproval', () => {
  it('counts the latest state-setting review per user; comments do not undo an approval', async () => {
    const { forge, pr } = setup();
    forge.addReview(pr.number, {
      user: 'bob',
      state: 'CHANGES_REQUESTED',
      submittedAt: '2026-01-01T00:00:00Z',
    });
    forge.addReview(pr.number, { user: 'bob', state: 'APPROVED', submittedAt: '2026-01-02T00:00:00Z' });
    forge.addReview(pr.number, { user: 'bob', state: 'COMMENTED', submittedAt: '2026-01-03T00:00:00Z' });
    const reviews = await forge.listReviews(pr.number);
    expect(latestReviews(reviews).map((r) => [r.user, r.state])).toEqual([['bob', 'APPROVED']]);
    const d = await evaluateApproval({ forge, pr, reviews, approvers: [], model });
    expect(d).toMatchObject({ approved: true, approver: 'bob', rejected: [] });
  });

  it('a later request for changes withdraws an approval', async () => {
    const { forge, pr } = setup();
    forge.addReview(pr.number, { user: 'bob', state: 'APPROVED', submittedAt: '2026-01-02T00:00:00Z' });
    forge.addReview(pr.number, {
      user: 'bob',
      state: 'CHANGES_REQUESTED',
      submittedAt: '2026-01-03T00:00:00Z',
    });
    const d = await evaluateApproval({
      forge,
      pr,
      reviews: await forge.listReviews(pr.number),
      approvers: [],
      model,
    });
    expect(d.approved).toBe(false);
  });

  it('rejects the author, bots, old commits and users without write access, with reasons', async () => {
    const { forge, pr } = setup();
    forge.setPermission('alice', 'admin');
    forge.setPermission('ci[bot]', 'write');
    forge.addReview(pr.number, { user: 'alice', state: 'APPROVED' });
    forge.addReview(pr.number, { user: 'ci[bot]', state: 'APPROVED' });
    forge.addReview(pr.number, { user: 'carol', state: 'APPROVED', commitId: sha('b') });
    forge.addReview(pr.number, { user: 'tom', state: 'APPROVED' });
    forge.addReview(pr.number, { user: 'stranger', state: 'APPROVED' });
    const d = await evaluateApproval({
      forge,
      pr,
      reviews: await forge.listReviews(pr.number),
      approvers: [],
      model,
    });
    expect(d.approved).toBe(false);
    expect(d.rejected.map((r) => r.user)).toEqual(['alice', 'ci[bot]', 'carol', 'tom', 'stranger']);
    expect(d.rejected[0]!.reason).toMatch(/author/);
    expect(d.rejected[2]!.reason).toMatch(/older commit \(bbbbbbb\)/);
    expect(d.rejected[3]!.reason).toMatch(/has triage access/);
    expect(d.rejected[4]!.reason).toMatch(/has none access/);
  });

  it('restricts approval to the listed users and team members', async () => {
    const { forge, pr } = setup();
    forge.addTeamMember('acme', 'ml-leads', 'dave');
    forge.addReview(pr.number, { user: 'bob', state: 'APPROVED' });
    forge.addReview(pr.number, { user: 'dave', state: 'APPROVED' });
    const reviews = await forge.listReviews(pr.number);
    const byTeam = await evaluateApproval({ forge, pr, reviews, approvers: ['@acme/ml-leads'], model });
    expect(byTeam).toMatchObject({ approved: true, approver: 'dave' });
    expect(byTeam.rejected).toEqual([{ user: 'bob', reason: 'is not one of the approvers of risk' }]);
    const byUser = await evaluateApproval({ forge, pr, reviews, approvers: ['@Bob'], model });
    expect(byUser.approver).toBe('bob');
    const nobody = await evaluateApproval({ forge, pr, reviews, approvers: ['erin'], model });
    expect(nobody.approved).toBe(false);
  });

  it('uses CODEOWNERS from the base branch when no approvers are configured', async () => {
    const { forge, pr } = setup();
    forge.setFile(
      '.github/CODEOWNERS',
      'main',
      '# owners\n*            @carol\nmodels/     @bob\n/models/risk/ @erin @acme/ml\ndocs/ @dave\n',
    );
    forge.addReview(pr.number, { user: 'bob', state: 'APPROVED' });
    forge.addReview(pr.number, { user: 'erin', state: 'APPROVED' });
    const codeowners = await readCodeowners(forge, 'main');
    const d = await evaluateApproval({
      forge,
      pr,
      reviews: await forge.listReviews(pr.number),
      approvers: [],
      codeowners,
      model,
    });
    expect(d.eligible).toEqual(['@erin', '@acme/ml']);
    expect(d).toMatchObject({ approved: true, approver: 'erin' });
    // configured approvers win over CODEOWNERS
    const configured = await evaluateApproval({
      forge,
      pr,
      reviews: await forge.listReviews(pr.number),
      approvers: ['bob'],
      codeowners,
      model,
    });
    expect(configured.approver).toBe('bob');
  });

  it('parses and matches CODEOWNERS patterns (last match wins)', () => {
    const rules = parseCodeowners(
      '*.py @py\n/models/ @models owner@example.com\nmodels/risk/*.yml @risk\n\\#x @hash\n',
    );
    expect(rules.map((r) => r.owners)).toEqual([['@py'], ['@models'], ['@risk'], ['@hash']]);
    expect(ownersOf(rules, 'models/risk/model.yml')).toEqual(['@risk']);
    expect(ownersOf(rules, 'models/churn/model.yml')).toEqual(['@models']);
    expect(ownersOf(rules, 'src/deep/train.py')).toEqual(['@py']);
    expect(ownersOf(rules, 'README.md')).toEqual([]);
    expect(codeownersMatch('docs', 'a/docs/x.md')).toBe(true);
    expect(codeownersMatch('/docs', 'a/docs/x.md')).toBe(false);
    expect(codeownersMatch('a/*.md', 'a/b/x.md')).toBe(false);
    expect(codeownersMatch('#x', '#x')).toBe(true);
    expect(codeownersMatch('/docs/*', 'docs/a.md')).toBe(true);
    expect(codeownersMatch('/docs/*', 'docs/a/b.md')).toBe(false);
    expect(codeownersMatch('**/logs', 'deep/logs/x.log')).toBe(true);
  });
});

describe('check runs', () => {
  it('round-trips the state markers and never duplicates a check run for a SHA and name', async () => {
    const text = checkStateText({
      verdict: 'needs-approval',
      headSha: HEAD,
      sourceRunId: 42,
      commandApprovals: [
        { user: 'bob', headSha: HEAD },
        { user: 'BOB', headSha: HEAD },
        { user: 'carol', headSha: sha('b') },
      ],
      approver: 'bob',
    });
    expect(parseCheckState(text)).toEqual({
      verdict: 'needs-approval',
      headSha: HEAD,
      sourceRunId: 42,
      commandApprovals: [{ user: 'bob', headSha: HEAD }],
      approver: 'bob',
      config: null,
      labels: [],
    });
    // Labels stamps: one per pull request, any label text, the first of a pull request wins.
    const odd = ['model:major', 'needs --> review', 'ünï <!-- x -->'];
    const stamped = checkStateText({
      verdict: 'pass',
      headSha: HEAD,
      labels: [
        { pr: 7, labels: odd },
        { pr: 8, labels: [] },
      ],
    });
    expect(parseCheckState(stamped).labels).toEqual([
      { pr: 7, labels: odd },
      { pr: 8, labels: [] },
    ]);
    const moved = withLabelsStamp(stamped, { pr: 7, labels: ['model:patch'] });
    expect(moved.startsWith(labelsMarker({ pr: 7, labels: ['model:patch'] }))).toBe(true);
    expect(parseCheckState(moved)).toMatchObject({
      verdict: 'pass',
      labels: [
        { pr: 7, labels: ['model:patch'] },
        { pr: 8, labels: [] },
      ],
    });
    expect(moved.match(/modelgate:labels:7:/g)).toHaveLength(1);
    // Unreadable stamps are no stamps; a bad number is refused.
    expect(parseCheckState('<!-- modelgate:labels:3:bm90IGpzb24 -->').labels).toEqual([]);
    expect(parseCheckState('<!-- modelgate:labels:3:eyJhIjoxfQ -->').labels).toEqual([]);
    expect(() => labelsMarker({ pr: 0, labels: [] })).toThrow(/pull request number/);
    // The config stamp is kept for its own head commit only.
    const stamp = { headSha: HEAD, hash: 'c'.repeat(64), rulesChanged: true };
    expect(parseCheckState(checkStateText({ verdict: 'pass', headSha: HEAD, config: stamp })).config).toEqual(
      stamp,
    );
    expect(
      parseCheckState(
        checkStateText({ verdict: 'pass', headSha: HEAD, config: { ...stamp, headSha: sha('b') } }),
      ).config,
    ).toBeNull();
    expect(parseCheckState(configMarker({ ...stamp, rulesChanged: false })).config?.rulesChanged).toBe(false);
    expect(() => configMarker({ ...stamp, hash: 'not-hex' })).toThrow(/SHA-256/);
    expect(parseCheckState('<!-- modelgate:verdict:maybe:abc -->').verdict).toBeNull();
    expect(() => checkStateText({ verdict: 'pass', headSha: 'main' })).toThrow(/not a commit SHA/);
    expect(conclusionOf('needs-approval')).toEqual({
      conclusion: 'action_required',
      title: 'Needs approval',
    });
    expect(conclusionOf('needs-approval', 'bob')).toEqual({
      conclusion: 'success',
      title: 'Approved by bob',
    });
    expect(conclusionOf('fail').conclusion).toBe('failure');

    const forge = new MemoryForge();
    await startCheckRuns(forge, HEAD, ['risk', 'churn']);
    await startCheckRuns(forge, HEAD, ['risk']);
    expect(forge.checkRuns.map((c) => c.name)).toEqual(['modelgate/risk', 'modelgate/churn']);
    const long = 'x'.repeat(70_000);
    const first = await completeCheckRun(forge, HEAD, 'modelgate/risk', {
      conclusion: 'failure',
      title: 'Failed',
      summary: long,
      annotations: [{ path: 'a', startLine: 1, endLine: 1, level: 'failure', message: 'm' }],
    });
    expect(first.changed).toBe(true);
    expect(forge.checkRuns[0]!.summary.length).toBe(65_535);
    const again = await completeCheckRun(forge, HEAD, 'modelgate/risk', {
      conclusion: 'failure',
      title: 'Failed',
      summary: long,
      annotations: [{ path: 'a', startLine: 1, endLine: 1, level: 'failure', message: 'm' }],
    });
    expect(again.changed).toBe(false);
    expect(forge.checkRuns[0]!.annotations).toHaveLength(1);
    expect(forge.checkRuns).toHaveLength(2);
  });

  it('stamps the labels on new checks, and again on existing ones only when they changed', async () => {
    const { forge } = setup();
    const stamp = { pr: 1, labels: ['model:minor'] };
    const [created] = await startCheckRuns(forge, HEAD, ['risk'], { labels: stamp });
    expect(parseCheckState(created!.check.text).labels).toEqual([stamp]);
    const before = forge.checkRuns[0]!.text;
    // A reopened pull request with the same labels writes nothing; new labels are written over the old.
    await startCheckRuns(forge, HEAD, ['risk'], { labels: stamp });
    expect(forge.checkRuns[0]!.text).toBe(before);
    const [reopened] = await startCheckRuns(forge, HEAD, ['risk'], { labels: { pr: 1, labels: [] } });
    expect(reopened!.created).toBe(false);
    expect(forge.checkRuns).toHaveLength(1);
    expect(parseCheckState(forge.checkRuns[0]!.text).labels).toEqual([{ pr: 1, labels: [] }]);
    expect(forge.checkRuns[0]).toMatchObject({ status: 'in_progress', title: 'Waiting for training' });
  });
});
