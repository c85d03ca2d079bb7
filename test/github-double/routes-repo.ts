/**
 * Repository-level routes on the GitHub test double: the repository, file contents (JSON with base64
 * content, a directory listing, or raw text with `Accept: application/vnd.github.raw`), collaborator
 * permission (legacy `permission` plus `role_name`), team membership, and deployments with their
 * statuses (a `success` status marks the environment's earlier deployments `inactive`, as GitHub does).
 */
import {
  bodyBool,
  bodyString,
  errorBody,
  GitHubHttpError,
  intParam,
  listReply,
  notFound,
  type RouteContext,
  type RouteHandler,
  repoOf,
  unprocessable,
  validationFailed,
} from './http-kit.js';
import type { DeploymentRecord, DeploymentStatusRecord, PermissionLevel } from './state.js';

const getRepo: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const owner = ctx.state.account(repo.owner);
  return {
    status: 200,
    json: {
      ...ctx.render.repository(repo),
      network_count: 0,
      subscribers_count: 0,
      ...(owner.type === 'Organization' ? { organization: ctx.render.user(repo.owner) } : {}),
    },
  };
};

const getContent: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const path = (ctx.params.path ?? '').replace(/^\/+|\/+$/g, '');
  const ref = ctx.query.get('ref') ?? repo.defaultBranch;
  if (!repo.resolveRef(ref) && !repo.files.has(ref)) {
    throw new GitHubHttpError(404, errorBody(404, `No commit found for the ref ${ref}`));
  }
  const text = repo.getFile(path, ref);
  if (text !== null) {
    const accept = String(ctx.headers.accept ?? '');
    if (/application\/vnd\.github(\.v3)?\.raw/.test(accept)) {
      return {
        status: 200,
        bytes: Buffer.from(text, 'utf8'),
        headers: { 'content-type': 'application/vnd.github.raw; charset=utf-8' },
      };
    }
    return { status: 200, json: ctx.render.contentFile(repo, path, ref, text) };
  }
  const entries = repo.listDirectory(path, ref);
  if (entries.length === 0) throw notFound();
  return { status: 200, json: entries.map((e) => ctx.render.contentEntry(repo, e, ref)) };
};

const permission: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const user = ctx.params.username ?? '';
  const level: PermissionLevel =
    repo.permissions.get(user) ??
    [...repo.permissions].find(([login]) => login.toLowerCase() === user.toLowerCase())?.[1] ??
    'none';
  return { status: 200, json: ctx.render.permission(ctx.state.account(user).login, level) };
};

const teamMembership: RouteHandler = (ctx) => {
  const team = ctx.state.teams.get(`${ctx.params.org}/${ctx.params.team_slug}`.toLowerCase());
  const member = team?.get((ctx.params.username ?? '').toLowerCase());
  if (!member) throw notFound();
  return {
    status: 200,
    json: {
      url: `${ctx.urls.api}/organizations/${ctx.state.account(ctx.params.org ?? '').id}/team/1/memberships/${ctx.params.username}`,
      role: member.role,
      state: member.state,
    },
  };
};

const createDeployment: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const ref = bodyString(ctx, 'ref') ?? '';
  const sha = repo.resolveRef(ref);
  if (!sha) throw unprocessable(`No ref found for: ${ref}`);
  const environment = bodyString(ctx, 'environment') ?? 'production';
  const rawPayload = ctx.body.payload;
  const now = ctx.state.now();
  const record: DeploymentRecord = {
    id: ctx.state.nextId(),
    sha,
    ref,
    task: bodyString(ctx, 'task') ?? 'deploy',
    environment,
    description: bodyString(ctx, 'description') ?? '',
    payload:
      typeof rawPayload === 'string' || (typeof rawPayload === 'object' && rawPayload !== null)
        ? (rawPayload as Record<string, unknown> | string)
        : {},
    transientEnvironment: bodyBool(ctx, 'transient_environment') ?? false,
    productionEnvironment: bodyBool(ctx, 'production_environment') ?? environment === 'production',
    creator: ctx.actor,
    createdAt: now,
    updatedAt: now,
  };
  repo.deployments.push(record);
  return { status: 201, json: ctx.render.deployment(repo, record) };
};

const listDeployments: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const q = (name: string) => ctx.query.get(name);
  const deployments = repo.deployments
    .filter((d) => !q('sha') || d.sha === q('sha'))
    .filter((d) => !q('ref') || d.ref === q('ref'))
    .filter((d) => !q('task') || d.task === q('task'))
    .filter((d) => !q('environment') || d.environment === q('environment'))
    .sort((a, b) => b.id - a.id);
  return listReply(ctx, deployments, (d) => ctx.render.deployment(repo, d));
};

function deploymentOf(ctx: RouteContext) {
  const repo = repoOf(ctx);
  const id = intParam(ctx, 'deployment_id');
  const deployment = repo.deployments.find((d) => d.id === id);
  if (!deployment) throw notFound();
  return { repo, deployment };
}

const getDeployment: RouteHandler = (ctx) => {
  const { repo, deployment } = deploymentOf(ctx);
  return { status: 200, json: ctx.render.deployment(repo, deployment) };
};

const createStatus: RouteHandler = (ctx) => {
  const { repo, deployment } = deploymentOf(ctx);
  const description = bodyString(ctx, 'description') ?? '';
  if (description.length > 140) {
    throw validationFailed([
      {
        resource: 'DeploymentStatus',
        code: 'custom',
        field: 'description',
        message: 'description is too long (maximum is 140 characters)',
      },
    ]);
  }
  const state = (bodyString(ctx, 'state') ?? '') as DeploymentStatusRecord['state'];
  const targetUrl = bodyString(ctx, 'target_url') ?? '';
  const now = ctx.state.now();
  const record: DeploymentStatusRecord = {
    id: ctx.state.nextId(),
    deploymentId: deployment.id,
    state,
    description,
    environment: bodyString(ctx, 'environment') ?? deployment.environment,
    environmentUrl: bodyString(ctx, 'environment_url') ?? '',
    logUrl: bodyString(ctx, 'log_url') ?? targetUrl,
    targetUrl: targetUrl || (bodyString(ctx, 'log_url') ?? ''),
    creator: ctx.actor,
    createdAt: now,
  };
  repo.deploymentStatuses.push(record);
  deployment.updatedAt = now;
  if (state === 'success' && bodyBool(ctx, 'auto_inactive') !== false) {
    for (const other of repo.deployments) {
      if (
        other.id === deployment.id ||
        other.environment !== record.environment ||
        other.transientEnvironment
      )
        continue;
      const latest = repo.latestDeploymentStatus(other.id);
      if (latest?.state !== 'success') continue;
      repo.deploymentStatuses.push({
        ...latest,
        id: ctx.state.nextId(),
        state: 'inactive',
        description: 'Superseded by a newer deployment',
        createdAt: now,
      });
    }
  }
  return { status: 201, json: ctx.render.deploymentStatus(repo, record) };
};

const listStatuses: RouteHandler = (ctx) => {
  const { repo, deployment } = deploymentOf(ctx);
  const statuses = repo.deploymentStatuses
    .filter((s) => s.deploymentId === deployment.id)
    .sort((a, b) => b.id - a.id);
  return listReply(ctx, statuses, (s) => ctx.render.deploymentStatus(repo, s));
};

/** Repository routes by operation id. */
export const repoRoutes: Record<string, RouteHandler> = {
  'repos/get': getRepo,
  'repos/get-content': getContent,
  'repos/get-collaborator-permission-level': permission,
  'teams/get-membership-for-user-in-org': teamMembership,
  'repos/create-deployment': createDeployment,
  'repos/list-deployments': listDeployments,
  'repos/get-deployment': getDeployment,
  'repos/create-deployment-status': createStatus,
  'repos/list-deployment-statuses': listStatuses,
};
