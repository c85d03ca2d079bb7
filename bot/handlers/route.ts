/**
 * The shape of the App's thin event adapters: which webhook event and actions a use case handles,
 * the zod schema of the payload subset it reads, and the use case itself (from `src/pr/`). The bot
 * validates the payload with the schema, then passes the subset (nothing else of the payload) on.
 */
import type { z } from 'zod';
import type { AppDeps, HandlerResult } from '../../src/pr/app-deps.js';

/** One webhook event (and actions) routed to one use case. */
export interface EventRoute<S extends z.ZodType = z.ZodType> {
  /** A short name for logs and figures, e.g. `pull_request.closed`. */
  name: string;
  /** The `X-GitHub-Event` name. */
  event: string;
  /** The payload `action`s handled. */
  actions: readonly string[];
  /** The payload subset the use case reads. */
  schema: S;
  /** A further filter on the parsed subset (e.g. only merged pull requests). */
  when?: (payload: z.output<S>) => boolean;
  /** The use case. It never throws; problems come back in `HandlerResult.error`. */
  handle: (deps: AppDeps, payload: z.output<S>) => Promise<HandlerResult>;
}

/** Declares a route with its schema's types checked against the handler. */
export function defineRoute<S extends z.ZodType>(route: EventRoute<S>): EventRoute {
  return route as unknown as EventRoute;
}
