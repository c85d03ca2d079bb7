/**
 * Octokit clients for the GitHub double's own tests: `@octokit/core` with the pagination plugin,
 * on the api.github.com layout or the GHES layout.
 */
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import type { GitHubDouble } from './server.js';

/** Octokit with pagination. */
export const PaginatingOctokit = Octokit.plugin(paginateRest);

/** A client on the double with a token (`layout` picks `double.url` or `double.ghesUrl`). */
export function clientFor(double: GitHubDouble, token = 'test-token', layout: 'dotcom' | 'ghes' = 'dotcom') {
  return new PaginatingOctokit({ auth: token, baseUrl: layout === 'ghes' ? double.ghesUrl : double.url });
}

/** The status of a failed Octokit request (throws when it succeeded). */
export async function failure(
  promise: Promise<unknown>,
): Promise<{ status: number; data: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status?: number; response?: { data?: unknown } };
    return { status: e.status ?? 0, data: (e.response?.data ?? {}) as Record<string, unknown> };
  }
  throw new Error('expected the request to fail');
}
