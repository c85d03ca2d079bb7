/** `pull_request` opened, synchronize, reopened: a `modelgate/<model>` check run per affected model. */
import { PullRequestEventSchema } from '../../src/pr/events.js';
import { onPullRequest } from '../../src/pr/on-pull-request.js';
import { defineRoute } from './route.js';

/** Routes `pull_request` opened / synchronize / reopened to `onPullRequest`. */
export const pullRequestRoute = defineRoute({
  name: 'pull_request',
  event: 'pull_request',
  actions: ['opened', 'synchronize', 'reopened'],
  schema: PullRequestEventSchema,
  handle: onPullRequest,
});
