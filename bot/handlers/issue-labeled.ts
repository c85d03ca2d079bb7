/** `issues` labeled `retrain` on a drift issue: dispatch the retraining workflow. */
import { IssueLabeledEventSchema } from '../../src/pr/events.js';
import { onIssueLabeled } from '../../src/pr/on-issue-labeled.js';
import { defineRoute } from './route.js';

/** Routes `issues` labeled to `onIssueLabeled`. */
export const issueLabeledRoute = defineRoute({
  name: 'issues.labeled',
  event: 'issues',
  actions: ['labeled'],
  schema: IssueLabeledEventSchema,
  handle: onIssueLabeled,
});
