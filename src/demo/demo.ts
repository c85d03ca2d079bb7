/**
 * `modelgate demo`: the whole loop on the bundled example, in a fresh temporary git repository:
 * generate data, train a baseline, register `risk@v1.0.0`, change a hyperparameter on a branch, train
 * the candidate and compare the two runs, run the same pull request through the App's handlers on an
 * in-memory GitHub, release, serve and canary the candidate, and watch production data for drift.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseDocument } from 'yaml';
import type { CliIo } from '../cli/args.js';
import { diffAndRender, diffSummary, versionFiles } from '../cli/diff-commands.js';
import { startServing } from '../cli/serve-commands.js';
import { loadYamlFile } from '../config/load.js';
import { RepoConfigSchema } from '../config/repo-config.js';
import { writeRows } from '../data/write-rows.js';
import { detectDrift } from '../drift/detect.js';
import { syncDriftIssue } from '../drift/issue-lifecycle.js';
import { loadProfile, profileFile } from '../drift/profile.js';
import { renderDriftHtml } from '../drift/report-html.js';
import { renderDriftMarkdown } from '../drift/report-markdown.js';
import { ModelgateError } from '../errors.js';
import { MemoryForge } from '../forge/memory-forge.js';
import { LocalRegistry } from '../registry/local-registry.js';
import { renderPrComment } from '../report/index.js';
import { formatMetric, runSummary, textTable } from '../runs/format.js';
import { runTraining } from '../runs/run-training.js';
import { deployVersion, promoteCanary } from '../serve/deploy-flow.js';
import type { BackendRequest } from '../train/backend.js';
import { githubLoop } from './github-loop.js';
import { RISK_COLUMNS, riskRows } from './risk-data.js';

const exec = promisify(execFile);

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Folder for the demo repository (created); default a new temporary folder. */
  dir?: string;
  /** Training rows (evaluation rows are a quarter of it). */
  rows?: number;
  /** Force a tfjs backend. */
  backend?: BackendRequest;
  /** Paired bootstrap resamples (default 1000). */
  resamples?: number;
  /** Output. */
  io: CliIo;
}

/** The package's root folder (holding package.json and examples/), from source or compiled code. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'examples', 'risk-scoring')))
      return dir;
    const up = dirname(dir);
    if (up === dir) throw new ModelgateError('cannot find the bundled examples/ folder next to modelgate');
    dir = up;
  }
}

async function git(cwd: string, ...args: string[]): Promise<void> {
  await exec('git', args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
}

/** Runs the demo and prints each step. */
export async function runDemo(options: DemoOptions): Promise<void> {
  const { io } = options;
  const say = (t = '') => io.out(`${t}\n`);
  const step = (n: number, t: string) => say(`\n== ${n}. ${t}`);
  const rows = options.rows ?? 20000;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'modelgate-demo-')));
  await mkdir(dir, { recursive: true });
  const example = join(packageRoot(), 'examples', 'risk-scoring');
  const quiet = (l: string) => io.err(`${l}\n`);

  step(1, `Create the example repository in ${dir}`);
  await cp(example, dir, {
    recursive: true,
    filter: (src) => !/[\\/](data|\.modelgate|node_modules)([\\/]|$)/.test(relative(example, src)),
  });
  let useGit = true;
  try {
    await git(dir, 'init', '-q', '-b', 'main');
    await git(dir, 'config', 'user.email', 'demo@modelgate.invalid');
    await git(dir, 'config', 'user.name', 'modelgate demo');
    await writeFile(join(dir, '.gitignore'), '.modelgate/\n');
  } catch {
    useGit = false;
    say('git is not available: continuing without version control');
  }

  step(2, `Generate ${rows} training and ${Math.round(rows / 4)} evaluation policies (seeded)`);
  await writeRows(join(dir, 'data', 'policies.csv'), riskRows({ rows, seed: 1 }), RISK_COLUMNS);
  await writeRows(
    join(dir, 'data', 'policies_eval.csv'),
    riskRows({ rows: Math.round(rows / 4), seed: 2, firstId: 900000 }),
    RISK_COLUMNS,
  );
  if (useGit) {
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-q', '-m', 'Risk model: data, model.yml, modelgate.yml');
  }
  say('data/policies.csv, data/policies_eval.csv; committed on main');

  const modelFile = join(dir, 'models', 'risk', 'model.yml');
  const common = {
    modelFile,
    log: quiet,
    write: io.err,
    isTTY: io.isTTY,
    env: { ...io.env, GITHUB_SHA: '', GITHUB_HEAD_REF: '', GITHUB_REF_NAME: '' },
    ...(options.backend ? { backend: options.backend } : {}),
  };

  step(3, 'Train the baseline (built-in TensorFlow.js trainer)');
  const baseline = await runTraining({ ...common, outDir: join(dir, '.modelgate', 'runs', 'baseline') });
  io.out(runSummary(baseline.record, relative(dir, baseline.dir)));

  step(4, 'Register it as risk@v1.0.0 in the local registry (.modelgate/)');
  const registry = new LocalRegistry(join(dir, '.modelgate'));
  const v1 = await registry.register(baseline.dir, {
    version: '1.0.0',
    notes: 'baseline',
    extraFiles: (entry) => versionFiles(baseline.dir, entry, io),
  });
  say(
    `registered ${v1.tag} (run ${v1.run_id}, git ${v1.git_sha?.slice(0, 7) ?? 'n/a'}) with its model card and reference profile`,
  );

  step(5, 'Propose a change on a branch: a wider MLP with a lower learning rate');
  if (useGit) await git(dir, 'checkout', '-q', '-b', 'tune/wider-mlp');
  const doc = parseDocument(await readFile(modelFile, 'utf8'));
  doc.setIn(['trainer', 'hidden'], doc.createNode([64, 32], { flow: true }));
  doc.setIn(['trainer', 'learning_rate'], 0.002);
  await writeFile(modelFile, doc.toString());
  if (useGit) {
    await git(dir, 'commit', '-q', '-am', 'risk: wider MLP (64, 32), learning rate 0.002');
  }
  say('models/risk/model.yml: trainer.hidden [32, 16] -> [64, 32], trainer.learning_rate 0.003 -> 0.002');

  step(6, 'Train the candidate');
  const candidate = await runTraining({ ...common, outDir: join(dir, '.modelgate', 'runs', 'candidate') });
  io.out(runSummary(candidate.record, relative(dir, candidate.dir)));

  step(7, `Compare the candidate with ${v1.tag}: paired bootstrap, gate verdict (.github/modelgate.yml)`);
  const repo = await loadYamlFile(join(dir, '.github', 'modelgate.yml'), RepoConfigSchema);
  const repoModel = repo.models.find((m) => m.name === 'risk');
  const compared = await diffAndRender({
    baselineDir: await registry.materialise('risk', v1.version),
    baselineVersion: v1.version,
    candidateDir: candidate.dir,
    ...(repoModel ? { repoModel } : {}),
    resamples: options.resamples ?? 1000,
  });
  io.out(diffSummary(compared.diff, compared.gate));
  const gaps = compared.diff.fairness.filter((f) => f.column === 'gender');
  if (gaps.length > 0) {
    say('');
    say(
      textTable(
        ['fairness (gender)', v1.tag, 'candidate', 'limit'],
        gaps.map((g) => [
          g.name,
          formatMetric(g.baseline),
          formatMetric(g.candidate),
          g.limit === null ? '-' : formatMetric(g.limit),
        ]),
      ),
    );
  }

  step(8, 'Write the pull-request report, the HTML report and the model card');
  const reports = join(dir, 'reports');
  await mkdir(reports, { recursive: true });
  await writeFile(join(reports, 'pr-comment.md'), `${renderPrComment([compared.markdown])}\n`);
  await writeFile(join(reports, 'report.html'), compared.html());
  await writeFile(join(reports, 'model-card.md'), compared.card);
  say(
    `${join(reports, 'pr-comment.md')}   the sticky pull-request comment (markdown, ${compared.markdown.length} characters)`,
  );
  say(`${join(reports, 'report.html')}     the self-contained HTML report (open it in a browser)`);
  say(`${join(reports, 'model-card.md')}   the candidate's model card`);
  const verdict = compared.gate.verdict;
  say(
    verdict === 'needs-approval'
      ? `\nOn GitHub the check "modelgate/risk" would wait for an approving review from ${repoModel?.approvers.join(', ') || 'a maintainer'} before the merge.`
      : verdict === 'fail'
        ? '\nOn GitHub the check "modelgate/risk" would fail and block the merge.'
        : '\nOn GitHub the check "modelgate/risk" would pass.',
  );
  const baseSha = baseline.record.git?.sha;
  const headSha = candidate.record.git?.sha;
  if (baseSha && headSha && baseSha !== headSha) {
    step(
      9,
      "The same pull request on GitHub: the App's handlers against an in-memory GitHub (checks, sticky comment, approval, release)",
    );
    await githubLoop({
      baseSha,
      headSha,
      baselineDir: baseline.dir,
      candidateDir: candidate.dir,
      configText: await readFile(join(dir, '.github', 'modelgate.yml'), 'utf8'),
      workDir: join(dir, '.modelgate', 'github'),
      resamples: options.resamples ?? 1000,
      io,
    });
  } else {
    step(9, 'The same pull request on GitHub: skipped (the runs have no distinct git commits)');
  }
  step(
    10,
    'Release and deploy: risk@v1.0.0 serves, the candidate goes out as a 20% canary, then is promoted',
  );
  const v2 = await registry.register(candidate.dir, {
    bump: compared.gate.bump.bump,
    notes: 'wider MLP',
    extraFiles: (entry) => versionFiles(candidate.dir, entry, io),
  });
  say(`registered ${v2.tag} (bump: ${compared.gate.bump.reason})`);
  const token = randomBytes(16).toString('hex');
  const serving = await startServing({
    registry: join(dir, '.modelgate'),
    models: [{ name: 'risk', version: v1.version }],
    port: 0,
    host: '127.0.0.1',
    adminToken: token,
    logDir: join(dir, '.modelgate', 'logs'),
  });
  try {
    const deployForge = new MemoryForge();
    const admin = { url: serving.url, token };
    const traffic = [...riskRows({ rows: 400, seed: 21, firstId: 3_000_000 })].map(
      ({ claim: _c, gender: _g, policy_id: _p, ...row }) => row,
    );
    const send = async (n: number) => {
      const roles: Record<string, number> = {};
      const started = performance.now();
      await Promise.all(
        traffic.slice(0, n).map(async (row, i) => {
          const res = await fetch(`${serving.url}/v1/models/risk:predict`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-request-key': `customer-${i}` },
            body: JSON.stringify({ instances: [row] }),
          });
          await res.json();
          const key = `${res.headers.get('x-modelgate-version')} (${res.headers.get('x-modelgate-role')})`;
          roles[key] = (roles[key] ?? 0) + (res.ok ? 1 : 0);
        }),
      );
      const ms = performance.now() - started;
      return `${n} requests in ${ms.toFixed(0)} ms: ${Object.entries(roles)
        .map(([k, v]) => `${v} by ${k}`)
        .join(', ')}`;
    };
    const first = await deployVersion({
      forge: deployForge,
      admin,
      model: 'risk',
      version: v1.version,
      environment: 'production',
    });
    say(`deployed ${v1.tag} to production (${first.state}) at ${serving.url}`);
    say(`  traffic: ${await send(400)}`);
    const canary = await deployVersion({
      forge: deployForge,
      admin,
      model: 'risk',
      version: v2.version,
      canary: 20,
    });
    say(`canary ${v2.tag} at 20% (${canary.state})`);
    say(`  traffic: ${await send(400)}`);
    const promoted = await promoteCanary({
      forge: deployForge,
      admin,
      model: 'risk',
      version: v2.version,
      canaryDeploymentId: canary.deploymentId,
    });
    say(`promoted ${v2.tag} (${promoted.state})`);
    say(`  traffic: ${await send(400)}`);
    say('GitHub Deployments the deploy action would record:');
    for (const d of deployForge.deployments) {
      const states = deployForge.deploymentStatuses
        .filter((x) => x.deploymentId === d.id)
        .map((x) => x.state);
      say(`  ${d.environment.padEnd(18)} ${d.ref.padEnd(12)} ${states.join(' -> ')}`);
    }
  } finally {
    await serving.close();
  }
  say(`prediction log: ${join(dir, '.modelgate', 'logs')} (what drift monitoring reads in production)`);

  step(11, `Later, in production: monitor ${v2.tag} for drift against its reference profile`);
  const reference = await loadProfile(join(await registry.materialise('risk', v2.version), 'profile.json'));
  const forge = new MemoryForge();
  const retrain = repoModel?.drift?.retrain ? { workflow: 'retrain.yml', ref: 'main' } : null;
  const weeks = [
    { name: 'week 1', shift: 0, seed: 11 },
    { name: 'week 2', shift: 0.8, seed: 12 },
    { name: 'week 3', shift: 0, seed: 13 },
  ];
  for (const week of weeks) {
    const file = join(dir, 'data', `production-${week.name.replace(' ', '-')}.csv`);
    await writeRows(
      file,
      riskRows({
        rows: Math.round(rows / 2),
        seed: week.seed,
        shift: week.shift,
        firstId: 2_000_000 + week.seed * 100_000,
      }),
      RISK_COLUMNS,
    );
    const current = await profileFile(file, {}, { source: relative(dir, file) });
    const report = detectDrift({
      reference,
      current,
      model: 'risk',
      release: v2.version,
      share: repoModel?.drift?.share ?? 0.5,
    });
    const body = renderDriftMarkdown(report);
    const { action, issue } = await syncDriftIssue(forge, {
      model: 'risk',
      version: v2.version,
      report,
      body,
      retrain,
    });
    const d = report.dataset;
    const top = report.features
      .filter((f) => f.drifted)
      .slice(0, 3)
      .map((f) => `${f.name} (${f.method} ${formatMetric(f.statistic)})`);
    say(
      `${week.name}: ${d.drifted ? 'DRIFT' : 'no drift'}, ${d.driftedColumns} of ${d.columns} columns${top.length > 0 ? `: ${top.join(', ')}` : ''}`,
    );
    const what =
      action.kind === 'create'
        ? `opened issue #${issue?.number} "${action.title}"${action.dispatch ? `; dispatched ${action.dispatch.workflow} to retrain` : ''}`
        : action.kind === 'update'
          ? `updated issue #${action.number}${action.reopen ? ' (reopened)' : ''}`
          : action.kind === 'close'
            ? `closed issue #${action.number}: drift cleared`
            : action.reason;
    say(`         ${what}`);
    if (d.drifted) {
      await writeFile(join(reports, 'drift-issue.md'), `${body}\n`);
      await writeFile(join(reports, 'drift.html'), renderDriftHtml(report));
    }
  }
  say(
    `${join(reports, 'drift-issue.md')}  the drift issue's body; ${join(reports, 'drift.html')}  its HTML report`,
  );
  say(`\nThe demo repository stays in ${dir} (runs in .modelgate/runs, versions in .modelgate/models).`);
  say(
    'On GitHub, the reusable workflows and the App run these steps on every pull request, merge and schedule: see docs/workflows.md and docs/app.md.',
  );
}
