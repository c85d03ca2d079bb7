/**
 * The files two commits differ in, from git, in a clone of any depth: commits missing from a shallow
 * clone (actions/checkout fetches one commit by default) are fetched by SHA at depth 1 — a tree
 * diff needs no history. A base that cannot be had (a new branch's all-zero "before", a SHA a force
 * push removed) is reported, not thrown: callers then treat every model as changed.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ModelgateError } from '../errors.js';

const run = promisify(execFile);

/** git failed in a way that is not "this commit is missing" (not a repository, a bad ref). */
export class ChangedFilesError extends ModelgateError {}

/** Options of {@link listChangedFiles}. */
export interface ListChangedFilesOptions {
  /** The work tree (a clone). */
  cwd: string;
  /** The old commit: a full or abbreviated SHA; empty or all zeros when there is none. */
  base: string | undefined;
  /** The new commit SHA, or `HEAD`. */
  head: string;
  /** Remote to fetch missing commits from; default `origin`. */
  remote?: string;
  /**
   * Token for fetching from a private repository when the checkout did not keep credentials
   * (`persist-credentials: false`). Passed through git's environment, never its command line.
   */
  token?: string;
  /** The server the token is for (GITHUB_SERVER_URL), so the header goes nowhere else. */
  serverUrl?: string;
}

/** The result: the changed paths, or null and why they are unknown. */
export type ChangedFiles = { files: string[]; reason?: undefined } | { files: null; reason: string };

const SHA = /^[0-9a-f]{7,64}$/i;

function checkRevision(name: string, value: string): void {
  if (value !== 'HEAD' && !SHA.test(value)) {
    throw new ChangedFilesError(`${name}: expected a commit SHA, got ${JSON.stringify(value)}`, 2);
  }
}

async function git(cwd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await run('git', args, {
    cwd,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

async function hasCommit(cwd: string, sha: string): Promise<boolean> {
  try {
    await git(cwd, ['cat-file', '-e', `${sha}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

function authEnv(options: ListChangedFilesOptions): NodeJS.ProcessEnv {
  if (!options.token) return {};
  const basic = Buffer.from(`x-access-token:${options.token}`).toString('base64');
  const server = (options.serverUrl ?? process.env['GITHUB_SERVER_URL'] ?? '').replace(/\/+$/, '');
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: server ? `http.${server}/.extraheader` : 'http.extraheader',
    GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
  };
}

/** Makes sure a commit is present, fetching it at depth 1 when the clone lacks it. */
async function ensureCommit(options: ListChangedFilesOptions, sha: string): Promise<boolean> {
  if (await hasCommit(options.cwd, sha)) return true;
  if (sha === 'HEAD') return false;
  try {
    await git(
      options.cwd,
      ['fetch', '--no-tags', '--no-recurse-submodules', '--depth=1', options.remote ?? 'origin', sha],
      authEnv(options),
    );
  } catch {
    return false;
  }
  return hasCommit(options.cwd, sha);
}

/**
 * Lists the paths changed between two commits (added, modified, deleted; a rename lists both
 * names). Throws {@link ChangedFilesError} for a malformed SHA or when the head commit is missing.
 */
export async function listChangedFiles(options: ListChangedFilesOptions): Promise<ChangedFiles> {
  const base = (options.base ?? '').trim();
  const head = options.head.trim();
  checkRevision('head', head);
  if (base === '' || /^0+$/.test(base)) {
    return { files: null, reason: 'there is no base commit (a new branch or the first push)' };
  }
  checkRevision('base', base);
  if (!(await ensureCommit(options, head))) {
    throw new ChangedFilesError(
      `head commit ${head} is not in the clone at ${options.cwd} and could not be fetched`,
    );
  }
  if (!(await ensureCommit(options, base))) {
    return { files: null, reason: `the base commit ${base} could not be fetched (force-pushed away?)` };
  }
  const out = await git(options.cwd, ['diff', '--name-only', '-z', '--no-renames', base, head, '--']);
  return { files: out.split('\0').filter((f) => f !== '') };
}

/** The content of a file at a commit, or null when the file does not exist there. */
export async function readFileAtCommit(cwd: string, sha: string, path: string): Promise<string | null> {
  checkRevision('commit', sha);
  try {
    return await git(cwd, ['show', `${sha}:${path.replace(/^\.\//, '')}`]);
  } catch {
    return null;
  }
}
