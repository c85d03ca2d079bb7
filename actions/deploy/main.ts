/** The `deploy` action's entry point (bundled to dist/index.js): inputs -> deployAction -> outputs + summary. */
import * as core from '@actions/core';
import { deployAction } from '../../src/actions/deploy.js';
import { DeployInputsSchema } from '../../src/actions/inputs.js';
import {
  actionContext,
  appendSummary,
  readInputs,
  runAction,
  setOutputs,
} from '../../src/actions/runtime.js';

await runAction('deploy', async () => {
  const inputs = readInputs(DeployInputsSchema);
  core.setSecret(inputs['admin-token']);
  const result = await deployAction({
    inputs,
    context: actionContext(),
    env: process.env,
    log: (line) => core.info(line),
  });
  setOutputs(result.outputs);
  appendSummary(result.summary);
  if (result.error) throw result.error;
});
