/** The `evaluate` action's entry point (bundled to dist/index.js): inputs -> evaluateAction -> outputs + summary. */
import * as core from '@actions/core';
import { evaluateAction } from '../../src/actions/evaluate.js';
import { EvaluateInputsSchema } from '../../src/actions/inputs.js';
import {
  actionContext,
  appendSummary,
  readInputs,
  runAction,
  setOutputs,
} from '../../src/actions/runtime.js';

await runAction('evaluate', async () => {
  const result = await evaluateAction({
    inputs: readInputs(EvaluateInputsSchema),
    context: actionContext(),
    log: (line) => core.info(line),
  });
  setOutputs(result.outputs);
  appendSummary(result.summary);
});
