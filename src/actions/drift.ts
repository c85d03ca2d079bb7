/**
 * The `drift` action's use case: profile the current data (a data file, a profile.json, or the model
 * server's prediction log folder), compare it with the reference profile of the deployed version
 * (the `profile.json` of its release, from the GitHub registry or the local one the repository
 * config names, or a local `reference` file), write the reports (markdown = the issue body, HTML
 * with histograms, JSON), and open / update / close the model version's drift issue.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { loadYamlFile } from '../config/load.js';
import { RepoConfigSchema, type RepoModel } from '../config/repo-config.js';
import { detectDrift } from '../drift/detect.js';
import { type DriftIssueResult, syncDriftIssue } from '../drift/issue-lifecycle.js';
import { loadProfile, parseProfile, profileFile } from '../drift/profile.js';
import type { Profile } from '../drift/profile-types.js';
import { renderDriftHtml } from '../drift/report-html.js';
import { renderDriftJson } from '../drift/report-json.js';
import { renderDriftMarkdown } from '../drift/report-markdown.js';
import { DRIFT_METHODS, type DriftMethod, type DriftReport } from '../drift/types.js';
import { ConfigError, DataError, RegistryError } from '../errors.js';
import type { Forge } from '../forge/forge.js';
import { GithubRegistry } from '../registry/github-registry.js';
import { LocalRegistry } from '../registry/local-registry.js';
import type { Registry } from '../registry/registry.js';
import { versionTag } from '../registry/semver.js';
import { escapeMarkdown } from '../report/escape.js';
import { isPredictionLog, profilePredictionLog } from '../serve/prediction-log-reader.js';
import type { DriftInputs } from './inputs.js';
import { type ActionContext, ActionInputError, inputVariable, workspacePath } from './runtime.js';
import { factsTable, type TrustedMarkdown } from './summary.js';

/** The version label of a local reference given without a `version` (the drift issue's marker uses it). */
export const LOCAL_VERSION = 'local';

/** `risk@v1.2.0`, or `risk (local reference)` for an unversioned local reference. */
export function versionLabel(model: string, version: string): string {
  return version === LOCAL_VERSION ? `${model} (local reference)` : `${model}@v${version}`;
}

/** The largest reference profile downloaded from a release. */
export const MAX_PROFILE_BYTES = 256 * 1024 * 1024;

/** Options of {@link driftAction}. */
export interface DriftActionOptions {
  inputs: DriftInputs;
  context: ActionContext;
  /** The event payload (its repository's default branch is where a retraining workflow runs). */
  event: Record<string, unknown>;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** Builds the forge from the token (default: the Octokit forge at GITHUB_API_URL). */
  forge?: (token: string) => Forge;
  /** The clock (report time), for tests. */
  now?: () => Date;
}

/** The outcome of {@link driftAction}. */
export interface DriftActionResult {
  report: DriftReport;
  version: string;
  /** The issue sync's outcome, or null when the issue is not synced. */
  issue: DriftIssueResult | null;
  /** Paths of the written reports (absolute). */
  files: { markdown: string; html: string; json: string };
  outputs: Record<string, string>;
  summary: string;
}

/** A profile of current data: a profile.json, the serving prediction log, or a data file. */
export async function profileCurrent(
  path: string,
  source: string,
): Promise<{ profile: Profile; window?: { from?: string; to?: string } }> {
  if (!existsSync(path)) throw new DataError(`${source}: not found`);
  if (/\.json$/i.test(path)) return { profile: await loadProfile(path) };
  if (await isPredictionLog(path)) {
    const { profile, window } = await profilePredictionLog(path, {}, { source });
    return { profile, window };
  }
  return { profile: await profileFile(path, {}, { source }) };
}

interface Reference {
  profile: Profile;
  version: string;
  /** Where it came from, for the summary. */
  origin: string;
}

/** The reference profile of a registered version: the release's `profile.json`. */
async function registryReference(
  registry: Registry,
  forge: Forge | null,
  model: string,
  wanted: string | undefined,
): Promise<Reference> {
  const entry = wanted ? await registry.get(model, wanted) : await registry.latest(model);
  if (!entry) {
    throw new RegistryError(
      wanted
        ? `${versionTag(model, wanted)} is not a released version of ${model}`
        : `${model} has no released version yet; release one first, or pass a reference profile (input reference)`,
    );
  }
  const tag = versionTag(model, entry.version);
  if (registry instanceof GithubRegistry && forge) {
    // Only the profile is needed: read that one asset rather than materialising the whole release.
    const release = await forge.getReleaseByTag(tag);
    const asset = release?.assets.find((a) => a.name === 'profile.json');
    if (!asset) throw new RegistryError(`${tag}: the release has no profile.json asset to compare with`);
    const bytes = await forge.downloadReleaseAsset(asset.id, MAX_PROFILE_BYTES);
    const profile = parseProfile(new TextDecoder().decode(bytes), `${tag}/profile.json`);
    return { profile, version: entry.version, origin: `${tag} (release asset profile.json)` };
  }
  const dir = await registry.materialise(model, entry.version);
  const file = join(dir, 'profile.json');
  if (!existsSync(file)) throw new RegistryError(`${tag}: the version has no profile.json to compare with`);
  return { profile: await loadProfile(file), version: entry.version, origin: `${tag} (local registry)` };
}

/** The job summary of a drift check (pure): the verdict, the issue, then the report itself. */
export function driftSummary(options: {
  report: DriftReport;
  markdown: string;
  origin: string;
  current: string;
  issue: DriftIssueResult | null;
  reportPath: string;
}): string {
  const d = options.report.dataset;
  const issue = options.issue;
  let issueText: string | TrustedMarkdown = 'not synced';
  if (issue?.action.kind === 'none') issueText = issue.action.reason;
  else if (issue) {
    const verb =
      issue.action.kind === 'create' ? 'opened' : issue.action.kind === 'close' ? 'closed' : 'updated';
    const n = issue.issue?.number;
    const url = issue.issue?.url;
    const ref =
      n === undefined
        ? 'the issue'
        : url && /^https?:\/\/[^\s()<>]+$/.test(url)
          ? `[#${n}](${url})`
          : `#${n}`;
    issueText = { markdown: `${verb} ${ref}` };
  }
  const release = options.report.release ?? '';
  const model = escapeMarkdown(options.report.model ?? '');
  // Escaped in parts: a whole `model@v1` would have its `@` broken like a mention.
  const heading =
    release === LOCAL_VERSION ? `${model} (local reference)` : `${model}@v${escapeMarkdown(release)}`;
  return [
    `## ${d.drifted ? '⚠️ drift' : '✅ no drift'}: ${heading}`,
    '',
    factsTable([
      [
        'Drifted columns',
        `${d.driftedColumns} of ${d.columns} (share ${d.share.toFixed(2)}, threshold ${d.threshold.toFixed(2)})`,
      ],
      ['Reference', `${options.origin}, ${options.report.reference.rows} rows`],
      ['Current', `${options.current}, ${options.report.current.rows} rows`],
      ['Issue', issueText],
      ['HTML report', options.reportPath],
    ]),
    '',
    // The issue body is the report; its hidden marker is harmless in a job summary.
    options.markdown,
  ].join('\n');
}

const portable = (workspace: string, p: string) => relative(workspace, p).split(sep).join('/') || '.';

/** Runs the drift check and returns outputs and the summary (see the module comment). */
export async function driftAction(options: DriftActionOptions): Promise<DriftActionResult> {
  const { inputs, context, log } = options;
  const workspace = context.workspace;
  const configFile = workspacePath(workspace, 'config', inputs.config);
  const config = existsSync(configFile) ? await loadYamlFile(configFile, RepoConfigSchema) : null;
  let repoModel: RepoModel | undefined;
  if (config) {
    repoModel = config.models.find((m) => m.name === inputs.model);
    if (!repoModel) {
      throw new ConfigError([
        {
          file: inputs.config,
          field: 'models',
          message: `has no model named "${inputs.model}" (it lists: ${config.models.map((m) => m.name).join(', ')})`,
          value: inputs.model,
        },
      ]);
    }
  }
  const driftSettings = repoModel?.drift;
  const current = inputs.current ?? driftSettings?.data;
  if (!current) {
    throw new ActionInputError([
      {
        input: 'current',
        variable: inputVariable('current'),
        value: undefined,
        message: `is required: the config ${inputs.config} sets no drift.data for ${inputs.model}`,
      },
    ]);
  }
  if (/^https?:\/\//i.test(current)) {
    throw new ActionInputError([
      {
        input: 'current',
        variable: inputVariable('current'),
        value: current,
        message: 'URLs are not read by the action: download the data in an earlier step and pass the file',
      },
    ]);
  }
  const needsToken = inputs['open-issue'] || (!inputs.reference && config?.registry.type === 'github');
  if (needsToken && !inputs.token) {
    throw new ActionInputError([
      {
        input: 'token',
        variable: inputVariable('token'),
        value: undefined,
        message: inputs['open-issue']
          ? 'is required to sync the drift issue (or set open-issue: false)'
          : 'is required to read the reference profile from the GitHub releases',
      },
    ]);
  }
  let forge: Forge | null = null;
  const getForge = async (): Promise<Forge> => {
    if (forge) return forge;
    if (options.forge) forge = options.forge(inputs.token!);
    else forge = (await import('./github.js')).actionForge(inputs.token!, context);
    return forge;
  };

  // The reference: a local file, else the registry's version (latest by default).
  let reference: Reference;
  if (inputs.reference) {
    const path = workspacePath(workspace, 'reference', inputs.reference);
    const { profile } = await profileCurrent(path, inputs.reference);
    reference = { profile, version: inputs.version ?? LOCAL_VERSION, origin: inputs.reference };
  } else {
    const registry: Registry =
      config?.registry.type === 'github'
        ? new GithubRegistry(await getForge(), {
            cacheDir: join(options.env.RUNNER_TEMP || join(workspace, '.modelgate'), 'modelgate-registry'),
            log,
          })
        : new LocalRegistry(workspacePath(workspace, 'config', config?.registry.path ?? '.modelgate'));
    reference = await registryReference(
      registry,
      config?.registry.type === 'github' ? await getForge() : null,
      inputs.model,
      inputs.version,
    );
  }
  log(`modelgate: reference ${reference.origin}: ${reference.profile.rows} rows`);

  const currentPath = workspacePath(workspace, 'current', current);
  const currentSource = portable(workspace, currentPath);
  const profiled = await profileCurrent(currentPath, currentSource);
  log(`modelgate: current ${currentSource}: ${profiled.profile.rows} rows`);

  const method = driftSettings?.method ?? 'auto';
  if (method !== 'auto' && !DRIFT_METHODS.includes(method as DriftMethod)) {
    throw new ConfigError([
      {
        file: inputs.config,
        field: `models[${config!.models.indexOf(repoModel!)}].drift.method`,
        message: `unknown drift method (use auto, ${DRIFT_METHODS.join(', ')})`,
        value: method,
      },
    ]);
  }
  const report = detectDrift({
    reference: reference.profile,
    current: profiled.profile,
    ...(profiled.window ? { window: { current: profiled.window } } : {}),
    method: method as DriftMethod | 'auto',
    share: driftSettings?.share ?? 0.5,
    model: inputs.model,
    release: reference.version,
    ...(options.now ? { now: options.now() } : {}),
  });
  const markdown = renderDriftMarkdown(report);

  const outDir = workspacePath(workspace, 'output', inputs.output, 'write');
  await mkdir(outDir, { recursive: true });
  const files = {
    markdown: join(outDir, 'drift.md'),
    html: join(outDir, 'drift.html'),
    json: join(outDir, 'drift.json'),
  };
  await writeFile(files.markdown, `${markdown}\n`);
  await writeFile(files.html, renderDriftHtml(report));
  const json = renderDriftJson(report);
  await writeFile(files.json, json.endsWith('\n') ? json : `${json}\n`);

  let issue: DriftIssueResult | null = null;
  if (inputs['open-issue']) {
    const branch =
      ((options.event.repository as { default_branch?: unknown } | undefined)?.default_branch as
        | string
        | undefined) ??
      options.env.GITHUB_REF_NAME ??
      'main';
    const retrain =
      driftSettings?.retrain && inputs['retrain-workflow']
        ? { workflow: inputs['retrain-workflow'], ref: branch }
        : null;
    issue = await syncDriftIssue(await getForge(), {
      model: inputs.model,
      version: reference.version,
      report,
      body: markdown,
      retrain,
    });
    log(
      `modelgate: drift issue: ${issue.action.kind}${issue.issue ? ` #${issue.issue.number}` : ''}${issue.action.kind === 'none' ? ` (${issue.action.reason})` : ''}`,
    );
  }

  const reportPath = portable(workspace, files.html);
  const d = report.dataset;
  const outputs: Record<string, string> = {
    drifted: String(d.drifted),
    share: String(d.share),
    'issue-number': issue?.issue ? String(issue.issue.number) : '',
    'report-path': reportPath,
  };
  const summary = driftSummary({
    report,
    markdown,
    origin: reference.origin,
    current: currentSource,
    issue,
    reportPath,
  });
  return { report, version: reference.version, issue, files, outputs, summary };
}
