/**
 * Change detection against real git repositories: a depth-1 clone (what actions/checkout makes)
 * still diffs against an old base by fetching just that commit; a missing base counts every model.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../../src/errors.js';
import { ChangedFilesError, listChangedFiles, readFileAtCommit } from '../../src/workflows/changed-files.js';
import { ChangesInputsSchema, changesAction } from '../../src/workflows/changes-action.js';
import { changesOutputs, detectChanges } from '../../src/workflows/detect-changes.js';

const exec = promisify(execFile);
const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};
const git = async (cwd: string, ...args: string[]) =>
  (await exec('git', args, { cwd, env: ENV })).stdout.trim();

const CONFIG_V1 = `version: 1
models:
  - name: risk
    path: models/risk
    paths: ['shared/**']
  - name: risk-torch
    path: models/risk-torch
`;
const CONFIG_V2 = CONFIG_V1.replace(
  '    path: models/risk-torch\n',
  '    path: models/risk-torch\n    bump: patch\n',
);

let root: string;
let origin: string;
const sha: Record<string, string> = {};

async function commit(name: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(origin, path)), { recursive: true });
    await writeFile(join(origin, path), text);
  }
  await git(origin, 'add', '-A');
  await git(origin, 'commit', '-q', '-m', name);
  sha[name] = await git(origin, 'rev-parse', 'HEAD');
}

async function shallowClone(name: string): Promise<string> {
  const dir = join(root, name);
  await git(root, 'clone', '-q', '--depth', '1', `file://${origin}`, dir);
  return dir;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'modelgate-changed-files-'));
  origin = join(root, 'origin');
  await mkdir(origin);
  await git(origin, 'init', '-q', '-b', 'main');
  await commit('c1', {
    '.github/modelgate.yml': CONFIG_V1,
    'models/risk/model.yml': 'name: risk\n',
    'models/risk-torch/model.yml': 'name: risk-torch\n',
    'README.md': '# x\n',
  });
  await commit('c2', { 'models/risk/model.yml': 'name: risk\nseed: 1\n' });
  await commit('c3', { 'README.md': '# y\n', 'shared/util.py': 'x = 1\n' });
  await commit('c4', { '.github/modelgate.yml': CONFIG_V2 });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('listChangedFiles', () => {
  it('fetches a base the shallow clone lacks and diffs the trees', async () => {
    const clone = await shallowClone('a');
    expect(await git(clone, 'rev-list', '--count', 'HEAD')).toBe('1');
    const result = await listChangedFiles({ cwd: clone, base: sha['c1'], head: sha['c4']! });
    expect(result.files?.sort()).toEqual([
      '.github/modelgate.yml',
      'README.md',
      'models/risk/model.yml',
      'shared/util.py',
    ]);
    // Only the base commit was fetched, not the history between it and the head.
    expect(await git(clone, 'rev-parse', '--is-shallow-repository')).toBe('true');
    await expect(git(clone, 'cat-file', '-e', `${sha['c2']}^{commit}`)).rejects.toThrow();
  });

  it('reports an unknown base instead of failing: no base, or a commit the remote does not have', async () => {
    const clone = await shallowClone('b');
    expect(await listChangedFiles({ cwd: clone, base: '0'.repeat(40), head: 'HEAD' })).toEqual({
      files: null,
      reason: expect.stringContaining('no base commit'),
    });
    const gone = await listChangedFiles({ cwd: clone, base: 'f'.repeat(40), head: 'HEAD' });
    expect(gone.files).toBeNull();
    expect(gone.reason).toContain('could not be fetched');
  });

  it('rejects anything but a SHA (no option injection into git) and a head it cannot get', async () => {
    const clone = await shallowClone('c');
    await expect(
      listChangedFiles({ cwd: clone, base: '--upload-pack=touch /tmp/x', head: 'HEAD' }),
    ).rejects.toThrow(ChangedFilesError);
    await expect(listChangedFiles({ cwd: clone, base: sha['c1'], head: 'e'.repeat(40) })).rejects.toThrow(
      /head commit e+ is not in the clone/,
    );
  });

  it('sends the token to the configured server only, through git config from the environment', async () => {
    const clone = await shallowClone('auth');
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(404).end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await git(clone, 'remote', 'set-url', 'origin', `${url}/o/r.git`);
      const result = await listChangedFiles({
        cwd: clone,
        base: sha['c1'],
        head: 'HEAD',
        token: 'tok',
        serverUrl: url,
      });
      expect(result.files).toBeNull();
      expect(seen[0]).toBe(`basic ${Buffer.from('x-access-token:tok').toString('base64')}`);
      seen.length = 0;
      await listChangedFiles({
        cwd: clone,
        base: sha['c1'],
        head: 'HEAD',
        token: 'tok',
        serverUrl: 'http://elsewhere.test',
      });
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((h) => h === undefined)).toBe(true);
      // Nothing was written into the clone's git config.
      expect(await readFile(join(clone, '.git', 'config'), 'utf8')).not.toContain('extraheader');
    } finally {
      server.close();
    }
  });

  it('reads a file at a commit, or null when it is not there', async () => {
    const clone = await shallowClone('d');
    expect(await readFileAtCommit(clone, sha['c4']!, '.github/modelgate.yml')).toBe(CONFIG_V2);
    expect(await readFileAtCommit(clone, sha['c4']!, 'nope.txt')).toBeNull();
  });
});

describe('detectChanges', () => {
  it('finds the models a range of commits changed, from a depth-1 clone', async () => {
    const clone = await shallowClone('e');
    const push = await detectChanges({ cwd: clone, base: sha['c2'], head: sha['c4']! });
    expect(push.models.map((m) => [m.name, m.reasons])).toEqual([
      ['risk', ['shared/util.py changed (matches shared/**)']],
      ['risk-torch', ['its entry in .github/modelgate.yml changed']],
    ]);
    const outputs = changesOutputs(push);
    expect(outputs.models).toBe('["risk","risk-torch"]');
    expect(outputs.any).toBe('true');
    expect(JSON.parse(outputs.matrix).include[0]).toEqual({
      model: 'risk',
      path: 'models/risk',
      'runs-on': ['self-hosted', 'gpu'],
    });
  });

  it('treats a missing base as every model, and honours an explicit list', async () => {
    const clone = await shallowClone('f');
    const first = await detectChanges({ cwd: clone, base: '', head: 'HEAD' });
    expect(first.models.map((m) => m.name)).toEqual(['risk', 'risk-torch']);
    expect(first.changedFiles).toBeNull();
    const only = await detectChanges({ cwd: clone, base: sha['c3'], only: ['risk-torch'] });
    expect(only.models.map((m) => m.name)).toEqual(['risk-torch']);
    await expect(detectChanges({ cwd: clone, base: '', only: ['nope'] })).rejects.toThrow(UsageError);
    const none = await detectChanges({ cwd: clone, base: sha['c4'], head: sha['c4']! });
    expect(changesOutputs(none)).toEqual({ models: '[]', matrix: '{"include":[]}', any: 'false' });
  });

  it('names the file and line of a broken modelgate.yml', async () => {
    const clone = await shallowClone('g');
    await writeFile(
      join(clone, '.github', 'modelgate.yml'),
      'version: 1\nmodels:\n  - name: Bad Name\n    path: x\n',
    );
    const error = await detectChanges({ cwd: clone, base: '', head: 'HEAD' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).toMatch(/modelgate\.yml:3/);
  });
});

describe('changesAction', () => {
  it('reads runner-style inputs, sets the outputs and summarises with escaped text', async () => {
    const clone = await shallowClone('h');
    const lines: string[] = [];
    const inputs = ChangesInputsSchema.parse({ base: sha['c2'], head: sha['c4'] });
    const result = await changesAction({ inputs, workspace: clone, log: (l) => lines.push(l) });
    expect(result.outputs.models).toBe('["risk","risk-torch"]');
    expect(result.summary).toContain(
      '| risk | <code>\\["self-hosted","gpu"\\]</code> | shared/util.py changed (matches shared/\\*\\*) |',
    );
    expect(lines).toContain('modelgate: 3 changed file(s)');
    const manual = await changesAction({
      inputs: ChangesInputsSchema.parse({ base: '', models: 'risk-torch, ' }),
      workspace: clone,
      log: () => {},
    });
    expect(manual.outputs.models).toBe('["risk-torch"]');
    expect(() => ChangesInputsSchema.parse({ models: 'Bad Name' })).toThrow();
  });
});
