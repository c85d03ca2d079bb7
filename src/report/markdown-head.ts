/**
 * The head of a model's report section (sticky marker, verdict line, approval and release line),
 * the gate's reasons and the footer.
 */
import type { GateReason } from '../diff/types.js';
import { codeSpan, escapeMarkdown, shorten, stickyMarker } from './escape.js';
import type { ReportContext } from './markdown-context.js';
import { link, omissionNote, plural, runLabel, VERDICT_ICONS } from './markdown-format.js';
import { groupDigits, type ReportBlock } from './truncate.js';

/** Links shown in the head of a report. */
export interface ReportLinks {
  /** The workflow run (or any page) holding the full report and the run artifact. */
  run?: string;
  /** The baseline's release. */
  baselineRelease?: string;
}

/** How many approvers the approval line names at most. */
const MAX_APPROVERS = 5;
/** How many reasons a report lists before its first truncation stage. */
const MAX_REASONS = 50;
/** How many reasons are kept by the `reasons` stage. */
const MAX_REASONS_REDUCED = 10;

function verdictPhrase(ctx: ReportContext): string {
  const { verdict, approver } = ctx.gate;
  if (verdict === 'needs-approval' && approver) return `approved by ${codeSpan(shorten(approver, 60))}`;
  if (verdict === 'pass') return 'passes';
  if (verdict === 'fail') return 'fails';
  return 'needs approval';
}

/** The verdict heading: icon, model, verdict, candidate vs baseline (`first model` without one). */
export function verdictLine(ctx: ReportContext, links: ReportLinks = {}): string {
  const { diff, gate } = ctx;
  const icon =
    gate.verdict === 'needs-approval' && gate.approver ? VERDICT_ICONS.pass : VERDICT_ICONS[gate.verdict];
  const model = codeSpan(shorten(diff.model, 64));
  const branch = diff.candidate.branch ? ` (${codeSpan(shorten(diff.candidate.branch, 60))})` : '';
  const baseline = diff.baseline
    ? `vs ${link(runLabel(diff.baseline, diff.model), links.baselineRelease)}`
    : 'vs first model (no baseline)';
  return `### ${icon} ${model} ${verdictPhrase(ctx)}: candidate ${runLabel(diff.candidate, diff.model)}${branch} ${baseline}`;
}

function approvalSentence(ctx: ReportContext, approvers: readonly string[] | undefined): string | null {
  const { gate } = ctx;
  if (gate.verdict !== 'needs-approval') return null;
  if (gate.approver) return `Approved by ${codeSpan(shorten(gate.approver, 60))} for this head commit.`;
  const list = (approvers ?? []).filter((a) => a.trim() !== '');
  if (list.length === 0) return 'Needs the approval of a reviewer with write access.';
  const named = list.slice(0, MAX_APPROVERS).map((a) => codeSpan(shorten(a, 60)));
  const more = list.length > MAX_APPROVERS ? ` and ${list.length - MAX_APPROVERS} more` : '';
  return `Needs the approval of a reviewer with write access from ${named.join(', ')}${more}.`;
}

/**
 * The head block: the sticky marker `<!-- modelgate:report:<model> -->`, the verdict line, then
 * one line with the approval needed (or given), the release bump and the run link.
 */
export function headBlock(
  ctx: ReportContext,
  links: ReportLinks = {},
  approvers?: readonly string[],
): string {
  const parts: string[] = [];
  const approval = approvalSentence(ctx, approvers);
  if (approval) parts.push(approval);
  if (ctx.gate.verdict === 'fail') parts.push('Not releasable until the gate passes.');
  else {
    const bump = ctx.gate.bump;
    parts.push(
      `Release if merged: **${escapeMarkdown(bump.bump)}** (${escapeMarkdown(shorten(bump.reason, 120))}).`,
    );
  }
  const run = link('Full report and artifacts', links.run);
  if (run !== 'Full report and artifacts') parts.push(`${run}.`);
  return `${stickyMarker('report', ctx.diff.model)}\n${verdictLine(ctx, links)}\n\n${parts.join(' ')}`;
}

/** The head alone, with a note that the rest of the section was omitted (the section's minimal form). */
export function minimalHead(ctx: ReportContext): string {
  return `${stickyMarker('report', ctx.diff.model)}\n${verdictLine(ctx)}\n\n${omissionNote(
    `${plural(ctx.gate.reasons.length, 'reason')}, the metric table and the rest of this report omitted to fit the comment`,
    ctx.see,
  )}`;
}

const LEVEL_ORDER: Record<GateReason['level'], number> = { fail: 0, 'needs-approval': 1, info: 2 };
const LEVEL_ICONS: Record<GateReason['level'], string> = { fail: '❌', 'needs-approval': '⚠️', info: 'ℹ️' };

function reasonList(reasons: readonly GateReason[], max: number, ctx: ReportContext, what: string): string {
  const lines = reasons
    .slice(0, max)
    .map((r) => `- ${LEVEL_ICONS[r.level]} ${escapeMarkdown(shorten(r.message, 300))}`);
  const omitted = reasons.length - Math.min(max, reasons.length);
  if (omitted > 0) lines.push('', omissionNote(`${plural(omitted, what)} omitted`, ctx.see));
  return lines.join('\n');
}

/**
 * The gate's reasons, failing first, then needs-approval, then info. Reduced (stage `reasons`) to
 * the failing and needs-approval ones, at most 10. Empty when there are none.
 */
export function reasonsBlock(ctx: ReportContext): ReportBlock {
  const reasons = [...ctx.gate.reasons].sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level]);
  if (reasons.length === 0) return { id: 'reasons', text: '' };
  const blocking = reasons.filter((r) => r.level !== 'info');
  return {
    id: 'reasons',
    text: reasonList(reasons, MAX_REASONS, ctx, 'reason'),
    reductions: [
      {
        stage: 'reasons',
        render: () => {
          const list = reasonList(blocking, MAX_REASONS_REDUCED, ctx, 'blocking reason');
          const info = reasons.length - blocking.length;
          const note =
            info > 0 ? omissionNote(`${plural(info, 'informational reason')} omitted`, ctx.see) : '';
          return [list, note].filter((t) => t !== '').join('\n\n');
        },
      },
    ],
  };
}

/** The footer: how deltas and intervals were computed, and what the arrows mean. */
export function footerBlock(ctx: ReportContext): string {
  const { diff } = ctx;
  const arrows = '↑ higher is better, ↓ lower is better';
  if (!ctx.hasBaseline) return `<sub>First model: no baseline to compare with. ${arrows}.</sub>`;
  const b = diff.bootstrap;
  const ci = b
    ? `${Math.round(b.confidence * 1000) / 10}% CI of Δ: paired bootstrap over ${groupDigits(b.paired)} examples paired by ${b.pairing === 'id' ? 'id' : 'position'}, ${groupDigits(b.resamples)} resamples, seed ${groupDigits(b.seed)}.`
    : 'No confidence intervals: per-example predictions were not available for both runs.';
  return `<sub>Δ = candidate − baseline; ${arrows}. ${ci}</sub>`;
}
