/** `modelgate profile`, `modelgate profile merge` and `modelgate drift`: monitoring from the command line. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { detectDrift } from '../drift/detect.js';
import { loadProfile, mergeProfiles, profileFile, writeProfile } from '../drift/profile.js';
import type { Profile } from '../drift/profile-types.js';
import { renderDriftHtml } from '../drift/report-html.js';
import { renderDriftJson } from '../drift/report-json.js';
import { renderDriftMarkdown } from '../drift/report-markdown.js';
import { DRIFT_METHODS, type DriftMethod, type DriftReport } from '../drift/types.js';
import { UsageError } from '../errors.js';
import { formatMetric, textTable } from '../runs/format.js';
import { isPredictionLog, profilePredictionLog } from '../serve/prediction-log-reader.js';
import { type CommandSpec, numberOption, type ParsedArgs, stringOption } from './args.js';

const str = stringOption;
const list = (a: ParsedArgs, k: string): string[] | undefined => {
  const v = a[k];
  if (v === undefined) return undefined;
  const items = (Array.isArray(v) ? v : [String(v)])
    .flatMap((x) => String(x).split(','))
    .map((x) => x.trim());
  return items.filter((x) => x !== '');
};

/** Exit code of `modelgate drift` when the dataset drifted. */
export const DRIFT_EXIT_CODE = 3;

/**
 * Loads a profile.json, profiles the model server's prediction log (a log folder or file: the
 * features and the `prediction` column, with the time window it covers), or profiles a data file
 * (CSV, JSONL, Parquet) in one streaming pass.
 */
export async function profileOrData(
  path: string,
  columns?: string[],
): Promise<{ profile: Profile; window?: { from?: string; to?: string } }> {
  if (/\.json$/i.test(path)) return { profile: await loadProfile(path) };
  if (await isPredictionLog(path)) {
    const { profile, window } = await profilePredictionLog(path, columns ? { columns } : {});
    return { profile, window };
  }
  return { profile: await profileFile(path, columns ? { columns } : {}) };
}

/** A terminal summary of a drift report. */
export function driftSummary(report: DriftReport): string {
  const d = report.dataset;
  const head = `${d.drifted ? 'DRIFT' : 'no drift'}: ${d.driftedColumns} of ${d.columns} columns drifted (share ${d.share.toFixed(2)}, threshold ${d.threshold.toFixed(2)}); reference ${report.reference.rows} rows, current ${report.current.rows} rows`;
  const rows = report.features.map((f) => [
    f.name,
    f.type,
    f.method,
    formatMetric(f.statistic),
    f.pValue === null ? '-' : formatMetric(f.pValue),
    formatMetric(f.threshold),
    f.drifted ? 'DRIFT' : 'ok',
  ]);
  const skipped = report.skipped.map((s) => `skipped ${s.name}: ${s.reason}`);
  return `${[head, '', textTable(['column', 'type', 'method', 'statistic', 'p-value', 'threshold', ''], rows), ...skipped].join('\n')}\n`;
}

export const profileCommand: CommandSpec = {
  name: 'profile',
  summary: 'Profile a data file into a mergeable profile.json; `profile merge` merges shard profiles.',
  usage:
    'modelgate profile --data <file> --out <profile.json> [--columns a,b]\n       modelgate profile merge <a.json> <b.json>... --out <profile.json>',
  options: {
    data: { type: 'string', value: '<file>', description: 'Data to profile (CSV, JSONL, Parquet; .gz text)' },
    out: { type: 'string', value: '<file>', description: 'Where to write the profile', required: true },
    columns: { type: 'string', value: '<a,b>', description: 'Profile only these columns', multiple: true },
    'category-cap': {
      type: 'string',
      value: '<n>',
      description: 'Distinct values counted exactly per column',
      default: '1000',
    },
  },
  details:
    'Profiles are mergeable: profile shards in parallel (e.g. a job matrix), then `modelgate profile merge`.\nCounts merge exactly; the quantile sketch merges exactly too (same buckets).',
  async run(args, io) {
    const out = resolve(io.cwd, str(args, 'out')!);
    let profile: Profile;
    if (args._[0] === 'merge') {
      const files = args._.slice(1);
      if (files.length < 1) throw new UsageError('profile merge needs at least one profile.json to merge');
      const profiles = await Promise.all(files.map((f) => loadProfile(resolve(io.cwd, f))));
      profile = mergeProfiles(profiles);
      io.err(`merged ${files.length} profiles (${profile.rows} rows)\n`);
    } else {
      if (args._.length > 0)
        throw new UsageError(
          `unexpected argument ${JSON.stringify(args._[0])}; did you mean \`profile merge\`?`,
        );
      const data = str(args, 'data');
      if (!data) throw new UsageError('missing required option --data (or use `profile merge <a.json> ...`)');
      const cap = numberOption(args, 'category-cap', 1000, { integer: true, min: 1 });
      const columns = list(args, 'columns');
      profile = await profileFile(resolve(io.cwd, data), {
        categoryCap: cap,
        ...(columns ? { columns } : {}),
      });
    }
    await mkdir(dirname(out), { recursive: true });
    await writeProfile(out, profile);
    io.out(`wrote ${str(args, 'out')}: ${profile.rows} rows, ${profile.columns.length} columns\n`);
    return 0;
  },
};

export const driftCommand: CommandSpec = {
  name: 'drift',
  summary: 'Compare current data with a reference (files or profiles): per-column drift and dataset drift.',
  usage:
    'modelgate drift --reference <file|profile.json> --current <file|profile.json> [--method auto|ks|psi|...] [--columns a,b] [--json | --markdown] [--html <file>]',
  options: {
    reference: {
      type: 'string',
      value: '<file>',
      description: "Reference data or profile.json (the release's)",
      required: true,
    },
    current: {
      type: 'string',
      value: '<file>',
      description: "Current data, profile.json, or the model server's prediction log (folder or file)",
      required: true,
    },
    method: {
      type: 'string',
      value: '<method>',
      description: 'Method for every column',
      choices: ['auto', ...DRIFT_METHODS],
      default: 'auto',
    },
    columns: { type: 'string', value: '<a,b>', description: 'Compare only these columns', multiple: true },
    threshold: {
      type: 'string',
      value: '<x>',
      description: 'Threshold for the forced --method (its p-value level or distance)',
    },
    share: {
      type: 'string',
      value: '<x>',
      description: 'Dataset drift when this share of columns drifted',
      default: '0.5',
    },
    correction: {
      type: 'string',
      value: '<c>',
      description: 'p-value correction',
      choices: ['none', 'bonferroni', 'fdr'],
      default: 'none',
    },
    prediction: {
      type: 'string',
      value: '<col>',
      description: 'The model score column (prediction drift, not counted in the share)',
    },
    model: { type: 'string', value: '<name>', description: 'Model name for the report' },
    release: { type: 'string', value: '<version>', description: 'Release compared, e.g. 1.2.0' },
    json: { type: 'boolean', description: 'Print the JSON report' },
    markdown: { type: 'boolean', description: 'Print the markdown report (the drift issue body)' },
    html: { type: 'string', value: '<file>', description: 'Write the HTML report with overlaid histograms' },
  },
  details: `Exit codes: 0 no drift, ${DRIFT_EXIT_CODE} dataset drift, 2 bad input.`,
  async run(args, io) {
    if (args.json && args.markdown) throw new UsageError('give --json or --markdown, not both');
    const columns = list(args, 'columns');
    const method = (str(args, 'method') ?? 'auto') as DriftMethod | 'auto';
    const threshold = str(args, 'threshold');
    if (threshold !== undefined && method === 'auto')
      throw new UsageError('--threshold needs a forced --method');
    const [reference, current] = await Promise.all([
      profileOrData(resolve(io.cwd, str(args, 'reference')!), columns),
      profileOrData(resolve(io.cwd, str(args, 'current')!), columns),
    ]);
    const report = detectDrift({
      reference: reference.profile,
      current: current.profile,
      ...(current.window ? { window: { current: current.window } } : {}),
      method,
      ...(columns ? { columns } : {}),
      ...(threshold !== undefined && method !== 'auto'
        ? { thresholds: { [method]: numberOption(args, 'threshold', 0, { min: 0 }) } }
        : {}),
      share: numberOption(args, 'share', 0.5, { min: 0, max: 1 }),
      correction: (str(args, 'correction') ?? 'none') as 'none' | 'bonferroni' | 'fdr',
      ...(str(args, 'prediction') ? { prediction: str(args, 'prediction')! } : {}),
      ...(str(args, 'model') ? { model: str(args, 'model')! } : {}),
      ...(str(args, 'release') ? { release: str(args, 'release')! } : {}),
    });
    const html = str(args, 'html');
    if (html) {
      const file = resolve(io.cwd, html);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, renderDriftHtml(report));
      io.err(`wrote ${html}\n`);
    }
    if (args.json)
      io.out(
        renderDriftJson(report).endsWith('\n') ? renderDriftJson(report) : `${renderDriftJson(report)}\n`,
      );
    else if (args.markdown) io.out(`${renderDriftMarkdown(report)}\n`);
    else io.out(driftSummary(report));
    return report.dataset.drifted ? DRIFT_EXIT_CODE : 0;
  },
};
