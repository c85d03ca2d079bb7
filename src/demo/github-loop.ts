/**
 * The demo's GitHub step: the same pull request driven through the GitHub App's use cases (the
 * handlers the Probot App and the Actions run) against an in-memory GitHub ({@link MemoryForge}).
 * The baseline is released as `risk@v1.0.0` (annotated tag + release with assets), the pull request
 * opens (a `modelgate/risk` check starts), its training workflow finishes with the candidate's run
 * folder as the `modelgate-run-risk` artifact (the sticky comment and the completed check), an
 * authorised reviewer approves when the gate asks for it, and the merge releases the candidate.
 */
import { mkdir } from 'node:fs/promises';
import type { CliIo } from '../cli/args.js';
import { MemoryForge } from '../forge/memory-forge.js';
import type { AppDeps } from '../pr/app-deps.js';
import { onMerged, onPullRequest, onReview, onWorkflowRunCompleted } from '../pr/index.js';
import { artifactName } from '../pr/run-artifact.js';
import { GithubRegistry } from '../registry/github-registry.js';
import { releaseRun } from '../release/release-run.js';
import { zipFolder } from '../release/zip-folder.js';

/** Inputs of {@link githubLoop}. */
export interface GithubLoopOptions {
  /** The base commit (the baseline's) and the pull request's head commit (the candidate's). */
  baseSha: string;
  headSha: string;
  baselineDir: string;
  candidateDir: string;
  /** The text of `.github/modelgate.yml`. */
  configText: string;
  /** Scratch folder for the registry cache and artifacts. */
  workDir: string;
  /** Paired-bootstrap resamples. */
  resamples: number;
  io: CliIo;
}

/** What the GitHub step left behind, for the printout and the tests. */
export interface GithubLoopOutcome {
  forge: MemoryForge;
  /** The sticky comment's body. */
  comment: string;
  /** The check's conclusion before and after the review. */
  conclusions: string[];
  /** Tags on the in-memory repository after the merge. */
  tags: string[];
}

const REPO = 'acme/risk-scoring';

/** Runs the GitHub step of the demo (see the module comment) and prints what happens. */
export async function githubLoop(options: GithubLoopOptions): Promise<GithubLoopOutcome> {
  const say = (t = '') => options.io.out(`${t}\n`);
  await mkdir(options.workDir, { recursive: true });
  const forge = new MemoryForge({ repo: REPO });
  const deps: AppDeps = {
    forge,
    registry: new GithubRegistry(forge, { cacheDir: `${options.workDir}/registry-cache` }),
    configText: options.configText,
    workDir: options.workDir,
    limits: { resamples: options.resamples },
  };
  const repository = { full_name: REPO, default_branch: 'main' };
  const first = await releaseRun({ forge, runDir: options.baselineDir, model: 'risk', sha: options.baseSha });
  say(`released ${first.tag}: annotated tag + release with ${first.assets.join(', ')}`);

  const author = 'data-scientist';
  const pr = forge.addPullRequest({
    number: 7,
    title: 'risk: wider MLP',
    user: author,
    headSha: options.headSha,
    headRef: 'tune/wider-mlp',
    baseRef: 'main',
    files: ['models/risk/model.yml'],
  });
  const prPayload = {
    number: pr.number,
    state: 'open',
    user: { login: author },
    head: { sha: options.headSha, ref: pr.headRef, repo: { full_name: REPO } },
    base: { ref: 'main', sha: options.baseSha },
    labels: [],
  };
  const opened = await onPullRequest(deps, { action: 'opened', pull_request: prPayload, repository });
  say(`pull request #${pr.number} opened: ${opened.actions.join('; ') || opened.summary}`);

  const runId = forge.addWorkflowRun(options.headSha, 'modelgate PR', 'success');
  forge.addArtifact(runId, artifactName('risk'), await zipFolder(options.candidateDir));
  const completed = await onWorkflowRunCompleted(deps, {
    action: 'completed',
    workflow_run: {
      id: runId,
      name: 'modelgate PR',
      path: '.github/workflows/modelgate-pr.yml',
      head_sha: options.headSha,
      conclusion: 'success',
      pull_requests: [{ number: pr.number, head: { sha: options.headSha } }],
    },
    repository,
  });
  if (completed.error) throw new Error(`the workflow_run handler failed: ${completed.error}`);
  const checkOf = () => forge.checkRuns.filter((c) => c.name === 'modelgate/risk').at(-1);
  const conclusions = [checkOf()?.conclusion ?? 'none'];
  const comment = forge.comments.find((c) => c.issue === pr.number)?.body ?? '';
  say(
    `training finished: one sticky comment (${comment.length} characters), check modelgate/risk: ${checkOf()?.status} / ${conclusions[0]} ("${checkOf()?.title}")`,
  );

  if (checkOf()?.conclusion === 'action_required') {
    const reviewer = 'risk-lead';
    forge.setPermission(reviewer, 'write');
    forge.addTeamMember('acme', 'risk-modelling', reviewer);
    forge.addReview(pr.number, { user: reviewer, state: 'APPROVED', commitId: options.headSha });
    const reviewed = await onReview(deps, {
      action: 'submitted',
      review: { user: { login: reviewer }, state: 'approved', commit_id: options.headSha },
      pull_request: prPayload,
      repository,
    });
    conclusions.push(checkOf()?.conclusion ?? 'none');
    say(
      `@${reviewer} (write access, in @acme/risk-modelling) approves: check modelgate/risk -> ${conclusions.at(-1)} (${reviewed.summary})`,
    );
  }

  const mergeSha = options.headSha;
  const stored = forge.pullRequests.find((p) => p.number === pr.number)!;
  Object.assign(stored, { state: 'closed', merged: true, mergeCommitSha: mergeSha });
  const merged = await onMerged(deps, {
    action: 'closed',
    pull_request: { ...prPayload, state: 'closed', merged: true, merge_commit_sha: mergeSha },
    repository,
  });
  if (merged.error) throw new Error(`the merge handler failed: ${merged.error}`);
  const tags = forge.tags.map((t) => t.name);
  say(`merged: ${merged.actions.join('; ') || merged.summary}`);
  say(
    `the repository now has tags ${tags.join(', ')}, ${forge.releases.filter((r) => !r.draft).length} published releases, ${forge.deployments.length} deployment(s), ${forge.dispatches.length} dispatched workflow(s)`,
  );
  return { forge, comment, conclusions, tags };
}
