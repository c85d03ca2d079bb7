/**
 * GitHub Actions on the GitHub test double: workflow dispatch (recorded), workflow runs (filtered by
 * head SHA, event, status, branch; newest first), a run's artifacts, and artifact downloads (302 to the
 * zip bytes; 410 once expired).
 */
import {
  bodyString,
  errorBody,
  GitHubHttpError,
  intParam,
  notFound,
  type RouteContext,
  type RouteHandler,
  repoOf,
  unprocessable,
  wrappedListReply,
} from './http-kit.js';

const dispatch: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const ref = bodyString(ctx, 'ref') ?? '';
  if (!repo.resolveRef(ref)) throw unprocessable(`No ref found for: ${ref}`);
  repo.dispatches.push({
    workflowId: ctx.params.workflow_id ?? '',
    ref,
    inputs: (ctx.body.inputs as Record<string, unknown> | undefined) ?? {},
    at: ctx.state.now(),
  });
  return { status: 204 };
};

const listRuns: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const q = (name: string) => ctx.query.get(name);
  const runs = repo.workflowRuns
    .filter((r) => !q('head_sha') || r.headSha === q('head_sha'))
    .filter((r) => !q('event') || r.event === q('event'))
    .filter((r) => !q('branch') || r.headBranch === q('branch'))
    .filter((r) => !q('actor') || r.actor === q('actor'))
    .filter((r) => !q('status') || r.status === q('status') || r.conclusion === q('status'))
    .sort((a, b) => b.id - a.id);
  const exclude = q('exclude_pull_requests') === 'true';
  return wrappedListReply(ctx, 'workflow_runs', runs, (r) => {
    const json = ctx.render.workflowRun(repo, r);
    return exclude ? { ...json, pull_requests: [] } : json;
  });
};

function runOf(ctx: RouteContext) {
  const repo = repoOf(ctx);
  const id = intParam(ctx, 'run_id');
  const run = repo.workflowRuns.find((r) => r.id === id);
  if (!run) throw notFound();
  return { repo, run };
}

const getRun: RouteHandler = (ctx) => {
  const { repo, run } = runOf(ctx);
  return { status: 200, json: ctx.render.workflowRun(repo, run) };
};

const listRunArtifacts: RouteHandler = (ctx) => {
  const { repo, run } = runOf(ctx);
  const name = ctx.query.get('name');
  const artifacts = repo.artifacts
    .filter((a) => a.runId === run.id && (!name || a.name === name))
    .sort((a, b) => (ctx.query.get('direction') === 'asc' ? a.id - b.id : b.id - a.id));
  return wrappedListReply(ctx, 'artifacts', artifacts, (a) => ctx.render.artifact(repo, a));
};

function artifactOf(ctx: RouteContext) {
  const repo = repoOf(ctx);
  const id = intParam(ctx, 'artifact_id');
  const artifact = repo.artifacts.find((a) => a.id === id);
  if (!artifact) throw notFound();
  return { repo, artifact };
}

const getArtifact: RouteHandler = (ctx) => {
  const { repo, artifact } = artifactOf(ctx);
  return { status: 200, json: ctx.render.artifact(repo, artifact) };
};

const download: RouteHandler = (ctx) => {
  const { artifact } = artifactOf(ctx);
  if (ctx.params.archive_format !== 'zip') throw notFound();
  if (artifact.expired) throw new GitHubHttpError(410, errorBody(410, 'Artifact has expired'));
  return { status: 302, headers: { location: `${ctx.urls.origin}/_blobs/artifact-${artifact.id}` } };
};

/** Actions routes by operation id. */
export const actionsRoutes: Record<string, RouteHandler> = {
  'actions/create-workflow-dispatch': dispatch,
  'actions/list-workflow-runs-for-repo': listRuns,
  'actions/get-workflow-run': getRun,
  'actions/list-workflow-run-artifacts': listRunArtifacts,
  'actions/get-artifact': getArtifact,
  'actions/download-artifact': download,
};
