/** The `drift` action's entry point (bundled to dist/index.js): inputs -> driftAction -> outputs + summary. */
import * as core from '@actions/core';
import { driftAction, versionLabel } from '../../src/actions/drift.js';
import { DriftInputsSchema } from '../../src/actions/inputs.js';
import {
  actionContext,
  appendSummary,
  readEvent,
  readInputs,
  runAction,
  setOutputs,
} from '../../src/actions/runtime.js';
import { ModelgateError } from '../../src/errors.js';

await runAction('drift', async () => {
  const inputs = readInputs(DriftInputsSchema);
  const result = await driftAction({
    inputs,
    context: actionContext(),
    event: readEvent(),
    env: process.env,
    log: (line) => core.info(line),
  });
  setOutputs(result.outputs);
  appendSummary(result.summary);
  const d = result.report.dataset;
  if (d.drifted) {
    const message = `${versionLabel(inputs.model, result.version)}: ${d.driftedColumns} of ${d.columns} columns drifted (share ${d.share.toFixed(2)})`;
    if (inputs['fail-on-drift']) throw new ModelgateError(`${message} (fail-on-drift is true)`);
    core.warning(message);
  }
});
