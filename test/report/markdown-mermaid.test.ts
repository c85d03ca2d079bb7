import { describe, expect, it } from 'vitest';
import {
  CHART_MAX_EPOCHS,
  type EpochLike,
  mermaidLearningCurves,
  mermaidMetricsChart,
} from '../../src/report/mermaid.js';
import { structureProblems } from '../fixtures/report/check.js';
import { metric } from '../fixtures/report/diffs.js';

function line(block: string, prefix: string): string {
  return block.split('\n').find((l) => l.startsWith(prefix)) ?? '';
}

describe('mermaidMetricsChart', () => {
  const metrics = [
    metric('roc_auc', 0.69, 0.73),
    metric('log_loss', 0.42, 0.4),
    metric('mae', 3.2, 2.9),
    metric('accuracy', 0.8, 0.81),
    metric('roc_auc', 0.7, 0.6, { slice: { column: 'g', value: 'a' } }),
  ];

  it('draws baseline bars and a candidate line for the overall metrics on a 0..1 scale', () => {
    const chart = mermaidMetricsChart(metrics, { title: 'risk: baseline vs candidate', hasBaseline: true })!;
    expect(chart.mermaid).toBe(
      [
        '```mermaid',
        'xychart-beta',
        '  title "risk_ baseline vs candidate"',
        '  x-axis ["roc_auc", "log_loss", "accuracy"]',
        '  y-axis "value" 0 --> 1',
        '  bar [0.69, 0.42, 0.8]',
        '  line [0.73, 0.4, 0.81]',
        '```',
      ].join('\n'),
    );
    expect(chart.caption).toBe('Bars: baseline; line: candidate (3 metrics on a 0–1 scale).');
    expect(chart.table).toBe(
      [
        '| metric | baseline (bars) | candidate (line) |',
        '| --- | --- | --- |',
        '| roc\\_auc | 0.6900 | 0.7300 |',
        '| log\\_loss | 0.4200 | 0.4000 |',
        '| accuracy | 0.8000 | 0.8100 |',
      ].join('\n'),
    );
    expect(structureProblems(chart.table)).toEqual([]);
  });

  it('keeps the chart small, preferring gate-related metrics', () => {
    const many = Array.from({ length: 20 }, (_, i) => metric(`m${i}`, 0.5, 0.6));
    const chart = mermaidMetricsChart(many, { hasBaseline: true, prefer: new Set(['m19']) })!;
    expect(line(chart.mermaid, '  x-axis')).toBe(
      '  x-axis ["m19", "m0", "m1", "m2", "m3", "m4", "m5", "m6"]',
    );
    expect(mermaidMetricsChart(many, { hasBaseline: true, max: 2 })!.caption).toContain('2 metrics');
  });

  it('draws the candidate alone without a baseline', () => {
    const chart = mermaidMetricsChart([metric('f1', null, 0.5)], { hasBaseline: false })!;
    expect(chart.mermaid).toContain('  bar [0.5]');
    expect(chart.mermaid).not.toContain('line');
    expect(chart.table).toBe('| metric | candidate |\n| --- | --- |\n| f1 | 0.5000 |');
  });

  it('returns null when no metric lies in 0..1', () => {
    expect(
      mermaidMetricsChart([metric('mae', 3, 2), metric('r2', 0.5, -0.2)], { hasBaseline: true }),
    ).toBeNull();
    expect(mermaidMetricsChart([], { hasBaseline: false })).toBeNull();
  });

  it('escapes labels for Mermaid', () => {
    const chart = mermaidMetricsChart([metric('a"b] [c', 0.1, 0.2)], { title: 'x"y', hasBaseline: true })!;
    expect(line(chart.mermaid, '  x-axis')).toBe('  x-axis ["a_b_ _c"]');
    expect(line(chart.mermaid, '  title')).toBe('  title "x_y"');
  });
});

describe('mermaidLearningCurves', () => {
  const curve = (n: number, val = true): EpochLike[] =>
    Array.from({ length: n }, (_, i) => ({
      epoch: i + 1,
      loss: 1 - i / 100,
      val_loss: val ? 1.1 - i / 100 : null,
    }));

  it('draws the validation loss of both runs, padding the shorter one', () => {
    const chart = mermaidLearningCurves({ baseline: curve(2), candidate: curve(3) })!;
    expect(chart.mermaid).toBe(
      [
        '```mermaid',
        'xychart-beta',
        '  title "learning curves"',
        '  x-axis "epoch" ["1", "2", "3"]',
        '  y-axis "loss"',
        '  line [1.1, 1.09, 1.09]',
        '  line [1.1, 1.09, 1.08]',
        '```',
      ].join('\n'),
    );
    expect(chart.caption).toBe('Line 1: baseline validation loss; line 2: candidate validation loss.');
    expect(chart.table.split('\n')).toEqual([
      '| epoch | baseline loss | baseline val_loss | candidate loss | candidate val_loss |',
      '| --- | --- | --- | --- | --- |',
      '| 1 | 1 | 1.1000 | 1 | 1.1000 |',
      '| 2 | 0.9900 | 1.0900 | 0.9900 | 1.0900 |',
      '| 3 |  |  | 0.9800 | 1.0800 |',
    ]);
  });

  it('falls back to the training loss, and to one run', () => {
    const chart = mermaidLearningCurves({ candidate: curve(2, false) })!;
    expect(chart.caption).toBe('Line: candidate training loss.');
    expect(chart.mermaid).toContain('  line [1, 0.99]');
  });

  it('samples long histories evenly, keeping the last epoch', () => {
    const chart = mermaidLearningCurves({ baseline: curve(500), candidate: curve(200) })!;
    const labels = line(chart.mermaid, '  x-axis').match(/"\d+"/g)!;
    expect(labels.length).toBeLessThanOrEqual(CHART_MAX_EPOCHS);
    expect(labels[0]).toBe('"1"');
    expect(labels.at(-1)).toBe('"500"');
    expect(chart.table.split('\n')).toHaveLength(labels.length + 2);
  });

  it('returns null without history', () => {
    expect(mermaidLearningCurves({})).toBeNull();
    expect(mermaidLearningCurves({ baseline: [], candidate: [{ epoch: 1, loss: Number.NaN }] })).toBeNull();
  });
});
