import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelConfigSchema } from '../../src/config/model-config.js';
import type { RunRecord } from '../../src/config/run-record.js';
import { compareRunFolders, loadExamples, readRunFolder } from '../../src/diff/index.js';
import type { ModelSignature } from '../../src/train/saved-model.js';
import {
  binaryExamples,
  col,
  fingerprint,
  makeRun,
  repoModel,
  runFromExamples,
  syntheticBinary,
} from './helpers.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'modelgate-diff-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const MODEL_YML = `name: risk
task: binary
threshold: 0.5
data:
  train: ../data/train.csv
  eval: ../data/eval.csv
  label: claim
  id: policy_id
  slices: [gender]
  features:
    - { name: age, type: numeric }
    - { name: region, type: categorical }
`;

function signature(inputs: ModelSignature['inputs']): ModelSignature {
  return {
    format: 'modelgate-signature',
    version: 1,
    model: 'risk',
    inputs,
    output: { task: 'binary', label: 'claim', positive_label: '1', negative_label: '0', threshold: 0.5 },
    id: 'policy_id',
  };
}

async function writeRun(
  dir: string,
  record: RunRecord,
  csv: string | null,
  options: { sig?: ModelSignature; version?: string; modelYml?: string } = {},
): Promise<string> {
  await mkdir(join(dir, 'model'), { recursive: true });
  await writeFile(join(dir, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
  await writeFile(join(dir, 'model.yml'), options.modelYml ?? MODEL_YML);
  if (csv !== null) await writeFile(join(dir, 'predictions.csv'), csv);
  if (options.sig) await writeFile(join(dir, 'model', 'signature.json'), JSON.stringify(options.sig));
  if (options.version)
    await writeFile(join(dir, 'version.json'), JSON.stringify({ version: options.version }));
  return dir;
}

function predictionsCsv(
  ids: string[],
  yTrue: Float64Array,
  score: Float64Array,
  gender: string[],
  order?: number[],
) {
  const rows = (order ?? ids.map((_, i) => i)).map((i) => `${ids[i]},${yTrue[i]},${score[i]},${gender[i]}`);
  return `policy_id,claim,score,gender\n${rows.join('\n')}\n`;
}

describe('compareRunFolders', () => {
  it('reads two run folders (run.json, model.yml, predictions, signature, version) and gates the change', async () => {
    const n = 600;
    const { yTrue, scores, ids, group } = syntheticBinary(n, [
      { signal: 0.5, noise: 1 },
      { signal: 1, noise: 0.3 },
    ]);
    const gender = group.map((g) => (g === 'a' ? 'female' : 'male'));
    const evalFp = fingerprint('e', n, [
      col('policy_id', 'string'),
      col('age'),
      col('region', 'string'),
      col('claim'),
    ]);
    const base = binaryExamples(yTrue, scores[0]!, { ids, slices: { gender } });
    const cand = binaryExamples(yTrue, scores[1]!, { ids, slices: { gender } });
    const sig = signature([
      { name: 'age', type: 'numeric', nullable: false },
      { name: 'region', type: 'categorical', nullable: false, categories: ['n', 's'] },
    ]);
    const baselineDir = await writeRun(
      join(root, 'baseline'),
      runFromExamples(base, { id: 'risk-base', data: { eval: evalFp } }),
      predictionsCsv(ids, yTrue, scores[0]!, gender),
      { sig, version: '1.0.0' },
    );
    // The candidate wrote its rows in reverse order: pairing is by id.
    const reversed = ids.map((_, i) => n - 1 - i);
    const candidateDir = await writeRun(
      join(root, 'candidate'),
      runFromExamples(cand, {
        id: 'risk-cand',
        data: { eval: evalFp },
        params: { seed: 42, threshold: 0.5, trainer: { hidden: [64, 32] } },
      }),
      predictionsCsv(ids, yTrue, scores[1]!, gender, reversed),
      { sig },
    );
    const model = repoModel({
      metrics: [{ name: 'roc_auc', max_regression: 0.01, min: 0.6, required: true }],
      fairness: { slice: 'gender', max_demographic_parity_difference: 0.5 },
      bump: 'patch',
    });
    const { diff, gate, examples } = await compareRunFolders({
      baselineDir,
      candidateDir: join(candidateDir, 'run.json'),
      repoModel: model,
      labels: ['model:minor'],
      bootstrap: { resamples: 100, seed: 1 },
    });
    expect(diff.baseline).toMatchObject({ id: 'risk-base', version: '1.0.0' });
    expect(diff.candidate.id).toBe('risk-cand');
    expect(diff.bootstrap).toEqual({ resamples: 100, confidence: 0.95, seed: 1, paired: n, pairing: 'id' });
    const auc = diff.metrics.find((m) => m.name === 'roc_auc' && m.slice === null)!;
    expect(auc.status).toBe('improved');
    expect(auc.ci![0]).toBeGreaterThan(0);
    expect(diff.metrics.find((m) => m.name === 'roc_auc' && m.slice?.value === 'female')!.ci).not.toBeNull();
    expect(diff.params).toEqual([{ path: 'trainer.hidden', kind: 'added', candidate: [64, 32] }]);
    expect(diff.fairness.find((f) => f.name === 'demographic_parity_difference')!.limit).toBe(0.5);
    expect(gate.verdict).toBe('pass');
    expect(gate.reasons).toEqual([]);
    expect(gate.bump).toEqual({ bump: 'minor', reason: 'label model:minor' });
    expect(examples.baseline!.yTrue.length).toBe(n);
    expect(examples.candidate!.ids![0]).toBe(ids[n - 1]);
    expect(examples.candidate!.slices.gender![0]).toBe(gender[n - 1]);

    // A candidate whose model lost an input: a schema break, and a major bump.
    const brokenDir = await writeRun(
      join(root, 'broken'),
      runFromExamples(cand, { id: 'risk-broken', data: { eval: evalFp } }),
      predictionsCsv(ids, yTrue, scores[1]!, gender),
      { sig: signature([{ name: 'age', type: 'numeric', nullable: false }]) },
    );
    const broken = await compareRunFolders({
      baselineDir,
      candidateDir: brokenDir,
      repoModel: model,
      bootstrap: { resamples: 20 },
    });
    expect(broken.gate.verdict).toBe('fail');
    expect(broken.gate.reasons[0]).toMatchObject({
      code: 'schema-break',
      message: 'the model signature breaks its clients: inputs removed: region',
    });
    expect(broken.gate.bump.bump).toBe('major');

    // First model: no baseline folder.
    const first = await compareRunFolders({ baselineDir: null, candidateDir, repoModel: model });
    expect(first.diff.baseline).toBeNull();
    expect(first.gate.verdict).toBe('pass');
    expect(first.gate.reasons.map((r) => r.code)).toEqual(['first-model']);
    expect(first.examples.baseline).toBeNull();
    expect(first.examples.candidate).not.toBeNull();
  });

  it('a bad run folder is an error naming the file', async () => {
    await expect(compareRunFolders({ baselineDir: null, candidateDir: join(root, 'nope') })).rejects.toThrow(
      /no such run folder/,
    );
    const dir = join(root, 'no-model-yml');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'run.json'), JSON.stringify(makeRun()));
    await expect(readRunFolder(dir)).rejects.toThrow(/model\.yml: file not found/);
    const a = await writeRun(join(root, 'model-a'), makeRun(), null);
    const b = await writeRun(join(root, 'model-b'), makeRun({ model: 'other' }), null);
    await expect(compareRunFolders({ baselineDir: a, candidateDir: b })).rejects.toThrow(
      /is a run of model "risk", the candidate .* of "other"/,
    );
  });
});

describe('loadExamples', () => {
  it('command mode: label and score columns from the config, positive label, ids and slices', async () => {
    const dir = join(root, 'command');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'out.csv'), 'id,y,p,region\n1,yes,0.9,north\n2,no,0.2,\n3,yes,0.6,3\n');
    const config = ModelConfigSchema.parse({
      name: 'risk',
      task: 'binary',
      threshold: 0.7,
      data: {
        train: 'train.csv',
        label: 'claim',
        id: 'id',
        slices: ['region', 'absent'],
        positive_label: 'yes',
      },
      command: { run: 'python3 train.py', predictions: 'out.csv', label_column: 'y', score_column: 'p' },
    });
    const record = makeRun({ mode: 'command', artifacts: { predictions: 'out.csv' } });
    const ex = (await loadExamples(dir, record, config))!;
    expect(ex.task).toBe('binary');
    expect([...ex.yTrue]).toEqual([1, 0, 1]);
    expect([...ex.score!]).toEqual([0.9, 0.2, 0.6]);
    expect(ex.ids).toEqual(['1', '2', '3']);
    expect(ex.slices).toEqual({ region: ['north', null, '3'] });
    expect(ex.threshold).toBe(0.7);
    // No predictions file: null.
    expect(await loadExamples(dir, makeRun({ artifacts: {} }), config)).toBeNull();
    expect(
      await loadExamples(dir, makeRun({ artifacts: { predictions: 'missing.csv' } }), config),
    ).toBeNull();
  });

  it('multiclass: proba_<class> columns, or a predicted class as one-hot; regression: label and score', async () => {
    const dir = join(root, 'multi');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'p.csv'), 'kind,proba_a,proba_b,proba_c\nb,0.2,0.7,0.1\nc,0.1,0.1,0.8\n');
    await writeFile(join(dir, 'h.jsonl'), '{"kind":"b","prediction":"a"}\n{"kind":"c","prediction":"c"}\n');
    await writeFile(join(dir, 'r.csv'), 'price,score\n10,11\n20,18.5\n');
    const config = (task: string, label: string) =>
      ModelConfigSchema.parse({ name: 'm', task, data: { train: 't.csv', label } });
    const mc = (await loadExamples(
      dir,
      makeRun({ task: 'multiclass', artifacts: { predictions: 'p.csv' } }),
      config('multiclass', 'kind'),
    ))!;
    expect(mc.classes).toEqual(['a', 'b', 'c']);
    expect([...mc.yTrue]).toEqual([1, 2]);
    expect([...mc.proba!]).toEqual([0.2, 0.7, 0.1, 0.1, 0.1, 0.8]);
    expect(mc.ids).toBeNull();
    const hard = (await loadExamples(
      dir,
      makeRun({ task: 'multiclass', artifacts: { predictions: 'h.jsonl' } }),
      config('multiclass', 'kind'),
    ))!;
    expect(hard.classes).toEqual(['a', 'b', 'c']);
    expect([...hard.proba!]).toEqual([1, 0, 0, 0, 0, 1]);
    const reg = (await loadExamples(
      dir,
      makeRun({ task: 'regression', artifacts: { predictions: 'r.csv' } }),
      config('regression', 'price'),
    ))!;
    expect([...reg.yTrue]).toEqual([10, 20]);
    expect([...reg.yPred!]).toEqual([11, 18.5]);
  });

  it('bad predictions are DataErrors naming the file, line and column', async () => {
    const dir = join(root, 'bad');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'a.csv'), 'claim,score\n1,0.5\n0,1.5\n');
    await writeFile(join(dir, 'b.csv'), 'claim,prob\n1,0.5\n');
    const config = ModelConfigSchema.parse({
      name: 'm',
      task: 'binary',
      data: { train: 't.csv', label: 'claim' },
    });
    await expect(loadExamples(dir, makeRun({ artifacts: { predictions: 'a.csv' } }), config)).rejects.toThrow(
      /a\.csv:3 column "score": score must be a probability in \[0, 1\], got 1\.5/,
    );
    await expect(loadExamples(dir, makeRun({ artifacts: { predictions: 'b.csv' } }), config)).rejects.toThrow(
      /missing column "score" \(the file has: claim, prob\)/,
    );
  });
});
