/** The `report` action's entry point (bundled to dist/index.js): inputs -> reportAction -> outputs + summary. */
import * as core from '@actions/core';
import { ReportInputsSchema } from '../../src/actions/inputs.js';
import { reportAction } from '../../src/actions/report.js';
import {
  actionContext,
  appendSummary,
  readEvent,
  readInputs,
  runAction,
  setOutputs,
} from '../../src/actions/runtime.js';

await runAction('report', async () => {
  const inputs = readInputs(ReportInputsSchema);
  const result = await reportAction({
    inputs,
    context: actionContext(),
    event: readEvent(),
    env: process.env,
    log: (line) => core.info(line),
  });
  setOutputs(result.outputs);
  appendSummary(result.summary);
  if (result.verdict === 'needs-approval')
    core.notice(`modelgate: a reviewer must approve #${result.prNumber} (verdict needs-approval)`);
  if (result.error) throw result.error;
});
