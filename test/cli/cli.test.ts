import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { mainHelp } from '../../src/cli.js';
import { computeMetrics, sliceMetrics } from '../../src/metrics/index.js';
import { toReport } from '../../src/runs/predictions.js';
import { cli, hasStack, REPO_ROOT, tempDir } from './helpers.js';

/** A seeded binary predictions file: label, score, gender, region. */
function binaryPredictions(n: number) {
  let s = 7;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const yTrue = new Float64Array(n);
  const score = new Float64Array(n);
  const gender: string[] = [];
  const lines = ['label,score,gender,region'];
  for (let i = 0; i < n; i++) {
    const y = rnd() < 0.35 ? 1 : 0;
    const p = Math.round(Math.min(0.999, Math.max(0.001, 0.3 + 0.35 * y + (rnd() - 0.5) * 0.6)) * 1e6) / 1e6;
    const g = rnd() < 0.5 ? 'female' : 'male';
    yTrue[i] = y;
    score[i] = p;
    gender.push(g);
    lines.push(`${y},${p},${g},${rnd() < 0.5 ? 'north' : 'south'}`);
  }
  return { text: `${lines.join('\n')}\n`, yTrue, score, gender };
}

describe('help', () => {
  it('main --help and every command --help exit 0', async () => {
    const dir = await tempDir();
    const top = await cli(['--help'], dir);
    expect(top.code).toBe(0);
    expect(top.out).toBe(mainHelp());
    for (const c of COMMANDS) expect(top.out).toContain(`  ${c.name}`);
    for (const c of COMMANDS) {
      for (const flag of ['--help', '-h']) {
        const r = await cli([c.name, flag], dir);
        expect(r.code, `${c.name} ${flag}`).toBe(0);
        expect(r.out).toMatch(/^Usage: modelgate /);
        expect(r.err).toBe('');
        for (const [name, o] of Object.entries(c.options)) {
          expect(r.out, `${c.name} --${name}`).toContain(`--${name}`);
          if (o.required) expect(r.out).toMatch(new RegExp(`--${name}.*required`));
        }
      }
    }
  });

  it('no command prints the help and exits 2; --version prints the version', async () => {
    const dir = await tempDir();
    const none = await cli([], dir);
    expect(none.code).toBe(2);
    expect(none.out).toContain('Usage: modelgate <command>');
    const version = await cli(['--version'], dir);
    expect(version.code).toBe(0);
    expect(version.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('usage errors exit 2, name the problem and print no stack', () => {
  const cases: [string[], RegExp][] = [
    [['frobnicate'], /unknown command "frobnicate"/],
    [['metrics', '--task', 'binary', '--predictions', 'p.csv', '--bogus'], /--bogus/],
    [['metrics', '--predictions', 'p.csv'], /missing required option --task/],
    [['metrics', '--task', 'binary'], /missing required option --predictions/],
    [
      ['metrics', '--task', 'ranking', '--predictions', 'p.csv'],
      /--task must be one of binary, multiclass, regression \(got "ranking"\)/,
    ],
    [['metrics', '--task'], /--task/],
    [
      ['metrics', '--task', 'binary', '--predictions', 'p.csv', '--threshold', 'high'],
      /--threshold .*"high"/,
    ],
    [['train'], /missing required option --model/],
    [['train', '--model', 'm.yml', '--backend', 'tpu'], /--backend must be one of .*"tpu"/],
    [['register', '--run', 'r', '--bump', 'huge'], /--bump must be one of major, minor, patch/],
    [['register', '--run', 'r', '--bump', 'major', '--version', '1.0.0'], /--version or --bump, not both/],
    [['example-data', '--out', 'x.csv', '--rows', '0'], /--rows must be an integer >= 1 \(got "0"\)/],
    [['example-data', '--out', 'x.csv', '--rows', '1.5'], /--rows must be an integer >= 1 \(got "1\.5"\)/],
    [['versions'], /missing required option --model/],
    [['evaluate', '--run', '.'], /not a run folder/],
  ];
  for (const [argv, pattern] of cases) {
    it(argv.join(' '), async () => {
      const r = await cli(argv, await tempDir());
      expect(r.code).toBe(2);
      expect(r.err).toMatch(pattern);
      expect(hasStack(r.err), r.err).toBe(false);
      expect(r.err).not.toMatch(/internal error/);
    });
  }
});

describe('metrics', () => {
  it('--json prints one JSON object equal to computeMetrics on the same data', async () => {
    const dir = await tempDir();
    const p = binaryPredictions(300);
    await writeFile(join(dir, 'preds.csv'), p.text);
    const r = await cli(['metrics', '--task', 'binary', '--predictions', 'preds.csv', '--json'], dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(1);
    const printed = JSON.parse(r.out) as Record<string, number | null>;
    expect(Object.keys(printed)).toEqual(
      expect.arrayContaining(['roc_auc', 'log_loss', 'accuracy', 'precision', 'recall', 'f1', 'brier']),
    );
    expect(printed).not.toHaveProperty('slices');
    const expected = computeMetrics('binary', { yTrue: p.yTrue, score: p.score, threshold: 0.5 });
    expect(printed).toEqual(JSON.parse(JSON.stringify(expected)));

    const t = await cli(
      ['metrics', '--task', 'binary', '--predictions', 'preds.csv', '--threshold', '0.3', '--json'],
      dir,
    );
    expect(JSON.parse(t.out)).toEqual(
      JSON.parse(
        JSON.stringify(computeMetrics('binary', { yTrue: p.yTrue, score: p.score, threshold: 0.3 })),
      ),
    );
  });

  it('--slice adds per-slice metrics and fairness gaps', async () => {
    const dir = await tempDir();
    const p = binaryPredictions(300);
    await writeFile(join(dir, 'preds.csv'), p.text);
    const r = await cli(
      [
        'metrics',
        '--task',
        'binary',
        '--predictions',
        'preds.csv',
        '--slice',
        'gender',
        '--slice',
        'region',
        '--json',
      ],
      dir,
    );
    expect(r.code, r.err).toBe(0);
    const printed = JSON.parse(r.out) as { slices: { column: string; groups: { value: string }[] }[] };
    expect(printed.slices.map((s) => s.column)).toEqual(['gender', 'region']);
    const input = { yTrue: p.yTrue, score: p.score, threshold: 0.5 };
    expect(printed.slices[0]).toEqual(
      JSON.parse(JSON.stringify(toReport(sliceMetrics('binary', input, 'gender', p.gender)))),
    );
    expect(printed.slices[0]!.groups.map((g) => g.value)).toEqual(['female', 'male']);
    expect(Object.keys((printed.slices[0] as unknown as { gaps: object }).gaps)).toEqual(
      expect.arrayContaining(['demographic_parity_difference', 'equal_opportunity_difference']),
    );
    // The table view prints the slices too.
    const table = await cli(
      ['metrics', '--task', 'binary', '--predictions', 'preds.csv', '--slice', 'gender'],
      dir,
    );
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^300 rows/);
    expect(table.out).toMatch(/roc_auc/);
    expect(table.out).toMatch(/female/);
  });

  it('regression with another score column', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'r.csv'), 'y,yhat\n1,1.5\n2,1.5\n3,3.5\n4,4\n');
    const r = await cli(
      [
        'metrics',
        '--task',
        'regression',
        '--predictions',
        'r.csv',
        '--label',
        'y',
        '--score',
        'yhat',
        '--json',
      ],
      dir,
    );
    expect(r.code, r.err).toBe(0);
    const expected = computeMetrics('regression', {
      yTrue: Float64Array.from([1, 2, 3, 4]),
      yPred: Float64Array.from([1.5, 1.5, 3.5, 4]),
    });
    expect(JSON.parse(r.out)).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it('multiclass from probability columns, or from predicted classes only (log_loss null)', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'm.csv'),
      'label,proba_a,proba_b,proba_c\na,0.7,0.2,0.1\nb,0.1,0.8,0.1\nc,0.3,0.3,0.4\na,0.2,0.5,0.3\nc,0.1,0.1,0.8\n',
    );
    const r = await cli(['metrics', '--task', 'multiclass', '--predictions', 'm.csv', '--json'], dir);
    expect(r.code, r.err).toBe(0);
    const expected = computeMetrics('multiclass', {
      yTrue: Float64Array.from([0, 1, 2, 0, 2]),
      proba: Float64Array.from([0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.3, 0.3, 0.4, 0.2, 0.5, 0.3, 0.1, 0.1, 0.8]),
      classes: ['a', 'b', 'c'],
    });
    expect(JSON.parse(r.out)).toEqual(JSON.parse(JSON.stringify(expected)));

    await writeFile(join(dir, 'c.csv'), 'label,prediction\na,a\nb,a\nc,c\nb,b\n');
    const c = await cli(['metrics', '--task', 'multiclass', '--predictions', 'c.csv', '--json'], dir);
    expect(c.code, c.err).toBe(0);
    const printed = JSON.parse(c.out) as Record<string, number | null>;
    expect(printed['log_loss']).toBeNull();
    expect(printed['accuracy']).toBe(0.75);
  });

  it('a missing column exits 2 naming the file, the header line and the column', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'p.csv'), 'label,prob\n1,0.9\n0,0.2\n');
    const r = await cli(['metrics', '--task', 'binary', '--predictions', 'p.csv'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${join(dir, 'p.csv')}:1`);
    expect(r.err).toMatch(/missing column "score" \(the file has: label, prob\)/);
    expect(hasStack(r.err)).toBe(false);
  });

  it('a non-numeric score exits 2 naming file, line and column', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'p.csv'), 'label,score\n1,0.9\n0,0.2\n1,high\n0,0.1\n');
    const r = await cli(['metrics', '--task', 'binary', '--predictions', 'p.csv'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${join(dir, 'p.csv')}:4 column "score": expected a number, got "high"`);
    expect(hasStack(r.err)).toBe(false);
  });

  it('JSONL predictions: errors name the line of the record', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'p.jsonl'), '{"label":1,"score":0.9}\n{"label":0,"score":"x"}\n');
    const r = await cli(['metrics', '--task', 'binary', '--predictions', 'p.jsonl'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${join(dir, 'p.jsonl')}:2 column "score"`);
  });

  it('a score outside [0, 1] or a bad binary label is an input error', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a.csv'), 'label,score\n1,0.9\n0,1.7\n');
    const a = await cli(['metrics', '--task', 'binary', '--predictions', 'a.csv'], dir);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/a\.csv:3 column "score": score must be a probability in \[0, 1\], got 1\.7/);
    await writeFile(join(dir, 'b.csv'), 'label,score\n1,0.9\nmaybe,0.2\n');
    const b = await cli(['metrics', '--task', 'binary', '--predictions', 'b.csv'], dir);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/b\.csv:3 column "label"/);
  });
});

describe('check', () => {
  it('the example repository is valid', async () => {
    const r = await cli(['check', '--repo', 'examples/risk-scoring'], REPO_ROOT);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^ok: .*modelgate\.yml and 2 model\.yml files are valid/);
  });

  it('a broken copy exits 2 with file:line and field for every problem', async () => {
    const dir = await tempDir();
    await cp(join(REPO_ROOT, 'examples', 'risk-scoring'), dir, {
      recursive: true,
      filter: (src) => !/[\\/](data|\.modelgate)$/.test(src),
    });
    const modelFile = join(dir, 'models', 'risk', 'model.yml');
    const text = await readFile(modelFile, 'utf8');
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('  learning_rate:'));
    lines[at] = '  learning_rat: 0.003';
    await writeFile(modelFile, lines.join('\n'));
    const torchFile = join(dir, 'models', 'risk-torch', 'model.yml');
    await writeFile(
      torchFile,
      (await readFile(torchFile, 'utf8')).replace('name: risk-torch', 'name: risk-pytorch'),
    );

    const r = await cli(['check', '--repo', dir], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${modelFile}:${at + 1}: trainer.learning_rat: unknown field`);
    expect(r.err).toMatch(/risk-torch[\\/]model\.yml: name: differs from models\[1\]\.name "risk-torch"/);
    expect(r.err).toMatch(/\(2 problems\)/);
    expect(hasStack(r.err)).toBe(false);

    // A bad .github/modelgate.yml is reported with its line.
    const repoFile = join(dir, '.github', 'modelgate.yml');
    const repoText = await readFile(repoFile, 'utf8');
    const bumpLine = repoText.split('\n').findIndex((l) => l.includes('bump: minor')) + 1;
    await writeFile(repoFile, repoText.replace('bump: minor', 'bump: huge'));
    const r2 = await cli(['check'], dir);
    expect(r2.code).toBe(2);
    expect(r2.err).toContain(`${repoFile}:${bumpLine}: models[0].bump:`);
    expect(r2.err).toContain('(got "huge")');
  });

  it('a listed model without a model.yml is reported', async () => {
    const dir = await tempDir();
    await cp(join(REPO_ROOT, 'examples', 'risk-scoring', '.github'), join(dir, '.github'), {
      recursive: true,
    });
    const r = await cli(['check', '--repo', '.'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/models\[0\]\.path: no model\.yml at /);
  });
});

describe('example-data', () => {
  it('writes the requested rows, deterministically for a seed', async () => {
    const dir = await tempDir();
    const a = await cli(['example-data', '--out', 'a.csv', '--rows', '250', '--seed', '3'], dir);
    expect(a.code, a.err).toBe(0);
    expect(a.out).toBe('wrote 250 rows to a.csv\n');
    await cli(['example-data', '--out', 'b.csv', '--rows', '250', '--seed', '3'], dir);
    await cli(['example-data', '--out', 'c.csv', '--rows', '250', '--seed', '4'], dir);
    const [ta, tb, tc] = await Promise.all(
      ['a.csv', 'b.csv', 'c.csv'].map((f) => readFile(join(dir, f), 'utf8')),
    );
    expect(ta).toBe(tb);
    expect(ta).not.toBe(tc);
    const lines = ta!.trimEnd().split('\n');
    expect(lines).toHaveLength(251);
    expect(lines[0]).toBe(
      'policy_id,age,gender,region,vehicle_type,vehicle_age,vehicle_value,annual_mileage,years_licensed,prior_claims,credit_band,telematics_score,claim',
    );
    expect(lines[1]!.startsWith('P100000,')).toBe(true);
    const j = await cli(['example-data', '--out', 'd.jsonl', '--rows', '5', '--first-id', '500'], dir);
    expect(j.code).toBe(0);
    const records = (await readFile(join(dir, 'd.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toHaveLength(5);
    expect(records[0]!['policy_id']).toBe('P500');
  });
});

describe('train: input errors exit 2 without a stack', () => {
  it('a bad model.yml names file:line: field', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'model.yml'),
      'name: tiny\ntask: binary\ndata:\n  train: train.csv\n  label: y\ntrainer:\n  epochs: many\n',
    );
    const r = await cli(['train', '--model', 'model.yml'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${join(dir, 'model.yml')}:7: trainer.epochs:`);
    expect(r.err).toContain('(got "many")');
    expect(hasStack(r.err)).toBe(false);
  });

  it('a missing data file names data.train and the path', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'model.yml'),
      'name: tiny\ntask: binary\ndata:\n  train: data/nope.csv\n  label: y\n',
    );
    const r = await cli(['train', '--model', 'model.yml', '--out', 'run'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('data.train');
    expect(r.err).toContain(join(dir, 'data', 'nope.csv'));
    expect(r.err).toContain('(got "data/nope.csv")');
    expect(hasStack(r.err)).toBe(false);
  });

  it('a label column that is not in the data names data.label', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'train.csv'), 'x,z\n1,0\n2,1\n');
    await writeFile(
      join(dir, 'model.yml'),
      'name: tiny\ntask: binary\ndata:\n  train: train.csv\n  label: y\n',
    );
    const r = await cli(['train', '--model', 'model.yml', '--out', 'run'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/data\.label: column not found in data\.train .*it has: x, z \(got "y"\)/);
  });
});

describe('register / versions', () => {
  it('an empty registry lists nothing; a missing run folder is an input error', async () => {
    const dir = await tempDir();
    const v = await cli(['versions', '--model', 'risk'], dir);
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/^no versions of risk in /);
    const j = await cli(['versions', '--model', 'risk', '--json'], dir);
    expect(JSON.parse(j.out)).toEqual([]);
    const r = await cli(['register', '--run', 'nowhere'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nowhere[\\/]run\.json: file not found/);
  });
});
