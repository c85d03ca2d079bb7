/** `pull_request_review` submitted, dismissed, edited: the approval gate. */
import { ReviewEventSchema } from '../../src/pr/events.js';
import { onReview } from '../../src/pr/on-review.js';
import { defineRoute } from './route.js';

/** Routes `pull_request_review` submitted / dismissed / edited to `onReview`. */
export const reviewRoute = defineRoute({
  name: 'pull_request_review',
  event: 'pull_request_review',
  actions: ['submitted', 'dismissed', 'edited'],
  schema: ReviewEventSchema,
  handle: onReview,
});
