/** Linting workflow files on disk: folders expand to their workflow files, paths stay relative. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFinding } from '../../src/workflows/finding.js';
import {
  lintWorkflowFiles,
  WorkflowFileError,
  workflowFilesIn,
} from '../../src/workflows/lint-workflow-files.js';

let dir: string;
const GOOD =
  'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: "true"\n';
const BAD = GOOD.replace('permissions: {}\n', '').replace('- run: "true"', '- uses: someone/action@v1');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelgate-lint-files-'));
  await mkdir(join(dir, '.github', 'workflows', 'nested'), { recursive: true });
  await writeFile(join(dir, '.github', 'workflows', 'good.yml'), GOOD);
  await writeFile(join(dir, '.github', 'workflows', 'bad.yaml'), BAD);
  await writeFile(join(dir, '.github', 'workflows', 'notes.txt'), 'not a workflow');
  await writeFile(join(dir, '.github', 'workflows', 'nested', 'ignored.yml'), BAD);
  await writeFile(join(dir, 'other.yml'), BAD);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('lintWorkflowFiles', () => {
  it('lints .github/workflows by default, top level only, naming files relative to cwd', async () => {
    const findings = await lintWorkflowFiles([], { cwd: dir });
    expect(findings.map(formatFinding).map((l) => l.split(' ')[0])).toEqual([
      '.github/workflows/bad.yaml:3:3:',
      '.github/workflows/bad.yaml:6:15:',
    ]);
    expect(findings.map((f) => f.rule)).toEqual(['job-without-permissions', 'unpinned-third-party-action']);
  });

  it('takes files and folders, without duplicates', async () => {
    const files = await workflowFilesIn(
      ['.github/workflows', '.github/workflows/good.yml', 'other.yml'],
      dir,
    );
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual([
      '.github/workflows/bad.yaml',
      '.github/workflows/good.yml',
      'other.yml',
    ]);
    expect(await lintWorkflowFiles(['.github/workflows/good.yml'], { cwd: dir })).toEqual([]);
    expect((await lintWorkflowFiles(['other.yml'], { cwd: dir })).map((f) => f.file)).toEqual([
      'other.yml',
      'other.yml',
    ]);
  });

  it('throws a typed error for a missing path', async () => {
    const error = await lintWorkflowFiles(['nope'], { cwd: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFileError);
    expect((error as WorkflowFileError).exitCode).toBe(2);
    expect((error as Error).message).toBe('nope: no such workflow file or folder');
  });
});
