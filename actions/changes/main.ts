/** The `changes` action's entry point (bundled to dist/index.js): inputs -> changesAction -> outputs + summary. */
import * as core from '@actions/core';
import {
  actionContext,
  appendSummary,
  readInputs,
  runAction,
  setOutputs,
} from '../../src/actions/runtime.js';
import { ChangesInputsSchema, changesAction } from '../../src/workflows/changes-action.js';

await runAction('changes', async () => {
  const context = actionContext();
  const result = await changesAction({
    inputs: readInputs(ChangesInputsSchema),
    workspace: context.workspace,
    serverUrl: context.serverUrl,
    log: (line) => core.info(line),
  });
  setOutputs(result.outputs);
  appendSummary(result.summary);
});
