/** `modelgate lint-workflows` (the workflow security linter) and `modelgate changed-models` (which models a change affects). */
import { resolve } from 'node:path';
import { changesOutputs, detectChanges } from '../workflows/detect-changes.js';
import { formatFinding } from '../workflows/finding.js';
import { lintWorkflowFiles } from '../workflows/lint-workflow-files.js';
import { DEFAULT_TRUSTED_ACTION_REPOS } from '../workflows/rule-unpinned-action.js';
import type { CommandSpec } from './args.js';
import { stringOption } from './args.js';

/** Exit code of `modelgate lint-workflows` when it finds something. */
export const LINT_FINDINGS_EXIT_CODE = 1;

/** `modelgate lint-workflows [paths...]`: the security rules of docs/workflows.md over workflow files. */
export const lintWorkflowsCommand: CommandSpec = {
  name: 'lint-workflows',
  summary:
    'Check GitHub workflow files for unsafe patterns: pull_request_target checkouts, untrusted expressions in run:, missing permissions, unpinned actions, self-hosted runners reachable from forks.',
  usage: 'modelgate lint-workflows [paths...] [--trust <owner/repo>]... [--json]',
  options: {
    trust: {
      type: 'string',
      value: '<owner/repo>',
      multiple: true,
      description: 'Also accept tag refs of actions from this repository (default: modelgate/modelgate)',
    },
    json: { type: 'boolean', description: 'Print the findings as JSON' },
  },
  details:
    'Paths are workflow files or folders of them (default .github/workflows). Exit code 1 on findings.',
  async run(args, io) {
    const trust = (args['trust'] as string[] | undefined) ?? [];
    const findings = await lintWorkflowFiles(args._, {
      cwd: io.cwd,
      trustedActionRepos: [...DEFAULT_TRUSTED_ACTION_REPOS, ...trust],
    });
    if (args['json']) io.out(`${JSON.stringify(findings, null, 2)}\n`);
    else if (findings.length === 0) io.err('no findings\n');
    else io.out(`${findings.map(formatFinding).join('\n')}\n`);
    return findings.length > 0 ? LINT_FINDINGS_EXIT_CODE : 0;
  },
};

/** `modelgate changed-models`: the models a commit range affects (what the `changes` action computes). */
export const changedModelsCommand: CommandSpec = {
  name: 'changed-models',
  summary:
    'List the models a change affects (files under their path or paths globs, or their modelgate.yml entry).',
  usage:
    'modelgate changed-models --base <sha> [--head <sha>] [--config <modelgate.yml>] [--models a,b] [--json]',
  options: {
    base: { type: 'string', value: '<sha>', description: 'Old commit (empty: every model)' },
    head: { type: 'string', value: '<sha>', description: 'New commit', default: 'HEAD' },
    config: {
      type: 'string',
      value: '<file>',
      description: 'modelgate.yml, relative to the repository root',
      default: '.github/modelgate.yml',
    },
    models: { type: 'string', value: '<a,b>', description: 'Only these models (skips the diff)' },
    json: { type: 'boolean', description: 'Print the outputs (models, matrix, any) as JSON' },
  },
  async run(args, io) {
    const only = stringOption(args, 'models')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const result = await detectChanges({
      cwd: resolve(io.cwd),
      configPath: stringOption(args, 'config') ?? '.github/modelgate.yml',
      base: stringOption(args, 'base'),
      ...(stringOption(args, 'head') ? { head: stringOption(args, 'head') } : {}),
      ...(only && only.length > 0 ? { only } : {}),
    });
    if (args['json']) {
      const outputs = changesOutputs(result);
      io.out(
        `${JSON.stringify({ models: JSON.parse(outputs.models), matrix: JSON.parse(outputs.matrix), changedFiles: result.changedFiles }, null, 2)}\n`,
      );
    } else {
      for (const m of result.models) io.out(`${m.name}\t${m.reasons.join('; ')}\n`);
      if (result.models.length === 0) io.err('no model is affected\n');
    }
    return 0;
  },
};
