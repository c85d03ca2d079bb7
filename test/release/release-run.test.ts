/**
 * releaseRun against the in-memory forge with a real trained run folder: the first release, the
 * bump rules, concurrent releases, idempotent re-runs, a failed upload completed by a re-run, and a
 * tag left without a release.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { RunRecordSchema } from '../../src/config/run-record.js';
import type { Forge } from '../../src/forge/forge.js';
import { MemoryForge } from '../../src/forge/memory-forge.js';
import { ModelVersionSchema } from '../../src/registry/model-version-schema.js';
import { runAssets, runModelFolder } from '../../src/release/release-assets.js';
import { ReleaseError } from '../../src/release/release-error.js';
import { releaseRun } from '../../src/release/release-run.js';
import { zipFolder } from '../../src/release/zip-folder.js';
import { cloneRun, failingUploads, sha, tempDir, trainedRepo } from './fixtures.js';

const ALL_ASSETS = [
  'model.zip',
  'run.json',
  'model.yml',
  'data.contract.yml',
  'predictions.csv',
  'comparison.zip',
  'model-card.md',
  'profile.json',
  'version.json',
];

const text = (forge: MemoryForge, tag: string, name: string): string => {
  const release = forge.releases.find((r) => r.tag === tag)!;
  const asset = release.assets.find((a) => a.name === name)!;
  return new TextDecoder().decode(forge.assetData.get(asset.id)!);
};

/** Records the order of the forge's writes. */
function recording(forge: MemoryForge): { forge: Forge; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(forge, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (prop === 'createRelease')
          calls.push(`createRelease draft=${(args[0] as { draft?: boolean }).draft}`);
        else if (prop === 'updateRelease') {
          const patch = args[1] as { draft?: boolean; makeLatest?: boolean };
          calls.push(`updateRelease draft=${patch.draft} latest=${patch.makeLatest}`);
        } else if (prop === 'uploadReleaseAsset') calls.push(`upload ${args[1] as string}`);
        else if (prop === 'createTag') calls.push(`createTag ${args[0] as string}`);
        return value.apply(target, args);
      };
    },
  });
  return { forge: proxy, calls };
}

const baseRun = {
  schema_version: 1,
  id: 'risk-x',
  model: 'risk',
  task: 'binary',
  mode: 'tfjs',
  status: 'succeeded',
  created_at: '2026-01-01T00:00:00.000Z',
  git: { sha: null, branch: null, dirty: null },
  params: {},
  data: {},
  metrics: { overall: {} },
  environment: {
    runner: null,
    os: 'linux',
    arch: 'x64',
    cpus: 1,
    node: 'v20',
    modelgate: '0.1.0',
    backend: null,
    gpu: null,
  },
  timings: { total_ms: 1 },
  artifacts: {},
};

describe('releaseRun', () => {
  it('makes the first release 1.0.0: annotated tag, draft, every asset, then published', async () => {
    const repo = await trainedRepo();
    const memory = new MemoryForge({ now: () => new Date('2026-01-02T03:04:05Z') });
    const { forge, calls } = recording(memory);
    const lines: string[] = [];
    const out = await releaseRun({
      forge,
      runDir: repo.runDir,
      model: 'risk',
      sha: sha('a'),
      approver: '@alice',
      notes: 'First model.\n\nTrained on the <b>tiny</b> set.',
      now: () => new Date('2026-01-02T03:04:00Z'),
      log: (l) => lines.push(l),
    });
    const run = RunRecordSchema.parse(JSON.parse(await readFile(join(repo.runDir, 'run.json'), 'utf8')));
    expect(out).toMatchObject({ version: '1.0.0', tag: 'risk@v1.0.0', created: true, assets: ALL_ASSETS });
    expect(out.release.draft).toBe(false);
    expect(memory.tags).toEqual([
      {
        name: 'risk@v1.0.0',
        sha: sha('a'),
        message: expect.stringContaining(`run ${run.id}`),
      },
    ]);
    // Draft first, every upload, publication last.
    expect(calls).toEqual([
      'createTag risk@v1.0.0',
      'createRelease draft=true',
      ...ALL_ASSETS.map((n) => `upload ${n}`),
      'updateRelease draft=false latest=false',
    ]);
    expect(memory.releases).toHaveLength(1);
    const release = memory.releases[0]!;
    expect(release.assets.map((a) => a.name)).toEqual(ALL_ASSETS);
    expect(release.assets.find((a) => a.name === 'model.zip')!.contentType).toBe('application/zip');
    // version.json is the registry entry.
    const entry = ModelVersionSchema.parse(JSON.parse(text(memory, 'risk@v1.0.0', 'version.json')));
    expect(entry).toEqual({
      model: 'risk',
      version: '1.0.0',
      tag: 'risk@v1.0.0',
      created_at: '2026-01-02T03:04:00.000Z',
      run_id: run.id,
      git_sha: run.git.sha ?? sha('a'),
      metrics: run.metrics.overall,
      approver: '@alice',
      notes: 'First model.\n\nTrained on the <b>tiny</b> set.',
    });
    // Assets are the run's files; the card names the version and the approver.
    expect(text(memory, 'risk@v1.0.0', 'run.json')).toBe(
      await readFile(join(repo.runDir, 'run.json'), 'utf8'),
    );
    expect(text(memory, 'risk@v1.0.0', 'model.yml')).toBe(
      await readFile(join(repo.runDir, 'model.yml'), 'utf8'),
    );
    const card = text(memory, 'risk@v1.0.0', 'model-card.md');
    expect(card).toContain('1.0.0');
    expect(JSON.parse(text(memory, 'risk@v1.0.0', 'profile.json'))).toMatchObject({ rows: 300 });
    const zip = memory.assetData.get(release.assets[0]!.id)!;
    expect(Buffer.from(zip).equals(Buffer.from(await zipFolder(join(repo.runDir, 'model'))))).toBe(true);
    // The body: marker, metrics, run, commit, escaped approver and notes, the card link.
    const body = release.body;
    expect(body).toContain(`<!-- modelgate:release:risk:${run.id.toLowerCase()} -->`);
    expect(body).toContain('| roc\\_auc |');
    expect(body).toContain(`- Run: \`${run.id}\``);
    expect(body).toContain(`- Commit: \`${sha('a')}\``);
    expect(body).toContain('- Approved by: @\u200Balice');
    expect(body).toContain('&lt;b&gt;tiny&lt;/b&gt;');
    expect(body).not.toContain('<b>');
    expect(body).toContain(
      '[model-card.md](memory://local/repo/releases/download/risk%40v1.0.0/model-card.md)',
    );
    expect(lines).toContain('risk@v1.0.0: publishing');
    expect(lines.at(-1)).toBe(`risk@v1.0.0: released (${ALL_ASSETS.length} assets)`);
  });

  it('bumps: config default minor, a label, an explicit bump over a label, a signature change', async () => {
    const repo = await trainedRepo();
    const forge = new MemoryForge();
    const release = (
      runDir: string,
      digit: string,
      extra: { bump?: 'major' | 'minor' | 'patch'; labels?: string[] } = {},
    ) => releaseRun({ forge, runDir, model: 'risk', sha: sha(digit), ...extra });
    expect((await release(await cloneRun(repo, 'b1'), '1')).version).toBe('1.0.0');
    expect((await release(await cloneRun(repo, 'b2'), '2')).version).toBe('1.1.0');
    expect((await release(await cloneRun(repo, 'b3'), '3', { labels: ['bug', 'model:patch'] })).version).toBe(
      '1.1.1',
    );
    expect(
      (await release(await cloneRun(repo, 'b4'), '4', { bump: 'major', labels: ['model:minor'] })).version,
    ).toBe('2.0.0');
    // A signature change (an input removed) forces major over a patch label.
    const changed = await cloneRun(repo, 'b5');
    const sigFile = join(changed, 'model', 'signature.json');
    const sig = JSON.parse(await readFile(sigFile, 'utf8')) as { inputs: { name: string }[] };
    sig.inputs = sig.inputs.filter((i) => i.name !== 'prior_claims');
    await writeFile(sigFile, JSON.stringify(sig));
    const lines: string[] = [];
    const major = await releaseRun({
      forge,
      runDir: changed,
      model: 'risk',
      sha: sha('5'),
      labels: ['model:patch'],
      log: (l) => lines.push(l),
    });
    expect(major.version).toBe('3.0.0');
    expect(lines).toContain('the signature changed since risk@v2.0.0: major bump');
    expect(major.release.body).toContain('Bump: major (signature changed (overrides label model:patch))');
    // The same signature again is no change: the label applies.
    const same = await cloneRun(repo, 'b6');
    await cp(join(changed, 'model', 'signature.json'), join(same, 'model', 'signature.json'));
    expect((await release(same, '6', { labels: ['model:patch'] })).version).toBe('3.0.1');
    expect(forge.tags.map((t) => t.name)).toEqual([
      'risk@v1.0.0',
      'risk@v1.1.0',
      'risk@v1.1.1',
      'risk@v2.0.0',
      'risk@v3.0.0',
      'risk@v3.0.1',
    ]);
  });

  it("takes the model's bump from .github/modelgate.yml of the run's repository", async () => {
    const repo = await trainedRepo();
    const root = await tempDir();
    await cp(repo.root, root, { recursive: true });
    await writeFile(
      join(root, '.github', 'modelgate.yml'),
      'models:\n  - name: risk\n    path: models/risk\n    bump: patch\n',
    );
    const forge = new MemoryForge();
    const runDir = join(root, '.modelgate', 'runs', 'base');
    await forge.createTag('risk@v1.4.0', sha('0'), 'an earlier version');
    const out = await releaseRun({ forge, runDir, model: 'risk', sha: sha('b') });
    expect(out.version).toBe('1.4.1');
    expect(out.release.body).toContain('Bump: patch (config bump: patch)');
    // configBump given explicitly wins over the file.
    const next = await releaseRun({
      forge,
      runDir: await cloneRun({ root, runDir }, 'c2'),
      model: 'risk',
      sha: sha('c'),
      configBump: 'major',
    });
    expect(next.version).toBe('2.0.0');
  });

  it('gives two concurrent releases distinct versions (the loser retries on the tag conflict)', async () => {
    const repo = await trainedRepo();
    const memory = new MemoryForge();
    // Both jobs list the tags before either creates one, so both first pick 1.0.0.
    let waiting: (() => void)[] = [];
    let listed = 0;
    const forge = new Proxy(memory, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop === 'listTags') {
          return async (prefix: string) => {
            const tags = await target.listTags(prefix);
            if (++listed <= 2) {
              await new Promise<void>((resolve) => {
                waiting.push(resolve);
                if (waiting.length === 2) {
                  for (const w of waiting) w();
                  waiting = [];
                }
              });
            }
            return tags;
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const [a, b] = [await cloneRun(repo, 'p1'), await cloneRun(repo, 'p2')];
    const lines: string[] = [];
    const outs = await Promise.all([
      releaseRun({ forge, runDir: a, model: 'risk', sha: sha('1'), log: (l) => lines.push(l) }),
      releaseRun({ forge, runDir: b, model: 'risk', sha: sha('2'), log: (l) => lines.push(l) }),
    ]);
    expect(outs.map((o) => o.version).sort()).toEqual(['1.0.0', '1.1.0']);
    expect(lines).toContain('risk@v1.0.0 was taken by another release; trying the next version');
    expect(memory.tags.map((t) => t.name).sort()).toEqual(['risk@v1.0.0', 'risk@v1.1.0']);
    expect(memory.releases.map((r) => [r.tag, r.draft, r.assets.length]).sort()).toEqual([
      ['risk@v1.0.0', false, ALL_ASSETS.length],
      ['risk@v1.1.0', false, ALL_ASSETS.length],
    ]);
    // Each release names its own run.
    for (const out of outs) {
      const entry = JSON.parse(text(memory, out.tag, 'version.json')) as { run_id: string; git_sha: string };
      expect(out.release.body).toContain(`modelgate:release:risk:${entry.run_id} -->`);
    }
    // Three more at once, no barrier: still distinct, no duplicate tag.
    const more = await Promise.all(
      ['p3', 'p4', 'p5'].map(async (name, i) =>
        releaseRun({ forge, runDir: await cloneRun(repo, name), model: 'risk', sha: sha(String(i + 3)) }),
      ),
    );
    expect(more.map((o) => o.version).sort()).toEqual(['1.2.0', '1.3.0', '1.4.0']);
    expect(new Set(memory.tags.map((t) => t.name)).size).toBe(memory.tags.length);
  });

  it('is idempotent: the same run twice gives one release and uploads nothing again', async () => {
    const repo = await trainedRepo();
    const memory = new MemoryForge();
    const { forge, calls } = recording(memory);
    const runDir = await cloneRun(repo, 'i1');
    const first = await releaseRun({ forge, runDir, model: 'risk', sha: sha('d') });
    const before = calls.length;
    const lines: string[] = [];
    const second = await releaseRun({
      forge,
      runDir,
      model: 'risk',
      sha: sha('d'),
      log: (l) => lines.push(l),
    });
    expect(second).toMatchObject({
      version: first.version,
      tag: first.tag,
      created: false,
      assets: ALL_ASSETS,
    });
    expect(second.release.id).toBe(first.release.id);
    expect(calls.slice(before)).toEqual([]);
    expect(memory.tags).toHaveLength(1);
    expect(memory.releases).toHaveLength(1);
    expect(lines[0]).toBe(`run risk-i1 was released as ${first.tag}`);
    // Another commit of the same run (a re-run after a rebase) still finds it.
    const third = await releaseRun({ forge, runDir, model: 'risk', sha: sha('e'), bump: 'major' });
    expect(third).toMatchObject({ version: '1.0.0', created: false });
    expect(memory.releases).toHaveLength(1);
  });

  it('leaves a draft when an upload fails midway; a re-run completes the same release', async () => {
    const repo = await trainedRepo();
    const memory = new MemoryForge();
    const runDir = await cloneRun(repo, 'f1');
    const broken = failingUploads(memory, (call) => call === 3);
    const failed = releaseRun({ forge: broken, runDir, model: 'risk', sha: sha('f') });
    await expect(failed).rejects.toThrow(ReleaseError);
    await expect(failed).rejects.toThrow(
      /risk@v1\.0\.0: uploading the asset model\.yml failed: connection reset while uploading model\.yml; the release stays a draft/,
    );
    expect(memory.releases).toHaveLength(1);
    expect(memory.releases[0]).toMatchObject({ draft: true });
    expect(memory.releases[0]!.assets.map((a) => a.name)).toEqual(['model.zip', 'run.json']);
    // A partial model.zip from an interrupted upload is replaced, not kept.
    const partial = memory.releases[0]!.assets[0]!;
    memory.assetData.set(partial.id, memory.assetData.get(partial.id)!.subarray(0, 100));
    partial.size = 100;
    const lines: string[] = [];
    const done = await releaseRun({
      forge: memory,
      runDir,
      model: 'risk',
      sha: sha('f'),
      log: (l) => lines.push(l),
    });
    expect(done).toMatchObject({ version: '1.0.0', created: false, assets: ALL_ASSETS });
    expect(done.release.draft).toBe(false);
    expect(lines).toContain('risk@v1.0.0: replacing the partial asset model.zip');
    expect(memory.releases).toHaveLength(1);
    expect(memory.tags).toHaveLength(1);
    const release = memory.releases[0]!;
    expect(release.assets.map((a) => a.name).sort()).toEqual([...ALL_ASSETS].sort());
    const zip = memory.assetData.get(release.assets.find((a) => a.name === 'model.zip')!.id)!;
    expect(Buffer.from(zip).equals(Buffer.from(await zipFolder(join(runDir, 'model'))))).toBe(true);
    // The version entry was written once, for the draft's version, with the card link on publication.
    expect(JSON.parse(text(memory, 'risk@v1.0.0', 'version.json'))).toMatchObject({
      version: '1.0.0',
      run_id: 'risk-f1',
    });
    expect(release.body).toContain('releases/download/risk%40v1.0.0/model-card.md');
  });

  it('puts exactly what a comparison reads into comparison.zip, and a re-run adds it to an older release', async () => {
    const repo = await trainedRepo();
    const memory = new MemoryForge();
    const runDir = await cloneRun(repo, 'z1');
    const first = await releaseRun({ forge: memory, runDir, model: 'risk', sha: sha('9') });
    const asset = (name: string) => memory.releases[0]!.assets.find((a) => a.name === name);
    const bytes = memory.assetData.get(asset('comparison.zip')!.id)!;
    expect(asset('comparison.zip')!.contentType).toBe('application/zip');
    const files = unzipSync(bytes);
    // No data contract, model weights, card or profile: only what compareRunFolders reads.
    expect(Object.keys(files).sort()).toEqual([
      'model.yml',
      'model/signature.json',
      'predictions.csv',
      'run.json',
    ]);
    for (const [name, data] of Object.entries(files)) {
      expect(Buffer.from(data).equals(await readFile(join(runDir, ...name.split('/')))), name).toBe(true);
    }
    // Deterministic: the same run folder gives the same bytes.
    const run = RunRecordSchema.parse(JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')));
    const again = (await runAssets(runDir, run)).find((a) => a.name === 'comparison.zip')!;
    expect(Buffer.from(again.data).equals(Buffer.from(bytes))).toBe(true);
    // A release published before the asset existed gets it from a re-run, and nothing else changes.
    await memory.deleteReleaseAsset(asset('comparison.zip')!.id);
    const before = memory.releases[0]!.assets.map((a) => a.id);
    const lines: string[] = [];
    const rerun = await releaseRun({
      forge: memory,
      runDir,
      model: 'risk',
      sha: sha('9'),
      log: (l) => lines.push(l),
    });
    expect(rerun).toMatchObject({ version: first.version, created: false, assets: ALL_ASSETS });
    expect(lines).toContain(`risk@v1.0.0: uploading comparison.zip (${bytes.length} bytes)`);
    expect(memory.releases[0]!.assets.map((a) => a.id).slice(0, before.length)).toEqual(before);
    expect(Buffer.from(memory.assetData.get(asset('comparison.zip')!.id)!).equals(Buffer.from(bytes))).toBe(
      true,
    );
  });

  it('takes over a tag of the model on the same commit that has no release', async () => {
    const repo = await trainedRepo();
    const forge = new MemoryForge();
    await forge.createTag('risk@v1.0.0', sha('1'), 'released earlier');
    await forge.createRelease({ tag: 'risk@v1.0.0', name: 'risk v1.0.0', body: 'older', draft: false });
    await forge.createTag('risk@v1.1.0', sha('2'), 'a job stopped after tagging');
    await forge.createTag('risk@v1.2.0', sha('3'), 'another commit, no release');
    const out = await releaseRun({ forge, runDir: await cloneRun(repo, 'o1'), model: 'risk', sha: sha('2') });
    expect(out).toMatchObject({ version: '1.1.0', created: true });
    expect(forge.tags).toHaveLength(3);
    // On a commit with no orphan the next version follows the highest tag.
    const next = await releaseRun({
      forge,
      runDir: await cloneRun(repo, 'o2'),
      model: 'risk',
      sha: sha('4'),
    });
    expect(next.version).toBe('1.3.0');
  });

  it('refuses bad input before creating anything', async () => {
    const repo = await trainedRepo();
    const forge = new MemoryForge();
    await expect(releaseRun({ forge, runDir: repo.runDir, model: 'fraud', sha: sha('a') })).rejects.toThrow(
      /run\.json: the run is of model "risk", not "fraud"/,
    );
    await expect(releaseRun({ forge, runDir: repo.runDir, model: 'risk', sha: 'abc123' })).rejects.toThrow(
      /sha "abc123": expected a full commit SHA/,
    );
    const failedRun = await cloneRun(repo, 'bad');
    const file = join(failedRun, 'run.json');
    const run = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...run, status: 'failed', error: 'diverged' }));
    await expect(releaseRun({ forge, runDir: failedRun, model: 'risk', sha: sha('a') })).rejects.toThrow(
      /has status "failed"; only succeeded runs are released/,
    );
    const noModel = await cloneRun(repo, 'nomodel');
    await cp(join(noModel, 'run.json'), join(noModel, 'run.json.bak'));
    const { rm } = await import('node:fs/promises');
    await rm(join(noModel, 'model'), { recursive: true });
    await expect(releaseRun({ forge, runDir: noModel, model: 'risk', sha: sha('a') })).rejects.toThrow(
      /artifacts\.model names .*model, which does not exist/,
    );
    expect(forge.tags).toEqual([]);
    expect(forge.releases).toEqual([]);
  });

  it('keeps the model folder inside the run folder', () => {
    const run = (model: string) =>
      RunRecordSchema.parse({ ...JSON.parse(JSON.stringify(baseRun)), artifacts: { model } });
    expect(runModelFolder('/runs/r1', run('model'))).toBe(join('/runs/r1', 'model'));
    expect(runModelFolder('/runs/r1', run('out/./model/'))).toBe(join('/runs/r1', 'out', 'model'));
    for (const bad of ['..', '../x', 'a/../../x', 'a\\..\\..\\x', '/abs', 'C:/x', '.', '']) {
      expect(() => runModelFolder('/runs/r1', run(bad)), bad).toThrow(
        /must be a folder inside the run folder/,
      );
    }
  });
});
