/**
 * GitHub App routes on the GitHub test double (these need the App's JWT): installation access tokens,
 * a repository's installation, an installation, and the App itself.
 */
import { randomBytes } from 'node:crypto';
import { intParam, notFound, type RouteHandler, repoOf } from './http-kit.js';
import { appPermissions } from './render.js';
import { githubTime } from './state.js';

/** Operation ids GitHub authenticates with the App's JWT (an installation or user token gets 401). */
export const JWT_OPERATIONS = new Set([
  'apps/create-installation-access-token',
  'apps/get-repo-installation',
  'apps/get-org-installation',
  'apps/get-installation',
  'apps/list-installations',
  'apps/get-authenticated',
]);

const createToken: RouteHandler = (ctx) => {
  const id = intParam(ctx, 'installation_id');
  const installation = ctx.state.installations.get(id);
  if (!installation) throw notFound();
  const token = `ghs_${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36)}`;
  const expiresAt = githubTime(new Date(ctx.state.clock() + 3600_000));
  ctx.state.issuedTokens.push({ token, installationId: id, expiresAt });
  ctx.state.tokenOwners.set(token, ctx.state.botLogin);
  const permissions = (ctx.body.permissions as Record<string, string> | undefined) ?? appPermissions();
  return {
    status: 201,
    json: {
      token,
      expires_at: expiresAt,
      permissions,
      repository_selection: installation.repositories === 'all' ? 'all' : 'selected',
    },
  };
};

const repoInstallation: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const installation = ctx.state.installations.get(repo.installationId);
  if (!installation) throw notFound();
  return { status: 200, json: ctx.render.installation(installation) };
};

const getInstallation: RouteHandler = (ctx) => {
  const installation = ctx.state.installations.get(intParam(ctx, 'installation_id'));
  if (!installation) throw notFound();
  return { status: 200, json: ctx.render.installation(installation) };
};

const getApp: RouteHandler = (ctx) => ({ status: 200, json: ctx.render.app() });

/** App routes by operation id. */
export const appRoutes: Record<string, RouteHandler> = {
  'apps/create-installation-access-token': createToken,
  'apps/get-repo-installation': repoInstallation,
  'apps/get-installation': getInstallation,
  'apps/get-authenticated': getApp,
};
