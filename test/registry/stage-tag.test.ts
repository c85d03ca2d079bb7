/** GTO stage tags `<model>#<stage>#<N>` on the commit of a released version. */
import { describe, expect, it } from 'vitest';
import { MemoryForge } from '../../src/forge/memory-forge.js';
import { assignStage, parseStageTag, stageTagName } from '../../src/registry/stage-tag.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

async function forgeWithVersions(): Promise<MemoryForge> {
  const forge = new MemoryForge();
  await forge.createTag('risk@v1.0.0', A, 'risk 1.0.0');
  await forge.createTag('risk@v1.1.0', B, 'risk 1.1.0');
  return forge;
}

describe('stage tags', () => {
  it('names and parses <model>#<stage>#<N>', () => {
    expect(stageTagName('risk', 'production', 3)).toBe('risk#production#3');
    expect(parseStageTag('risk#production#3')).toEqual({ model: 'risk', stage: 'production', n: 3 });
    expect(parseStageTag('risk@v1.0.0')).toBeNull();
    expect(parseStageTag('risk#production#0')).toBeNull();
  });

  it('counts assignments up, is idempotent for a re-run, and records a rollback as a new assignment', async () => {
    const forge = await forgeWithVersions();
    const first = await assignStage(forge, { model: 'risk', version: '1.0.0', stage: 'production' });
    expect(first).toEqual({ tag: 'risk#production#1', sha: A, created: true });
    expect(await assignStage(forge, { model: 'risk', version: '1.0.0', stage: 'production' })).toEqual({
      ...first,
      created: false,
    });
    const second = await assignStage(forge, { model: 'risk', version: '1.1.0', stage: 'production' });
    expect(second).toEqual({ tag: 'risk#production#2', sha: B, created: true });
    const back = await assignStage(forge, { model: 'risk', version: '1.0.0', stage: 'production' });
    expect(back).toEqual({ tag: 'risk#production#3', sha: A, created: true });
    // Stages count separately.
    expect((await assignStage(forge, { model: 'risk', version: '1.1.0', stage: 'staging' })).tag).toBe(
      'risk#staging#1',
    );
    const tags = await forge.listTags('risk#production#');
    expect(tags.map((t) => t.name).sort()).toEqual([
      'risk#production#1',
      'risk#production#2',
      'risk#production#3',
    ]);
  });

  it('gives concurrent assignments distinct numbers', async () => {
    const forge = await forgeWithVersions();
    const [x, y] = await Promise.all([
      assignStage(forge, { model: 'risk', version: '1.0.0', stage: 'production' }),
      assignStage(forge, { model: 'risk', version: '1.1.0', stage: 'production' }),
    ]);
    expect(new Set([x.tag, y.tag])).toEqual(new Set(['risk#production#1', 'risk#production#2']));
  });

  it('refuses invalid stage names and unreleased versions', async () => {
    const forge = await forgeWithVersions();
    await expect(
      assignStage(forge, { model: 'risk', version: '1.0.0', stage: 'Production' }),
    ).rejects.toThrow(/not a valid GTO stage name/);
    await expect(
      assignStage(forge, { model: 'risk', version: '9.0.0', stage: 'production' }),
    ).rejects.toThrow(/risk@v9\.0\.0 has no tag/);
  });
});
