/**
 * The `modelgate/<model>` check runs: started when a pull request opens or moves, completed from the
 * run's verdict, re-completed when an approval comes or goes. The App keeps no state: the verdict,
 * the workflow run the verdict came from and `/modelgate approve` approvals are hidden markers in the
 * check run's output text, tied to the head SHA, so later events read them back and a new push
 * (a new SHA, new check runs) resets them.
 *
 * Trust: a pull request's own workflow can create check runs of the same names (with `checks: write`)
 * and forge markers in them. So when the App knows its id (`AppDeps.appId`), every lookup here reads
 * only the check runs that App created ({@link ownCheckRuns}); others are ignored, and the App starts or
 * completes its own next to them. Without an id (Actions mode with the job token, which cannot tell
 * its checks from a workflow's) any check run of the name is read.
 *
 * Conclusions: `pass` -> `success`; `needs-approval` -> `action_required` (title "Needs approval";
 * it blocks a required check like a failure, and shows "Action required" with the details link);
 * an approved `needs-approval` -> `success` (title "Approved by <login>"); `fail`, a failed training
 * workflow, a missing or invalid artifact and an invalid config -> `failure`.
 */
import { z } from 'zod';
import type { Verdict } from '../diff/types.js';
import type { CheckAnnotation, CheckConclusion, Forge, ForgeCheckRun, NewCheckRun } from '../forge/forge.js';
import { shorten } from '../report/escape.js';

/** GitHub's limit on a check run's output summary and text. */
export const CHECK_OUTPUT_LIMIT = 65_535;

/** The check run name of a model. */
export function checkName(model: string): string {
  return `modelgate/${model}`;
}

/** The check run that reports an invalid `.github/modelgate.yml`. */
export const CONFIG_CHECK_NAME = 'modelgate/config';

/** A login as GitHub allows it (plus the `[bot]` suffix of apps). */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;
const SHA = /^[0-9a-f]{7,64}$/i;
const VERDICTS: readonly Verdict[] = ['pass', 'needs-approval', 'fail'];

/** The hidden verdict marker `<!-- modelgate:verdict:<verdict>:<headSha> -->`. */
export function verdictMarker(verdict: Verdict, headSha: string): string {
  return `<!-- modelgate:verdict:${verdict}:${headSha} -->`;
}

/** The hidden marker of the workflow run whose artifact gave the verdict. */
export function sourceMarker(workflowRunId: number): string {
  return `<!-- modelgate:source:${workflowRunId} -->`;
}

/** The hidden marker of a `/modelgate approve` approval by `login` on `headSha`. */
export function commandApprovalMarker(login: string, headSha: string): string {
  if (!LOGIN.test(login)) throw new Error(`not a GitHub login: ${JSON.stringify(login)}`);
  return `<!-- modelgate:approved:${login}:${headSha} -->`;
}

/** The hidden marker of the approver a check run was completed with. */
export function approverMarker(login: string): string {
  if (!LOGIN.test(login)) throw new Error(`not a GitHub login: ${JSON.stringify(login)}`);
  return `<!-- modelgate:approver:${login} -->`;
}

/**
 * What the App knew of the config when it started a pull request's checks: the SHA-256 of
 * `.github/modelgate.yml` at the head commit, and whether the pull request changes this model's gate
 * rules (from the changed files and the base branch's config). Later events of the same head commit
 * read it back instead of listing the files and reading the base config again.
 */
export interface ConfigStamp {
  /** The head commit the stamp was made for. */
  headSha: string;
  /** SHA-256 (hex) of the config text at the head commit. */
  hash: string;
  /** The pull request changes this model's gate rules (needs approval). */
  rulesChanged: boolean;
}

const HASH = /^[0-9a-f]{64}$/;

/** The hidden config marker `<!-- modelgate:config:<headSha>:<sha256>:<changed|unchanged> -->`. */
export function configMarker(stamp: ConfigStamp): string {
  if (!SHA.test(stamp.headSha)) throw new Error(`not a commit SHA: ${JSON.stringify(stamp.headSha)}`);
  if (!HASH.test(stamp.hash)) throw new Error(`not a SHA-256: ${JSON.stringify(stamp.hash)}`);
  return `<!-- modelgate:config:${stamp.headSha}:${stamp.hash}:${stamp.rulesChanged ? 'changed' : 'unchanged'} -->`;
}

/** Most labels kept in a labels stamp (GitHub allows 100 per issue). */
const MAX_STAMPED_LABELS = 100;

/** A labels stamp's payload: the pull request's label names. */
const StampedLabelsSchema = z.array(z.string().max(100)).max(MAX_STAMPED_LABELS);

/**
 * The pull request's labels a check run was stamped with (when its checks started, and again on
 * every `labeled` / `unlabeled`), so `workflow_run` reads them (the bump preview) without fetching
 * the pull request. One stamp per pull request: a commit can head several.
 */
export interface LabelsStamp {
  /** The pull request number. */
  pr: number;
  /** Its label names. */
  labels: string[];
}

/** The labels a stamp keeps: names up to 100 characters (GitHub's are up to 50), at most 100 of them. */
function stampable(labels: readonly string[]): string[] {
  return labels.filter((l) => l.length <= 100).slice(0, MAX_STAMPED_LABELS);
}

/** The hidden labels marker `<!-- modelgate:labels:<pr>:<base64url of the JSON names> -->`. */
export function labelsMarker(stamp: LabelsStamp): string {
  if (!Number.isSafeInteger(stamp.pr) || stamp.pr <= 0)
    throw new Error(`not a pull request number: ${JSON.stringify(stamp.pr)}`);
  const labels = stampable(stamp.labels);
  return `<!-- modelgate:labels:${stamp.pr}:${Buffer.from(JSON.stringify(labels)).toString('base64url')} -->`;
}

const LABELS_MARKER = /<!-- modelgate:labels:(\d{1,15}):([A-Za-z0-9_-]{0,20000}) -->/g;

/** The labels stamps of a check run's text, the first one per pull request (unreadable ones left out). */
export function parseLabelsStamps(text: string | undefined): LabelsStamp[] {
  const out = new Map<number, string[]>();
  for (const m of (text ?? '').matchAll(LABELS_MARKER)) {
    const pr = Number(m[1]);
    if (out.has(pr)) continue;
    try {
      const parsed = StampedLabelsSchema.safeParse(
        JSON.parse(Buffer.from(m[2]!, 'base64url').toString('utf8')),
      );
      if (parsed.success) out.set(pr, parsed.data);
    } catch {
      // not JSON: no stamp
    }
  }
  return [...out].map(([pr, labels]) => ({ pr, labels }));
}

/** `text` with `stamp` first and no other labels stamp of the same pull request. */
export function withLabelsStamp(text: string | undefined, stamp: LabelsStamp): string {
  const marker = labelsMarker(stamp);
  const rest = (text ?? '')
    .replace(LABELS_MARKER, (whole, pr: string) => (Number(pr) === stamp.pr ? '' : whole))
    .replace(/^\n+/, '');
  return rest ? `${marker}\n${rest}` : marker;
}

/** What a check run's markers say. */
export interface CheckState {
  /** The verdict and the head SHA it was given for. */
  verdict: Verdict | null;
  headSha: string | null;
  /** The workflow run the verdict came from. */
  sourceRunId: number | null;
  /** `/modelgate approve` approvals recorded on the check, oldest first. */
  commandApprovals: { user: string; headSha: string }[];
  /** The approver the check was completed with (a `needs-approval` verdict turned green). */
  approver: string | null;
  /** The config stamp the check was started with, when it has one. */
  config: ConfigStamp | null;
  /** The labels stamps (one per pull request). */
  labels: LabelsStamp[];
}

/** Reads the markers of a check run's output text. */
export function parseCheckState(text: string | undefined): CheckState {
  const t = text ?? '';
  const v = /<!-- modelgate:verdict:([a-z-]+):([0-9a-fA-F]+) -->/.exec(t);
  const verdict = v && (VERDICTS as readonly string[]).includes(v[1]!) ? (v[1] as Verdict) : null;
  const s = /<!-- modelgate:source:(\d{1,15}) -->/.exec(t);
  const commandApprovals = [...t.matchAll(/<!-- modelgate:approved:([A-Za-z0-9[\]-]+):([0-9a-fA-F]+) -->/g)]
    .filter((m) => LOGIN.test(m[1]!))
    .map((m) => ({ user: m[1]!, headSha: m[2]! }));
  const a = /<!-- modelgate:approver:([A-Za-z0-9[\]-]+) -->/.exec(t);
  const c = /<!-- modelgate:config:([0-9a-fA-F]{7,64}):([0-9a-f]{64}):(changed|unchanged) -->/.exec(t);
  return {
    verdict,
    headSha: verdict ? v![2]! : null,
    sourceRunId: s ? Number(s[1]) : null,
    commandApprovals,
    approver: a && LOGIN.test(a[1]!) ? a[1]! : null,
    config: c ? { headSha: c[1]!, hash: c[2]!, rulesChanged: c[3] === 'changed' } : null,
    labels: parseLabelsStamps(t),
  };
}

/** The check-run markers block for a state (goes first in the output text, so truncation keeps it). */
export function checkStateText(state: {
  verdict: Verdict;
  headSha: string;
  sourceRunId?: number | null;
  commandApprovals?: readonly { user: string; headSha: string }[];
  approver?: string | null;
  /** Kept only when made for `headSha`. */
  config?: ConfigStamp | null;
  /** The labels stamps to keep (the check is on `headSha`, so they are). */
  labels?: readonly LabelsStamp[];
}): string {
  if (!SHA.test(state.headSha)) throw new Error(`not a commit SHA: ${JSON.stringify(state.headSha)}`);
  const lines = [verdictMarker(state.verdict, state.headSha)];
  if (state.sourceRunId !== null && state.sourceRunId !== undefined)
    lines.push(sourceMarker(state.sourceRunId));
  const seen = new Set<string>();
  for (const a of state.commandApprovals ?? []) {
    const key = `${a.user.toLowerCase()}:${a.headSha}`;
    if (seen.has(key) || a.headSha !== state.headSha) continue;
    seen.add(key);
    lines.push(commandApprovalMarker(a.user, a.headSha));
  }
  if (state.approver) lines.push(approverMarker(state.approver));
  if (state.config && state.config.headSha === state.headSha) lines.push(configMarker(state.config));
  for (const stamp of state.labels ?? []) lines.push(labelsMarker(stamp));
  return lines.join('\n');
}

/** The check conclusion and title for a verdict (and its approver, if any). */
export function conclusionOf(
  verdict: Verdict,
  approver?: string,
): { conclusion: CheckConclusion; title: string } {
  if (verdict === 'pass') return { conclusion: 'success', title: 'Passed' };
  if (verdict === 'fail') return { conclusion: 'failure', title: 'Failed' };
  return approver
    ? { conclusion: 'success', title: `Approved by ${approver}` }
    : { conclusion: 'action_required', title: 'Needs approval' };
}

/**
 * The check runs the GitHub App `appId` created, in order; all of them when `appId` is undefined
 * (a caller that cannot tell its own check runs from others).
 */
export function ownCheckRuns(runs: readonly ForgeCheckRun[], appId: number | undefined): ForgeCheckRun[] {
  return appId === undefined ? [...runs] : runs.filter((r) => r.appId === appId);
}

/** The check runs on the commit (newest first, optionally only `name`) that the App `appId` created. */
export async function listOwnCheckRuns(
  forge: Forge,
  headSha: string,
  appId: number | undefined,
  name?: string,
): Promise<ForgeCheckRun[]> {
  return ownCheckRuns(await forge.listCheckRuns(headSha, name), appId);
}

/** The newest check run of `name` on the commit (of the App `appId` when given), or null. */
export async function findCheckRun(
  forge: Forge,
  headSha: string,
  name: string,
  appId?: number,
): Promise<ForgeCheckRun | null> {
  const runs = await listOwnCheckRuns(forge, headSha, appId, name);
  return runs.find((r) => r.name === name) ?? null;
}

/**
 * Starts (`in_progress`, "Waiting for training") the check run of each model on the commit, unless
 * one exists already for that SHA and name (a redelivery or a reopened pull request): no duplicates.
 * @returns the check runs, created or found
 */
export async function startCheckRuns(
  forge: Forge,
  headSha: string,
  models: readonly string[],
  options: {
    detailsUrl?: string;
    stamps?: Readonly<Record<string, ConfigStamp>>;
    /** The pull request's labels, stamped on new checks (and on existing ones whose stamp differs). */
    labels?: LabelsStamp;
    /** Only check runs of this GitHub App count as existing (others are ignored); unset: any. */
    appId?: number;
  } = {},
): Promise<{ model: string; check: ForgeCheckRun; created: boolean }[]> {
  const out: { model: string; check: ForgeCheckRun; created: boolean }[] = [];
  const all = models.length > 1 ? await listOwnCheckRuns(forge, headSha, options.appId) : null;
  for (const model of models) {
    const existing = all
      ? (all.find((r) => r.name === checkName(model)) ?? null)
      : await findCheckRun(forge, headSha, checkName(model), options.appId);
    if (existing) {
      const restamped = options.labels ? await restampLabels(forge, existing, options.labels) : null;
      out.push({ model, check: restamped ?? existing, created: false });
      continue;
    }
    const markers = [
      ...(options.stamps?.[model] ? [configMarker(options.stamps[model])] : []),
      ...(options.labels ? [labelsMarker(options.labels)] : []),
    ];
    const check = await forge.createCheckRun({
      name: checkName(model),
      headSha,
      status: 'in_progress',
      title: 'Waiting for training',
      summary: `Waiting for the training workflow to upload the run artifact of ${'`'}${model}${'`'} for this commit.`,
      ...(markers.length > 0 ? { text: markers.join('\n') } : {}),
      externalId: model,
      ...(options.detailsUrl ? { detailsUrl: options.detailsUrl } : {}),
    });
    out.push({ model, check, created: true });
  }
  return out;
}

/** The labels of pull request `pr` stamped on `check`, or null when it has no stamp of it. */
export function stampedLabels(check: ForgeCheckRun, pr: number): string[] | null {
  return parseCheckState(check.text).labels.find((s) => s.pr === pr)?.labels ?? null;
}

function sameLabels(a: readonly string[] | null, b: readonly string[]): boolean {
  return a !== null && a.length === b.length && a.every((l, i) => l === b[i]);
}

/**
 * Writes `stamp` onto a check run (its title, summary, status and the rest of its text unchanged)
 * unless it carries exactly that stamp already. @returns the updated check run, or null when unchanged
 */
export async function restampLabels(
  forge: Forge,
  check: ForgeCheckRun,
  stamp: LabelsStamp,
): Promise<ForgeCheckRun | null> {
  if (sameLabels(stampedLabels(check, stamp.pr), stampable(stamp.labels))) return null;
  return forge.updateCheckRun(check.id, {
    title: check.title,
    summary: check.summary,
    text: limit(withLabelsStamp(check.text, stamp)),
  });
}

/** What a completed check run says. */
export interface CheckOutcome {
  conclusion: CheckConclusion;
  title: string;
  summary: string;
  text?: string;
  annotations?: CheckAnnotation[];
  detailsUrl?: string;
  externalId?: string;
}

function limit(text: string): string {
  return shorten(text, CHECK_OUTPUT_LIMIT);
}

/**
 * Completes the check run `name` on the commit with `outcome`: updates the newest one, or creates
 * it completed when none exists. When the newest one already says exactly this (a redelivery), it is
 * left alone, so annotations are not added twice. Summary and text are cut to GitHub's limit.
 * @param known the newest check run of `name` on the commit (null: none) when the caller listed the
 * commit's check runs in this event already (of the App `appId` when given); undefined: looked up here
 * @param appId only a check run of this GitHub App is updated (another app's is ignored and this
 * App's created); unset: the newest of the name, whoever made it
 */
export async function completeCheckRun(
  forge: Forge,
  headSha: string,
  name: string,
  outcome: CheckOutcome,
  known?: ForgeCheckRun | null,
  appId?: number,
): Promise<{ check: ForgeCheckRun; changed: boolean }> {
  const summary = limit(outcome.summary);
  const text = outcome.text === undefined ? undefined : limit(outcome.text);
  const title = shorten(outcome.title, 1000);
  const existing = known === undefined ? await findCheckRun(forge, headSha, name, appId) : known;
  if (
    existing &&
    existing.status === 'completed' &&
    existing.conclusion === outcome.conclusion &&
    existing.title === title &&
    existing.summary === summary &&
    (text === undefined || existing.text === text)
  ) {
    return { check: existing, changed: false };
  }
  const fields = {
    status: 'completed' as const,
    conclusion: outcome.conclusion,
    title,
    summary,
    ...(text !== undefined ? { text } : {}),
    ...(outcome.annotations && outcome.annotations.length > 0 ? { annotations: outcome.annotations } : {}),
    ...(outcome.detailsUrl ? { detailsUrl: outcome.detailsUrl } : {}),
    ...(outcome.externalId ? { externalId: outcome.externalId } : {}),
  };
  if (existing) return { check: await forge.updateCheckRun(existing.id, fields), changed: true };
  const created: NewCheckRun = { name, headSha, ...fields };
  return { check: await forge.createCheckRun(created), changed: true };
}

/**
 * Every `modelgate/<model>` check run on the commit (newest per name), the config check excluded;
 * only those of the GitHub App `appId` when given.
 */
export async function modelCheckRuns(
  forge: Forge,
  headSha: string,
  appId?: number,
): Promise<{ model: string; check: ForgeCheckRun }[]> {
  const runs = await listOwnCheckRuns(forge, headSha, appId);
  const out = new Map<string, ForgeCheckRun>();
  for (const r of runs) {
    if (!r.name.startsWith('modelgate/') || r.name === CONFIG_CHECK_NAME) continue;
    if (!out.has(r.name)) out.set(r.name, r);
  }
  return [...out].map(([name, check]) => ({ model: name.slice('modelgate/'.length), check }));
}
