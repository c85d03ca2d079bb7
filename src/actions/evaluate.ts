/**
 * The `evaluate` action's use case: re-evaluate a run folder (its own evaluation data or the `data`
 * input) with `evaluateRun`, which writes `<run>/evaluation.json`; outputs the metrics and writes a
 * job summary with the repository config's gate rules next to each metric.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { loadYamlFile } from '../config/load.js';
import { RepoConfigSchema } from '../config/repo-config.js';
import { escapeMarkdown } from '../report/escape.js';
import { type Evaluation, evaluateRun } from '../runs/evaluate-run.js';
import type { EvaluateInputs } from './inputs.js';
import { type ActionContext, workspacePath } from './runtime.js';
import { factsTable, markdownTable, metricTable, sliceGapLines } from './summary.js';
import { ruleTexts } from './train.js';

/** Options of {@link evaluateAction}. */
export interface EvaluateActionOptions {
  inputs: EvaluateInputs;
  context: ActionContext;
  log: (line: string) => void;
}

/** The outcome of {@link evaluateAction}. */
export interface EvaluateActionResult {
  evaluation: Evaluation;
  outputs: Record<string, string>;
  summary: string;
}

/** The job summary of an evaluation (pure). */
export function evaluateSummary(
  evaluation: Evaluation,
  runDir: string,
  rules: Record<string, string>,
  dataPath?: string,
): string {
  const lines = [
    `## modelgate evaluate: ${escapeMarkdown(evaluation.model)}`,
    '',
    factsTable([
      ['Run', evaluation.run_id],
      ['Run folder', runDir],
      [
        'Data',
        evaluation.data
          ? `${dataPath ?? evaluation.data.path} (${evaluation.data.rows} rows, ${evaluation.data.hash.slice(0, 19)})`
          : "the run's own predictions",
      ],
      ['Rows evaluated', String(evaluation.rows)],
      ['Predictions', evaluation.predictions],
    ]),
    '',
    '### Metrics',
    '',
    metricTable(evaluation.metrics, rules),
    '',
  ];
  const gaps = sliceGapLines(evaluation.slices);
  if (gaps.length > 0) lines.push('Slice gaps:', '', ...gaps, '');
  const counts = evaluation.slices.map((s) => [
    s.column,
    s.groups.map((g) => `${g.value}: ${g.count}`).join(', '),
  ]);
  if (counts.length > 0) lines.push(markdownTable(['slice', 'rows per group'], counts), '');
  return lines.join('\n');
}

/** A path for display: relative to the workspace when inside it. */
function displayPath(workspace: string, path: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(workspace, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel.split(sep).join('/');
}

/** Evaluates the run and returns the outputs and the summary. */
export async function evaluateAction(options: EvaluateActionOptions): Promise<EvaluateActionResult> {
  const { inputs, context, log } = options;
  const workspace = context.workspace;
  const runDir = workspacePath(workspace, 'run-dir', inputs['run-dir']);
  const evaluation = await evaluateRun({
    runDir,
    ...(inputs.data ? { data: workspacePath(workspace, 'data', inputs.data) } : {}),
    ...(inputs.backend !== 'auto' ? { backend: inputs.backend } : {}),
    log,
    cwd: workspace,
  });
  let rules: Record<string, string> = {};
  const configFile = workspacePath(workspace, 'config', inputs.config);
  if (existsSync(configFile)) {
    const config = await loadYamlFile(configFile, RepoConfigSchema);
    const model = config.models.find((m) => m.name === evaluation.model);
    if (model) rules = ruleTexts(model);
  }
  const runDirOutput = relative(workspace, runDir).split(sep).join('/') || '.';
  return {
    evaluation,
    outputs: { metrics: JSON.stringify(evaluation.metrics), 'run-dir': runDirOutput },
    summary: evaluateSummary(
      evaluation,
      runDirOutput,
      rules,
      evaluation.data ? displayPath(workspace, evaluation.data.path) : undefined,
    ),
  };
}
