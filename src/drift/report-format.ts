/**
 * Plain-text formatting shared by the drift report renderers (markdown and HTML): numbers,
 * p-values, shares, the window of each side and the label of the compared release. The results
 * are plain text: each renderer escapes them for its own context.
 */
import { formatMetric } from '../runs/format.js';
import type { DriftReport, FeatureDrift } from './types.js';

/** A statistic or distance: 4 decimals, exponent notation for tiny or huge values, `n/a` when missing. */
export function formatStatistic(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return 'n/a';
  return formatMetric(v);
}

/** A p-value: 4 decimals, 3 significant digits in exponent notation under 1e-4, `< 1e-300` near 0. */
export function formatPValue(p: number | null | undefined): string {
  if (p === null || p === undefined || Number.isNaN(p)) return '—';
  if (p < 1e-300) return '< 1e-300';
  if (p < 1e-4) return p.toExponential(2);
  return p.toFixed(4);
}

/** A share in [0, 1] as a percentage with one decimal (`12.5%`). */
export function formatShare(share: number): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(1)}%` : 'n/a';
}

/** A count with thousands separators (`1,000,000`), locale-independent. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(Math.trunc(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The p-value cell of a feature: the raw p-value, with the adjusted one when a correction applied. */
export function pValueText(f: FeatureDrift): string {
  const raw = formatPValue(f.pValue);
  if (f.adjustedPValue === undefined || f.adjustedPValue === null || f.pValue === null) return raw;
  return `${raw} (adj. ${formatPValue(f.adjustedPValue)})`;
}

/** The decision rule of a feature, e.g. `p < 0.05` or `>= 0.1`. */
export function ruleText(f: Pick<FeatureDrift, 'pValue' | 'method' | 'threshold'>): string {
  const test = f.method === 'ks' || f.method === 'chisquare' || f.method === 'z';
  return test ? `p < ${f.threshold}` : `≥ ${f.threshold}`;
}

/** The time window of one side as text (`2025-01-01 → 2025-01-31`), or '' when unknown. */
export function windowText(side: DriftReport['reference']): string {
  const w = side.window;
  if (!w || (w.from === undefined && w.to === undefined)) return '';
  return `${w.from ?? '…'} → ${w.to ?? '…'}`;
}

/**
 * The release label `<model>@<version>` of a report ('' when neither is known). A release given as
 * a full tag (`risk@v1.2.0`) is not prefixed twice.
 */
export function releaseLabel(report: Pick<DriftReport, 'model' | 'release'>): string {
  const { model, release } = report;
  if (model && release) return release.startsWith(`${model}@`) ? release : `${model}@${release}`;
  return model ?? release ?? '';
}

/** The version part of a release (`v1.2.0` from `risk@v1.2.0` or `v1.2.0`), or undefined. */
export function releaseVersion(report: Pick<DriftReport, 'model' | 'release'>): string | undefined {
  const { model, release } = report;
  if (!release) return undefined;
  if (model && release.startsWith(`${model}@`)) return release.slice(model.length + 1);
  return release;
}
