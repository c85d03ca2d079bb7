/** The `release` action's entry point (bundled to dist/index.js): inputs -> releaseAction -> outputs + summary. */
import * as core from '@actions/core';
import { ReleaseInputsSchema } from '../../src/actions/inputs.js';
import { releaseAction } from '../../src/actions/release.js';
import {
  actionContext,
  appendSummary,
  readInputs,
  runAction,
  setOutputs,
} from '../../src/actions/runtime.js';

await runAction('release', async () => {
  const inputs = readInputs(ReleaseInputsSchema);
  const result = await releaseAction({
    inputs,
    context: actionContext(),
    env: process.env,
    log: (line) => core.info(line),
  });
  setOutputs(result.outputs);
  appendSummary(result.summary);
  if (result.attestationSkipped && inputs.attest) core.notice(`modelgate: ${result.attestationSkipped}`);
});
