import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatPath,
  loadJsonFile,
  loadYamlFile,
  MetricsFileSchema,
  ModelConfigSchema,
  normaliseMetricsFile,
  parseJson,
  parseYaml,
  RepoConfigSchema,
  RunRecordSchema,
} from '../../src/config/index.js';
import { ConfigError, type ConfigIssue, formatIssue } from '../../src/errors.js';
import { tempDir } from '../cli/helpers.js';

/** Parses and returns the ConfigError's issues (fails the test when parsing succeeds). */
function issuesOf(parse: () => unknown): ConfigIssue[] {
  try {
    parse();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).exitCode).toBe(2);
    return (e as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

const MODEL = ['name: churn', 'task: binary', 'data:', '  train: data/train.csv', '  label: churned'];
const model = (...extra: string[]) => [...MODEL, ...extra].join('\n') + '\n';

const REPO = ['version: 1', 'models:', '  - name: churn', '    path: models/churn'];
const repo = (...extra: string[]) => [...REPO, ...extra].join('\n') + '\n';

describe('model.yml', () => {
  it('parses a minimal file with every default applied', () => {
    const m = parseYaml(model(), 'model.yml', ModelConfigSchema);
    expect(m).toMatchObject({
      name: 'churn',
      task: 'binary',
      seed: 42,
      threshold: 0.5,
      description: '',
      owners: [],
      data: {
        train: 'data/train.csv',
        label: 'churned',
        ignore: [],
        slices: [],
        split: { validation: 0.15, test: 0.2 },
      },
    });
    expect(m.trainer).toBeUndefined();
    expect(m.command).toBeUndefined();
  });

  it('fills the trainer defaults, nested objects included', () => {
    const m = parseYaml(model('trainer:', '  epochs: 3'), 'model.yml', ModelConfigSchema);
    expect(m.trainer).toMatchObject({
      type: 'tfjs',
      architecture: 'mlp',
      hidden: [64, 32],
      epochs: 3,
      batch_size: 256,
      optimizer: 'adam',
      backend: 'auto',
      early_stopping: { patience: 5, min_delta: 0.0001 },
      importance: { enabled: true, repeats: 3, max_rows: 5000 },
    });
  });

  it('fills the command defaults', () => {
    const m = parseYaml(
      model('command:', '  run: python train.py', '  predictions: preds.csv'),
      'model.yml',
      ModelConfigSchema,
    );
    expect(m.command).toMatchObject({
      run: 'python train.py',
      working_directory: '.',
      predictions: 'preds.csv',
      env: {},
      timeout_minutes: 360,
      label_column: 'label',
      score_column: 'score',
    });
  });

  it('an unknown key (a typo) names file, line and the field path', () => {
    const issues = issuesOf(() =>
      parseYaml(
        model('trainer:', '  epochs: 3', '  learning_rat: 0.1'),
        'models/churn/model.yml',
        ModelConfigSchema,
      ),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      file: 'models/churn/model.yml',
      line: 8,
      field: 'trainer.learning_rat',
    });
    expect(issues[0]!.message).toMatch(/unknown field/);
  });

  it('an unknown top-level key names its line', () => {
    const issues = issuesOf(() => parseYaml(model('tresh: 0.3'), 'model.yml', ModelConfigSchema));
    expect(issues[0]).toMatchObject({ line: 6, field: 'tresh' });
  });

  it('a wrong type names file, line, field and value', () => {
    const issues = issuesOf(() =>
      parseYaml(model('trainer:', '  epochs: three'), 'model.yml', ModelConfigSchema),
    );
    expect(issues[0]).toMatchObject({ file: 'model.yml', line: 7, field: 'trainer.epochs', value: 'three' });
    expect(formatIssue(issues[0]!)).toBe(
      'model.yml:7: trainer.epochs: Invalid input: expected number, received string (got "three")',
    );
  });

  it('a wrong type inside an array names the index', () => {
    const issues = issuesOf(() =>
      parseYaml(
        model('  features:', '    - { name: age, type: numeric }', '    - { name: city, type: text }'),
        'model.yml',
        ModelConfigSchema,
      ),
    );
    expect(issues[0]).toMatchObject({ line: 8, field: 'data.features[1].type', value: 'text' });
    expect(formatPath(['data', 'features', 1, 'type'])).toBe('data.features[1].type');
  });

  it('a bad enum value names the allowed values and the value', () => {
    const issues = issuesOf(() =>
      parseYaml(model('trainer:', '  optimizer: rmsprop'), 'm.yml', ModelConfigSchema),
    );
    expect(issues[0]).toMatchObject({ line: 7, field: 'trainer.optimizer', value: 'rmsprop' });
    expect(issues[0]!.message).toMatch(/adam/);
    const task = issuesOf(() => parseYaml(model().replace('binary', 'ranking'), 'm.yml', ModelConfigSchema));
    expect(task[0]).toMatchObject({ line: 2, field: 'task', value: 'ranking' });
  });

  it('a missing required field points at its parent', () => {
    const issues = issuesOf(() =>
      parseYaml('name: churn\ntask: binary\ndata:\n  train: t.csv\n', 'm.yml', ModelConfigSchema),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 4, field: 'data.label', message: 'required field is missing' });
    const top = issuesOf(() => parseYaml('name: churn\ntask: binary\n', 'm.yml', ModelConfigSchema));
    expect(top[0]).toMatchObject({ line: 1, field: 'data', message: 'required field is missing' });
  });

  it('reports every problem at once', () => {
    const issues = issuesOf(() =>
      parseYaml(model('seed: -1', 'threshold: 2', 'trainer:', '  epochz: 3'), 'm.yml', ModelConfigSchema),
    );
    expect(issues.map((i) => [i.field, i.line])).toEqual([
      ['seed', 6],
      ['threshold', 7],
      ['trainer.epochz', 9],
    ]);
    const err = new ConfigError(issues);
    expect(err.message).toMatch(/^Invalid configuration \(3 problems\):\n {2}m\.yml:6: seed:/);
  });

  it('a YAML syntax error names the line', () => {
    const issues = issuesOf(() =>
      parseYaml(model('trainer:', '  hidden: [32, 16', '  epochs: 3'), 'm.yml', ModelConfigSchema),
    );
    expect(issues[0]!.message).toMatch(/^YAML syntax:/);
    expect(issues[0]!.file).toBe('m.yml');
    expect(issues[0]!.line).toBeGreaterThanOrEqual(7);
    expect(issues[0]!.line).toBeLessThanOrEqual(8);
    const tab = issuesOf(() =>
      parseYaml('name: a\ntask: binary\ndata:\n\t train: x\n', 'm.yml', ModelConfigSchema),
    );
    expect(tab[0]).toMatchObject({ file: 'm.yml', line: 4 });
  });

  it('a duplicate key is a syntax error on the duplicate line', () => {
    const issues = issuesOf(() => parseYaml(model('name: other'), 'm.yml', ModelConfigSchema));
    expect(issues[0]).toMatchObject({ line: 6 });
    expect(issues[0]!.message).toMatch(/unique/);
  });

  it('trainer and command together are refused, at the command', () => {
    const issues = issuesOf(() =>
      parseYaml(
        model('trainer:', '  epochs: 2', 'command:', '  run: python train.py', '  predictions: p.csv'),
        'm.yml',
        ModelConfigSchema,
      ),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 9, field: 'command' });
    expect(issues[0]!.message).toMatch(/either `trainer` or `command`/);
  });

  it('a command without predictions or metrics is refused', () => {
    const issues = issuesOf(() =>
      parseYaml(model('command:', '  run: python train.py'), 'm.yml', ModelConfigSchema),
    );
    expect(issues[0]).toMatchObject({ line: 7, field: 'command' });
    expect(issues[0]!.message).toMatch(/`predictions` or `metrics`/);
    // Either one alone is enough.
    expect(
      parseYaml(model('command:', '  run: x', '  metrics: m.json'), 'm.yml', ModelConfigSchema).command
        ?.metrics,
    ).toBe('m.json');
  });

  it('a bad model name is refused', () => {
    const issues = issuesOf(() =>
      parseYaml(model().replace('churn', 'Churn Model'), 'm.yml', ModelConfigSchema),
    );
    expect(issues[0]).toMatchObject({ line: 1, field: 'name', value: 'Churn Model' });
  });

  it('an empty file or a non-mapping is refused with a field', () => {
    expect(issuesOf(() => parseYaml('', 'm.yml', ModelConfigSchema)).map((i) => i.field)).toEqual(
      expect.arrayContaining(['name', 'task', 'data']),
    );
    expect(issuesOf(() => parseYaml('- a\n- b\n', 'm.yml', ModelConfigSchema))[0]).toMatchObject({
      line: 1,
      field: '(root)',
    });
  });
});

describe('.github/modelgate.yml', () => {
  it('parses with defaults', () => {
    const r = parseYaml(repo(), '.github/modelgate.yml', RepoConfigSchema);
    expect(r).toEqual({
      version: 1,
      registry: { type: 'local', path: '.modelgate' },
      models: [
        {
          name: 'churn',
          path: 'models/churn',
          paths: [],
          runs_on: ['self-hosted', 'gpu'],
          metrics: [],
          approvers: [],
          bump: 'minor',
        },
      ],
    });
    const full = parseYaml(
      repo(
        '    runs_on: ubuntu-latest',
        '    metrics:',
        '      - { name: roc_auc, max_regression: 0.01 }',
        '    drift: { schedule: "0 6 * * *" }',
      ),
      'mg.yml',
      RepoConfigSchema,
    );
    expect(full.models[0]!.runs_on).toBe('ubuntu-latest');
    expect(full.models[0]!.metrics[0]).toEqual({
      name: 'roc_auc',
      max_regression: 0.01,
      relative: false,
      required: false,
    });
    expect(full.models[0]!.drift).toEqual({
      schedule: '0 6 * * *',
      method: 'auto',
      share: 0.5,
      retrain: false,
    });
  });

  it('duplicate model names name the second one and the first', () => {
    const issues = issuesOf(() =>
      parseYaml(
        repo('  - name: other', '    path: models/other', '  - name: churn', '    path: models/churn2'),
        'mg.yml',
        RepoConfigSchema,
      ),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: 'mg.yml', line: 7, field: 'models[2].name', value: 'churn' });
    expect(issues[0]!.message).toMatch(/duplicate model name \(also models\[0\]\.name\)/);
  });

  it('an unknown key in a model names its line', () => {
    const issues = issuesOf(() => parseYaml(repo('    aprovers: [alice]'), 'mg.yml', RepoConfigSchema));
    expect(issues[0]).toMatchObject({ line: 5, field: 'models[0].aprovers' });
  });

  it('wrong types and enums name the field and value', () => {
    const bump = issuesOf(() => parseYaml(repo('    bump: huge'), 'mg.yml', RepoConfigSchema));
    expect(bump[0]).toMatchObject({ line: 5, field: 'models[0].bump', value: 'huge' });
    const metric = issuesOf(() =>
      parseYaml(
        repo('    metrics:', '      - name: auc', '        max_regression: lots'),
        'mg.yml',
        RepoConfigSchema,
      ),
    );
    expect(metric[0]).toMatchObject({ line: 7, field: 'models[0].metrics[0].max_regression', value: 'lots' });
    const version = issuesOf(() =>
      parseYaml(repo().replace('version: 1', 'version: 2'), 'mg.yml', RepoConfigSchema),
    );
    expect(version[0]).toMatchObject({ line: 1, field: 'version', value: 2 });
  });

  it('no models, or a model without a path, is refused', () => {
    expect(issuesOf(() => parseYaml('models: []\n', 'mg.yml', RepoConfigSchema))[0]).toMatchObject({
      line: 1,
      field: 'models',
    });
    expect(issuesOf(() => parseYaml('models:\n  - name: a\n', 'mg.yml', RepoConfigSchema))[0]).toMatchObject({
      line: 2,
      field: 'models[0].path',
      message: 'required field is missing',
    });
  });
});

describe('JSON files', () => {
  it('a syntax error names the file and the line', () => {
    const cases: [string, number][] = [
      ['{\n  "a": 1,\n  "b": \n}\n', 4], // unexpected token (no position in some Node messages)
      ['{\n  "a": 1,\n  "b": 2,\n}\n', 4], // trailing comma
      ['{\n  "a" 1\n}\n', 2], // missing colon
      ['{\n  "a": tru\n}\n', 2], // bad literal
      ['[1,\n 2,,\n 3]\n', 2],
      ['{\n  "a": 1\n}\n}\n', 4], // trailing garbage
      ['{\n  "a": 1,\n', 3], // unexpected end
    ];
    for (const [text, line] of cases) {
      const issues = issuesOf(() => parseJson(text, 'run.json', RunRecordSchema));
      expect(issues, JSON.stringify(text)).toHaveLength(1);
      expect(issues[0], JSON.stringify(text)).toMatchObject({ file: 'run.json', line });
      expect(issues[0]!.message, JSON.stringify(text)).toMatch(/^JSON syntax: /);
    }
  });

  it('the message never dumps the whole file', () => {
    const big = `{\n${Array.from({ length: 500 }, (_, i) => `  "k${i}": ${i},`).join('\n')}\n  "bad": }\n`;
    const issues = issuesOf(() => parseJson(big, 'run.json', RunRecordSchema));
    expect(issues[0]!.line).toBe(502);
    expect(formatIssue(issues[0]!).length).toBeLessThan(300);
  });

  it('a schema error names the field and the value', () => {
    const issues = issuesOf(() => parseJson('{"schema_version": 2}', 'run.json', RunRecordSchema));
    expect(issues.find((i) => i.field === 'schema_version')).toMatchObject({ value: 2 });
    expect(issues.find((i) => i.field === 'id')).toMatchObject({ message: 'required field is missing' });
  });

  it('metrics.json: both shapes normalise to { metrics, slices }', () => {
    expect(
      normaliseMetricsFile(parseJson('{"roc_auc": 0.9, "x": null}', 'm.json', MetricsFileSchema)),
    ).toEqual({
      metrics: { roc_auc: 0.9, x: null },
      slices: [],
    });
    const nested = parseJson(
      '{"metrics": {"rmse": 1.5}, "slices": [{"column": "g", "groups": [{"value": "a", "count": 2, "metrics": {"rmse": 1}}]}]}',
      'm.json',
      MetricsFileSchema,
    );
    expect(normaliseMetricsFile(nested)).toEqual({
      metrics: { rmse: 1.5 },
      slices: [{ column: 'g', groups: [{ value: 'a', count: 2, metrics: { rmse: 1 } }], gaps: {} }],
    });
  });

  it('metrics.json errors follow the shape the file was written in', () => {
    // A flat map with a bad value: the flat shape's problem, not "metrics: required".
    expect(issuesOf(() => parseJson('{"roc_auc": "high"}', 'm.json', MetricsFileSchema))).toEqual([
      expect.objectContaining({ file: 'm.json', field: 'roc_auc', value: 'high' }),
    ]);
    expect(issuesOf(() => parseJson('{"metrics": {"rmse": "low"}}', 'm.json', MetricsFileSchema))).toEqual([
      expect.objectContaining({ field: 'metrics.rmse', value: 'low' }),
    ]);
  });

  it('a union field reports the closest branch', () => {
    const issues = issuesOf(() => parseYaml(repo('    runs_on: 5'), 'mg.yml', RepoConfigSchema));
    expect(issues[0]).toMatchObject({ line: 5, field: 'models[0].runs_on', value: 5 });
  });
});

describe('loadYamlFile / loadJsonFile', () => {
  it('read files and report a missing file or a folder', async () => {
    const dir = await tempDir();
    const file = join(dir, 'model.yml');
    await writeFile(file, model());
    expect((await loadYamlFile(file, ModelConfigSchema)).name).toBe('churn');
    await expect(loadYamlFile(join(dir, 'nope.yml'), ModelConfigSchema)).rejects.toThrow(
      /nope\.yml: file not found/,
    );
    await expect(loadJsonFile(dir, RunRecordSchema)).rejects.toThrow(/is a folder/);
    await writeFile(join(dir, 'bad.yml'), model('trainer:', '  epochs: 0'));
    const err = await loadYamlFile(join(dir, 'bad.yml'), ModelConfigSchema).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain(`${join(dir, 'bad.yml')}:7: trainer.epochs:`);
  });
});
