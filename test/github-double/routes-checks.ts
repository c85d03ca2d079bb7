/**
 * Check runs on the GitHub test double: create (on a known commit; the run belongs to the app the
 * token acts for), update (only by that app, else 403; a conclusion completes the run, annotations
 * append), get, and list for a ref (latest per name by default, newest first).
 */
import {
  bodyString,
  forbidden,
  intParam,
  notFound,
  type RouteContext,
  type RouteHandler,
  repoOf,
  unprocessable,
  wrappedListReply,
} from './http-kit.js';
import type { AnnotationRecord, CheckRunRecord } from './state.js';

function applyFields(ctx: RouteContext, run: CheckRunRecord): void {
  const now = ctx.state.now();
  const name = bodyString(ctx, 'name');
  if (name !== undefined) run.name = name;
  const detailsUrl = bodyString(ctx, 'details_url');
  if (detailsUrl !== undefined) run.detailsUrl = detailsUrl;
  const externalId = bodyString(ctx, 'external_id');
  if (externalId !== undefined) run.externalId = externalId;
  const startedAt = bodyString(ctx, 'started_at');
  if (startedAt !== undefined) run.startedAt = startedAt;
  const status = bodyString(ctx, 'status') as CheckRunRecord['status'] | undefined;
  const conclusion = bodyString(ctx, 'conclusion');
  if (status !== undefined) run.status = status;
  if (conclusion !== undefined) {
    run.conclusion = conclusion;
    run.status = 'completed';
  }
  if (run.status === 'completed') {
    if (run.conclusion === null) throw unprocessable('Conclusion is required when status is completed.');
    run.completedAt = bodyString(ctx, 'completed_at') ?? run.completedAt ?? now;
  }
  const output = ctx.body.output as
    | { title?: string; summary?: string; text?: string; annotations?: AnnotationRecord[] }
    | undefined;
  if (output) {
    if (output.title !== undefined) run.title = output.title;
    if (output.summary !== undefined) run.summary = output.summary;
    if (output.text !== undefined) run.text = output.text;
    if (output.annotations) run.annotations.push(...output.annotations);
  }
}

const create: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const headSha = bodyString(ctx, 'head_sha') ?? '';
  if (!repo.commits.has(headSha)) throw unprocessable(`No commit found for SHA: ${headSha}`);
  const run: CheckRunRecord = {
    id: ctx.state.nextId(),
    name: bodyString(ctx, 'name') ?? '',
    headSha,
    status: 'queued',
    conclusion: null,
    title: null,
    summary: null,
    text: null,
    annotations: [],
    externalId: null,
    detailsUrl: null,
    startedAt: ctx.state.now(),
    completedAt: null,
    appId: ctx.state.appIdOf(ctx.actor),
  };
  applyFields(ctx, run);
  repo.checkRuns.push(run);
  return { status: 201, json: ctx.render.checkRun(repo, run) };
};

function runOf(ctx: RouteContext) {
  const repo = repoOf(ctx);
  const id = intParam(ctx, 'check_run_id');
  const run = repo.checkRuns.find((r) => r.id === id);
  if (!run) throw notFound();
  return { repo, run };
}

const update: RouteHandler = (ctx) => {
  const { repo, run } = runOf(ctx);
  if (run.appId !== ctx.state.appIdOf(ctx.actor))
    throw forbidden('Invalid app_id: only the app that created a check run can update it');
  const before = structuredClone(run);
  try {
    applyFields(ctx, run);
  } catch (error) {
    Object.assign(run, before);
    throw error;
  }
  return { status: 200, json: ctx.render.checkRun(repo, run) };
};

const get: RouteHandler = (ctx) => {
  const { repo, run } = runOf(ctx);
  return { status: 200, json: ctx.render.checkRun(repo, run) };
};

const listForRef: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const ref = ctx.params.ref ?? '';
  const sha = repo.resolveRef(ref);
  if (!sha) throw unprocessable(`No commit found for SHA: ${ref}`);
  const name = ctx.query.get('check_name');
  const status = ctx.query.get('status');
  const appId = ctx.query.get('app_id');
  let runs = repo.checkRuns
    .filter((r) => r.headSha === sha)
    .filter((r) => !name || r.name === name)
    .filter((r) => !status || r.status === status)
    .filter((r) => !appId || String(r.appId) === appId)
    .sort((a, b) => b.id - a.id);
  if ((ctx.query.get('filter') ?? 'latest') === 'latest') {
    const seen = new Set<string>();
    runs = runs.filter((r) => !seen.has(r.name) && seen.add(r.name));
  }
  return wrappedListReply(ctx, 'check_runs', runs, (r) => ctx.render.checkRun(repo, r));
};

/** Check-run routes by operation id. */
export const checkRoutes: Record<string, RouteHandler> = {
  'checks/create': create,
  'checks/update': update,
  'checks/get': get,
  'checks/list-for-ref': listForRef,
};
