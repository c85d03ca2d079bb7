/**
 * GithubRegistry over the in-memory forge with real releases of a trained run: listing (drafts and
 * other tags left out, version.json or the tag and body), materialise round trips byte for byte and
 * reuses its cache, a malicious model.zip is refused, register releases a run; a comparison baseline
 * is one comparison.zip download (four assets for an older release without it), checked entry by entry.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { compareRunFolders } from '../../src/diff/load-examples.js';
import { RegistryError } from '../../src/errors.js';
import type { Forge } from '../../src/forge/forge.js';
import { MemoryForge } from '../../src/forge/memory-forge.js';
import { GithubRegistry, ReleaseAssetCache } from '../../src/registry/github-registry.js';
import { ReleaseError } from '../../src/release/release-error.js';
import { releaseRun } from '../../src/release/release-run.js';
import { listFolderFiles } from '../../src/release/zip-folder.js';
import { cloneRun, failingUploads, sha, tempDir, trainedRepo } from '../release/fixtures.js';

/** Counts the forge's asset downloads. */
function counting(forge: MemoryForge): { forge: Forge; downloads: number[] } {
  const downloads: number[] = [];
  const proxy = new Proxy(forge, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === 'downloadReleaseAsset') {
        return (id: number, max: number) => {
          downloads.push(id);
          return target.downloadReleaseAsset(id, max);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { forge: proxy, downloads };
}

describe('GithubRegistry', () => {
  it('lists published versions newest first; drafts, other models and other tags are left out', async () => {
    const repo = await trainedRepo();
    const forge = new MemoryForge();
    for (const [name, digit] of [
      ['l1', '1'],
      ['l2', '2'],
      ['l3', '3'],
    ] as const) {
      await releaseRun({
        forge,
        runDir: await cloneRun(repo, name),
        model: 'risk',
        sha: sha(digit),
        labels: name === 'l3' ? ['model:major'] : [],
      });
    }
    // A draft left by a failed upload, a non-version tag, another model's release.
    await releaseRun({
      forge: failingUploads(forge, () => true),
      runDir: await cloneRun(repo, 'l4'),
      model: 'risk',
      sha: sha('4'),
    }).catch(() => {});
    await forge.createTag('risk-nightly', sha('5'), 'not a version');
    await forge.createRelease({ tag: 'risk-nightly', name: 'nightly', body: '', draft: false });
    await forge.createTag('fraud@v9.0.0', sha('6'), 'other model');
    await forge.createRelease({ tag: 'fraud@v9.0.0', name: 'fraud', body: '', draft: false });
    const registry = new GithubRegistry(forge, { cacheDir: await tempDir() });
    const list = await registry.list('risk');
    expect(list.map((v) => v.version)).toEqual(['2.0.0', '1.1.0', '1.0.0']);
    expect(list.map((v) => v.run_id)).toEqual(['risk-l3', 'risk-l2', 'risk-l1']);
    expect(list[0]).toMatchObject({ model: 'risk', tag: 'risk@v2.0.0', git_sha: expect.any(String) });
    expect((await registry.latest('risk'))!.version).toBe('2.0.0');
    expect((await registry.get('risk', '1.1.0'))!.run_id).toBe('risk-l2');
    // The draft 2.1.0 is not a version yet.
    expect(forge.releases.find((r) => r.tag === 'risk@v2.1.0')!.draft).toBe(true);
    expect(await registry.get('risk', '2.1.0')).toBeNull();
    expect(await registry.get('risk', '7.0.0')).toBeNull();
    expect(await registry.latest('nothing')).toBeNull();
    expect(await registry.models()).toEqual(['fraud', 'risk']);
    await expect(registry.get('risk', '1.x')).rejects.toThrow(/invalid version "1\.x": expected X\.Y\.Z/);
    await expect(registry.list('../etc')).rejects.toThrow(RegistryError);
  });

  it('falls back to the tag and the body marker when a release has no version.json', async () => {
    const forge = new MemoryForge({ now: () => new Date('2026-02-03T00:00:00Z') });
    await forge.createTag('risk@v0.3.0', sha('1'), 'by hand');
    await forge.createRelease({
      tag: 'risk@v0.3.0',
      name: 'risk v0.3.0',
      body: 'made by hand\n<!-- modelgate:release:risk:risk-hand-1 -->\n',
      draft: false,
    });
    const registry = new GithubRegistry(forge, { cacheDir: await tempDir() });
    expect(await registry.latest('risk')).toEqual({
      model: 'risk',
      version: '0.3.0',
      tag: 'risk@v0.3.0',
      created_at: '2026-02-03T00:00:00.000Z',
      run_id: 'risk-hand-1',
      git_sha: null,
      metrics: {},
    });
    // A bad version.json is an error naming the release and the field.
    await forge.createTag('risk@v0.4.0', sha('2'), 'bad entry');
    const bad = await forge.createRelease({ tag: 'risk@v0.4.0', name: 'x', body: '', draft: false });
    await forge.uploadReleaseAsset(
      bad,
      'version.json',
      new TextEncoder().encode('{"model":"risk"}'),
      'application/json',
    );
    await expect(registry.latest('risk')).rejects.toThrow(/risk@v0\.4\.0: version\.json field version: /);
  });

  it('materialises a version equal to the run folder, atomically, and reuses the cache', async () => {
    const repo = await trainedRepo();
    const memory = new MemoryForge();
    const runDir = await cloneRun(repo, 'm1');
    await releaseRun({ forge: memory, runDir, model: 'risk', sha: sha('a') });
    const { forge, downloads } = counting(memory);
    const cacheDir = await tempDir();
    const registry = new GithubRegistry(forge, { cacheDir });
    const [dir, again] = await Promise.all([
      registry.materialise('risk', '1.0.0'),
      registry.materialise('risk', 'v1.0.0'),
    ]);
    expect(dir).toBe(join(cacheDir, 'risk', '1.0.0'));
    expect(again).toBe(dir);
    // Same model files, byte for byte, and the run's files beside them.
    const modelFiles = await listFolderFiles(join(runDir, 'model'));
    expect(modelFiles).toEqual(['model.json', 'preprocessing.json', 'signature.json', 'weights.bin']);
    expect(await listFolderFiles(join(dir, 'model'))).toEqual(modelFiles);
    for (const f of [
      ...modelFiles.map((m) => `model/${m}`),
      'run.json',
      'model.yml',
      'data.contract.yml',
      'predictions.csv',
    ]) {
      expect(Buffer.compare(await readFile(join(dir, f)), await readFile(join(runDir, f))), f).toBe(0);
    }
    expect((await readdir(dir)).sort()).toEqual([
      'data.contract.yml',
      'model',
      'model-card.md',
      'model.yml',
      'predictions.csv',
      'profile.json',
      'run.json',
      'version.json',
    ]);
    // No temporary folder is left; a later call downloads nothing.
    expect(await readdir(join(cacheDir, 'risk'))).toEqual(['1.0.0']);
    const count = downloads.length;
    expect(await registry.materialise('risk', '1.0.0')).toBe(dir);
    expect(downloads.length).toBe(count);
    await expect(registry.materialise('risk', '2.0.0')).rejects.toThrow(
      /risk@v2\.0\.0: no published release/,
    );
  });

  it('fetches only what a comparison reads, and keeps it across registries in the asset cache', async () => {
    const repo = await trainedRepo();
    const memory = new MemoryForge();
    const runDir = await cloneRun(repo, 'c1');
    await releaseRun({ forge: memory, runDir, model: 'risk', sha: sha('a') });
    const { forge, downloads } = counting(memory);
    const cache = new ReleaseAssetCache();
    const scoped = async (scope: string) =>
      new GithubRegistry(forge, { cacheDir: await tempDir(), assetCache: cache, assetScope: scope });
    const first = await scoped('acme/models');
    const found = await first.comparisonBaseline('risk');
    expect(found!.version).toBe('1.0.0');
    // run.json, model.yml, the predictions and the model's signature: no version.json, no card.
    expect((await readdir(found!.dir)).sort()).toEqual(['model', 'model.yml', 'predictions.csv', 'run.json']);
    expect(await readdir(join(found!.dir, 'model'))).toEqual(['signature.json']);
    for (const f of ['run.json', 'model.yml', 'predictions.csv', 'model/signature.json']) {
      expect(Buffer.compare(await readFile(join(found!.dir, f)), await readFile(join(runDir, f))), f).toBe(0);
    }
    const names = (ids: number[]) =>
      ids.map((id) => memory.releases[0]!.assets.find((a) => a.id === id)!.name).sort();
    // One download: the release's comparison.zip.
    expect(names(downloads)).toEqual(['comparison.zip']);
    // The comparison reads the same from it as from the whole version folder.
    const full = await new GithubRegistry(memory, { cacheDir: await tempDir() }).materialise('risk', '1.0.0');
    const cmp = (baselineDir: string) =>
      compareRunFolders({
        baselineDir,
        candidateDir: runDir,
        baselineVersion: '1.0.0',
        bootstrap: { resamples: 50, seed: 1 },
      });
    const [cheap, whole] = await Promise.all([cmp(found!.dir), cmp(full)]);
    expect(cheap.gate).toEqual(whole.gate);
    expect(cheap.diff).toEqual(whole.diff);
    // Another event's registry with the same cache downloads nothing; another repository's does.
    const count = downloads.length;
    const again = await (await scoped('acme/models')).comparisonBaseline('risk', 'v1.0.0');
    expect(again!.version).toBe('1.0.0');
    expect(downloads.length).toBe(count);
    expect(await readFile(join(again!.dir, 'model', 'signature.json'), 'utf8')).toBe(
      await readFile(join(runDir, 'model', 'signature.json'), 'utf8'),
    );
    await (await scoped('acme/other')).comparisonBaseline('risk');
    expect(downloads.length).toBe(count + 1);
    expect(await first.comparisonBaseline('risk', '9.0.0')).toBeNull();
    expect(await first.comparisonBaseline('nothing')).toBeNull();
    await expect(first.comparisonBaseline('risk', '1.x')).rejects.toThrow(/invalid version "1\.x"/);
  });

  it('falls back to four downloads for a release without comparison.zip, and refuses a bad one', async () => {
    const repo = await trainedRepo();
    const memory = new MemoryForge();
    const runDir = await cloneRun(repo, 'c2');
    await releaseRun({ forge: memory, runDir, model: 'risk', sha: sha('b') });
    const release = memory.releases[0]!;
    const bundle = release.assets.find((a) => a.name === 'comparison.zip')!;
    const original = memory.assetData.get(bundle.id)!;
    await memory.deleteReleaseAsset(bundle.id);
    const { forge, downloads } = counting(memory);
    const older = await new GithubRegistry(forge, { cacheDir: await tempDir() }).comparisonBaseline('risk');
    const names = downloads.map((id) => release.assets.find((a) => a.id === id)!.name).sort();
    expect(names).toEqual(['model.yml', 'model.zip', 'predictions.csv', 'run.json']);
    expect((await readdir(older!.dir)).sort()).toEqual(['model', 'model.yml', 'predictions.csv', 'run.json']);
    expect(await readFile(join(older!.dir, 'model', 'signature.json'), 'utf8')).toBe(
      await readFile(join(runDir, 'model', 'signature.json'), 'utf8'),
    );
    // The same files from comparison.zip give the same folder.
    const current = memory.releases[0]!;
    const uploaded = await memory.uploadReleaseAsset(current, 'comparison.zip', original, 'application/zip');
    const viaZip = await new GithubRegistry(memory, { cacheDir: await tempDir() }).comparisonBaseline('risk');
    for (const f of ['run.json', 'model.yml', 'predictions.csv', 'model/signature.json']) {
      expect(
        Buffer.compare(await readFile(join(viaZip!.dir, f)), await readFile(join(older!.dir, f))),
        f,
      ).toBe(0);
    }
    // A comparison.zip with a file a comparison does not read, or one escaping the folder, is refused.
    const te = new TextEncoder();
    const files = unzipSync(original);
    const refused = async (zip: Uint8Array, message: RegExp) => {
      const now = memory.releases[0]!;
      await memory.deleteReleaseAsset(now.assets.find((a) => a.name === 'comparison.zip')!.id);
      await memory.uploadReleaseAsset(memory.releases[0]!, 'comparison.zip', zip, 'application/zip');
      const cacheDir = await tempDir();
      const attempt = new GithubRegistry(memory, { cacheDir }).comparisonBaseline('risk');
      await expect(attempt).rejects.toThrow(ReleaseError);
      await expect(attempt).rejects.toThrow(message);
      expect(await readdir(join(cacheDir, 'risk'))).toEqual([]);
    };
    expect(uploaded.name).toBe('comparison.zip');
    await refused(
      zipSync({ ...files, 'version.json': te.encode('{"version":"9.9.9"}') }),
      /risk@v1\.0\.0 comparison\.zip: unexpected entry "version\.json"/,
    );
    await refused(
      zipSync({ ...files, '../../escaped.txt': te.encode('x') }),
      /risk@v1\.0\.0 comparison\.zip: zip entry/,
    );
    const { 'run.json': _run, ...noRun } = files;
    await refused(zipSync(noRun), /risk@v1\.0\.0 comparison\.zip has no run\.json/);
  });

  it('keeps the asset cache under its byte cap, least recently used first, and checks sizes', () => {
    const cache = new ReleaseAssetCache(100);
    const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);
    cache.set('a', bytes(25));
    cache.set('b', bytes(25));
    cache.set('c', bytes(25));
    expect(cache.get('a', 25)).toEqual(bytes(25)); // a is now the most recently used
    cache.set('d', bytes(25));
    cache.set('e', bytes(20));
    expect(cache.bytes).toBeLessThanOrEqual(100);
    expect(cache.get('b')).toBeUndefined(); // the least recently used went first
    expect(cache.get('a')).toBeDefined();
    // An entry over a quarter of the cap is not kept; a size that differs is a miss, and forgotten.
    cache.set('big', bytes(26));
    expect(cache.get('big')).toBeUndefined();
    expect(cache.get('d', 24)).toBeUndefined();
    expect(cache.get('d')).toBeUndefined();
    // A kept copy does not change with the caller's array.
    const mine = bytes(10, 7);
    cache.set('m', mine);
    mine.fill(0);
    expect(cache.get('m')).toEqual(bytes(10, 7));
    cache.clear();
    expect([cache.size, cache.bytes]).toEqual([0, 0]);
    expect(() => new ReleaseAssetCache(-1)).toThrow(RegistryError);
  });

  it('refuses a release whose model.zip escapes its folder, and leaves no cache behind', async () => {
    const repo = await trainedRepo();
    const forge = new MemoryForge();
    await forge.createTag('risk@v1.0.0', sha('1'), 'evil');
    const release = await forge.createRelease({ tag: 'risk@v1.0.0', name: 'evil', body: '', draft: false });
    const te = new TextEncoder();
    await forge.uploadReleaseAsset(
      release,
      'run.json',
      await readFile(join(repo.runDir, 'run.json')),
      'application/json',
    );
    const zip = zipSync({ 'model.json': te.encode('{}'), '../../../escaped.txt': te.encode('pwned') });
    await forge.uploadReleaseAsset(release, 'model.zip', zip, 'application/zip');
    const cacheDir = await tempDir();
    const registry = new GithubRegistry(forge, { cacheDir });
    const attempt = registry.materialise('risk', '1.0.0');
    await expect(attempt).rejects.toThrow(ReleaseError);
    await expect(attempt).rejects.toThrow(
      /risk@v1\.0\.0 model\.zip: zip entry "\.\.\/\.\.\/\.\.\/escaped\.txt": "\.\." is not allowed/,
    );
    expect(await readdir(join(cacheDir, 'risk'))).toEqual([]);
    expect(existsSync(join(cacheDir, 'escaped.txt'))).toBe(false);
    // An asset over the size limit is refused before it is downloaded.
    const small = new GithubRegistry(forge, { cacheDir, maxAssetBytes: 10 });
    await expect(small.materialise('risk', '1.0.0')).rejects.toThrow(/asset run\.json is \d+ bytes, over 10/);
  });

  it('register releases a run (needs the commit); the entry is the version.json', async () => {
    const repo = await trainedRepo();
    const forge = new MemoryForge();
    const registry = new GithubRegistry(forge, {
      cacheDir: await tempDir(),
      now: () => new Date('2026-03-04T05:06:07Z'),
    });
    const runDir = await cloneRun(repo, 'r1');
    await expect(registry.register(runDir)).rejects.toThrow(
      /needs the commit to tag: pass RegisterOptions\.sha/,
    );
    await expect(registry.register(runDir, { sha: sha('1'), version: '3.0.0' })).rejects.toThrow(
      /not an explicit version/,
    );
    const entry = await registry.register(runDir, { sha: sha('1'), approver: 'bob' });
    expect(entry).toMatchObject({
      model: 'risk',
      version: '1.0.0',
      run_id: 'risk-r1',
      approver: 'bob',
      created_at: '2026-03-04T05:06:07.000Z',
    });
    const next = await registry.register(await cloneRun(repo, 'r2'), {
      sha: sha('2'),
      labels: ['model:patch'],
    });
    expect(next.version).toBe('1.0.1');
    expect((await registry.list('risk')).map((v) => v.version)).toEqual(['1.0.1', '1.0.0']);
  });
});
