import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RepoConfigSchema } from '../../src/config/repo-config.js';
import { REPORT_COMMENT_MARKER } from '../../src/forge/sticky-comment.js';
import { adjustGate, headMarker, reportPullRequest } from '../../src/pr/report-pull-request.js';
import { sha, world, writeRunFolder } from './helpers.js';

const HEAD = sha('c');
const config = RepoConfigSchema.parse({
  models: [
    { name: 'risk', path: 'models/risk', metrics: [{ name: 'roc_auc', max_regression: 0.01 }] },
    { name: 'churn', path: 'models/churn', approvers: ['@acme/ml'] },
  ],
});

describe('reportPullRequest (contract 5)', () => {
  it('reports each model into one sticky comment, one section per model', async () => {
    const w = await world();
    const pr = w.forge.addPullRequest({ headSha: HEAD });
    const risk = await writeRunFolder(join(w.root, 'risk'), { sha: HEAD, quality: 'bad' });
    const churn = await writeRunFolder(join(w.root, 'churn'), { sha: HEAD, quality: 'good', model: 'churn' });
    const out = await reportPullRequest({
      forge: w.forge,
      registry: w.registry,
      config,
      prNumber: pr.number,
      headSha: HEAD,
      runs: [
        { model: 'risk', dir: risk },
        { model: 'churn', dir: churn },
      ],
      resamples: 100,
    });
    expect(out.models.map((m) => [m.model, m.verdict, m.baselineVersion])).toEqual([
      ['risk', 'needs-approval', '1.0.0'],
      ['churn', 'pass', null],
    ]);
    expect(out.models[0]!.markdown.startsWith(headMarker(HEAD))).toBe(true);
    expect(out.models[0]!.checkSummary).toContain('needs the approval');
    expect(out.models[1]!.checkSummary).toContain('First model');
    const comments = w.forge.comments.filter((c) => c.body.includes(REPORT_COMMENT_MARKER));
    expect(comments).toHaveLength(1);
    expect(comments[0]!.id).toBe(out.commentId);
    expect(comments[0]!.body).toContain('<!-- modelgate:section:churn -->');
    expect(comments[0]!.body).toContain('<!-- modelgate:section:risk -->');
    expect(comments[0]!.body).toContain('Needs the approval of a reviewer with write access.');
  });

  it('applies an approval only to a needs-approval verdict, and fails on an unconfigured model', async () => {
    const w = await world();
    const pr = w.forge.addPullRequest({ headSha: HEAD });
    const bad = await writeRunFolder(join(w.root, 'bad'), { sha: HEAD, quality: 'bad' });
    const good = await writeRunFolder(join(w.root, 'good'), { sha: HEAD, quality: 'good' });
    const base = {
      forge: w.forge,
      registry: w.registry,
      config,
      prNumber: pr.number,
      headSha: HEAD,
      resamples: 50,
    };
    const approved = await reportPullRequest({
      ...base,
      runs: [{ model: 'risk', dir: bad }],
      approvals: { risk: 'bob' },
    });
    expect(approved.models[0]!.gate.approver).toBe('bob');
    expect(approved.models[0]!.markdown).toContain('Approved by `bob`');
    const passing = await reportPullRequest({
      ...base,
      runs: [{ model: 'risk', dir: good }],
      approvals: { risk: 'bob' },
    });
    expect(passing.models[0]!.verdict).toBe('pass');
    expect(passing.models[0]!.gate.approver).toBeUndefined();
    expect(passing.commentId).toBe(approved.commentId);
    const other = await writeRunFolder(join(w.root, 'other'), { sha: HEAD, quality: 'good', model: 'fraud' });
    await expect(reportPullRequest({ ...base, runs: [{ model: 'fraud', dir: other }] })).rejects.toThrow(
      /model "fraud" is not in \.github\/modelgate\.yml/,
    );
    await expect(
      reportPullRequest({
        ...base,
        runs: [{ model: 'risk', dir: good }],
        baselineVersions: { risk: '9.9.9' },
      }),
    ).rejects.toThrow(/risk@v9\.9\.9 is not a released version/);
  });

  it('adjustGate turns a pass into needs-approval when the config changes, and drops stale approvers', () => {
    const gate = {
      verdict: 'pass' as const,
      reasons: [],
      bump: { bump: 'minor' as const, reason: 'default' },
    };
    const changed = adjustGate(gate, { configChanged: true, approver: 'bob' });
    expect(changed.verdict).toBe('needs-approval');
    expect(changed.reasons.map((r) => r.code)).toEqual(['config-changed']);
    expect(changed.approver).toBe('bob');
    expect(adjustGate({ ...gate, approver: 'old' }, {}).approver).toBeUndefined();
    expect(gate.reasons).toEqual([]); // not mutated
  });
});
