/** `pull_request` closed and merged: release, deployment, drift monitoring. */
import { PullRequestEventSchema } from '../../src/pr/events.js';
import { onMerged } from '../../src/pr/on-merged.js';
import { defineRoute } from './route.js';

/** Routes a merged `pull_request` (closed with `merged: true`) to `onMerged`. */
export const mergedRoute = defineRoute({
  name: 'pull_request.merged',
  event: 'pull_request',
  actions: ['closed'],
  schema: PullRequestEventSchema,
  when: (payload) => payload.pull_request.merged === true,
  handle: onMerged,
});
