/**
 * The `changes` action's use case (the first job of model-pr.yml and model-release.yml): which models
 * a pull request or push affects, as step outputs the workflow fans out over, plus a job summary.
 * Its inputs schema lives here; the action's `main.ts` is the usual thin wrapper:
 * readInputs(ChangesInputsSchema) -> changesAction -> setOutputs + appendSummary.
 */
import { z } from 'zod';
import { ModelNameSchema } from '../config/model-config.js';
import { escapeTableCell, tableCode } from '../report/escape.js';
import { changesOutputs, detectChanges } from './detect-changes.js';

/** `changes` inputs (kebab-case, as the runner passes them; empty means unset). */
export const ChangesInputsSchema = z.object({
  config: z
    .string()
    .min(1)
    .max(4096)
    .default('.github/modelgate.yml')
    .describe('The repository config file.'),
  base: z
    .string()
    .optional()
    .describe('Old commit: the PR base SHA or the push "before"; empty or all zeros counts every model.'),
  head: z.string().optional().describe('New commit (default: HEAD of the checkout).'),
  models: z
    .string()
    .transform((v) =>
      v
        .split(/[,\n]/)
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    )
    .pipe(z.array(ModelNameSchema))
    .optional()
    .describe('Comma-separated models to use instead of the diff (manual runs).'),
  token: z
    .string()
    .optional()
    .describe('Token for fetching a base commit the shallow clone lacks (private repositories).'),
});
/** Validated `changes` inputs. */
export type ChangesInputs = z.output<typeof ChangesInputsSchema>;

/** Options of {@link changesAction}. */
export interface ChangesActionOptions {
  /** The validated inputs. */
  inputs: ChangesInputs;
  /** The checkout (GITHUB_WORKSPACE). */
  workspace: string;
  /** GITHUB_SERVER_URL (the token is sent to this host only). */
  serverUrl?: string | null;
  /** Log sink. */
  log: (line: string) => void;
}

/** The outputs (`models`, `matrix`, `any`) and the job summary. */
export interface ChangesActionResult {
  /** Step outputs. */
  outputs: { models: string; matrix: string; any: string };
  /** Job summary markdown. */
  summary: string;
}

/** Detects the affected models in the checkout (see detectChanges) and renders outputs and summary. */
export async function changesAction(options: ChangesActionOptions): Promise<ChangesActionResult> {
  const { inputs, log } = options;
  const result = await detectChanges({
    cwd: options.workspace,
    configPath: inputs.config,
    base: inputs.base,
    ...(inputs.head ? { head: inputs.head } : {}),
    ...(inputs.models && inputs.models.length > 0 ? { only: inputs.models } : {}),
    ...(inputs.token ? { token: inputs.token } : {}),
    ...(options.serverUrl ? { serverUrl: options.serverUrl } : {}),
  });
  if (result.changedFiles) log(`modelgate: ${result.changedFiles.length} changed file(s)`);
  for (const m of result.models) log(`modelgate: ${m.name}: ${m.reasons.join('; ')}`);
  if (result.models.length === 0) log('modelgate: no model is affected');
  const rows = result.models.map(
    (m) =>
      `| ${escapeTableCell(m.name)} | ${tableCode(JSON.stringify(m.runsOn))} | ${escapeTableCell(m.reasons.join('; '))} |`,
  );
  const summary =
    result.models.length === 0
      ? '## modelgate: changed models\n\nNo model is affected.\n'
      : [
          '## modelgate: changed models',
          '',
          '| model | runners | why |',
          '| --- | --- | --- |',
          ...rows,
          '',
        ].join('\n');
  return { outputs: changesOutputs(result), summary };
}
