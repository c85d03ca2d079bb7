/** `issue_comment` created: the `/modelgate` slash commands. */
import { IssueCommentEventSchema } from '../../src/pr/events.js';
import { onIssueComment } from '../../src/pr/on-issue-comment.js';
import { defineRoute } from './route.js';

/** Routes `issue_comment` created to `onIssueComment`. */
export const issueCommentRoute = defineRoute({
  name: 'issue_comment',
  event: 'issue_comment',
  actions: ['created'],
  schema: IssueCommentEventSchema,
  handle: onIssueComment,
});
