/**
 * Runs a bundled action the way the GitHub runner runs it: `node actions/<name>/dist/index.js` in a
 * child process (Node 24 by default, the version `runs.using: node24` gets), with a clean environment
 * holding the inputs as `INPUT_<NAME>` variables, the `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` files,
 * the event payload file (`GITHUB_EVENT_PATH`, a real payload from @octokit/webhooks-examples), the
 * workspace and the `GITHUB_*` context. Also makes a workspace: a copy of examples/risk-scoring with
 * small generated data.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseDocument } from 'yaml';
import { inputVariable } from '../../src/actions/runtime.js';
import { writeRows } from '../../src/data/write-rows.js';
import { RISK_COLUMNS, riskRows } from '../../src/demo/risk-data.js';

const exec = promisify(execFile);

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '..', '..');

let node24: Promise<string> | undefined;

/**
 * The path of a Node 24 binary (what `runs.using: node24` runs): `MODELGATE_NODE24` when set, else
 * resolved once per process with `npx -y node@24` (from the npm registry, cached by npm after).
 */
export function node24Path(): Promise<string> {
  node24 ??= (async () => {
    const fromEnv = process.env.MODELGATE_NODE24;
    if (fromEnv) return fromEnv;
    const { stdout } = await exec('npx', ['-y', 'node@24', '-p', 'process.execPath'], {
      cwd: tmpdir(),
      timeout: 180_000,
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    const path = stdout.trim().split('\n').pop()!.trim();
    const { stdout: version } = await exec(path, ['--version']);
    if (!version.startsWith('v24.')) throw new Error(`npx node@24 gave ${path}, which is ${version.trim()}`);
    return path;
  })();
  return node24;
}

/** A webhook payload from GitHub's published examples: the first of `event` matching `pick`. */
export function webhookExample(
  event: string,
  pick: (payload: Record<string, unknown>) => boolean = () => true,
): Record<string, unknown> {
  const require = createRequire(import.meta.url);
  const all = require('@octokit/webhooks-examples') as {
    name: string;
    examples: Record<string, unknown>[];
  }[];
  const found = all.find((e) => e.name === event)?.examples.find(pick);
  if (!found) throw new Error(`no ${event} example payload matches`);
  return structuredClone(found);
}

/** A pull_request `opened` payload whose head SHA and repository are set to the given values. */
export function pullRequestEvent(headSha: string, repository = 'acme/models'): Record<string, unknown> {
  const payload = webhookExample('pull_request', (p) => p.action === 'opened');
  const pr = payload.pull_request as { head: { sha: string }; number: number };
  pr.head.sha = headSha;
  const repo = payload.repository as { full_name: string; name: string; owner: { login: string } };
  [repo.owner.login, repo.name] = repository.split('/') as [string, string];
  repo.full_name = repository;
  return payload;
}

/** Parses a `GITHUB_OUTPUT` file: `name<<delimiter` heredocs and `name=value` lines. */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== delimiter) value.push(lines[i++]!);
      if (i >= lines.length) throw new Error(`output ${name}: no closing delimiter ${delimiter}`);
      out[name!] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`unparsable GITHUB_OUTPUT line ${JSON.stringify(line)}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** How to run an action. */
export interface RunActionProcessOptions {
  /** Inputs by action.yml name (set as `INPUT_<NAME>`; the runner also sets defaults, tests need not). */
  inputs?: Record<string, string>;
  /** Extra or overriding environment variables (`GITHUB_API_URL`, `ACTIONS_RUNTIME_TOKEN`, ...). */
  env?: Record<string, string>;
  /** The workspace (`GITHUB_WORKSPACE`, also the working directory). */
  workspace: string;
  /** The event name and payload (default: a `workflow_dispatch` example). */
  eventName?: string;
  eventPayload?: Record<string, unknown>;
  /** `node` (this process's binary) or a path; default Node 24. */
  node?: 'node' | string;
  /** Kill the action after this long (default 60 s). */
  timeoutMs?: number;
  /** Send this signal to the action once its stdout contains `when` (e.g. cancel mid-training). */
  signal?: { when: string; signal: NodeJS.Signals };
}

/** What an action did. */
export interface ActionProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The parsed `GITHUB_OUTPUT` file. */
  outputs: Record<string, string>;
  /** The `GITHUB_STEP_SUMMARY` text. */
  summary: string;
  /** Milliseconds from spawn to exit. */
  wallMs: number;
}

/** The environment the runner gives every step, minus anything of the host's own CI job. */
function baseEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'TEMP', 'TMP', 'SYSTEMROOT'];
  const env: Record<string, string> = {};
  for (const k of keep) if (process.env[k]) env[k] = process.env[k]!;
  return env;
}

/** Runs `actions/<name>/dist/index.js` as the runner does (see the module comment). */
export async function runActionProcess(
  name: string,
  options: RunActionProcessOptions,
): Promise<ActionProcessResult> {
  const entry = join(ROOT, 'actions', name, 'dist', 'index.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build:actions`);
  const node = options.node === 'node' ? process.execPath : (options.node ?? (await node24Path()));
  const files = await mkdtemp(join(tmpdir(), `modelgate-runner-${name}-`));
  try {
    const outputFile = join(files, 'output');
    const summaryFile = join(files, 'summary.md');
    const eventFile = join(files, 'event.json');
    const runnerTemp = join(files, 'runner-temp');
    await mkdir(runnerTemp);
    await writeFile(outputFile, '');
    await writeFile(summaryFile, '');
    const payload = options.eventPayload ?? webhookExample('workflow_dispatch');
    await writeFile(eventFile, JSON.stringify(payload));
    const env: Record<string, string> = {
      ...baseEnv(),
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: options.workspace,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_EVENT_PATH: eventFile,
      GITHUB_EVENT_NAME: options.eventName ?? 'workflow_dispatch',
      GITHUB_REPOSITORY: 'acme/models',
      GITHUB_REPOSITORY_OWNER: 'acme',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_REF_NAME: 'main',
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_API_URL: 'http://127.0.0.1:9/api/v3',
      MODELGATE_GITHUB_PACE: 'false',
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_ACTOR: 'octocat',
      RUNNER_NAME: 'test-runner-1',
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_TEMP: runnerTemp,
      ...options.env,
    };
    for (const [k, v] of Object.entries(options.inputs ?? {})) env[inputVariable(k)] = v;
    const started = performance.now();
    const child = spawn(node, [entry], { cwd: options.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (options.signal && !sent && stdout.includes(options.signal.when)) {
        sent = true;
        child.kill(options.signal.signal);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res, rej) => {
      child.on('error', rej);
      child.on('close', (c, s) => res([c, s]));
    });
    clearTimeout(timer);
    const wallMs = performance.now() - started;
    return {
      code,
      signal,
      stdout,
      stderr,
      outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
      summary: await readFile(summaryFile, 'utf8'),
      wallMs,
    };
  } finally {
    await rm(files, { recursive: true, force: true });
  }
}

/** Options of {@link makeWorkspace}. */
export interface WorkspaceOptions {
  /** Training and evaluation rows (default 600 and 500). */
  trainRows?: number;
  evalRows?: number;
  /** Training epochs (default 2). */
  epochs?: number;
}

/**
 * A workspace like a user's checkout: a temporary copy of examples/risk-scoring with small generated
 * data (`data/policies.csv`, `data/policies_eval.csv`) and few epochs. Remove it with `rm`.
 */
export async function makeWorkspace(options: WorkspaceOptions = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-workspace-'));
  await cp(join(ROOT, 'examples', 'risk-scoring'), dir, {
    recursive: true,
    filter: (src) => !/[\\/](data|\.modelgate)$/.test(src),
  });
  await mkdir(join(dir, 'data'));
  await writeRows(
    join(dir, 'data', 'policies.csv'),
    riskRows({ rows: options.trainRows ?? 600, seed: 1 }),
    RISK_COLUMNS,
  );
  await writeRows(
    join(dir, 'data', 'policies_eval.csv'),
    riskRows({ rows: options.evalRows ?? 500, seed: 2, firstId: 900_000 }),
    RISK_COLUMNS,
  );
  const modelFile = join(dir, 'models', 'risk', 'model.yml');
  const doc = parseDocument(await readFile(modelFile, 'utf8'));
  doc.setIn(['trainer', 'epochs'], options.epochs ?? 2);
  await writeFile(modelFile, doc.toString());
  return dir;
}
