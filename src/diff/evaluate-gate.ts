/**
 * The gate: decides whether a candidate run passes, needs a reviewer's approval, or is broken, from
 * its diff against the baseline and the model's rules in `.github/modelgate.yml`. Pure.
 *
 * `fail` (broken, approval cannot help):
 * - `run-failed`: the candidate run's status is `failed`;
 * - `missing-required-metric`: a rule with `required: true` names a metric the candidate lacks or
 *   has as null;
 * - `nan-metric`: any metric or fairness gap of the candidate (overall or per slice) is NaN or infinite;
 * - `data-contract`: the training or evaluation data broke its data contract (recorded in run.json);
 * - `schema-break`: the candidate's train or eval data lost a model feature column the baseline's
 *   had, or a feature column changed type (features: the `features` input, e.g. the baseline's
 *   signature inputs; when unknown, every column counts); or the model signature lost or retyped an
 *   input (`signatureChanged` given as a `SignatureChange`).
 *
 * `needs-approval`:
 * - `metric-regressed`: an overall metric got worse than the baseline by more than the rule's
 *   `max_regression` (absolute, or a fraction of |baseline| with `relative: true`). When a bootstrap
 *   interval exists and the status is `within-noise`, it is not counted (an `info` reason
 *   `regression-within-noise` says so);
 * - `metric-below-min` / `metric-above-max`: the candidate's overall value crossed `min` / `max`;
 * - `metric-unavailable`: a rule's bound cannot be checked because the candidate has no value
 *   (not required, so not a failure; a reviewer decides);
 * - `data-expectation`: the data is outside a statistical expectation of its contract;
 * - `fairness-gap`: a fairness gap above `max_demographic_parity_difference` /
 *   `max_equal_opportunity_difference` on `fairness.slice` (every slice column when unset);
 *   `fairness-slice-missing` when the configured slice is not in the run.
 *
 * `info` (shown, never gating): `first-model`, `regression-within-noise`, `data-changed`,
 * `data-schema-changed`, `signature-changed`, `environment-changed`, `no-bootstrap`.
 *
 * Rules gate overall metrics; per-slice metrics are reported, and slices are gated by the fairness
 * limits. The release bump comes from {@link decideBump}.
 */
import type { MetricRule, RepoModel } from '../config/repo-config.js';
import type { RunRecord } from '../config/run-record.js';
import { decideBump } from './decide-bump.js';
import { fairnessLimit } from './fairness-deltas.js';
import { formatNumber, formatPercent, formatSigned } from './format-number.js';
import { finiteOrNull } from './metric-status.js';
import { describeSignatureChange, type SignatureChange } from './signature-diff.js';
import type { DataDelta, GateReason, GateResult, MetricDelta, RunDiff } from './types.js';

/** The input of {@link evaluateGate}. */
export interface GateInput {
  /** The diff of the candidate against its baseline (`diffRuns`). */
  diff: RunDiff;
  /** The candidate run record. */
  candidate: RunRecord;
  /** The model's settings in `.github/modelgate.yml` (rules, fairness limits, bump); none: only the built-in checks. */
  model?: RepoModel;
  /** Pull-request labels (`model:major|minor|patch` choose the bump). */
  labels?: readonly string[];
  /**
   * Whether the model signature changed: a boolean, or the details from `compareSignatures` (needed
   * for the schema-break rule on removed or retyped inputs). Any change forces a major bump.
   */
  signatureChanged?: boolean | SignatureChange;
  /**
   * The model's feature columns (e.g. the baseline signature's inputs), for the data schema-break
   * rule; when absent every removed or retyped data column counts as a feature.
   */
  features?: readonly string[];
}

/** Tolerance for comparing a worsening with its limit (so a change of exactly the limit passes). */
const EPS = 1e-12;

const LEVEL_ORDER: Record<GateReason['level'], number> = { fail: 0, 'needs-approval': 1, info: 2 };

function where(slice: { column: string; value: string } | null): string {
  return slice === null ? 'overall' : `on slice ${slice.column}=${slice.value}`;
}

function nonFinite(v: unknown): v is number {
  return typeof v === 'number' && !Number.isFinite(v);
}

function checkFiniteMetrics(run: RunRecord, reasons: GateReason[]): void {
  for (const [name, v] of Object.entries(run.metrics.overall)) {
    if (nonFinite(v)) {
      reasons.push({
        level: 'fail',
        code: 'nan-metric',
        message: `metric ${name} (overall) is ${v}: the evaluation is broken`,
        metric: name,
        slice: null,
      });
    }
  }
  for (const s of run.metrics.slices) {
    for (const g of s.groups) {
      for (const [name, v] of Object.entries(g.metrics)) {
        if (nonFinite(v)) {
          const slice = { column: s.column, value: g.value };
          reasons.push({
            level: 'fail',
            code: 'nan-metric',
            message: `metric ${name} ${where(slice)} is ${v}: the evaluation is broken`,
            metric: name,
            slice,
          });
        }
      }
    }
    for (const [name, v] of Object.entries(s.gaps)) {
      if (nonFinite(v)) {
        reasons.push({
          level: 'fail',
          code: 'nan-metric',
          message: `fairness gap ${name} on slice column ${s.column} is ${v}: the evaluation is broken`,
          metric: name,
          slice: null,
        });
      }
    }
  }
}

function ciText(m: MetricDelta, confidence: number | undefined): string {
  if (!m.ci) return '';
  const pct = confidence === undefined ? '' : `${formatPercent(confidence)} `;
  return `; ${pct}bootstrap CI of the delta [${formatNumber(m.ci[0])}, ${formatNumber(m.ci[1])}]`;
}

function checkRule(rule: MetricRule, diff: RunDiff, candidate: RunRecord, reasons: GateReason[]): void {
  const name = rule.name;
  const m = diff.metrics.find((d) => d.name === name && d.slice === null);
  const present = Object.hasOwn(candidate.metrics.overall, name);
  const raw = present ? candidate.metrics.overall[name] : undefined;
  const c = finiteOrNull(raw);
  const b = finiteOrNull(m?.baseline ?? null);
  if (rule.required && (raw === undefined || raw === null)) {
    reasons.push({
      level: 'fail',
      code: 'missing-required-metric',
      message: present
        ? `required metric ${name} (overall) is null in the candidate run (undefined for its evaluation data)`
        : `required metric ${name} (overall) is missing from the candidate run`,
      metric: name,
      slice: null,
    });
    return;
  }
  if (c === null) {
    if (nonFinite(raw)) return; // reported as nan-metric
    const bounds = [
      ...(rule.min !== undefined ? [`min ${formatNumber(rule.min)}`] : []),
      ...(rule.max !== undefined ? [`max ${formatNumber(rule.max)}`] : []),
      ...(rule.max_regression !== undefined && b !== null
        ? [`max_regression ${formatNumber(rule.max_regression)}`]
        : []),
    ];
    if (bounds.length > 0) {
      reasons.push({
        level: 'needs-approval',
        code: 'metric-unavailable',
        message: `metric ${name} (overall) has no value in the candidate run${b !== null ? ` (baseline ${formatNumber(b)})` : ''}, so its ${bounds.join(', ')} cannot be checked`,
        metric: name,
        slice: null,
      });
    }
    return;
  }
  if (rule.max_regression !== undefined && b !== null && m) {
    const direction = rule.direction ?? m.direction;
    const worse = direction === 'higher' ? b - c : c - b;
    const allowed = rule.relative ? rule.max_regression * Math.abs(b) : rule.max_regression;
    if (worse > allowed + EPS * Math.max(1, Math.abs(b))) {
      const amount = rule.relative
        ? Math.abs(b) === 0
          ? `${formatNumber(worse)}`
          : `${formatPercent(worse / Math.abs(b))} of the baseline`
        : formatNumber(worse);
      const limit = rule.relative
        ? `max_regression ${formatPercent(rule.max_regression)} (relative)`
        : `max_regression ${formatNumber(rule.max_regression)}`;
      const head = `${name} (overall) worsened by ${amount} (${formatNumber(b)} -> ${formatNumber(c)}, ${direction} is better)`;
      const ci = ciText(m, diff.bootstrap?.confidence);
      if (m.ci && m.status === 'within-noise') {
        reasons.push({
          level: 'info',
          code: 'regression-within-noise',
          message: `${head}, past ${limit}, but the bootstrap interval contains 0${ci}: within noise, not counted as a regression`,
          metric: name,
          slice: null,
        });
      } else {
        reasons.push({
          level: 'needs-approval',
          code: 'metric-regressed',
          message: `${head}, more than ${limit}${ci}`,
          metric: name,
          slice: null,
        });
      }
    }
  }
  if (rule.min !== undefined && c < rule.min) {
    reasons.push({
      level: 'needs-approval',
      code: 'metric-below-min',
      message: `${name} (overall) is ${formatNumber(c)}, below the minimum ${formatNumber(rule.min)}`,
      metric: name,
      slice: null,
    });
  }
  if (rule.max !== undefined && c > rule.max) {
    reasons.push({
      level: 'needs-approval',
      code: 'metric-above-max',
      message: `${name} (overall) is ${formatNumber(c)}, above the maximum ${formatNumber(rule.max)}`,
      metric: name,
      slice: null,
    });
  }
}

function checkFairness(model: RepoModel, diff: RunDiff, candidate: RunRecord, reasons: GateReason[]): void {
  const f = model.fairness;
  if (!f) return;
  const hasLimit =
    f.max_demographic_parity_difference !== undefined || f.max_equal_opportunity_difference !== undefined;
  if (!hasLimit) return;
  const columns = f.slice !== undefined ? [f.slice] : candidate.metrics.slices.map((s) => s.column);
  for (const column of columns) {
    const report = candidate.metrics.slices.find((s) => s.column === column);
    if (!report) {
      reasons.push({
        level: 'needs-approval',
        code: 'fairness-slice-missing',
        message: `fairness limits are set on slice column ${column}, but the candidate run has no metrics for it (add it to data.slices)`,
        slice: null,
      });
      continue;
    }
    for (const name of ['demographic_parity_difference', 'equal_opportunity_difference']) {
      const limit = fairnessLimit(f, column, name);
      const value = finiteOrNull(report.gaps[name]);
      if (limit === null || value === null || value <= limit + EPS) continue;
      const before = diff.fairness.find((d) => d.column === column && d.name === name)?.baseline;
      const was = typeof before === 'number' ? ` (baseline ${formatNumber(before)})` : '';
      reasons.push({
        level: 'needs-approval',
        code: 'fairness-gap',
        message: `${name} on slice column ${column} is ${formatNumber(value)}${was}, above the limit ${formatNumber(limit)}`,
        metric: name,
        slice: null,
      });
    }
  }
}

function describeData(d: DataDelta): string {
  if (!d.baseline && d.candidate) return `${d.split} data added (${d.candidate.path})`;
  if (d.baseline && !d.candidate) return `${d.split} data removed (was ${d.baseline.path})`;
  const b = d.baseline!;
  const c = d.candidate!;
  const rows =
    d.rowsDelta === null
      ? ''
      : `, ${b.rows} -> ${c.rows} rows (${d.rowsDelta === 0 ? '0' : formatSigned(d.rowsDelta)})`;
  const path = b.path === c.path ? c.path : `${b.path} -> ${c.path}`;
  return `${d.split} data changed (${path}): hash ${b.hash.slice(0, 15)} -> ${c.hash.slice(0, 15)}${rows}`;
}

function checkData(diff: RunDiff, features: readonly string[] | undefined, reasons: GateReason[]): void {
  const isFeature = (name: string) => features === undefined || features.includes(name);
  for (const d of diff.data) {
    if (d.changed) reasons.push({ level: 'info', code: 'data-changed', message: describeData(d) });
    const notes: string[] = [];
    for (const col of d.schema.removed) {
      if (isFeature(col.name)) {
        reasons.push({
          level: 'fail',
          code: 'schema-break',
          message: `${d.split} data lost the column ${col.name} (${col.type}), a model feature the baseline had`,
        });
      } else notes.push(`removed ${col.name}`);
    }
    for (const ch of d.schema.changed) {
      if (ch.baseline.type !== ch.candidate.type && isFeature(ch.name)) {
        reasons.push({
          level: 'fail',
          code: 'schema-break',
          message: `${d.split} data column ${ch.name}, a model feature, changed type ${ch.baseline.type} -> ${ch.candidate.type}`,
        });
      } else if (ch.baseline.type !== ch.candidate.type) {
        notes.push(`${ch.name} type ${ch.baseline.type} -> ${ch.candidate.type}`);
      } else {
        notes.push(`${ch.name} ${ch.candidate.nullable ? 'now nullable' : 'no longer nullable'}`);
      }
    }
    if (d.schema.added.length > 0) notes.unshift(`added ${d.schema.added.map((c) => c.name).join(', ')}`);
    if (notes.length > 0) {
      reasons.push({
        level: 'info',
        code: 'data-schema-changed',
        message: `${d.split} data schema changed: ${notes.join('; ')}`,
      });
    }
  }
}

function checkSignature(change: boolean | SignatureChange | undefined, reasons: GateReason[]): boolean {
  if (change === undefined || change === false) return false;
  if (change === true) {
    reasons.push({
      level: 'info',
      code: 'signature-changed',
      message: 'the model signature (its inputs or outputs) changed: the release will be a major version',
    });
    return true;
  }
  if (!change.changed) return false;
  if (change.removedInputs.length > 0 || change.retypedInputs.length > 0) {
    reasons.push({
      level: 'fail',
      code: 'schema-break',
      message: `the model signature breaks its clients: ${describeSignatureChange(change)}`,
    });
  } else {
    reasons.push({
      level: 'info',
      code: 'signature-changed',
      message: `the model signature changed (${describeSignatureChange(change)}): the release will be a major version`,
    });
  }
  return true;
}

/**
 * Data contract checks recorded in the run (`validation`): a contract break (an `error`
 * violation) fails the gate (`data-contract`); a statistical expectation out of tolerance (a
 * `warning`) needs approval (`data-expectation`).
 */
function checkDataContract(candidate: RunRecord, reasons: GateReason[]): void {
  const validation = candidate.validation;
  if (!validation) return;
  for (const split of validation.splits) {
    const first = (level: string) => {
      const v = split.violations.find((x) => x.level === level) as { message?: unknown } | undefined;
      return typeof v?.message === 'string' ? `, e.g. ${v.message}` : '';
    };
    if (split.errors > 0) {
      reasons.push({
        level: 'fail',
        code: 'data-contract',
        message: `the ${split.split} data breaks its contract ${validation.contract}: ${split.errors} violation${split.errors === 1 ? '' : 's'}${first('error')}`,
      });
    }
    if (split.warnings > 0) {
      reasons.push({
        level: 'needs-approval',
        code: 'data-expectation',
        message: `the ${split.split} data is outside ${split.warnings} statistical expectation${split.warnings === 1 ? '' : 's'} of ${validation.contract}${first('warning')}`,
      });
    }
  }
}

/**
 * Evaluates the gate (the rules are listed in the module comment): the verdict is `fail` when any
 * reason is `fail`, else `needs-approval` when any is, else `pass`. Reasons come sorted by level
 * (fail, needs-approval, info), each with a one-line message naming the metric, the slice, the values
 * and the limit. The bump is {@link decideBump} of the labels, the model's `bump` and the signature.
 */
export function evaluateGate(input: GateInput): GateResult {
  const { diff, candidate, model } = input;
  const reasons: GateReason[] = [];
  if (candidate.status === 'failed') {
    reasons.push({
      level: 'fail',
      code: 'run-failed',
      message: `the candidate run ${candidate.id} failed: ${candidate.error ?? 'no reason recorded'}`,
    });
  }
  checkFiniteMetrics(candidate, reasons);
  checkDataContract(candidate, reasons);
  const sigChanged = checkSignature(input.signatureChanged, reasons);
  checkData(diff, input.features, reasons);
  if (diff.baseline === null) {
    reasons.push({
      level: 'info',
      code: 'first-model',
      message: `first version of ${diff.model}: no baseline to compare with (absolute bounds and fairness limits still apply)`,
    });
  } else if (diff.bootstrap === null) {
    reasons.push({
      level: 'info',
      code: 'no-bootstrap',
      message:
        'no paired bootstrap (per-example predictions of both runs missing, not paired, or resampling off): metric changes are judged by their sign only',
    });
  }
  for (const rule of model?.metrics ?? []) checkRule(rule, diff, candidate, reasons);
  if (model) checkFairness(model, diff, candidate, reasons);
  const env = diff.environment.filter((e) => e.field !== 'runner');
  if (env.length > 0) {
    reasons.push({
      level: 'info',
      code: 'environment-changed',
      message: `environment changed: ${env.map((e) => `${e.field} ${e.baseline ?? 'none'} -> ${e.candidate ?? 'none'}`).join(', ')}`,
    });
  }
  reasons.sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level]);
  const verdict = reasons.some((r) => r.level === 'fail')
    ? 'fail'
    : reasons.some((r) => r.level === 'needs-approval')
      ? 'needs-approval'
      : 'pass';
  const bump = decideBump({
    ...(input.labels ? { labels: input.labels } : {}),
    ...(model ? { configBump: model.bump } : {}),
    signatureChanged: sigChanged,
  });
  return { verdict, reasons, bump };
}
