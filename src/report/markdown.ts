/**
 * The pull-request report in GitHub-flavoured markdown: one section per model (sticky marker,
 * verdict, reasons, metric table, slices, fairness gaps, parameter / data / environment changes,
 * charts, model card), and the ONE sticky comment that joins the sections of every model, kept
 * under GitHub's comment size limit by structural truncation (see `truncate.ts`).
 *
 * Every user-controlled string goes through `escape.ts`; the sticky markers are the only HTML
 * comments the report writes, and no user text can forge one.
 */
import type { RunRecord } from '../config/run-record.js';
import type { GateResult, RunDiff, Verdict } from '../diff/types.js';
import { escapeMarkdown, MARKER_PREFIX } from './escape.js';
import { cardBlock, dataBlock, environmentBlock, paramsBlock } from './markdown-changes.js';
import { reportContext } from './markdown-context.js';
import { dataChecksBlock } from './markdown-data-checks.js';
import { omissionNote, plural, VERDICT_ICONS } from './markdown-format.js';
import { footerBlock, headBlock, minimalHead, type ReportLinks, reasonsBlock } from './markdown-head.js';
import {
  chartBlock,
  fairnessBlock,
  learningCurveBlock,
  metricsBlock,
  sliceBlocks,
  sliceRegressionsBlock,
} from './markdown-metrics.js';
import type { EpochLike } from './mermaid.js';
import {
  BLOCK_SEPARATOR,
  checkMaxLength,
  type FitResult,
  fitSections,
  GITHUB_COMMENT_LIMIT,
  groupDigits,
  type ReportSection,
  safetyMargin,
  TRUNCATION_ORDER,
  type TruncationStage,
} from './truncate.js';

/** The marker of the one sticky pull-request comment that holds every model's section. */
export const COMMENT_MARKER = `${MARKER_PREFIX}comment -->`;

/** What a model's report is rendered from. */
export interface ModelReportInput {
  /** The comparison of the candidate run with its baseline. */
  diff: RunDiff;
  /** The gate's verdict on it. */
  gate: GateResult;
  /** The model card as markdown, already escaped by its renderer; shown collapsed. */
  card?: string;
  /** Training histories, for the learning-curve chart. */
  history?: { baseline?: readonly EpochLike[]; candidate?: readonly EpochLike[] };
  /** Links to the run (full report, artifacts) and to the baseline's release. */
  links?: ReportLinks;
  /** The candidate run's data contract checks (run.json `validation`), shown as "Data checks". */
  validation?: RunRecord['validation'];
  /** Who may approve a needs-approval verdict (users or teams from modelgate.yml); shown, never pinged. */
  approvers?: readonly string[];
  /**
   * The most characters the section may take (UTF-16 code units), 65,536 by default; the output
   * stays a safety margin below it. Ignored by {@link renderPrComment}, which budgets the whole comment.
   */
  maxLength?: number;
}

/** Options of {@link renderPrComment}. */
export interface PrCommentOptions {
  /** The most characters the comment may take (UTF-16 code units); 65,536 (GitHub's limit) by default. */
  maxLength?: number;
  /** The comment's heading; `modelgate` by default. */
  title?: string;
}

/** The separator between model sections in the comment. */
const SECTION_SEPARATOR = '\n\n---\n\n';

const STAGE_PHRASES: Record<TruncationStage, string> = {
  card: 'model card',
  environment: 'environment',
  'learning-curve': 'learning curves',
  'slices-quiet': 'slice tables',
  'params-long': 'parameters',
  slices: 'slice tables',
  'data-schema': 'schema details',
  chart: 'chart',
  params: 'parameters',
  'slice-regressions': 'slice regressions',
  fairness: 'fairness gaps',
  'metrics-quiet': 'metric rows',
  metrics: 'metric rows',
  reasons: 'reasons',
};

/**
 * The blocks of one model's section, in display order: head (marker, verdict, approval, release),
 * reasons, metric table, chart, regressions on slices, fairness gaps, per-slice tables, learning
 * curves, parameters, data, environment, model card, footer. Each block carries its shorter forms.
 */
export function modelReportSection(input: ModelReportInput): ReportSection {
  const ctx = reportContext(input.diff, input.gate, input.links?.run);
  return {
    blocks: [
      { id: 'head', text: headBlock(ctx, input.links, input.approvers) },
      reasonsBlock(ctx),
      metricsBlock(ctx),
      chartBlock(ctx),
      sliceRegressionsBlock(ctx),
      fairnessBlock(ctx),
      ...sliceBlocks(ctx),
      learningCurveBlock(ctx, input.history),
      paramsBlock(ctx),
      dataBlock(ctx),
      dataChecksBlock(input.validation),
      environmentBlock(ctx),
      cardBlock(ctx, input.card),
      { id: 'footer', text: footerBlock(ctx) },
    ],
    minimal: () => minimalHead(ctx),
  };
}

function truncationNote(fit: FitResult, maxLength: number, see: string): string {
  const parts = [...new Set(fit.stages.map((s) => STAGE_PHRASES[s]))];
  if (fit.minimised > 0) parts.push(`${plural(fit.minimised, 'model report')} reduced to the verdict`);
  if (fit.dropped > 0) parts.push(`${plural(fit.dropped, 'model report')} omitted`);
  const limit =
    maxLength === GITHUB_COMMENT_LIMIT
      ? `GitHub's ${groupDigits(maxLength)}-character comment limit`
      : `the ${groupDigits(maxLength)}-character limit`;
  return `_✂️ Shortened to fit ${limit} (shortened: ${parts.join(', ')}); ${see}._`;
}

/** Room for the closing truncation note: its length with every stage and large counts. */
function noteReserve(maxLength: number, see: string): number {
  const worst: FitResult = {
    sections: [],
    stages: [...TRUNCATION_ORDER],
    minimised: 99_999,
    dropped: 99_999,
    truncated: true,
  };
  return truncationNote(worst, maxLength, see).length + BLOCK_SEPARATOR.length;
}

/** Last resort, for sections whose heads alone exceed the budget: cut at a line break. */
function hardLimit(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const note = '\n\n_✂️ Cut to fit the comment size limit._';
  const cut = text.lastIndexOf('\n', Math.max(0, limit - note.length));
  return text.slice(0, Math.max(0, cut)) + note;
}

/**
 * Renders one model's report section: it starts with the hidden sticky marker
 * `<!-- modelgate:report:<model> -->` (the name sanitised to `[a-z0-9._-]`), then the verdict line
 * (✅ pass, ⚠️ needs approval and who may approve, ❌ fail) naming the candidate and the baseline
 * (`<model>@vX.Y.Z`, or "first model"), the reasons, the metric table (baseline, candidate, Δ, CI,
 * status icon), regressions on slices, fairness gaps with their limits, per-slice tables, the charts
 * with table fallbacks, parameter, data and environment changes, and the collapsed model card.
 * When longer than `maxLength` minus a safety margin, the least important parts are shortened
 * first (see `TRUNCATION_ORDER`), each saying what it left out, and a closing note says so.
 */
export function renderModelReport(input: ModelReportInput): string {
  const maxLength = checkMaxLength(input.maxLength ?? GITHUB_COMMENT_LIMIT);
  const budget = maxLength - safetyMargin(maxLength);
  const section = modelReportSection(input);
  const full = fitSections([section], budget, SECTION_SEPARATOR, () => '');
  if (!full.truncated) return full.sections[0] ?? '';
  const see = reportContext(input.diff, input.gate, input.links?.run).see;
  const fit = fitSections([section], budget - noteReserve(maxLength, see), SECTION_SEPARATOR, () => '');
  const text = `${fit.sections[0] ?? ''}\n\n${truncationNote(fit, maxLength, see)}`;
  return hardLimit(text, budget);
}

function stringSection(text: string): ReportSection {
  return {
    blocks: [{ id: 'section', text }],
    minimal: () => {
      const cut = text.indexOf('\n\n');
      const head = cut >= 0 ? text.slice(0, cut) : text;
      return `${head}\n\n${omissionNote('the rest of this report omitted to fit the comment', 'see the run artifact')}`;
    },
  };
}

function verdictSummary(gates: readonly GateResult[]): string {
  const count = (v: Verdict, approved?: boolean) =>
    gates.filter((g) => g.verdict === v && (approved === undefined || Boolean(g.approver) === approved))
      .length;
  const parts: string[] = [];
  const pass = count('pass') + count('needs-approval', true);
  if (pass > 0) parts.push(`${VERDICT_ICONS.pass} ${groupDigits(pass)} passing`);
  const waiting = count('needs-approval', false);
  if (waiting > 0) parts.push(`${VERDICT_ICONS['needs-approval']} ${groupDigits(waiting)} needing approval`);
  const fail = count('fail');
  if (fail > 0) parts.push(`${VERDICT_ICONS.fail} ${groupDigits(fail)} failing`);
  return `${plural(gates.length, 'model')}: ${parts.join(', ')}.`;
}

/**
 * Joins the sections of several models into the ONE sticky pull-request comment, under
 * `<!-- modelgate:comment -->` and a heading, separated by rules. A section is either a string
 * (from {@link renderModelReport}: kept whole, or reduced to its head — marker and verdict line —
 * when the comment is too long) or a {@link ModelReportInput}, rendered here and shortened
 * structurally together with the others: each truncation stage runs across all models (largest
 * blocks first) before the next. If that is not enough, sections are reduced to their head from
 * the last one, then dropped from the end with a note. The result is at most `maxLength` (65,536 by
 * default) minus a safety margin, in UTF-16 code units, and ends with a note whenever it was shortened.
 */
export function renderPrComment(
  sections: readonly (string | ModelReportInput)[],
  options: PrCommentOptions = {},
): string {
  const maxLength = checkMaxLength(options.maxLength ?? GITHUB_COMMENT_LIMIT);
  const budget = maxLength - safetyMargin(maxLength);
  const inputs = sections.filter((s): s is ModelReportInput => typeof s !== 'string');
  let header = `${COMMENT_MARKER}\n## ${options.title === undefined ? 'modelgate' : escapeMarkdown(options.title)}`;
  if (inputs.length === sections.length && inputs.length > 0) {
    header += `\n\n${verdictSummary(inputs.map((i) => i.gate))}`;
  }
  if (sections.length === 0) return `${header}\n\n_No model changed._`;
  const parts = sections.map((s) => (typeof s === 'string' ? stringSection(s) : modelReportSection(s)));
  const dropNote = (n: number) =>
    omissionNote(`${plural(n, 'more model report')} omitted to fit the comment`, 'see the run artifacts');
  const overhead = header.length + 2;
  const fitOnce = (room: number) => fitSections(parts, room, SECTION_SEPARATOR, dropNote);
  let fit = fitOnce(budget - overhead);
  const body = (f: FitResult) => {
    const kept = [...f.sections];
    if (f.dropped > 0) kept.push(dropNote(f.dropped));
    return `${header}\n\n${kept.join(SECTION_SEPARATOR)}`;
  };
  if (!fit.truncated) return body(fit);
  const see = 'see the run artifacts for the full reports';
  fit = fitOnce(budget - overhead - noteReserve(maxLength, see));
  return hardLimit(`${body(fit)}\n\n${truncationNote(fit, maxLength, see)}`, budget);
}
