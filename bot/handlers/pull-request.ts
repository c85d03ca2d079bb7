/**
 * `pull_request` opened, synchronize, reopened: a `modelgate/<model>` check run per affected model;
 * labeled, unlabeled: the pull request's labels stamped on those checks again.
 */
import { PullRequestEventSchema } from '../../src/pr/events.js';
import { onPullRequest } from '../../src/pr/on-pull-request.js';
import { defineRoute } from './route.js';

/** Routes `pull_request` opened / synchronize / reopened / labeled / unlabeled to `onPullRequest`. */
export const pullRequestRoute = defineRoute({
  name: 'pull_request',
  event: 'pull_request',
  actions: ['opened', 'synchronize', 'reopened', 'labeled', 'unlabeled'],
  schema: PullRequestEventSchema,
  handle: onPullRequest,
});
