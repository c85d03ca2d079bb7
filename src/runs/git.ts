/** Git facts for the run record (SHA, branch, dirty), read with the git CLI; never throws. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** The commit, branch and dirtiness of the work tree at `cwd` (nulls outside a git repository). */
export interface GitInfo {
  sha: string | null;
  branch: string | null;
  dirty: boolean | null;
}

async function git(cwd: string, args: string[]): Promise<string | null> {
  try {
    const { stdout } = await exec('git', args, { cwd, timeout: 10_000 });
    return stdout.trim();
  } catch {
    return null;
  }
}

/**
 * Reads git facts. On GitHub Actions `GITHUB_SHA`/`GITHUB_HEAD_REF`/`GITHUB_REF_NAME` win, since a
 * pull request checkout is a detached merge commit.
 */
export async function gitInfo(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<GitInfo> {
  const sha = env.GITHUB_SHA || (await git(cwd, ['rev-parse', 'HEAD']));
  const branch =
    env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || (await git(cwd, ['rev-parse', '--abbrev-ref', 'HEAD']));
  const status = await git(cwd, ['status', '--porcelain', '--untracked-files=no']);
  return { sha: sha || null, branch: branch || null, dirty: status === null ? null : status.length > 0 };
}
