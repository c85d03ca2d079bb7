/** `modelgate diff` and `modelgate card`: compare runs, decide the gate, render reports and cards. */
import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { renderCard, resolveTemplate } from '../card/index.js';
import { loadJsonFile, loadYamlFile } from '../config/load.js';
import { ModelConfigSchema } from '../config/model-config.js';
import { RepoConfigSchema, type RepoModel } from '../config/repo-config.js';
import { type RunRecord, RunRecordSchema } from '../config/run-record.js';
import { compareRunFolders } from '../diff/index.js';
import type { GateResult, RunDiff } from '../diff/types.js';
import { formatProfile, profileFile } from '../drift/profile.js';
import { UsageError } from '../errors.js';
import { LocalRegistry } from '../registry/local-registry.js';
import type { ModelVersion } from '../registry/registry.js';
import { parseVersionTag } from '../registry/semver.js';
import { renderHtmlReport, renderModelReport } from '../report/index.js';
import { formatMetric, textTable } from '../runs/format.js';
import { findRepoRoot } from '../runs/run-training.js';
import { type CliIo, type CommandSpec, numberOption, stringOption } from './args.js';

const str = stringOption;

/** A run folder from a folder or a run.json path; a UsageError naming the flag when neither. */
export function runFolder(path: string, flag: string): string {
  if (existsSync(path) && statSync(path).isDirectory()) {
    if (!existsSync(join(path, 'run.json')))
      throw new UsageError(`--${flag} ${path}: no run.json in that folder`);
    return path;
  }
  if (existsSync(path) && basename(path).endsWith('.json')) return dirname(path);
  throw new UsageError(`--${flag} ${path}: not a run folder or run.json`);
}

/**
 * Resolves `--baseline`: a run folder or run.json, `none` (first model), or a registered version
 * `<model>@vX.Y.Z` / `latest` from the local registry.
 */
export async function resolveBaseline(
  spec: string | undefined,
  model: string,
  registryDir: string,
): Promise<{ dir: string | null; version?: string }> {
  if (spec === undefined || spec === 'none') return { dir: null };
  const registry = new LocalRegistry(registryDir);
  if (spec === 'latest') {
    const latest = await registry.latest(model);
    return latest
      ? { dir: await registry.materialise(model, latest.version), version: latest.version }
      : { dir: null };
  }
  const tag = parseVersionTag(spec);
  if (tag && !existsSync(spec)) {
    const version = `${tag.version.major}.${tag.version.minor}.${tag.version.patch}`;
    return { dir: await registry.materialise(tag.model, version), version };
  }
  return { dir: runFolder(spec, 'baseline') };
}

/** Finds the model's settings in `.github/modelgate.yml` (explicit file, else the candidate's repository). */
export async function findRepoModel(
  configPath: string | undefined,
  candidateDir: string,
  model: string,
  cwd: string,
) {
  let file = configPath ? resolve(cwd, configPath) : undefined;
  if (!file) {
    for (const start of [cwd, candidateDir]) {
      const root = findRepoRoot(start);
      if (root && existsSync(join(root, '.github', 'modelgate.yml'))) {
        file = join(root, '.github', 'modelgate.yml');
        break;
      }
    }
  }
  if (!file) return { file: null, model: undefined as RepoModel | undefined };
  const repo = await loadYamlFile(file, RepoConfigSchema);
  return { file, model: repo.models.find((m) => m.name === model) };
}

/** The JSON shape of `modelgate diff --json`. */
export function diffJson(diff: RunDiff, gate: GateResult) {
  return {
    verdict: gate.verdict,
    reasons: gate.reasons,
    bump: gate.bump,
    model: diff.model,
    baseline: diff.baseline,
    candidate: diff.candidate,
    metrics: diff.metrics,
    fairness: diff.fairness,
    params: diff.params,
    data: diff.data,
    environment: diff.environment,
    bootstrap: diff.bootstrap,
  };
}

/** A terminal summary of a diff: verdict, reasons, overall metrics. */
export function diffSummary(diff: RunDiff, gate: GateResult): string {
  const base = diff.baseline
    ? diff.baseline.version
      ? `${diff.model}@v${diff.baseline.version}`
      : diff.baseline.id
    : 'no baseline';
  const lines = [
    `verdict: ${gate.verdict} (${diff.candidate.id} vs ${base}); release bump: ${gate.bump.bump} (${gate.bump.reason})`,
  ];
  for (const r of gate.reasons)
    lines.push(`  ${r.level === 'info' ? '-' : r.level === 'fail' ? 'x' : '!'} ${r.message}`);
  const overall = diff.metrics.filter((m) => m.slice === null);
  lines.push(
    '',
    textTable(
      ['metric', 'baseline', 'candidate', 'delta', '95% CI', 'status'],
      overall.map((m) => [
        m.name,
        formatMetric(m.baseline),
        formatMetric(m.candidate),
        m.delta === null ? 'n/a' : `${m.delta >= 0 ? '+' : ''}${formatMetric(m.delta)}`,
        m.ci ? `[${formatMetric(m.ci[0])}, ${formatMetric(m.ci[1])}]` : '',
        m.status,
      ]),
    ),
  );
  if (diff.bootstrap) {
    lines.push(
      `paired bootstrap: ${diff.bootstrap.resamples} resamples of ${diff.bootstrap.paired} examples (paired by ${diff.bootstrap.pairing}), seed ${diff.bootstrap.seed}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Reads a run folder's epoch history for learning-curve charts. */
function history(run: RunRecord | null) {
  return run?.history?.map((e) => ({ epoch: e.epoch, loss: e.loss, val_loss: e.val_loss ?? null }));
}

/** Renders the model card of a run folder (markdown) for embedding in reports. */
export async function cardOfRun(
  dir: string,
  options: {
    version?: string;
    approver?: string;
    gate?: GateResult;
    format?: 'markdown' | 'huggingface';
    template?: string;
  },
): Promise<string> {
  const run = await loadJsonFile(join(dir, 'run.json'), RunRecordSchema);
  const model = await loadYamlFile(join(dir, 'model.yml'), ModelConfigSchema);
  const format = options.format ?? 'markdown';
  const template = await resolveTemplate({
    format,
    repoRoot: findRepoRoot(dir) ?? undefined,
    ...(options.template ? { templatePath: options.template } : {}),
  });
  return renderCard({
    run,
    model,
    format,
    template,
    ...(options.version ? { version: options.version } : {}),
    ...(options.approver ? { approver: options.approver } : {}),
    ...(options.gate ? { gate: options.gate } : {}),
  });
}

/** Everything `diff` computes and renders, for the CLI and the demo. */
export async function diffAndRender(options: {
  baselineDir: string | null;
  baselineVersion?: string;
  candidateDir: string;
  repoModel?: RepoModel;
  labels?: string[];
  resamples?: number;
  seed?: number;
}) {
  const { diff, gate, examples } = await compareRunFolders({
    baselineDir: options.baselineDir,
    candidateDir: options.candidateDir,
    ...(options.baselineVersion ? { baselineVersion: options.baselineVersion } : {}),
    ...(options.repoModel ? { repoModel: options.repoModel } : {}),
    ...(options.labels ? { labels: options.labels } : {}),
    bootstrap: { resamples: options.resamples ?? 1000, seed: options.seed ?? 42 },
  });
  const card = await cardOfRun(options.candidateDir, {
    gate,
    ...(gate.approver ? { approver: gate.approver } : {}),
  });
  const readRun = (dir: string | null) => (dir ? loadJsonFile(join(dir, 'run.json'), RunRecordSchema) : null);
  const [baselineRun, candidateRun] = await Promise.all([
    readRun(options.baselineDir),
    readRun(options.candidateDir),
  ]);
  const hist = {
    baseline: history(baselineRun),
    candidate: history(candidateRun),
  };
  const approvers = options.repoModel?.approvers ?? [];
  const markdown = renderModelReport({
    diff,
    gate,
    card,
    history: hist,
    ...(approvers.length > 0 ? { approvers } : {}),
    ...(candidateRun?.validation ? { validation: candidateRun.validation } : {}),
  });
  const html = () => renderHtmlReport({ diff, gate, card, examples, history: hist });
  return { diff, gate, card, markdown, html };
}

/**
 * The files stored with a version beside the run's: its model card rendered with the version and
 * approver (`model-card.md`, the audit record) and the reference profile of its training data
 * (`profile.json`, what drift monitoring compares production data with). A run without its
 * model.yml copy gets no card, and one whose training data is not found gets no profile (each with
 * a warning).
 */
export async function versionFiles(
  runDir: string,
  entry: ModelVersion,
  io: CliIo,
): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  if (existsSync(join(runDir, 'model.yml'))) {
    files['model-card.md'] = await cardOfRun(runDir, {
      version: entry.version,
      ...(entry.approver ? { approver: entry.approver } : {}),
    });
  } else {
    io.err(`warning: ${runDir} has no model.yml; ${entry.tag} is registered without a model card\n`);
  }
  const run = await loadJsonFile(join(runDir, 'run.json'), RunRecordSchema);
  const train = run.data.train;
  const root = findRepoRoot(runDir);
  const path = train && root ? join(root, train.path) : null;
  if (path && existsSync(path)) {
    const profile = await profileFile(
      path,
      { format: train!.format },
      { source: train!.path, hash: train!.hash },
    );
    files['profile.json'] = formatProfile(profile);
  } else {
    io.err(
      `warning: the training data of run ${run.id} was not found; ${entry.tag} is registered without a reference profile\n`,
    );
  }
  return files;
}

export const diffCommand: CommandSpec = {
  name: 'diff',
  summary:
    'Compare a candidate run with its baseline: metric deltas with bootstrap CIs, gate verdict, reports.',
  usage:
    'modelgate diff --candidate <run> [--baseline <run>|<model>@vX.Y.Z|latest|none] [--config <modelgate.yml>] [--json | --markdown] [--html <file>]',
  options: {
    candidate: {
      type: 'string',
      value: '<run>',
      description: 'Candidate run folder or run.json',
      required: true,
    },
    baseline: {
      type: 'string',
      value: '<run>',
      description: 'Baseline: run folder or run.json, a registered <model>@vX.Y.Z, latest, or none',
      default: 'latest',
    },
    config: {
      type: 'string',
      value: '<file>',
      description: 'Gate rules (.github/modelgate.yml)',
      default: "the candidate's repository",
    },
    registry: {
      type: 'string',
      value: '<dir>',
      description: 'Local registry for <model>@vX.Y.Z and latest',
      default: '.modelgate',
    },
    label: {
      type: 'string',
      value: '<label>',
      description: 'Pull-request label, e.g. model:major',
      multiple: true,
    },
    resamples: { type: 'string', value: '<n>', description: 'Paired bootstrap resamples', default: '1000' },
    seed: { type: 'string', value: '<s>', description: 'Bootstrap seed', default: '42' },
    json: {
      type: 'boolean',
      description: 'Print { verdict, reasons, bump, metrics, fairness, params, data, environment } as JSON',
    },
    markdown: { type: 'boolean', description: 'Print the pull-request report (markdown)' },
    html: { type: 'string', value: '<file>', description: 'Write the self-contained HTML report' },
  },
  details:
    'Exit code 0 whatever the verdict (the verdict is in the output); 2 for bad input.\nExample: modelgate diff --baseline risk@v1.0.0 --candidate .modelgate/runs/candidate --html report.html',
  async run(args, io) {
    if (args.json && args.markdown) throw new UsageError('give --json or --markdown, not both');
    const candidateDir = runFolder(resolve(io.cwd, str(args, 'candidate')!), 'candidate');
    const candidate = await loadJsonFile(join(candidateDir, 'run.json'), RunRecordSchema);
    const baselineSpec = str(args, 'baseline') ?? 'latest';
    const baseline = await resolveBaseline(
      baselineSpec === 'latest' || baselineSpec === 'none' || parseVersionTag(baselineSpec)
        ? baselineSpec
        : resolve(io.cwd, baselineSpec),
      candidate.model,
      resolve(io.cwd, str(args, 'registry') ?? '.modelgate'),
    );
    const repo = await findRepoModel(str(args, 'config'), candidateDir, candidate.model, io.cwd);
    const out = await diffAndRender({
      baselineDir: baseline.dir,
      ...(baseline.version ? { baselineVersion: baseline.version } : {}),
      candidateDir,
      ...(repo.model ? { repoModel: repo.model } : {}),
      labels: (args.label as string[] | undefined) ?? [],
      resamples: numberOption(args, 'resamples', 1000, { integer: true, min: 0, max: 100_000 }),
      seed: numberOption(args, 'seed', 42, { integer: true, min: 0 }),
    });
    const htmlPath = str(args, 'html');
    if (htmlPath) {
      const file = resolve(io.cwd, htmlPath);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, out.html());
      io.err(`wrote ${htmlPath}\n`);
    }
    if (args.json) io.out(`${JSON.stringify(diffJson(out.diff, out.gate), null, 2)}\n`);
    else if (args.markdown) io.out(`${out.markdown}\n`);
    else io.out(diffSummary(out.diff, out.gate));
    return 0;
  },
};

export const cardCommand: CommandSpec = {
  name: 'card',
  summary: 'Render the model card of a run (markdown, or Hugging Face format with YAML metadata).',
  usage:
    'modelgate card --run <run> [--format markdown|huggingface] [--template <file>] [--version X.Y.Z] [--out <file>]',
  options: {
    run: { type: 'string', value: '<run>', description: 'Run folder or run.json', required: true },
    format: {
      type: 'string',
      value: '<format>',
      description: 'Card format',
      choices: ['markdown', 'huggingface'],
      default: 'markdown',
    },
    template: {
      type: 'string',
      value: '<file>',
      description: 'Handlebars template',
      default: '.github/model-card-templates/<format>.md, else the bundled one',
    },
    version: { type: 'string', value: '<X.Y.Z>', description: 'Version to record in the card' },
    approver: { type: 'string', value: '<login>', description: 'Approver to record in the card' },
    out: { type: 'string', value: '<file>', description: 'Write the card to a file instead of stdout' },
  },
  async run(args, io) {
    const dir = runFolder(resolve(io.cwd, str(args, 'run')!), 'run');
    const card = await cardOfRun(dir, {
      format: (str(args, 'format') ?? 'markdown') as 'markdown' | 'huggingface',
      ...(str(args, 'template') ? { template: resolve(io.cwd, str(args, 'template')!) } : {}),
      ...(str(args, 'version') ? { version: str(args, 'version')! } : {}),
      ...(str(args, 'approver') ? { approver: str(args, 'approver')! } : {}),
    });
    const out = str(args, 'out');
    if (out) {
      await mkdir(dirname(resolve(io.cwd, out)), { recursive: true });
      await writeFile(resolve(io.cwd, out), card);
      io.err(`wrote ${out}\n`);
    } else io.out(card.endsWith('\n') ? card : `${card}\n`);
    return 0;
  },
};
