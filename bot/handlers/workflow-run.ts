/** `workflow_run` completed: read the run artifacts, report on the pull request, complete the checks. */
import { WorkflowRunEventSchema } from '../../src/pr/events.js';
import { onWorkflowRunCompleted } from '../../src/pr/on-workflow-run.js';
import { defineRoute } from './route.js';

/** Routes `workflow_run` completed to `onWorkflowRunCompleted`. */
export const workflowRunRoute = defineRoute({
  name: 'workflow_run',
  event: 'workflow_run',
  actions: ['completed'],
  schema: WorkflowRunEventSchema,
  handle: onWorkflowRunCompleted,
});
