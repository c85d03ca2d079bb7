/**
 * Lints workflow files on disk: each path is a file, or a folder whose `*.yml` / `*.yaml` files are
 * linted (not recursively: GitHub only reads the top of `.github/workflows`).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { ModelgateError } from '../errors.js';
import { sortFindings, type WorkflowFinding } from './finding.js';
import { type LintWorkflowOptions, lintWorkflow } from './lint-workflow.js';

/** A path given to {@link lintWorkflowFiles} does not exist or cannot be read. Exit code 2. */
export class WorkflowFileError extends ModelgateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 2, options);
  }
}

/** Options of {@link lintWorkflowFiles}. */
export interface LintWorkflowFilesOptions extends LintWorkflowOptions {
  /** Folder relative paths are resolved against and reported relative to; default `process.cwd()`. */
  cwd?: string;
}

/** Largest workflow file read (GitHub's own limit on a workflow is far below this). */
const MAX_BYTES = 1024 * 1024;

/** Expands the paths (files, or folders of workflow files) to the files to lint, sorted. */
export async function workflowFilesIn(paths: readonly string[], cwd = process.cwd()): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths.length > 0 ? paths : ['.github/workflows']) {
    const abs = resolve(cwd, path);
    const info = await stat(abs).catch((cause: unknown) => {
      throw new WorkflowFileError(`${path}: no such workflow file or folder`, { cause });
    });
    if (info.isDirectory()) {
      const names = (await readdir(abs)).filter((n) => /\.ya?ml$/i.test(n)).sort();
      files.push(...names.map((n) => join(abs, n)));
    } else files.push(abs);
  }
  return [...new Set(files)];
}

/**
 * Lints workflow files (default: `.github/workflows`). Findings name files relative to `cwd`.
 * Throws {@link WorkflowFileError} for a missing path or a file over 1 MiB.
 */
export async function lintWorkflowFiles(
  paths: readonly string[],
  options: LintWorkflowFilesOptions = {},
): Promise<WorkflowFinding[]> {
  const cwd = options.cwd ?? process.cwd();
  const findings: WorkflowFinding[] = [];
  for (const file of await workflowFilesIn(paths, cwd)) {
    const name = relative(cwd, file) || file;
    const info = await stat(file);
    if (info.size > MAX_BYTES) {
      throw new WorkflowFileError(
        `${name}: ${info.size} bytes is too large for a workflow (limit ${MAX_BYTES})`,
      );
    }
    findings.push(...lintWorkflow(await readFile(file, 'utf8'), name, options));
  }
  return sortFindings(findings);
}
