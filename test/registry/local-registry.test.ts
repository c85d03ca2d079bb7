import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors.js';
import { LocalRegistry } from '../../src/registry/local-registry.js';
import { tempDir } from '../cli/helpers.js';
import { makeRunRecord, writeRunFolder } from './run-fixture.js';

const FIXED = new Date('2024-05-06T07:08:09.000Z');

async function setup() {
  const root = await tempDir('modelgate-registry-');
  const registry = new LocalRegistry(join(root, 'registry'), () => FIXED);
  let n = 0;
  const run = async (overrides: Parameters<typeof makeRunRecord>[0] = {}) =>
    writeRunFolder(join(root, 'runs', `run-${++n}`), { id: `risk-run-${n}`, ...overrides });
  return { root, registry, run };
}

async function registryFiles(registry: LocalRegistry, model: string): Promise<string[]> {
  return (await readdir(join(registry.root, 'models', model))).sort();
}

describe('LocalRegistry', () => {
  it('registers 1.0.0 first, then bumps minor by default, major, patch or an explicit version', async () => {
    const { registry, run } = await setup();
    const first = await registry.register(await run());
    expect(first).toEqual({
      model: 'risk',
      version: '1.0.0',
      tag: 'risk@v1.0.0',
      created_at: FIXED.toISOString(),
      run_id: 'risk-run-1',
      git_sha: 'a'.repeat(40),
      metrics: { roc_auc: 0.81, log_loss: 0.42, ece: null },
    });
    expect((await registry.register(await run())).version).toBe('1.1.0');
    expect((await registry.register(await run(), { bump: 'major' })).version).toBe('2.0.0');
    expect((await registry.register(await run(), { bump: 'patch' })).version).toBe('2.0.1');
    expect((await registry.register(await run(), { version: 'v5.0.0' })).tag).toBe('risk@v5.0.0');
    expect((await registry.register(await run(), { version: '3.2.1' })).version).toBe('3.2.1');
    // The next bump starts from the newest by semver, not the latest registered.
    expect((await registry.register(await run())).version).toBe('5.1.0');
    const approved = await registry.register(await run(), { approver: 'alice', notes: 'better AUC' });
    expect(approved).toMatchObject({ version: '5.2.0', approver: 'alice', notes: 'better AUC' });
    expect(await registryFiles(registry, 'risk')).toEqual([
      '1.0.0',
      '1.1.0',
      '2.0.0',
      '2.0.1',
      '3.2.1',
      '5.0.0',
      '5.1.0',
      '5.2.0',
    ]);
  });

  it('copies the run folder and writes version.json; runRecord and readFile read back', async () => {
    const { registry, run } = await setup();
    const dir = await run({ model: 'churn', id: 'churn-1' });
    await registry.register(dir);
    const stored = join(registry.root, 'models', 'churn', '1.0.0');
    expect((await readdir(stored)).sort()).toEqual(['model', 'run.json', 'version.json']);
    expect(await registry.runRecord('churn', '1.0.0')).toEqual(
      makeRunRecord({ model: 'churn', id: 'churn-1' }),
    );
    expect(await registry.readFile('churn', 'v1.0.0', 'model/model.json')).toBe(
      '{"format":"layers-model"}\n',
    );
    expect(JSON.parse(await readFile(join(stored, 'version.json'), 'utf8'))).toMatchObject({
      tag: 'churn@v1.0.0',
      run_id: 'churn-1',
    });
    expect(await registry.materialise('churn', '1.0.0')).toBe(stored);
    expect(await registry.get('churn', '1.0.0')).toMatchObject({ version: '1.0.0' });
    expect(await registry.get('churn', '9.9.9')).toBeNull();
    await expect(registry.materialise('churn', '9.9.9')).rejects.toThrow(RegistryError);
    await expect(registry.materialise('churn', '9.9.9')).rejects.toThrow(/churn@v9\.9\.9 not found/);
    await expect(registry.get('churn', 'latest')).rejects.toThrow(/invalid version "latest"/);
  });

  it('refuses an existing version and leaves the registry intact', async () => {
    const { registry, run } = await setup();
    await registry.register(await run(), { version: '1.0.0' });
    const before = await readFile(join(registry.root, 'models', 'risk', '1.0.0', 'version.json'), 'utf8');
    const err = await registry.register(await run(), { version: '1.0.0' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).exitCode).toBe(1);
    expect((err as Error).message).toMatch(/risk@v1\.0\.0 already exists.*immutable/);
    expect(await readFile(join(registry.root, 'models', 'risk', '1.0.0', 'version.json'), 'utf8')).toBe(
      before,
    );
    expect((await registry.runRecord('risk', '1.0.0')).id).toBe('risk-run-1');
    expect(await registryFiles(registry, 'risk')).toEqual(['1.0.0']); // no temporary folder left behind
    expect((await registry.list('risk')).map((v) => v.version)).toEqual(['1.0.0']);
  });

  it('concurrent registrations of the same version: exactly one wins, intact', async () => {
    const { registry, run } = await setup();
    const dirs = await Promise.all(Array.from({ length: 6 }, () => run()));
    const results = await Promise.allSettled(dirs.map((d) => registry.register(d, { version: '2.0.0' })));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(5);
    for (const r of lost) expect(r.reason).toBeInstanceOf(RegistryError);
    const winner = (won[0] as PromiseFulfilledResult<{ run_id: string }>).value.run_id;
    // The stored files all belong to the winning run.
    expect((await registry.get('risk', '2.0.0'))?.run_id).toBe(winner);
    expect((await registry.runRecord('risk', '2.0.0')).id).toBe(winner);
    expect(await registryFiles(registry, 'risk')).toEqual(['2.0.0']);
  });

  it('concurrent registrations with bumps never overwrite each other', async () => {
    const { registry, run } = await setup();
    const dirs = await Promise.all(Array.from({ length: 4 }, () => run()));
    const results = await Promise.allSettled(dirs.map((d) => registry.register(d)));
    const versions = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.version] : []));
    expect(new Set(versions).size).toBe(versions.length);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(RegistryError);
    for (const v of await registry.list('risk')) {
      expect((await registry.runRecord('risk', v.version)).id).toBe(v.run_id);
    }
  });

  it('refuses failed runs, invalid run.json, bad versions and bad model names', async () => {
    const { registry, run } = await setup();
    const failed = await run({ status: 'failed', error: 'the command exited with code 3' });
    await expect(registry.register(failed)).rejects.toThrow(RegistryError);
    await expect(registry.register(failed)).rejects.toThrow(/status "failed"; only succeeded runs/);
    expect(existsSync(join(registry.root, 'models', 'risk'))).toBe(false);
    const root = await tempDir();
    await expect(registry.register(root)).rejects.toThrow(/run\.json: file not found/);
    await expect(registry.register(await run(), { version: '1.0' })).rejects.toThrow(
      /invalid version "1\.0"/,
    );
    await expect(registry.list('Bad Name')).rejects.toThrow(RegistryError);
  });

  it('lists newest first by semver (1.10.0 > 1.9.0); latest is the newest', async () => {
    const { registry, run } = await setup();
    expect(await registry.list('risk')).toEqual([]);
    expect(await registry.latest('risk')).toBeNull();
    for (const version of ['1.9.0', '1.10.0', '1.2.0', '0.1.0', '1.9.1']) {
      await registry.register(await run(), { version });
    }
    expect((await registry.list('risk')).map((v) => v.version)).toEqual([
      '1.10.0',
      '1.9.1',
      '1.9.0',
      '1.2.0',
      '0.1.0',
    ]);
    expect((await registry.latest('risk'))?.tag).toBe('risk@v1.10.0');
    expect((await registry.register(await run())).version).toBe('1.11.0');
  });

  it('writes extra files with the decided version atomically, and leaves nothing behind when they fail', async () => {
    const { registry, run } = await setup();
    const v = await registry.register(await run(), {
      extraFiles: async (entry) => ({ 'model-card.md': `# card of ${entry.tag}\n` }),
    });
    expect(await registry.readFile('risk', v.version, 'model-card.md')).toBe('# card of risk@v1.0.0\n');
    await expect(
      registry.register(await run(), { extraFiles: async () => ({ '../evil.md': 'x' }) }),
    ).rejects.toThrow(/invalid extra file name/);
    await expect(
      registry.register(await run(), {
        extraFiles: async () => {
          throw new Error('card failed');
        },
      }),
    ).rejects.toThrow('card failed');
    expect(await registryFiles(registry, 'risk')).toEqual(['1.0.0']);
    expect(await registry.latest('risk')).toMatchObject({ version: '1.0.0' });
  });
});
