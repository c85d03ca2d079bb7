/**
 * The metric blocks of the markdown report: the overall metric table, regressions on slices, the
 * per-slice tables, fairness gaps, and the charts with their tables.
 */
import type { FairnessDelta, MetricDelta, MetricStatus } from '../diff/types.js';
import { formatMetric } from '../runs/format.js';
import { codeSpan, escapeHtml, escapeTableCell, shorten } from './escape.js';
import { type ReportContext, sliceKey } from './markdown-context.js';
import {
  ciHeader,
  formatCi,
  formatCount,
  formatDelta,
  markdownTable,
  omissionNote,
  plural,
  STATUS_ICONS,
  STATUS_LABELS,
  signed,
} from './markdown-format.js';
import { type Chart, type EpochLike, mermaidLearningCurves, mermaidMetricsChart } from './mermaid.js';
import type { ReportBlock } from './truncate.js';

/** How many slice-regression rows the full report lists. */
const MAX_SLICE_REGRESSIONS = 50;
/** How many slice-regression rows the `slice-regressions` stage keeps. */
const MAX_SLICE_REGRESSIONS_REDUCED = 10;
/** How many metric rows the `metrics` stage keeps. */
const MAX_METRICS_REDUCED = 10;
/** How many metrics a per-slice table shows. */
const SLICE_TABLE_METRICS = 3;
/** Per-slice tables with more groups than this are collapsed in `<details>`. */
const COLLAPSE_GROUPS = 8;

/** Statuses the `metrics-quiet` stage keeps (besides gate-related rows). */
const NOTABLE: ReadonlySet<MetricStatus> = new Set(['regressed', 'new', 'removed', 'undefined']);

function metricName(m: MetricDelta, bold: boolean): string {
  const name = escapeTableCell(shorten(m.name, 80));
  return `${bold ? `**${name}**` : name} ${m.direction === 'lower' ? '↓' : '↑'}`;
}

function hasCi(metrics: readonly MetricDelta[]): boolean {
  return metrics.some((m) => m.ci !== null);
}

function metricRows(ctx: ReportContext, rows: readonly MetricDelta[], withCi: boolean): string {
  if (!ctx.hasBaseline) {
    return markdownTable(
      ['metric', 'value', ''],
      rows.map((m) => [
        metricName(m, ctx.gateMetrics.has(m.name)),
        formatMetric(m.candidate),
        STATUS_LABELS[m.status],
      ]),
      ['left', 'right', 'left'],
    );
  }
  const header = ['metric', 'baseline', 'candidate', 'Δ'];
  const align: ('left' | 'right')[] = ['left', 'right', 'right', 'right'];
  if (withCi) {
    header.push(ciHeader(ctx.diff.bootstrap?.confidence));
    align.push('right');
  }
  header.push('');
  align.push('left');
  return markdownTable(
    header,
    rows.map((m) => {
      const row = [
        metricName(m, ctx.gateMetrics.has(m.name)),
        formatMetric(m.baseline),
        formatMetric(m.candidate),
        formatDelta(m.delta, m.relative),
      ];
      if (withCi) row.push(formatCi(m.ci));
      row.push(STATUS_LABELS[m.status]);
      return row;
    }),
    align,
  );
}

function withNote(table: string, omitted: number, what: string, ctx: ReportContext, why = ''): string {
  return omitted > 0
    ? `${table}\n\n${omissionNote(`${plural(omitted, what)}${why} omitted`, ctx.see)}`
    : table;
}

/**
 * The overall metric table: metric (↑/↓ for the better direction, bold when a gate reason names
 * it) | baseline | candidate | Δ (relative) | CI | status. Without a baseline: metric | value.
 * Reduced by `metrics-quiet` to regressed, gate-related, new, removed and undefined rows, and by
 * `metrics` to regressed and gate-related rows (at most 10).
 */
export function metricsBlock(ctx: ReportContext): ReportBlock {
  const overall = ctx.diff.metrics.filter((m) => m.slice === null);
  if (overall.length === 0) return { id: 'metrics', text: '#### Metrics\n\n_No overall metrics._' };
  const withCi = hasCi(overall);
  const render = (rows: readonly MetricDelta[]) =>
    withNote(
      `#### Metrics\n\n${metricRows(ctx, rows, withCi)}`,
      overall.length - rows.length,
      'metric row',
      ctx,
    );
  const gated = (m: MetricDelta) => ctx.gateMetrics.has(m.name);
  return {
    id: 'metrics',
    text: render(overall),
    reductions: [
      {
        stage: 'metrics-quiet',
        render: () => render(overall.filter((m) => gated(m) || NOTABLE.has(m.status))),
      },
      {
        stage: 'metrics',
        render: () => {
          const kept = overall.filter((m) => gated(m) || m.status === 'regressed');
          return render(
            [...kept.filter(gated), ...kept.filter((m) => !gated(m))].slice(0, MAX_METRICS_REDUCED),
          );
        },
      },
    ],
  };
}

function sliceCell(ref: { column: string; value: string }): string {
  return `${escapeTableCell(shorten(ref.column, 40))} = ${escapeTableCell(shorten(ref.value, 60))}`;
}

/**
 * Regressions on slices: every slice metric that regressed or that a gate reason names (those
 * first), at most 50 rows; the `slice-regressions` stage keeps 10. Empty when there are none.
 */
export function sliceRegressionsBlock(ctx: ReportContext): ReportBlock {
  const gated = (m: MetricDelta) => m.slice !== null && ctx.gateSliceMetrics.has(sliceKey(m.slice, m.name));
  const rows = ctx.diff.metrics.filter((m) => m.slice !== null && (m.status === 'regressed' || gated(m)));
  if (rows.length === 0) return { id: 'slice-regressions', text: '' };
  // Gate-related first, then the largest relative change for the worse.
  const worse = (m: MetricDelta) => {
    const r = m.relative ?? m.delta ?? 0;
    return m.direction === 'higher' ? r : -r;
  };
  const ordered = [
    ...rows.filter(gated),
    ...rows.filter((m) => !gated(m)).sort((a, b) => worse(a) - worse(b)),
  ];
  const withCi = hasCi(ordered);
  const render = (max: number) => {
    const kept = ordered.slice(0, max);
    const header = ['slice', 'metric', 'baseline', 'candidate', 'Δ'];
    if (withCi) header.push(ciHeader(ctx.diff.bootstrap?.confidence));
    header.push('');
    const table = markdownTable(
      header,
      kept.map((m) => {
        const row = [
          sliceCell(m.slice!),
          metricName(m, gated(m)),
          formatMetric(m.baseline),
          formatMetric(m.candidate),
          formatDelta(m.delta, m.relative),
        ];
        if (withCi) row.push(formatCi(m.ci));
        row.push(STATUS_LABELS[m.status]);
        return row;
      }),
    );
    return withNote(
      `#### Regressions on slices\n\n${table}`,
      ordered.length - kept.length,
      'slice regression',
      ctx,
    );
  };
  return {
    id: 'slice-regressions',
    text: render(MAX_SLICE_REGRESSIONS),
    reductions: [{ stage: 'slice-regressions', render: () => render(MAX_SLICE_REGRESSIONS_REDUCED) }],
  };
}

interface SliceGroup {
  value: string;
  count: number | undefined;
  metrics: Map<string, MetricDelta>;
  regressed: boolean;
}

interface SliceColumn {
  column: string;
  groups: SliceGroup[];
}

/** Slice metrics grouped by column, then value (in the diff's order). */
export function groupSlices(metrics: readonly MetricDelta[]): SliceColumn[] {
  const columns = new Map<string, Map<string, SliceGroup>>();
  for (const m of metrics) {
    if (m.slice === null) continue;
    let groups = columns.get(m.slice.column);
    if (!groups) columns.set(m.slice.column, (groups = new Map()));
    let group = groups.get(m.slice.value);
    if (!group)
      groups.set(
        m.slice.value,
        (group = { value: m.slice.value, count: m.count, metrics: new Map(), regressed: false }),
      );
    if (group.count === undefined) group.count = m.count;
    group.metrics.set(m.name, m);
    if (m.status === 'regressed') group.regressed = true;
  }
  return [...columns].map(([column, groups]) => ({ column, groups: [...groups.values()] }));
}

/** The metrics a per-slice table shows: gate-related first, then the overall order, at most 3. */
function sliceTableMetrics(ctx: ReportContext, column: SliceColumn): string[] {
  const present = new Set<string>();
  for (const g of column.groups) for (const name of g.metrics.keys()) present.add(name);
  const gated = ctx.diff.metrics
    .filter((m) => m.slice?.column === column.column && ctx.gateSliceMetrics.has(sliceKey(m.slice, m.name)))
    .map((m) => m.name);
  const overall = ctx.diff.metrics.filter((m) => m.slice === null).map((m) => m.name);
  const names = [...new Set([...gated, ...overall, ...present])].filter((n) => present.has(n));
  return names.slice(0, SLICE_TABLE_METRICS);
}

function groupCell(ctx: ReportContext, m: MetricDelta | undefined): string {
  if (!m) return '';
  const value = formatMetric(m.candidate);
  const delta = ctx.hasBaseline && m.delta !== null ? ` (${signed(m.delta)})` : '';
  const icon =
    m.status === 'unchanged' || (m.status === 'new' && !ctx.hasBaseline) ? '' : ` ${STATUS_ICONS[m.status]}`;
  return `${value}${delta}${icon}`;
}

function sliceTable(
  ctx: ReportContext,
  column: SliceColumn,
  groups: readonly SliceGroup[],
  names: readonly string[],
): string {
  const header = [
    escapeTableCell(shorten(column.column, 60)),
    'rows',
    ...names.map((n) => escapeTableCell(shorten(n, 60))),
  ];
  const rows = groups.map((g) => [
    escapeTableCell(shorten(g.value, 80)),
    formatCount(g.count),
    ...names.map((n) => groupCell(ctx, g.metrics.get(n))),
  ]);
  return markdownTable(header, rows, ['left', 'right', ...names.map(() => 'right' as const)]);
}

function collapse(summary: string, body: string, open: boolean): string {
  return open ? body : `<details>\n<summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

/**
 * One block per slice column: a table of its groups (rows, and the candidate value, Δ and status of
 * up to 3 main metrics), collapsed in `<details>` above 8 groups. Reduced by `slices-quiet` to the
 * groups with a regression and by `slices` to one line.
 */
export function sliceBlocks(ctx: ReportContext): ReportBlock[] {
  const columns = groupSlices(ctx.diff.metrics);
  if (columns.length === 0) return [];
  const blocks: ReportBlock[] = [{ id: 'slices', text: '#### Slices' }];
  for (const column of columns) {
    const names = sliceTableMetrics(ctx, column);
    const regressed = column.groups.filter((g) => g.regressed);
    const summary = `${escapeHtml(shorten(column.column, 60))}: ${plural(column.groups.length, 'group')}, ${regressed.length} with a regression`;
    const render = (groups: readonly SliceGroup[]) => {
      const table = sliceTable(ctx, column, groups, names);
      const omitted = column.groups.length - groups.length;
      const body = withNote(table, omitted, 'group', ctx, ' without a regression');
      return collapse(summary, body, groups.length <= COLLAPSE_GROUPS);
    };
    const line = () =>
      omissionNote(
        `${codeSpan(shorten(column.column, 60))}: table of ${plural(column.groups.length, 'group')} (${regressed.length} with a regression) omitted`,
        ctx.see,
      );
    blocks.push({
      id: `slices:${column.column}`,
      text: render(column.groups),
      reductions: [
        { stage: 'slices-quiet', render: () => (regressed.length > 0 ? render(regressed) : line()) },
        { stage: 'slices', render: line },
      ],
    });
  }
  return blocks;
}

function fairnessStatus(f: FairnessDelta): string {
  if (f.limit !== null && f.candidate !== null && Math.abs(f.candidate) > f.limit) return '❌ over limit';
  if (f.delta !== null && f.delta > 0) return f.limit !== null ? '🔴 wider, within limit' : '🔴 wider';
  if (f.delta !== null && f.delta < 0) return f.limit !== null ? '🟢 narrower, within limit' : '🟢 narrower';
  return f.limit !== null && f.candidate !== null ? '✅ within limit' : '';
}

/**
 * Fairness gaps per slice column: baseline, candidate, Δ, the configured limit and a status (over
 * limit, wider, narrower). Reduced by `fairness` to the gaps over their limit or widened.
 */
export function fairnessBlock(ctx: ReportContext): ReportBlock {
  const all = ctx.diff.fairness;
  if (all.length === 0) return { id: 'fairness', text: '' };
  const render = (rows: readonly FairnessDelta[]) => {
    const table = markdownTable(
      ctx.hasBaseline
        ? ['slice', 'gap', 'baseline', 'candidate', 'Δ', 'limit', '']
        : ['slice', 'gap', 'value', 'limit', ''],
      rows.map((f) => {
        const head = [escapeTableCell(shorten(f.column, 60)), escapeTableCell(shorten(f.name, 60))];
        const values = ctx.hasBaseline
          ? [formatMetric(f.baseline), formatMetric(f.candidate), signed(f.delta)]
          : [formatMetric(f.candidate)];
        return [...head, ...values, f.limit === null ? '–' : formatMetric(f.limit), fairnessStatus(f)];
      }),
    );
    return withNote(`#### Fairness gaps\n\n${table}`, all.length - rows.length, 'fairness gap', ctx);
  };
  const notable = (f: FairnessDelta) =>
    (f.limit !== null && f.candidate !== null && Math.abs(f.candidate) > f.limit) ||
    (f.delta !== null && f.delta > 0);
  return {
    id: 'fairness',
    text: render(all),
    reductions: [{ stage: 'fairness', render: () => render(all.filter(notable)) }],
  };
}

function chartMarkdown(heading: string, chart: Chart, tableSummary: string): string {
  return `#### ${heading}\n\n${chart.mermaid}\n\n${chart.caption}\n\n<details>\n<summary>${tableSummary}</summary>\n\n${chart.table}\n\n</details>`;
}

/**
 * The metric chart (baseline bars vs candidate line on the overall 0..1 metrics, gate-related
 * first, at most 8) with the same numbers as a table. Dropped with a note by `chart`.
 */
export function chartBlock(ctx: ReportContext): ReportBlock {
  const chart = mermaidMetricsChart(ctx.diff.metrics, {
    title: `${shorten(ctx.diff.model, 40)} - ${ctx.hasBaseline ? 'baseline vs candidate' : 'candidate'}`,
    hasBaseline: ctx.hasBaseline,
    prefer: ctx.gateMetrics,
  });
  if (!chart) return { id: 'chart', text: '' };
  return {
    id: 'chart',
    text: chartMarkdown('Chart', chart, 'Chart data as a table'),
    reductions: [
      {
        stage: 'chart',
        render: () => omissionNote('metric chart omitted (the metric table has its numbers)', ctx.see),
      },
    ],
  };
}

/**
 * The learning curves (validation loss per epoch of both runs) with their table. Dropped with a
 * note by `learning-curve`. Empty without history.
 */
export function learningCurveBlock(
  ctx: ReportContext,
  history: { baseline?: readonly EpochLike[]; candidate?: readonly EpochLike[] } | undefined,
): ReportBlock {
  const chart = history
    ? mermaidLearningCurves(history, { title: `${shorten(ctx.diff.model, 40)} - learning curves` })
    : null;
  if (!chart) return { id: 'learning-curve', text: '' };
  return {
    id: 'learning-curve',
    text: chartMarkdown('Learning curves', chart, 'Learning curves as a table'),
    reductions: [{ stage: 'learning-curve', render: () => omissionNote('learning curves omitted', ctx.see) }],
  };
}
