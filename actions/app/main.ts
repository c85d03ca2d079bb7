/**
 * The `app` action's entry point (bundled to dist/index.js): runs the modelgate App's handler for
 * the workflow's event with the job token (Actions mode, bot/actions-mode.ts) and reports what it did.
 */
import * as core from '@actions/core';
import { runActionsMode } from '../../bot/actions-mode.js';
import { appOptionsFromEnv } from '../../bot/options.js';
import { appendSummary, runAction, setOutputs } from '../../src/actions/runtime.js';
import { escapeMarkdown } from '../../src/report/escape.js';

await runAction('app', async () => {
  const token = core.getInput('token') || process.env.GITHUB_TOKEN || '';
  if (token) core.setSecret(token);
  const report = await runActionsMode({
    ...appOptionsFromEnv(process.env),
    ...(token ? { token } : {}),
    log: { info: (m) => core.info(m), warn: (m) => core.warning(m), error: (m) => core.error(m) },
  });
  if (!report) {
    core.info(`modelgate: nothing to do for ${process.env.GITHUB_EVENT_NAME ?? 'this event'}`);
    setOutputs({ handled: 'false', summary: 'event not handled by modelgate' });
    return;
  }
  const { result } = report;
  setOutputs({ handled: String(result.handled), summary: result.summary });
  appendSummary(
    [
      `### modelgate: ${escapeMarkdown(report.event)}`,
      '',
      escapeMarkdown(result.summary),
      '',
      ...result.actions.map((a) => `- ${escapeMarkdown(a)}`),
    ].join('\n'),
  );
  if (result.error) throw new Error(result.error);
});
