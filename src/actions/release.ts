/**
 * The `release` action's use case, on the default branch after a merge: finds the merged pull
 * request of the commit (its labels pick the semver bump, its approving review the approver),
 * releases the run ({@link releaseRun}: tag, draft release, assets, publish; idempotent on re-runs)
 * and attests the build provenance of every asset when the runner can (OIDC).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadYamlFile } from '../config/load.js';
import { RepoConfigSchema, type RepoModel } from '../config/repo-config.js';
import { ConfigError } from '../errors.js';
import type { Forge, ForgePullRequest, ForgeRelease } from '../forge/forge.js';
import { evaluateApproval, readCodeowners } from '../pr/approval.js';
import { releaseRun } from '../release/release-run.js';
import { codeSpan, escapeMarkdown } from '../report/escape.js';
import {
  type AttestationOutcome,
  type AttestedFile,
  type AttestProvenance,
  attestationSkipReason,
  attestationSubjects,
  attestSubjects,
} from './attest.js';
import type { ReleaseInputs } from './inputs.js';
import { type ActionContext, ActionInputError, inputVariable, workspacePath } from './runtime.js';

/** Largest asset downloaded for attestation (the model zip included). */
export const MAX_ATTESTED_ASSET_BYTES = 2 * 1024 * 1024 * 1024 - 1;

/**
 * The pull request merged as commit `sha` (GitHub lists merged PRs for their merge commit), else
 * the first merged one listing it, else null (a direct push).
 */
export async function mergedPullRequest(forge: Forge, sha: string): Promise<ForgePullRequest | null> {
  const prs = await forge.pullRequestsForCommit(sha);
  const merged = prs.filter((p) => p.merged);
  return (
    merged.find((p) => p.mergeCommitSha?.toLowerCase() === sha.toLowerCase()) ??
    merged[0] ??
    prs.find((p) => p.mergeCommitSha?.toLowerCase() === sha.toLowerCase()) ??
    null
  );
}

/**
 * Who approved the merged pull request, by the gate's own rules ({@link evaluateApproval}: the latest
 * review per reviewer, on the final head, with write access, one of the model's approvers or code
 * owners); undefined when nobody did or when the token cannot check (the release is not held up
 * for its audit field: the reason is logged).
 */
export async function approverOf(
  forge: Forge,
  pr: ForgePullRequest,
  model: Pick<RepoModel, 'name' | 'path' | 'approvers'>,
  log: (line: string) => void,
): Promise<string | undefined> {
  try {
    const reviews = await forge.listReviews(pr.number);
    if (!reviews.some((r) => r.state === 'APPROVED')) return undefined;
    const decision = await evaluateApproval({
      forge,
      pr,
      reviews,
      approvers: model.approvers,
      codeowners: model.approvers.length === 0 ? await readCodeowners(forge, pr.baseRef) : null,
      model,
    });
    for (const r of decision.rejected)
      log(`modelgate: the approval of ${r.user} does not count: ${r.reason}`);
    return decision.approver;
  } catch (e) {
    log(`modelgate: warning: could not check the approvals of #${pr.number}: ${(e as Error).message}`);
    return undefined;
  }
}

/** Release notes for a merged pull request (its number and title; the title is escaped by the renderer). */
export function releaseNotes(pr: ForgePullRequest | null, sha: string): string {
  return pr ? `Merged in #${pr.number}: ${pr.title}` : `Released from ${sha.slice(0, 12)}`;
}

/** Options of {@link releaseAction}. */
export interface ReleaseActionOptions {
  inputs: ReleaseInputs;
  context: ActionContext;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** Builds the forge from the token (default: the Octokit forge at GITHUB_API_URL). */
  forge?: (token: string) => Forge;
  /** Replaces `@actions/attest` (tests). */
  attestProvenance?: AttestProvenance;
}

/** What the release action produced. */
export interface ReleaseActionResult {
  version: string;
  tag: string;
  release: ForgeRelease;
  created: boolean;
  assets: string[];
  pullRequest: number | null;
  /** The attestation, or null with `attestationSkipped` saying why. */
  attestation: AttestationOutcome | null;
  attestationSkipped: string | null;
  outputs: Record<string, string>;
  summary: string;
}

/** Downloads the release's assets and returns them as files to attest. */
export async function releaseAssetFiles(
  forge: Forge,
  release: ForgeRelease,
  names: readonly string[],
): Promise<AttestedFile[]> {
  const files: AttestedFile[] = [];
  for (const name of names) {
    const asset = release.assets.find((a) => a.name === name);
    if (!asset) continue;
    files.push({ name, data: await forge.downloadReleaseAsset(asset.id, MAX_ATTESTED_ASSET_BYTES) });
  }
  return files;
}

/** Releases the run and attests its assets (see the module comment). */
export async function releaseAction(options: ReleaseActionOptions): Promise<ReleaseActionResult> {
  const { inputs, context, log } = options;
  const workspace = context.workspace;
  const sha = inputs.sha ?? context.sha;
  if (!sha || !/^[0-9a-f]{40}$/i.test(sha))
    throw new ActionInputError([
      {
        input: 'sha',
        variable: inputVariable('sha'),
        value: inputs.sha,
        message: `is required when GITHUB_SHA is ${sha ? `"${sha}", not a commit SHA` : 'not set'}`,
      },
    ]);
  const configFile = workspacePath(workspace, 'config', inputs.config);
  const config = existsSync(configFile) ? await loadYamlFile(configFile, RepoConfigSchema) : null;
  const repoModel = config?.models.find((m) => m.name === inputs.model);
  if (config && !repoModel)
    throw new ConfigError([
      {
        file: inputs.config,
        field: 'models',
        message: `has no model named "${inputs.model}" (it lists: ${config.models.map((m) => m.name).join(', ')})`,
        value: inputs.model,
      },
    ]);
  const runDir = workspacePath(workspace, 'run-dir', inputs['run-dir']);
  if (!existsSync(join(runDir, 'run.json')))
    throw new ActionInputError([
      {
        input: 'run-dir',
        variable: inputVariable('run-dir'),
        value: inputs['run-dir'],
        message:
          'holds no run.json (train in this job, or download the modelgate-run-<model> artifact there)',
      },
    ]);
  const forge = options.forge
    ? options.forge(inputs.token)
    : (await import('./github.js')).actionForge(inputs.token, context);

  const pr = await mergedPullRequest(forge, sha);
  log(
    pr
      ? `modelgate: ${sha.slice(0, 12)} merged #${pr.number}`
      : `modelgate: no merged pull request lists ${sha.slice(0, 12)}`,
  );
  const approver = pr
    ? await approverOf(forge, pr, repoModel ?? { name: inputs.model, path: '', approvers: [] }, log)
    : undefined;
  const outcome = await releaseRun({
    forge,
    runDir,
    model: inputs.model,
    sha: sha.toLowerCase(),
    ...(inputs.bump ? { bump: inputs.bump } : {}),
    labels: pr?.labels ?? [],
    ...(approver ? { approver } : {}),
    notes: releaseNotes(pr, sha),
    ...(repoModel ? { configBump: repoModel.bump } : {}),
    log,
  });
  log(`modelgate: ${outcome.tag} ${outcome.created ? 'released' : 'was released already'}`);

  const skipped = attestationSkipReason(inputs.attest, options.env);
  let attestation: AttestationOutcome | null = null;
  if (skipped) log(`modelgate: ${skipped}`);
  else {
    const files = await releaseAssetFiles(forge, outcome.release, outcome.assets);
    attestation = await attestSubjects(
      attestationSubjects(outcome.tag, files),
      inputs.token,
      options.attestProvenance,
    );
    log(`modelgate: attested ${attestation.subjects.length} asset(s) of ${outcome.tag}`);
  }
  const result = {
    version: outcome.version,
    tag: outcome.tag,
    release: outcome.release,
    created: outcome.created,
    assets: outcome.assets,
    pullRequest: pr?.number ?? null,
    attestation,
    attestationSkipped: skipped,
  };
  return {
    ...result,
    outputs: {
      version: outcome.version,
      tag: outcome.tag,
      'release-url': outcome.release.htmlUrl ?? '',
      created: String(outcome.created),
    },
    summary: releaseSummary(result),
  };
}

/** The job summary of a release (markdown; names go through the one escaper). */
export function releaseSummary(result: Omit<ReleaseActionResult, 'outputs' | 'summary'>): string {
  const tag = codeSpan(result.tag);
  const head = result.release.htmlUrl ? `[${escapeMarkdown(result.tag)}](<${result.release.htmlUrl}>)` : tag;
  const lines = [
    `### modelgate release ${head}`,
    '',
    result.created
      ? `Released version ${codeSpan(result.version)}.`
      : `Version ${codeSpan(result.version)} was released already (re-run: nothing changed).`,
    result.pullRequest !== null
      ? `Merged pull request: #${result.pullRequest}.`
      : 'No merged pull request lists this commit.',
    '',
    `Assets: ${result.assets.map(codeSpan).join(', ')}`,
    '',
    result.attestation
      ? `Build provenance attested for ${result.attestation.subjects.length} asset(s)${
          result.attestation.attestationId
            ? ` (attestation ${codeSpan(result.attestation.attestationId)})`
            : ''
        }.`
      : `No attestation: ${escapeMarkdown(result.attestationSkipped ?? 'skipped')}.`,
  ];
  return `${lines.join('\n')}\n`;
}
