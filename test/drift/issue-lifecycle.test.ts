/** The drift issue lifecycle through the in-memory forge: open, persist, clear, come back, redeliver. */
import { describe, expect, it } from 'vitest';
import { driftMarker, planDriftIssue, syncDriftIssue } from '../../src/drift/issue-lifecycle.js';
import type { DriftReport } from '../../src/drift/types.js';
import { MemoryForge } from '../../src/forge/memory-forge.js';

function report(drifted: boolean, rows = 1000): DriftReport {
  return {
    format: 'modelgate-drift',
    version: 1,
    model: 'risk',
    release: '1.2.0',
    reference: { rows: 20000 },
    current: { rows, source: 'logs/predictions.jsonl', window: { from: '2026-11-01', to: '2026-11-07' } },
    dataset: {
      drifted,
      share: drifted ? 0.6 : 0.1,
      threshold: 0.5,
      method: 'auto',
      correction: 'none',
      columns: 10,
      driftedColumns: drifted ? 6 : 1,
    },
    features: [
      {
        name: 'annual_mileage',
        type: 'numeric',
        method: 'wasserstein',
        statistic: drifted ? 0.4 : 0.01,
        pValue: null,
        threshold: 0.1,
        drifted,
        referenceCount: 20000,
        currentCount: rows,
        referenceMissing: 0,
        currentMissing: 0,
        reason: 'numeric, large samples',
        severity: drifted ? 4 : 0.1,
      },
    ],
    skipped: [],
    generated_at: '2026-11-08T06:00:00.000Z',
  };
}

const body = (r: DriftReport) => `${driftMarker('risk', '1.2.0')}\n# Drift report\nshare ${r.dataset.share}`;
const opts = (r: DriftReport, retrain = true) => ({
  model: 'risk',
  version: '1.2.0',
  report: r,
  body: body(r),
  retrain: retrain ? { workflow: 'retrain.yml', ref: 'main' } : null,
});

describe('drift issue lifecycle', () => {
  it('opens one labelled issue on drift and dispatches retraining once', async () => {
    const forge = new MemoryForge();
    const first = await syncDriftIssue(forge, opts(report(true)));
    expect(first.action.kind).toBe('create');
    expect(forge.issues).toHaveLength(1);
    expect(forge.issues[0]).toMatchObject({
      state: 'open',
      labels: ['modelgate', 'drift', 'model:risk'],
      title: 'Drift detected: risk@v1.2.0 (6 of 10 columns drifted)',
    });
    expect(forge.dispatches).toEqual([
      { workflow: 'retrain.yml', ref: 'main', inputs: { model: 'risk', version: '1.2.0', reason: 'drift' } },
    ]);

    // Drift persists: same issue, refreshed body, a comment with the window, no second dispatch.
    const again = await syncDriftIssue(forge, opts(report(true, 2000)));
    expect(again.action.kind).toBe('update');
    expect(forge.issues).toHaveLength(1);
    expect(forge.comments).toHaveLength(1);
    expect(forge.comments[0]!.body).toMatch(
      /^Drift persists in 2000 current rows from 2026-11-01 to 2026-11-07/,
    );
    expect(forge.dispatches).toHaveLength(1);
  });

  it('closes the issue with a comment when drift clears, and reopens it when drift comes back', async () => {
    const forge = new MemoryForge();
    await syncDriftIssue(forge, opts(report(true)));
    const cleared = await syncDriftIssue(forge, opts(report(false)));
    expect(cleared.action.kind).toBe('close');
    expect(forge.issues[0]!.state).toBe('closed');
    expect(forge.issues[0]!.body).toContain('share 0.1');
    expect(forge.comments.at(-1)!.body).toMatch(/^Drift cleared/);

    // Redelivery of a clean window: nothing more happens.
    const quiet = await syncDriftIssue(forge, opts(report(false)));
    expect(quiet.action).toEqual({ kind: 'none', reason: 'no drift; issue #1 is already closed' });
    expect(forge.comments).toHaveLength(1);

    const back = await syncDriftIssue(forge, opts(report(true)));
    expect(back.action).toMatchObject({ kind: 'update', reopen: true });
    expect(forge.issues).toHaveLength(1);
    expect(forge.issues[0]!.state).toBe('open');
    expect(forge.comments.at(-1)!.body).toMatch(/^Drift is back/);
    expect(forge.dispatches).toHaveLength(2);
  });

  it('does nothing without drift and without an issue; other versions get their own issue', async () => {
    const forge = new MemoryForge();
    expect((await syncDriftIssue(forge, opts(report(false)))).action.kind).toBe('none');
    expect(forge.issues).toHaveLength(0);
    await syncDriftIssue(forge, opts(report(true)));
    const other = {
      ...opts(report(true)),
      version: '1.3.0',
      body: `${driftMarker('risk', '1.3.0')}\nreport`,
    };
    await syncDriftIssue(forge, other);
    expect(forge.issues.map((i) => i.number)).toEqual([1, 2]);
  });

  it('refuses a body without the marker (it could never be found again)', () => {
    expect(() => planDriftIssue(null, { ...opts(report(true)), body: 'no marker' })).toThrow(
      /must contain its marker/,
    );
  });

  it('sanitises the marker and the title', () => {
    expect(driftMarker('Risk Model', '1.2.0 -->')).toBe('<!-- modelgate:drift:risk-model@1.2.0---- -->');
    const r = report(true);
    const plan = planDriftIssue(null, { ...opts(r), model: 'a\nb', body: driftMarker('a\nb', '1.2.0') });
    expect(plan.kind === 'create' && plan.title).not.toContain('\n');
  });
});
