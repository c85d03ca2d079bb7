import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, type Zippable, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { onPullRequest } from '../../src/pr/on-pull-request.js';
import { onWorkflowRunCompleted } from '../../src/pr/on-workflow-run.js';
import { ArtifactError, artifactName, modelOfArtifact, readRunArtifact } from '../../src/pr/run-artifact.js';
import { safeEntryName } from '../../src/pr/zip-reader.js';
import {
  openPullRequest,
  prEvent,
  runFiles,
  sha,
  tempDir,
  workflowRunEvent,
  world,
  writeRunFolder,
} from './helpers.js';

const HEAD = sha('c');

async function goodFiles(): Promise<Record<string, Uint8Array>> {
  return runFiles(await writeRunFolder(await tempDir(), { sha: HEAD, quality: 'good' }));
}

/** The offset of the first central directory header. */
function centralOffset(zip: Uint8Array, name: string): number {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let i = 0; i + 46 < zip.length; i++) {
    if (view.getUint32(i, true) !== 0x02014b50) continue;
    const len = view.getUint16(i + 28, true);
    if (new TextDecoder().decode(zip.subarray(i + 46, i + 46 + len)) === name) return i;
  }
  throw new Error(`no central entry ${name}`);
}

async function expectRejected(
  zip: Uint8Array,
  pattern: RegExp,
  options: { maxBytes?: number; maxFiles?: number } = {},
) {
  const parent = await tempDir();
  const destDir = join(parent, 'out');
  const error = await readRunArtifact(zip, {
    destDir,
    expectedSha: HEAD,
    label: 'modelgate-run-risk',
    ...options,
  }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ArtifactError);
  expect((error as Error).message).toMatch(pattern);
  expect((error as Error).message).toContain('modelgate-run-risk');
  // nothing left behind, nothing written next to the destination
  expect(existsSync(destDir)).toBe(false);
  expect(await readdir(parent)).toEqual([]);
  return (error as Error).message;
}

describe('artifact names', () => {
  it('maps models to artifact names and back', () => {
    expect(artifactName('risk')).toBe('modelgate-run-risk');
    expect(modelOfArtifact('modelgate-run-risk')).toBe('risk');
    expect(modelOfArtifact('modelgate-run-')).toBeNull();
    expect(modelOfArtifact('coverage')).toBeNull();
  });

  it('normalises safe entry names and rejects unsafe ones', () => {
    expect(safeEntryName('model/./weights.bin')).toEqual({ name: 'model/weights.bin', directory: false });
    expect(safeEntryName('model/')).toEqual({ name: 'model', directory: true });
    for (const bad of ['../evil', 'a/../../evil', '/etc/passwd', 'C:/x', 'a\\..\\b', 'a\u0000b', ''])
      expect(() => safeEntryName(bad)).toThrow();
  });
});

describe('readRunArtifact', () => {
  it('extracts a valid artifact and validates run.json and model.yml', async () => {
    const zip = zipSync(await goodFiles());
    const destDir = join(await tempDir(), 'out');
    const { dir, run } = await readRunArtifact(zip, { destDir, expectedSha: HEAD, expectedModel: 'risk' });
    expect(dir).toBe(destDir);
    expect(run.git.sha).toBe(HEAD);
    expect(run.model).toBe('risk');
    expect(existsSync(join(dir, 'model', 'model.json'))).toBe(true);
    expect(existsSync(join(dir, 'predictions.csv'))).toBe(true);
  });

  it('accepts the run folder nested one level deep', async () => {
    const files = await goodFiles();
    const nested: Zippable = {};
    for (const [k, v] of Object.entries(files)) nested[`risk/${k}`] = v;
    const destDir = join(await tempDir(), 'out');
    const { dir } = await readRunArtifact(zipSync(nested), { destDir, expectedSha: HEAD });
    expect(dir).toBe(join(destDir, 'risk'));
  });

  it('rejects path traversal, absolute paths, backslashes and symlinks', async () => {
    const files = await goodFiles();
    await expectRejected(
      zipSync({ ...files, '../evil': strToU8('x') }),
      /"\.\.\/evil": "\.\." is not allowed/,
    );
    await expectRejected(
      zipSync({ ...files, '/etc/cron.d/x': strToU8('x') }),
      /absolute paths are not allowed/,
    );
    await expectRejected(zipSync({ ...files, 'model\\..\\..\\evil': strToU8('x') }), /backslashes/);
    const link: Zippable = {
      ...files,
      'model/link': [strToU8('/etc/passwd'), { os: 3, attrs: (0o120777 << 16) >>> 0 }],
    };
    await expectRejected(zipSync(link), /symbolic links are not allowed/);
  });

  it('rejects too many files and too many bytes', async () => {
    const files = await goodFiles();
    await expectRejected(zipSync(files), /4 entries, more than the limit of 3/, { maxFiles: 3 });
    const zip = zipSync(files, { level: 0 });
    await expectRejected(zip, /the zip is \d+ bytes, more than the limit of 10000/, { maxBytes: 10_000 });
    // compressed small enough, but more bytes inflated than allowed
    const big = zipSync({ ...files, 'model/weights.bin': new Uint8Array(300_000).fill(7) }, { level: 9 });
    expect(big.length).toBeLessThan(200_000);
    await expectRejected(big, /more than 200000 bytes uncompressed/, { maxBytes: 200_000 });
  });

  it('rejects a zip bomb by its compression ratio, and one that lies about its size', async () => {
    const files = await goodFiles();
    const bomb = zipSync({ ...files, 'model/zeros.bin': new Uint8Array(8 * 1024 * 1024) }, { level: 9 });
    await expectRejected(bomb, /compression ratio \d+:1 is over the limit of 250:1/);
    const liar = zipSync({ ...files, 'model/zeros.bin': new Uint8Array(2_000_000) }, { level: 9 });
    const at = centralOffset(liar, 'model/zeros.bin');
    new DataView(liar.buffer, liar.byteOffset).setUint32(at + 24, 1000, true);
    await expectRejected(liar, /inflates past its declared size of 1000 bytes/);
  });

  it('rejects corrupt data (CRC-32 mismatch) and bytes that are not a zip', async () => {
    const zip = zipSync(await goodFiles());
    const at = centralOffset(zip, 'run.json');
    const view = new DataView(zip.buffer, zip.byteOffset);
    view.setUint32(at + 16, view.getUint32(at + 16, true) ^ 1, true);
    await expectRejected(zip, /CRC-32 mismatch/);
    await expectRejected(strToU8('PK but not really a zip file at all, sorry'), /not a zip archive/);
  });

  it('rejects an invalid or missing run.json, a bad model.yml and paths out of the folder', async () => {
    const files = await goodFiles();
    const run = JSON.parse(new TextDecoder().decode(files['run.json']));
    const msg = await expectRejected(
      zipSync({ ...files, 'run.json': strToU8(JSON.stringify({ ...run, schema_version: 2 })) }),
      /run\.json/,
    );
    expect(msg).toMatch(/schema_version/);
    expect(msg).not.toContain(tmpdir()); // names the artifact, not the scratch folder
    const { 'run.json': _, ...noRun } = files;
    await expectRejected(zipSync(noRun), /no run\.json in the artifact/);
    await expectRejected(
      zipSync({ ...files, 'model.yml': strToU8('name: risk\ntask: nope\n') }),
      /model\.yml:2/,
    );
    await expectRejected(
      zipSync({
        ...files,
        'run.json': strToU8(
          JSON.stringify({ ...run, artifacts: { ...run.artifacts, predictions: '../../etc/passwd' } }),
        ),
      }),
      /artifacts\.predictions "\.\.\/\.\.\/etc\/passwd" must be a path inside the run folder/,
    );
  });

  it('rejects a run of another commit or model', async () => {
    const files = await goodFiles();
    const destDir = join(await tempDir(), 'out');
    await expect(readRunArtifact(zipSync(files), { destDir, expectedSha: sha('d') })).rejects.toThrow(
      /git\.sha "c{40}" is not the pull request's head commit d{40}/,
    );
    await expect(readRunArtifact(zipSync(files), { destDir, expectedModel: 'churn' })).rejects.toThrow(
      /model "risk", expected "churn"/,
    );
  });
});

describe('malicious artifacts in the App', () => {
  async function deliver(zip: Uint8Array, limits: Record<string, number> = {}) {
    const w = await world();
    w.deps.limits = { ...w.deps.limits, ...limits };
    const pr = openPullRequest(w, { headSha: HEAD });
    await onPullRequest(w.deps, await prEvent(w.forge, pr.number, 'opened'));
    const runId = w.forge.addWorkflowRun(HEAD, 'modelgate-pr');
    w.forge.addArtifact(runId, 'modelgate-run-risk', zip);
    const result = await onWorkflowRunCompleted(w.deps, workflowRunEvent(runId, HEAD, 'success'));
    expect(result.error).toBeUndefined();
    const checks = w.forge.checkRuns.filter((c) => c.name === 'modelgate/risk');
    expect(checks).toHaveLength(1);
    expect(checks[0]!.conclusion).toBe('failure');
    expect(checks[0]!.title).toBe('Invalid run artifact');
    // no report comment for a rejected artifact, and the scratch folder is cleaned
    expect(w.forge.comments).toHaveLength(0);
    expect((await readdir(w.root)).filter((n) => n.startsWith('modelgate-app-'))).toEqual([]);
    return checks[0]!.summary;
  }

  it('fails the check with a clear message for each kind of bad artifact', async () => {
    const files = await goodFiles();
    expect(await deliver(zipSync({ ...files, '../evil': strToU8('x') }))).toContain('is not allowed');
    expect(await deliver(zipSync({ ...files, 'model/zeros.bin': new Uint8Array(8 * 1024 * 1024) }))).toMatch(
      /compression ratio/,
    );
    expect(await deliver(zipSync(files, { level: 0 }), { artifactBytes: 5000 })).toMatch(
      /more than the limit of 5000/,
    );
    const run = JSON.parse(new TextDecoder().decode(files['run.json']));
    expect(await deliver(zipSync({ ...files, 'run.json': strToU8('{"schema_version":1') }))).toMatch(
      /JSON syntax/,
    );
    expect(
      await deliver(
        zipSync({
          ...files,
          'run.json': strToU8(JSON.stringify({ ...run, git: { ...run.git, sha: sha('e') } })),
        }),
      ),
    ).toMatch(/not the pull request's head commit/);
  });
});
