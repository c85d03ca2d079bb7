/** The CLI's commands: each parses its options and calls one library entry point. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadYamlFile } from '../config/load.js';
import { ModelConfigSchema } from '../config/model-config.js';
import { RepoConfigSchema } from '../config/repo-config.js';
import { writeRows } from '../data/write-rows.js';
import { runDemo } from '../demo/demo.js';
import { RISK_COLUMNS, riskRows } from '../demo/risk-data.js';
import { ConfigError, type ConfigIssue, UsageError } from '../errors.js';
import { LocalRegistry } from '../registry/local-registry.js';
import { evaluateRun } from '../runs/evaluate-run.js';
import {
  formatMetric,
  metricsTable,
  runSummary,
  sliceMetricNames,
  slicesTable,
  textTable,
} from '../runs/format.js';
import { evaluatePredictionsFile } from '../runs/predictions.js';
import { runTraining } from '../runs/run-training.js';
import type { BackendRequest } from '../train/backend.js';
import { type CommandSpec, numberOption, stringOption } from './args.js';
import { cardCommand, diffCommand, versionFiles } from './diff-commands.js';
import { driftCommand, profileCommand } from './drift-commands.js';
import { deployCommand, serveCommand } from './serve-commands.js';
import { validateCommand } from './validate-commands.js';
import { changedModelsCommand, lintWorkflowsCommand } from './workflow-commands.js';

const BACKENDS = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
const str = stringOption;
const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

const train: CommandSpec = {
  name: 'train',
  summary:
    'Train and evaluate a model from its model.yml (built-in tfjs trainer or its command); writes a run folder.',
  usage:
    'modelgate train --model <model.yml> [--out <dir>] [--backend auto|wasm|cpu|tensorflow|tensorflow-gpu] [--json]',
  options: {
    model: { type: 'string', value: '<model.yml>', description: 'The model definition', required: true },
    out: {
      type: 'string',
      value: '<dir>',
      description: 'Run folder to write',
      default: '.modelgate/runs/<run id>',
    },
    backend: { type: 'string', value: '<name>', description: 'Force a tfjs backend', choices: BACKENDS },
    json: { type: 'boolean', description: 'Print run.json to stdout instead of a summary' },
  },
  details: 'Example: modelgate train --model models/risk/model.yml --out runs/risk-baseline',
  async run(args, io) {
    const outcome = await runTraining({
      modelFile: resolve(io.cwd, str(args, 'model')!),
      ...(str(args, 'out') ? { outDir: resolve(io.cwd, str(args, 'out')!) } : {}),
      cwd: io.cwd,
      ...(str(args, 'backend') ? { backend: str(args, 'backend') as BackendRequest } : {}),
      log: (l) => io.err(`${l}\n`),
      write: io.err,
      isTTY: io.isTTY,
      env: io.env,
    });
    io.out(args.json ? json(outcome.record) : runSummary(outcome.record, outcome.dir));
    return 0;
  },
};

const evaluate: CommandSpec = {
  name: 'evaluate',
  summary: "Evaluate a run's model on its evaluation data or another file; writes <run>/evaluation.json.",
  usage: 'modelgate evaluate --run <dir> [--data <file>] [--json]',
  options: {
    run: { type: 'string', value: '<dir>', description: 'Run folder (holding run.json)', required: true },
    data: {
      type: 'string',
      value: '<file>',
      description: "Data to evaluate on (CSV, JSONL, Parquet); default: the run's eval data",
    },
    backend: { type: 'string', value: '<name>', description: 'Force a tfjs backend', choices: BACKENDS },
    json: { type: 'boolean', description: 'Print the evaluation as JSON' },
  },
  async run(args, io) {
    const ev = await evaluateRun({
      runDir: resolve(io.cwd, str(args, 'run')!),
      ...(str(args, 'data') ? { data: resolve(io.cwd, str(args, 'data')!) } : {}),
      ...(str(args, 'backend') ? { backend: str(args, 'backend') as BackendRequest } : {}),
      log: (l) => io.err(`${l}\n`),
      cwd: io.cwd,
    });
    if (args.json) io.out(json(ev));
    else {
      io.out(
        `evaluated run ${ev.run_id} on ${ev.rows} rows${ev.data ? ` of ${ev.data.path}` : ''}\n\n${metricsTable(ev.metrics)}\n`,
      );
      for (const s of ev.slices) io.out(`\n${slicesTable(s, sliceMetricNames(s))}\n`);
    }
    return 0;
  },
};

const metrics: CommandSpec = {
  name: 'metrics',
  summary: 'Compute metrics (scikit-learn definitions) from a predictions file, overall and per slice.',
  usage:
    'modelgate metrics --task binary|multiclass|regression --predictions <csv|jsonl|parquet> [--label <col>] [--score <col>] [--slice <col>]... [--json]',
  options: {
    task: {
      type: 'string',
      value: '<task>',
      description: 'The task',
      required: true,
      choices: ['binary', 'multiclass', 'regression'],
    },
    predictions: { type: 'string', value: '<file>', description: 'Predictions file', required: true },
    label: { type: 'string', value: '<col>', description: 'True label column', default: 'label' },
    score: {
      type: 'string',
      value: '<col>',
      description: 'Binary: P(positive); regression: the prediction',
      default: 'score',
    },
    prediction: {
      type: 'string',
      value: '<col>',
      description: 'Multiclass: predicted class column (without probability columns)',
      default: 'prediction',
    },
    'proba-prefix': {
      type: 'string',
      value: '<prefix>',
      description: 'Multiclass: prefix of per-class probability columns',
      default: 'proba_',
    },
    'positive-label': {
      type: 'string',
      value: '<value>',
      description: 'Binary: the positive class label value',
    },
    threshold: { type: 'string', value: '<t>', description: 'Binary decision threshold', default: '0.5' },
    slice: {
      type: 'string',
      value: '<col>',
      description: 'Slice column for per-slice metrics and fairness gaps',
      multiple: true,
    },
    json: {
      type: 'boolean',
      description: 'Print one JSON object: the metrics keyed by name, plus `slices` when asked',
    },
  },
  async run(args, io) {
    const slices = (args.slice as string[] | undefined) ?? [];
    const ev = await evaluatePredictionsFile(resolve(io.cwd, str(args, 'predictions')!), {
      task: str(args, 'task') as 'binary' | 'multiclass' | 'regression',
      label: str(args, 'label') ?? 'label',
      score: str(args, 'score') ?? 'score',
      prediction: str(args, 'prediction') ?? 'prediction',
      probaPrefix: str(args, 'proba-prefix') ?? 'proba_',
      ...(str(args, 'positive-label') !== undefined ? { positiveLabel: str(args, 'positive-label')! } : {}),
      threshold: numberOption(args, 'threshold', 0.5, { min: 0, max: 1 }),
      slices,
    });
    if (args.json) {
      io.out(`${JSON.stringify({ ...ev.overall, ...(slices.length > 0 ? { slices: ev.slices } : {}) })}\n`);
    } else {
      io.out(`${ev.rows} rows\n\n${metricsTable(ev.overall)}\n`);
      for (const s of ev.slices) io.out(`\n${slicesTable(s, sliceMetricNames(s))}\n`);
    }
    return 0;
  },
};

const register: CommandSpec = {
  name: 'register',
  summary: 'Register a succeeded run as a new model version <model>@vX.Y.Z in the local registry.',
  usage: 'modelgate register --run <dir> [--version X.Y.Z | --bump major|minor|patch] [--registry <dir>]',
  options: {
    run: { type: 'string', value: '<dir>', description: 'Run folder', required: true },
    version: { type: 'string', value: '<X.Y.Z>', description: 'Explicit version' },
    bump: {
      type: 'string',
      value: '<part>',
      description: 'Bump from the latest version',
      choices: ['major', 'minor', 'patch'],
      default: 'minor',
    },
    registry: { type: 'string', value: '<dir>', description: 'Registry folder', default: '.modelgate' },
    approver: { type: 'string', value: '<login>', description: 'Approver to record' },
    notes: { type: 'string', value: '<text>', description: 'Release notes' },
    json: { type: 'boolean', description: 'Print the version entry as JSON' },
  },
  async run(args, io) {
    if (str(args, 'version') && args.bump) throw new UsageError('give --version or --bump, not both');
    const reg = new LocalRegistry(resolve(io.cwd, str(args, 'registry') ?? '.modelgate'));
    const v = await reg.register(resolve(io.cwd, str(args, 'run')!), {
      ...(str(args, 'version') ? { version: str(args, 'version')! } : {}),
      ...(str(args, 'bump') ? { bump: str(args, 'bump') as 'major' | 'minor' | 'patch' } : {}),
      ...(str(args, 'approver') ? { approver: str(args, 'approver')! } : {}),
      ...(str(args, 'notes') ? { notes: str(args, 'notes')! } : {}),
      extraFiles: (entry) => versionFiles(resolve(io.cwd, str(args, 'run')!), entry, io),
    });
    io.out(args.json ? json(v) : `registered ${v.tag} (run ${v.run_id}) in ${reg.root}\n`);
    return 0;
  },
};

const versions: CommandSpec = {
  name: 'versions',
  summary: 'List the registered versions of a model, newest first.',
  usage: 'modelgate versions --model <name> [--registry <dir>] [--json]',
  options: {
    model: { type: 'string', value: '<name>', description: 'Model name', required: true },
    registry: { type: 'string', value: '<dir>', description: 'Registry folder', default: '.modelgate' },
    json: { type: 'boolean', description: 'Print JSON' },
  },
  async run(args, io) {
    const reg = new LocalRegistry(resolve(io.cwd, str(args, 'registry') ?? '.modelgate'));
    const list = await reg.list(str(args, 'model')!);
    if (args.json) io.out(json(list));
    else if (list.length === 0) io.out(`no versions of ${str(args, 'model')} in ${reg.root}\n`);
    else {
      const keys = Object.keys(list[0]!.metrics).slice(0, 4);
      io.out(
        `${textTable(
          ['tag', 'created', 'run', ...keys],
          list.map((v) => [
            v.tag,
            v.created_at.slice(0, 19),
            v.run_id,
            ...keys.map((k) => formatMetric(v.metrics[k])),
          ]),
        )}\n`,
      );
    }
    return 0;
  },
};

const check: CommandSpec = {
  name: 'check',
  summary: "Validate a repository's .github/modelgate.yml and every model.yml it lists.",
  usage: 'modelgate check [--repo <dir>]',
  options: {
    repo: { type: 'string', value: '<dir>', description: 'Repository root', default: '.' },
  },
  async run(args, io) {
    const root = resolve(io.cwd, str(args, 'repo') ?? '.');
    const file = join(root, '.github', 'modelgate.yml');
    const repo = await loadYamlFile(file, RepoConfigSchema);
    const issues: ConfigIssue[] = [];
    for (const [i, m] of repo.models.entries()) {
      const modelFile = join(root, m.path, 'model.yml');
      if (!existsSync(modelFile)) {
        issues.push({
          file,
          field: `models[${i}].path`,
          message: `no model.yml at ${modelFile}`,
          value: m.path,
        });
        continue;
      }
      try {
        const model = await loadYamlFile(modelFile, ModelConfigSchema);
        if (model.name !== m.name) {
          issues.push({
            file: modelFile,
            field: 'name',
            message: `differs from models[${i}].name "${m.name}" in ${file}`,
            value: model.name,
          });
        }
      } catch (e) {
        if (e instanceof ConfigError) issues.push(...e.issues);
        else throw e;
      }
    }
    if (issues.length > 0) throw new ConfigError(issues);
    io.out(
      `ok: ${file} and ${repo.models.length} model.yml file${repo.models.length === 1 ? '' : 's'} are valid\n`,
    );
    return 0;
  },
};

const exampleData: CommandSpec = {
  name: 'example-data',
  summary: "Write the bundled example's synthetic insurance policies (seeded) to a CSV or JSONL file.",
  usage: 'modelgate example-data --out <file> [--rows N] [--seed S] [--shift 0..1]',
  options: {
    out: { type: 'string', value: '<file>', description: 'Output file (.csv, .jsonl, .gz)', required: true },
    rows: { type: 'string', value: '<n>', description: 'Number of policies', default: '20000' },
    seed: { type: 'string', value: '<s>', description: 'Random seed', default: '1' },
    shift: { type: 'string', value: '<x>', description: 'Population shift for drift demos', default: '0' },
    'first-id': { type: 'string', value: '<n>', description: 'First policy number', default: '100000' },
  },
  async run(args, io) {
    const rows = numberOption(args, 'rows', 20000, { min: 1, integer: true });
    const n = await writeRows(
      resolve(io.cwd, str(args, 'out')!),
      riskRows({
        rows,
        seed: numberOption(args, 'seed', 1, { integer: true, min: 0 }),
        shift: numberOption(args, 'shift', 0, { min: 0, max: 1 }),
        firstId: numberOption(args, 'first-id', 100000, { integer: true, min: 0 }),
      }),
      RISK_COLUMNS,
    );
    io.out(`wrote ${n} rows to ${str(args, 'out')}\n`);
    return 0;
  },
};

const demo: CommandSpec = {
  name: 'demo',
  summary: 'Run the full loop on the bundled example in a temporary git repository.',
  usage: 'modelgate demo [--dir <dir>] [--rows N] [--backend <name>]',
  options: {
    dir: {
      type: 'string',
      value: '<dir>',
      description: 'Where to create the demo repository',
      default: 'a new temporary folder',
    },
    rows: { type: 'string', value: '<n>', description: 'Training rows to generate', default: '20000' },
    backend: { type: 'string', value: '<name>', description: 'Force a tfjs backend', choices: BACKENDS },
  },
  async run(args, io) {
    await runDemo({
      ...(str(args, 'dir') ? { dir: resolve(io.cwd, str(args, 'dir')!) } : {}),
      rows: numberOption(args, 'rows', 20000, { min: 500, integer: true }),
      ...(str(args, 'backend') ? { backend: str(args, 'backend') as BackendRequest } : {}),
      io,
    });
    return 0;
  },
};

/** Every command, in help order. */
export const COMMANDS: readonly CommandSpec[] = [
  train,
  evaluate,
  metrics,
  diffCommand,
  cardCommand,
  profileCommand,
  driftCommand,
  serveCommand,
  deployCommand,
  validateCommand,
  lintWorkflowsCommand,
  changedModelsCommand,
  register,
  versions,
  check,
  exampleData,
  demo,
];
