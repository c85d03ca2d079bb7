/**
 * The pull-request report (contract 5): each run compared with its model's latest release (the
 * baseline, found through the {@link Registry}), gated against `.github/modelgate.yml`, rendered
 * (metric diff, charts, model card; the approver when one approved) and written as the model's
 * section of the ONE sticky report comment. Used by the App and the `report` action.
 */
import { join } from 'node:path';
import { cardOfRun } from '../cli/diff-commands.js';
import { loadJsonFile } from '../config/load.js';
import type { RepoConfig, RepoModel } from '../config/repo-config.js';
import { type RunRecord, RunRecordSchema } from '../config/run-record.js';
import { compareRunFolders } from '../diff/load-examples.js';
import type { GateResult, Verdict } from '../diff/types.js';
import type { Forge } from '../forge/forge.js';
import { type ReportCommentOptions, upsertModelSection } from '../forge/sticky-comment.js';
import type { Registry } from '../registry/registry.js';
import { escapeMarkdown, shorten } from '../report/escape.js';
import { renderModelReport } from '../report/markdown.js';
import type { ReportLinks } from '../report/markdown-head.js';

/** One model's result in the report. */
export interface ModelReportResult {
  model: string;
  verdict: Verdict;
  /** The section written to the comment. */
  markdown: string;
  /** A short markdown summary for the check run (verdict, reasons). */
  checkSummary: string;
  /** The gate result (with `approver` when an approval applied). */
  gate: GateResult;
  /** The baseline version `X.Y.Z`, or null for a first model. */
  baselineVersion: string | null;
}

/**
 * A registry that can fetch just the files a comparison reads (run.json, model.yml, the predictions
 * and the model's signature) of a version, found in one listing (the GitHub registry).
 */
export interface ComparisonBaselines {
  /**
   * The version to compare with (`version`, else the latest) and a folder with the files a
   * comparison reads; null when the model has no release (or not that version).
   */
  comparisonBaseline(model: string, version?: string): Promise<{ version: string; dir: string } | null>;
}

/** The registry as {@link ComparisonBaselines} when it is one. */
export function comparisonBaselinesOf(registry: Registry): ComparisonBaselines | null {
  const candidate = registry as Partial<ComparisonBaselines>;
  return typeof candidate.comparisonBaseline === 'function' ? (candidate as ComparisonBaselines) : null;
}

/** An approval decided for the report: who approved, and who may approve. */
export interface ReportApproval {
  approver?: string;
  approvers: readonly string[];
}

/** Input of {@link reportPullRequest}. */
export interface ReportPullRequestInput {
  forge: Forge;
  registry: Registry;
  /** The parsed `.github/modelgate.yml`. */
  config: RepoConfig;
  prNumber: number;
  /** The head commit the runs trained; each section starts with its hidden marker ({@link headMarker}). */
  headSha: string;
  /** The run folders, one per model. */
  runs: readonly { model: string; dir: string }[];
  /** Approver login per model; applied only to a `needs-approval` verdict. */
  approvals?: Readonly<Record<string, string | undefined>>;
  /**
   * Decides a model's approval when, and only when, its verdict is `needs-approval` (reviews,
   * CODEOWNERS and the base config are then read by the caller); wins over `approvals` and
   * `approvers` for that model.
   */
  decideApproval?: (model: string) => Promise<ReportApproval>;
  /** Who may approve per model, shown in the report (default the model's `approvers`). */
  approvers?: Readonly<Record<string, readonly string[]>>;
  /** Pull-request labels (`model:major|minor|patch`). */
  labels?: readonly string[];
  /**
   * The pull request changes `.github/modelgate.yml`: a passing verdict becomes `needs-approval`
   * (reason `config-changed`), so nobody loosens the gate and passes it in one unreviewed change.
   */
  configChanged?: boolean;
  /** Compare with this version `X.Y.Z` per model instead of the latest release. */
  baselineVersions?: Readonly<Record<string, string>>;
  /** The section name per model (default the model name; `/modelgate compare` uses its own). */
  sectionNames?: Readonly<Record<string, string>>;
  /** A markdown line put above a model's section (already escaped). */
  preambles?: Readonly<Record<string, string>>;
  /** Links per model (the workflow run, the baseline's release). */
  links?: Readonly<Record<string, ReportLinks>>;
  /** Paired-bootstrap resamples (default 1000) and seed (default 42). */
  resamples?: number;
  seed?: number;
  /** Options of the sticky comment (heading, size, trusted authors). */
  comment?: ReportCommentOptions;
}

/** A model's run names a model that `.github/modelgate.yml` does not configure, or a missing baseline. */
export class ReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportError';
  }
}

/** The hidden marker of the head commit a report section was written for (first line of every section). */
export function headMarker(headSha: string): string {
  return `<!-- modelgate:head:${headSha} -->`;
}

const ICONS: Record<Verdict, string> = { pass: '✅', 'needs-approval': '⚠️', fail: '❌' };

/** The check-run summary of a model's verdict: verdict line, reasons, baseline. */
export function checkSummaryOf(model: string, gate: GateResult, baselineVersion: string | null): string {
  const name = '`' + model.replace(/`/g, "'") + '`';
  const head =
    gate.verdict === 'needs-approval'
      ? gate.approver
        ? `${ICONS.pass} ${name} needed approval and was approved by ${escapeMarkdown(gate.approver)} for this head commit.`
        : `${ICONS['needs-approval']} ${name} needs the approval of a reviewer with write access.`
      : gate.verdict === 'pass'
        ? `${ICONS.pass} ${name} passes the gate.`
        : `${ICONS.fail} ${name} fails the gate.`;
  const base = baselineVersion
    ? `Compared with ${escapeMarkdown(`${model}@v${baselineVersion}`)}.`
    : 'First model: no release to compare with.';
  const reasons = gate.reasons
    .filter((r) => r.level !== 'info')
    .slice(0, 30)
    .map((r) => `- ${r.level === 'fail' ? '❌' : '⚠️'} ${escapeMarkdown(shorten(r.message, 300))}`);
  const bump = gate.verdict === 'fail' ? '' : `\n\nRelease if merged: **${escapeMarkdown(gate.bump.bump)}**.`;
  return `${head} ${base}${reasons.length > 0 ? `\n\n${reasons.join('\n')}` : ''}${bump}\n\nThe full report is in the pull request's modelgate comment.`;
}

/** Applies the config-changed rule and an approval to a gate result (pure). */
export function adjustGate(
  gate: GateResult,
  options: { configChanged?: boolean; approver?: string | undefined },
): GateResult {
  let out: GateResult = { ...gate, reasons: [...gate.reasons] };
  if (options.configChanged && out.verdict === 'pass') {
    out = {
      ...out,
      verdict: 'needs-approval',
      reasons: [
        ...out.reasons,
        {
          level: 'needs-approval',
          code: 'config-changed',
          message:
            'This pull request changes .github/modelgate.yml (the gate rules): a reviewer must approve.',
        },
      ],
    };
  }
  if (out.verdict === 'needs-approval' && options.approver) out.approver = options.approver;
  else delete out.approver;
  return out;
}

function history(run: RunRecord | null) {
  return run?.history?.map((e) => ({ epoch: e.epoch, loss: e.loss, val_loss: e.val_loss ?? null }));
}

/** The baseline version and its folder: the cheap comparison files when the registry has them. */
async function baselineOf(
  registry: Registry,
  model: string,
  wanted: string | undefined,
): Promise<{ entry: { version: string } | null; baselineDir: string | null }> {
  const cheap = comparisonBaselinesOf(registry);
  if (cheap) {
    const found = await cheap.comparisonBaseline(model, wanted);
    return found
      ? { entry: { version: found.version }, baselineDir: found.dir }
      : { entry: null, baselineDir: null };
  }
  const entry = wanted ? await registry.get(model, wanted) : await registry.latest(model);
  return { entry, baselineDir: entry ? await registry.materialise(model, entry.version) : null };
}

/** Compares and renders one model's run; no I/O on the forge but the baseline's. */
async function renderOne(
  input: ReportPullRequestInput,
  run: { model: string; dir: string },
): Promise<Omit<ModelReportResult, 'markdown'> & { markdown: string }> {
  const repoModel: RepoModel | undefined = input.config.models.find((m) => m.name === run.model);
  if (!repoModel) throw new ReportError(`model ${JSON.stringify(run.model)} is not in .github/modelgate.yml`);
  const wanted = input.baselineVersions?.[run.model];
  const { entry, baselineDir } = await baselineOf(input.registry, run.model, wanted);
  if (wanted && !entry) throw new ReportError(`${run.model}@v${wanted} is not a released version`);
  const { diff, gate } = await compareRunFolders({
    baselineDir,
    candidateDir: run.dir,
    ...(entry ? { baselineVersion: entry.version } : {}),
    repoModel,
    labels: input.labels ?? [],
    bootstrap: { resamples: input.resamples ?? 1000, seed: input.seed ?? 42 },
  });
  let adjusted = adjustGate(gate, {
    configChanged: input.configChanged === true,
    approver: input.approvals?.[run.model],
  });
  let approvers = input.approvers?.[run.model] ?? repoModel.approvers;
  if (adjusted.verdict === 'needs-approval' && input.decideApproval) {
    const decided = await input.decideApproval(run.model);
    adjusted = adjustGate(gate, { configChanged: input.configChanged === true, approver: decided.approver });
    approvers = decided.approvers;
  }
  const card = await cardOfRun(run.dir, {
    gate: adjusted,
    ...(adjusted.approver ? { approver: adjusted.approver } : {}),
  });
  const [baselineRun, candidateRun] = await Promise.all([
    baselineDir ? loadJsonFile(join(baselineDir, 'run.json'), RunRecordSchema) : null,
    loadJsonFile(join(run.dir, 'run.json'), RunRecordSchema),
  ]);
  const links = input.links?.[run.model];
  const section = renderModelReport({
    diff,
    gate: adjusted,
    card,
    history: { baseline: history(baselineRun), candidate: history(candidateRun) },
    ...(approvers.length > 0 ? { approvers } : {}),
    ...(candidateRun.validation ? { validation: candidateRun.validation } : {}),
    ...(links ? { links } : {}),
    maxLength: 60_000,
  });
  const preamble = input.preambles?.[run.model];
  return {
    model: run.model,
    verdict: adjusted.verdict,
    markdown: `${headMarker(input.headSha)}\n${preamble ? `${preamble}\n\n` : ''}${section}`,
    checkSummary: checkSummaryOf(run.model, adjusted, entry?.version ?? null),
    gate: adjusted,
    baselineVersion: entry?.version ?? null,
  };
}

/**
 * Diffs each run against its model's latest release (or `baselineVersions`), decides the verdict,
 * renders the section (card included; the approver when `approvals` names one and the verdict is
 * `needs-approval`) and upserts it into the pull request's sticky report comment. Throws on a model
 * missing from the config, an unknown baseline version or an unreadable run folder.
 * @returns each model's verdict, section and check summary, and the comment id (0 when `runs` is empty)
 */
export async function reportPullRequest(
  input: ReportPullRequestInput,
): Promise<{ models: ModelReportResult[]; commentId: number }> {
  const models: ModelReportResult[] = [];
  let commentId = 0;
  for (const run of input.runs) {
    const result = await renderOne(input, run);
    const section = input.sectionNames?.[run.model] ?? run.model;
    const upsert = await upsertModelSection(
      input.forge,
      input.prNumber,
      section,
      result.markdown,
      input.comment ?? {},
    );
    commentId = upsert.id;
    models.push(result);
  }
  return { models, commentId };
}
