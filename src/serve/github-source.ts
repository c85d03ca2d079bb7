/**
 * Serving from GitHub: a {@link GithubRegistry} for `owner/repo` whose versions are the repository's
 * model releases, reached through the Octokit forge with the token from `GITHUB_TOKEN` (or `GH_TOKEN`)
 * and the API address from `GITHUB_API_URL` (github.com's when unset; a GHES host works the same).
 */
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { apiUrlFromEnv, createOctokit } from '../forge/create-octokit.js';
import type { Forge } from '../forge/forge.js';
import { OctokitForge } from '../forge/octokit-forge.js';
import { GithubRegistry } from '../registry/github-registry.js';

/** The environment variables read for the token, in order. */
export const GITHUB_TOKEN_ENVS = ['GITHUB_TOKEN', 'GH_TOKEN'] as const;

/** Parses `owner/repo` (GitHub's name rules); a UsageError naming `flag` otherwise. */
export function parseRepoSpec(spec: string, flag = 'github'): { owner: string; repo: string } {
  const m = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/.exec(spec.trim());
  if (!m || m[2] === '.' || m[2] === '..') {
    throw new UsageError(`--${flag} ${JSON.stringify(spec)}: expected <owner>/<repo>`);
  }
  return { owner: m[1]!, repo: m[2]! };
}

/** The token from `GITHUB_TOKEN` or `GH_TOKEN`; a UsageError when neither is set. */
export function githubToken(env: NodeJS.ProcessEnv): string {
  for (const name of GITHUB_TOKEN_ENVS) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  throw new UsageError(
    `reading releases from GitHub needs a token: set ${GITHUB_TOKEN_ENVS.join(' or ')} (read access to the repository's contents)`,
  );
}

/** The Octokit forge of `owner/repo` with the token and API address from `env`. */
export function githubForge(spec: string, env: NodeJS.ProcessEnv): Forge {
  const { owner, repo } = parseRepoSpec(spec);
  const octokit = createOctokit({ token: githubToken(env), baseUrl: apiUrlFromEnv(env) });
  return new OctokitForge(octokit, { owner, repo });
}

/** The default cache of a repository's releases: `<base>/<owner>/<repo>`. */
export function defaultGithubCache(base: string, spec: string): string {
  const { owner, repo } = parseRepoSpec(spec);
  return join(base, owner, repo);
}

/** A registry over `owner/repo`'s releases (see the module doc), downloading into `cacheDir`. */
export function githubRegistry(
  spec: string,
  env: NodeJS.ProcessEnv,
  cacheDir: string,
  log?: (line: string) => void,
): GithubRegistry {
  return new GithubRegistry(githubForge(spec, env), { cacheDir, ...(log ? { log } : {}) });
}
