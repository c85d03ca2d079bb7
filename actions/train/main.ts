/** The `train` action's entry point (bundled to dist/index.js): inputs -> trainAction -> outputs + summary. */
import * as core from '@actions/core';
import { TrainInputsSchema } from '../../src/actions/inputs.js';
import {
  actionContext,
  appendSummary,
  readEvent,
  readInputs,
  runAction,
  setOutputs,
} from '../../src/actions/runtime.js';
import { trainAction } from '../../src/actions/train.js';

await runAction('train', async () => {
  const inputs = readInputs(TrainInputsSchema);
  // The runner cancels a job with SIGINT then SIGTERM: stop training and still record the run.
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => controller.abort(new Error(`received ${signal}`)));
  }
  const result = await trainAction({
    inputs,
    context: actionContext(),
    event: readEvent(),
    env: process.env,
    log: (line) => core.info(line),
    signal: controller.signal,
  });
  setOutputs(result.outputs);
  appendSummary(result.summary);
  if (result.error) throw result.error;
});
