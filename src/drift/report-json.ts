/**
 * The JSON form of a drift report: the {@link DriftReport} itself, with a stable key order (the
 * order below, whatever order the object was built in), so reports diff cleanly between runs and
 * snapshot tests stay stable. Non-finite numbers (which JSON cannot hold) become `null`.
 */
import type { DatasetDrift, DriftReport, FeatureDrift, ModelDrift } from './types.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function num(v: number | null | undefined): number | null {
  return v === null || v === undefined || !Number.isFinite(v) ? null : v;
}

/** Copies the listed keys of `source` in order, leaving out those that are undefined. */
function ordered(entries: [string, Json | undefined][]): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const [key, value] of entries) if (value !== undefined) out[key] = value;
  return out;
}

function side(s: DriftReport['reference']): Json {
  return ordered([
    ['rows', num(s.rows)],
    ['source', s.source],
    [
      'window',
      s.window === undefined
        ? undefined
        : ordered([
            ['from', s.window.from],
            ['to', s.window.to],
          ]),
    ],
  ]);
}

function dataset(d: DatasetDrift): Json {
  return ordered([
    ['drifted', d.drifted],
    ['share', num(d.share)],
    ['threshold', num(d.threshold)],
    ['method', d.method],
    ['correction', d.correction],
    ['columns', d.columns],
    ['driftedColumns', d.driftedColumns],
  ]);
}

/** One feature in the JSON key order: name, type, method, statistic, pValue, (adjustedPValue), threshold, drifted, severity, counts, reason, bins. */
export function featureJson(f: FeatureDrift): { [key: string]: Json } {
  return ordered([
    ['name', f.name],
    ['type', f.type],
    ['method', f.method],
    ['statistic', num(f.statistic)],
    ['pValue', num(f.pValue)],
    ['adjustedPValue', f.adjustedPValue === undefined ? undefined : num(f.adjustedPValue)],
    ['threshold', num(f.threshold)],
    ['drifted', f.drifted],
    ['severity', num(f.severity)],
    ['referenceCount', num(f.referenceCount)],
    ['currentCount', num(f.currentCount)],
    ['referenceMissing', num(f.referenceMissing)],
    ['currentMissing', num(f.currentMissing)],
    ['reason', f.reason],
    [
      'bins',
      f.bins === undefined
        ? undefined
        : ordered([
            ['labels', f.bins.labels.slice()],
            ['reference', f.bins.reference.map(num)],
            ['current', f.bins.current.map(num)],
          ]),
    ],
  ]);
}

function modelDrift(m: ModelDrift): Json {
  return ordered([
    ['prediction', m.prediction === undefined ? undefined : featureJson(m.prediction)],
    [
      'performance',
      m.performance?.map((p) =>
        ordered([
          ['metric', p.metric],
          ['reference', num(p.reference)],
          ['current', num(p.current)],
          ['delta', num(p.delta)],
          ['degraded', p.degraded],
        ]),
      ),
    ],
  ]);
}

/** The report as a plain JSON value with a stable key order (see the module comment). */
export function driftReportJson(report: DriftReport): { [key: string]: Json } {
  return ordered([
    ['format', report.format],
    ['version', report.version],
    ['model', report.model],
    ['release', report.release],
    ['generated_at', report.generated_at],
    ['reference', side(report.reference)],
    ['current', side(report.current)],
    ['dataset', dataset(report.dataset)],
    ['features', report.features.map(featureJson)],
    ['model_drift', report.model_drift === undefined ? undefined : modelDrift(report.model_drift)],
    [
      'skipped',
      report.skipped.map((s) =>
        ordered([
          ['name', s.name],
          ['reason', s.reason],
        ]),
      ),
    ],
  ]);
}

/** The report as JSON text: two-space indentation, stable key order, a final newline. */
export function renderDriftJson(report: DriftReport): string {
  return `${JSON.stringify(driftReportJson(report), null, 2)}\n`;
}
