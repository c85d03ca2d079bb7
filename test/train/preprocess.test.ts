import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/data/types.js';
import { DataError } from '../../src/errors.js';
import { encodeEvalSource, encodeTrainingSource } from '../../src/train/dataset.js';
import { MISSING, OTHER, Preprocessor } from '../../src/train/preprocess.js';
import { fitPreprocessor } from '../../src/train/preprocess-fit.js';
import { arraySource } from '../../src/train/row-source.js';
import { assignSplit } from '../../src/train/split.js';
import { binaryRows, makeConfig } from './synthetic.js';

describe('assignSplit', () => {
  it('is a pure function of seed and index with the requested shares', () => {
    const shares = { validation: 0.25, test: 0.2, hasEval: false };
    const counts = { train: 0, validation: 0, test: 0 };
    for (let i = 0; i < 20_000; i++) {
      const s = assignSplit(42, i, shares);
      expect(assignSplit(42, i, shares)).toBe(s);
      counts[s]++;
    }
    expect(counts.test / 20_000).toBeCloseTo(0.2, 1);
    expect(counts.validation / 20_000).toBeCloseTo(0.8 * 0.25, 1);
    const other = Array.from({ length: 50 }, (_, i) => assignSplit(43, i, shares));
    const same = Array.from({ length: 50 }, (_, i) => assignSplit(42, i, shares));
    expect(other).not.toEqual(same);
  });

  it('never assigns test rows when an eval source exists', () => {
    for (let i = 0; i < 2000; i++)
      expect(assignSplit(1, i, { validation: 0.1, test: 0.5, hasEval: true })).not.toBe('test');
  });
});

describe('fitPreprocessor', () => {
  it('uses only training-split rows for feature statistics and vocabularies', async () => {
    const config = makeConfig({
      task: 'binary',
      label: 'y',
      data: { split: { validation: 0.2, test: 0.2 } },
    });
    const shares = { validation: 0.2, test: 0.2, hasEval: false };
    // Held-out rows have very different values and a category training never sees.
    const rows: Row[] = Array.from({ length: 400 }, (_, i) => {
      const inTrain = assignSplit(config.seed, i, shares) === 'train';
      return inTrain
        ? { x: i % 2, c: i % 3 === 0 ? 'a' : 'b', y: i % 2 }
        : { x: 1000, c: 'held-out-only', y: i % 2 };
    });
    const { preprocessor, counts } = await fitPreprocessor({
      config,
      source: arraySource(rows),
      hasEval: false,
    });
    expect(counts.train + counts.validation + counts.test).toBe(400);
    const x = preprocessor.features.find((f) => f.name === 'x');
    expect(x).toMatchObject({ type: 'numeric', mean: expect.closeTo(0.5, 1), std: expect.closeTo(0.5, 1) });
    const c = preprocessor.features.find((f) => f.name === 'c');
    expect(c).toMatchObject({ type: 'categorical', encoding: 'onehot' });
    expect(c?.type === 'categorical' && c.categories).toEqual(['b', 'a']);
  });

  it('ignores the statistics of a separate eval source', async () => {
    const config = makeConfig({ task: 'binary', label: 'y', data: { eval: 'eval.csv' } });
    const train = Array.from({ length: 200 }, (_, i) => ({ x: i % 10, y: i % 2 }));
    const evalRows = Array.from({ length: 100 }, (_, i) => ({ x: 1e6 + i, y: i % 2 }));
    const { preprocessor } = await fitPreprocessor({ config, source: arraySource(train), hasEval: true });
    const x = preprocessor.features[0]!;
    expect(x.type === 'numeric' && x.mean).toBeLessThan(10);
    const encoded = await encodeEvalSource(preprocessor, { config, source: arraySource(evalRows) });
    expect(encoded.rows.n).toBe(100);
    expect(encoded.rows.X[0]).toBeGreaterThan(1000); // standardised with training stats, hence huge
  });

  it('infers feature types and excludes label, id, ignore and slice columns', async () => {
    const config = makeConfig({
      task: 'binary',
      label: 'y',
      data: { id: 'id', slices: ['group'], ignore: ['x3'] },
    });
    const { preprocessor } = await fitPreprocessor({
      config,
      source: arraySource(binaryRows(300)),
      hasEval: false,
    });
    expect(preprocessor.featureNames).toEqual(['x1', 'x2', 'region']);
    expect(preprocessor.features.map((f) => f.type)).toEqual(['numeric', 'numeric', 'categorical']);
    // Declared features may include a slice column on purpose.
    const declared = makeConfig({
      task: 'binary',
      label: 'y',
      data: {
        slices: ['group'],
        features: [
          { name: 'x1', type: 'numeric' },
          { name: 'group', type: 'categorical' },
        ],
      },
    });
    const fitted = await fitPreprocessor({
      config: declared,
      source: arraySource(binaryRows(300)),
      hasEval: false,
    });
    expect(fitted.preprocessor.featureNames).toEqual(['x1', 'group']);
  });

  it('imputes missing numerics with the training mean and adds an indicator; missing categoricals get their own category', async () => {
    const config = makeConfig({
      task: 'regression',
      label: 'y',
      data: { split: { validation: 0, test: 0 } },
    });
    const rows: Row[] = [
      { a: 1, b: 'p', y: 1 },
      { a: null, b: null, y: 2 },
      { a: 3, b: 'p', y: 3 },
      { a: 5, b: '', y: 4 },
      { b: 'q', y: 5 }, // `a` absent
    ];
    const { preprocessor: pre } = await fitPreprocessor({ config, source: arraySource(rows), hasEval: true });
    const a = pre.features[0]!;
    expect(a).toMatchObject({ name: 'a', type: 'numeric', mean: 3, missingIndicator: true, nullable: true });
    const b = pre.features[1]!;
    expect(b.type === 'categorical' && b.categories).toEqual([MISSING, 'p', 'q']);
    expect(pre.width).toBe(2 + 4);
    const x = pre.transform([
      { a: null, b: null },
      { a: 3, b: 'p' },
      { a: Number.NaN, b: 'zzz' },
    ]);
    const std = a.type === 'numeric' ? a.std : 1;
    expect(Array.from(x.subarray(0, 6))).toEqual([0, 1, 1, 0, 0, 0]);
    expect(Array.from(x.subarray(6, 12))).toEqual([0, 0, 0, 1, 0, 0]);
    expect(Array.from(x.subarray(12, 18))).toEqual([0, 1, 0, 0, 0, 1]); // unseen -> __other__
    expect(pre.transform([{ a: 3 + std, b: 'q' }])[0]).toBeCloseTo(1, 6);
    // Regression target is standardised with training stats and inverted by decodeTarget.
    expect(pre.label).toMatchObject({ task: 'regression', mean: 3 });
    expect(pre.decodeTarget(pre.encodeLabel(4))).toBeCloseTo(4, 6);
  });

  it('maps unseen categories and categories past max_categories to __other__', async () => {
    const config = makeConfig({
      task: 'binary',
      label: 'y',
      data: {
        split: { validation: 0, test: 0 },
        features: [{ name: 'c', type: 'categorical', max_categories: 2 }],
      },
    });
    const rows: Row[] = [];
    for (const [value, count] of [
      ['a', 30],
      ['b', 20],
      ['c', 10],
      ['d', 5],
    ] as const) {
      for (let i = 0; i < count; i++) rows.push({ c: value, y: i % 2 });
    }
    const { preprocessor: pre } = await fitPreprocessor({ config, source: arraySource(rows), hasEval: true });
    const c = pre.features[0]!;
    expect(c.type === 'categorical' && c.categories).toEqual(['a', 'b']);
    expect(pre.width).toBe(3);
    expect(Array.from(pre.transform([{ c: 'c' }, { c: 'never-seen' }, { c: 'b' }]))).toEqual([
      0, 0, 1, 0, 0, 1, 0, 1, 0,
    ]);
  });

  it('encodes embedding features as indexes (0 = __other__)', async () => {
    const config = makeConfig({
      task: 'binary',
      label: 'y',
      data: {
        split: { validation: 0, test: 0 },
        features: [
          { name: 'x', type: 'numeric' },
          { name: 'city', type: 'categorical', encoding: 'embedding', embedding_dim: 3 },
        ],
      },
    });
    const rows: Row[] = ['b', 'a', 'b', 'c', 'b', 'a'].map((city, i) => ({ x: i, city, y: i % 2 }));
    const { preprocessor: pre } = await fitPreprocessor({ config, source: arraySource(rows), hasEval: true });
    expect(pre.denseWidth).toBe(1);
    expect(pre.embeddings).toEqual([{ name: 'city', column: 1, vocabSize: 4, dim: 3 }]);
    const x = pre.transform([
      { x: 0, city: 'b' },
      { x: 0, city: 'a' },
      { x: 0, city: 'unknown' },
    ]);
    expect([x[1], x[3], x[5]]).toEqual([1, 2, 0]);
    expect(pre.columnsOf('city')).toEqual([1]);
  });

  it('encodes binary labels with positive_label or the default positive values', async () => {
    const rows = (labels: (string | number | boolean)[]) => labels.map((y, i) => ({ x: i, y }));
    const fitLabels = (labels: (string | number | boolean)[], data: Record<string, unknown> = {}) =>
      fitPreprocessor({
        config: makeConfig({
          task: 'binary',
          label: 'y',
          data: { split: { validation: 0, test: 0 }, ...data },
        }),
        source: arraySource(rows(labels)),
        hasEval: true,
      });
    expect((await fitLabels(['no', 'yes', 'no'])).preprocessor.label).toMatchObject({
      positive: 'yes',
      negative: 'no',
    });
    expect((await fitLabels([true, false])).preprocessor.label).toMatchObject({
      positive: 'true',
      negative: 'false',
    });
    expect((await fitLabels([0, 1, 1])).preprocessor.label).toMatchObject({ positive: '1', negative: '0' });
    expect((await fitLabels(['bad', 'good'], { positive_label: 'bad' })).preprocessor.label).toMatchObject({
      positive: 'bad',
    });
    await expect(fitLabels(['bad', 'good'])).rejects.toThrow(/set data.positive_label/);
    await expect(fitLabels(['a', 'b', 'c'])).rejects.toThrow(DataError);
    await expect(fitLabels(['a', 'b', 'c'])).rejects.toThrow(/exactly two distinct values/);
    await expect(fitLabels(['bad', 'good'], { positive_label: 'ok' })).rejects.toThrow(/positive_label "ok"/);
  });

  it('sorts multiclass classes and rejects unknown classes at encoding time', async () => {
    const config = makeConfig({
      task: 'multiclass',
      label: 'k',
      data: { split: { validation: 0, test: 0 } },
    });
    const rows = [10, 2, 33, 2].map((k, i) => ({ x: i, k }));
    const { preprocessor: pre } = await fitPreprocessor({ config, source: arraySource(rows), hasEval: true });
    expect(pre.label).toMatchObject({ task: 'multiclass', classes: ['2', '10', '33'] });
    expect(pre.encodeLabel(33)).toBe(2);
    expect(() => pre.encodeLabel(4)).toThrow(/not one of the training classes/);
  });

  it('rejects non-numeric values in declared numeric features, naming column and row', async () => {
    const config = makeConfig({
      task: 'binary',
      label: 'y',
      data: { split: { validation: 0, test: 0 }, features: [{ name: 'x', type: 'numeric' }] },
    });
    const rows = [
      { x: 1, y: 0 },
      { x: 'abc', y: 1 },
    ];
    await expect(fitPreprocessor({ config, source: arraySource(rows), hasEval: true })).rejects.toThrow(
      /numeric feature "x" has a non-numeric value "abc" \(train.csv, row 2\)/,
    );
  });

  it('round-trips through JSON with a version field', async () => {
    const config = makeConfig({ task: 'binary', label: 'y' });
    const { preprocessor: pre } = await fitPreprocessor({
      config,
      source: arraySource(binaryRows(200)),
      hasEval: false,
    });
    const json = JSON.parse(JSON.stringify(pre.toJSON()));
    expect(json).toMatchObject({ format: 'modelgate-preprocessing', version: 1 });
    const back = Preprocessor.fromJSON(json);
    const sample = binaryRows(20, 99);
    expect(back.transform(sample)).toEqual(pre.transform(sample));
    expect(() => Preprocessor.fromJSON({ ...json, version: 99 })).toThrow(/version 99 is not supported/);
    expect(() => Preprocessor.fromJSON({})).toThrow(DataError);
    expect(OTHER).toBe('__other__');
  });

  it('encodes the training source into exact, consistent splits', async () => {
    const config = makeConfig({ task: 'binary', label: 'y', data: { id: 'id', slices: ['group'] } });
    const rows = binaryRows(500);
    rows[3]!['y'] = null; // skipped
    const source = arraySource(rows);
    const { preprocessor: pre, counts } = await fitPreprocessor({ config, source, hasEval: false });
    expect(counts.skipped).toBe(1);
    const splits = await encodeTrainingSource(pre, { config, source, counts, hasEval: false });
    expect(splits.train.n).toBe(counts.train);
    expect(splits.validation.n).toBe(counts.validation);
    expect(splits.test.n).toBe(counts.test);
    expect(splits.train.X.length).toBe(counts.train * pre.width);
    expect(splits.test.ids?.length).toBe(counts.test);
    expect(splits.test.slices?.['group']?.length).toBe(counts.test);
    expect(splits.train.yRaw).toBeUndefined();
  });
});
