/**
 * The GitHub side of the actions: an {@link OctokitForge} for the workflow's repository, built from
 * the `token` input and the runner's `GITHUB_API_URL` (github.com, a GHES host or a test double;
 * never assumed), with the token masked in the log.
 */
import * as core from '@actions/core';
import { createOctokit } from '../forge/create-octokit.js';
import type { Forge } from '../forge/forge.js';
import { OctokitForge } from '../forge/octokit-forge.js';
import { type ActionContext, requireGitHub } from './runtime.js';

/**
 * A forge for the workflow's repository (`GITHUB_REPOSITORY`) at `GITHUB_API_URL`. Writes are paced
 * the way GitHub asks of integrations (one second apart); `MODELGATE_GITHUB_PACE=false` turns the
 * pacing off for servers that do not need it (GHES with raised limits, test doubles).
 */
export function actionForge(
  token: string,
  context: ActionContext,
  env: NodeJS.ProcessEnv = process.env,
): Forge {
  const { owner, repo, apiUrl } = requireGitHub(context);
  core.setSecret(token);
  const pace = env['MODELGATE_GITHUB_PACE'] !== 'false';
  return new OctokitForge(createOctokit({ token, baseUrl: apiUrl, pace }), { owner, repo });
}
