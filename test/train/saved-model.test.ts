import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Row } from '../../src/data/types.js';
import { DataError } from '../../src/errors.js';
import { selectBackend } from '../../src/train/backend.js';
import { arraySource } from '../../src/train/row-source.js';
import { loadModel, MODEL_FILES, saveModel } from '../../src/train/saved-model.js';
import { trainTabular } from '../../src/train/trainer.js';
import { binaryRows, makeConfig, multiclassRows, regressionRows } from './synthetic.js';

const wasm = await selectBackend('wasm');
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-train-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('saveModel / loadModel', () => {
  it('round-trips a binary MLP with dropout: identical predictions on raw rows', async () => {
    const config = makeConfig({
      task: 'binary',
      label: 'y',
      data: { id: 'id', slices: ['group'], eval: 'eval.csv' },
      trainer: { dropout: 0.2 },
    });
    const evalRows = binaryRows(300, 31);
    const result = await trainTabular({
      config,
      train: arraySource(binaryRows(1000)),
      eval: arraySource(evalRows),
      backend: wasm,
    });
    const dir = await tempDir();
    const saved = await saveModel(dir, result);
    expect(saved.files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(
      [MODEL_FILES.model, MODEL_FILES.preprocessing, MODEL_FILES.signature, MODEL_FILES.weights].sort(),
    );
    const loaded = await loadModel(dir, { backend: wasm });
    const rows: Row[] = [
      ...binaryRows(50, 77),
      { x1: 1, x2: 55, x3: null, region: 'unheard-of' },
      { x1: null, x2: null, x3: null, region: null },
      { x1: '0.5', x2: 50 },
    ];
    const inMemory = result.predict(rows);
    const fromDisk = loaded.predict(rows);
    expect(fromDisk).toEqual(inMemory);
    // Same outputs on the whole evaluation set as the trainer computed.
    const evaluated = loaded.predict(evalRows);
    expect(evaluated.task === 'binary' && evaluated.score).toEqual(
      result.evaluation.task === 'binary' && result.evaluation.score,
    );
    // The saved graph has no dropout layers (inference graph), so any tfjs runtime can load it.
    const modelJson = JSON.parse(await readFile(join(dir, MODEL_FILES.model), 'utf8'));
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(JSON.stringify(modelJson.modelTopology)).not.toContain('Dropout');
    const signature = loaded.signature;
    expect(signature).toMatchObject({
      format: 'modelgate-signature',
      version: 1,
      model: 'test-model',
      id: 'id',
      output: { task: 'binary', label: 'y', positive_label: '1', negative_label: '0', threshold: 0.5 },
    });
    expect(signature.inputs.map((i) => [i.name, i.type])).toEqual([
      ['x1', 'numeric'],
      ['x2', 'numeric'],
      ['x3', 'numeric'],
      ['region', 'categorical'],
    ]);
    expect(signature.inputs[3]?.categories?.sort()).toEqual(['east', 'north', 'south', 'west']);
    loaded.dispose();
  });

  it('round-trips multiclass with an embedding feature and regression', async () => {
    const multi = makeConfig({
      task: 'multiclass',
      label: 'species',
      data: {
        features: [
          { name: 'a', type: 'numeric' },
          { name: 'b', type: 'numeric' },
          { name: 'bucket', type: 'categorical', encoding: 'embedding', embedding_dim: 2 },
        ],
      },
      trainer: { epochs: 3 },
    });
    const rows = multiclassRows(600).map((r, i) => ({ ...r, bucket: `b${i % 7}` }));
    const m = await trainTabular({ config: multi, train: arraySource(rows), backend: wasm });
    const mdir = await tempDir();
    await saveModel(mdir, m);
    const ml = await loadModel(mdir, { backend: wasm });
    const sample = rows.slice(0, 40);
    expect(ml.predict(sample)).toEqual(m.predict(sample));
    expect(ml.signature.output.classes).toEqual(['cat', 'dog', 'fox']);

    const reg = makeConfig({
      task: 'regression',
      label: 'target',
      trainer: { epochs: 3, architecture: 'linear' },
    });
    const r = await trainTabular({ config: reg, train: arraySource(regressionRows(500)), backend: wasm });
    const rdir = await tempDir();
    await saveModel(rdir, r);
    const rl = await loadModel(rdir, { backend: wasm });
    const rs = regressionRows(30, 4);
    const expected = r.predict(rs);
    expect(rl.predict(rs)).toEqual(expected);
    expect(expected.task === 'regression' && expected.yPred[0]).toBeGreaterThan(500);
  });

  it('validates preprocessing.json and signature.json when loading', async () => {
    const config = makeConfig({
      task: 'binary',
      label: 'y',
      trainer: { epochs: 1, importance: { enabled: false } },
    });
    const result = await trainTabular({ config, train: arraySource(binaryRows(300)), backend: wasm });
    const dir = await tempDir();
    await saveModel(dir, result);
    const prePath = join(dir, MODEL_FILES.preprocessing);
    const good = await readFile(prePath, 'utf8');
    const broken = JSON.parse(good);
    broken.features[0].std = -1;
    await writeFile(prePath, JSON.stringify(broken));
    await expect(loadModel(dir, { backend: wasm })).rejects.toThrow(
      /preprocessing.json: invalid preprocessing file: features.0/,
    );
    await writeFile(prePath, good);
    const sigPath = join(dir, MODEL_FILES.signature);
    const signature = JSON.parse(await readFile(sigPath, 'utf8'));
    await writeFile(sigPath, JSON.stringify({ ...signature, version: 2 }));
    await expect(loadModel(dir, { backend: wasm })).rejects.toThrow(
      /signature.json: not a modelgate signature/,
    );
  });

  it('fails clearly on a folder that is not a saved model', async () => {
    const dir = await tempDir();
    await expect(loadModel(dir, { backend: wasm })).rejects.toThrow(DataError);
    await writeFile(join(dir, MODEL_FILES.model), '{"nope": true}');
    await expect(loadModel(dir, { backend: wasm })).rejects.toThrow(/not a tfjs LayersModel/);
  });
});
