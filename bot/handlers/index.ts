/**
 * Every event the App handles, in one table (`ROUTES`), shared by the Probot app, the Node
 * middleware and Actions mode, and the lookup of an event's route.
 */
import { issueCommentRoute } from './issue-comment.js';
import { issueLabeledRoute } from './issue-labeled.js';
import { mergedRoute } from './merged.js';
import { pullRequestRoute } from './pull-request.js';
import { reviewRoute } from './review.js';
import type { EventRoute } from './route.js';
import { workflowRunRoute } from './workflow-run.js';

export type { EventRoute } from './route.js';

/** The App's routes. */
export const ROUTES: readonly EventRoute[] = [
  pullRequestRoute,
  mergedRoute,
  workflowRunRoute,
  reviewRoute,
  issueCommentRoute,
  issueLabeledRoute,
];

/** The webhook events the App subscribes to (the manifest's `default_events`). */
export const SUBSCRIBED_EVENTS: readonly string[] = [...new Set(ROUTES.map((r) => r.event))];

/** `event.action` names the App listens to, e.g. `pull_request.opened`. */
export const EVENT_ACTIONS: readonly string[] = ROUTES.flatMap((r) =>
  r.actions.map((a) => `${r.event}.${a}`),
);

/** The route of an event and action, or null when the App does not handle it. */
export function routeFor(event: string, action: string | undefined): EventRoute | null {
  return ROUTES.find((r) => r.event === event && action !== undefined && r.actions.includes(action)) ?? null;
}
