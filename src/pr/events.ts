/**
 * The parts of GitHub's webhook payloads the App reads, as zod schemas: the bot validates a raw
 * payload with them (unknown keys are dropped) and the handlers parse again, so nothing else of a
 * payload is ever trusted. Field names are GitHub's.
 */
import { z } from 'zod';

const Sha = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/i, 'expected a 40 or 64 hex digit commit SHA');
const Login = z.string().min(1).max(100);
const User = z.object({ login: Login, type: z.string().optional() });
const Label = z.object({ name: z.string().max(100) });

/** The repository part of every payload. */
export const RepositorySchema = z.object({
  full_name: z.string().min(3),
  default_branch: z.string().min(1).optional(),
});

/** The pull request part of `pull_request` and `pull_request_review` payloads. */
export const PullRequestPayloadSchema = z.object({
  number: z.number().int().positive(),
  state: z.string().optional(),
  merged: z.boolean().nullable().optional(),
  merge_commit_sha: z.string().nullable().optional(),
  html_url: z.string().optional(),
  user: User,
  head: z.object({
    sha: Sha,
    ref: z.string(),
    repo: z.object({ full_name: z.string() }).nullable().optional(),
  }),
  base: z.object({ ref: z.string(), sha: z.string().optional() }),
  labels: z.array(Label).default([]),
});

/** `pull_request` (opened, synchronize, reopened, closed, ...). */
export const PullRequestEventSchema = z.object({
  action: z.string(),
  number: z.number().int().positive().optional(),
  pull_request: PullRequestPayloadSchema,
  repository: RepositorySchema,
});
/** A `pull_request` payload subset. */
export type PullRequestEvent = z.infer<typeof PullRequestEventSchema>;

/** `workflow_run` (completed). */
export const WorkflowRunEventSchema = z.object({
  action: z.string(),
  workflow_run: z.object({
    id: z.number().int().positive(),
    name: z.string().nullable().optional(),
    path: z.string().optional(),
    head_sha: Sha,
    head_branch: z.string().nullable().optional(),
    event: z.string().optional(),
    status: z.string().nullable().optional(),
    conclusion: z.string().nullable(),
    html_url: z.string().optional(),
    pull_requests: z
      .array(
        z.object({ number: z.number().int().positive(), head: z.object({ sha: z.string() }).optional() }),
      )
      .default([]),
  }),
  repository: RepositorySchema,
});
/** A `workflow_run` payload subset. */
export type WorkflowRunEvent = z.infer<typeof WorkflowRunEventSchema>;

/** `pull_request_review` (submitted, dismissed, edited). */
export const ReviewEventSchema = z.object({
  action: z.string(),
  review: z.object({
    user: User.nullable(),
    state: z.string(),
    commit_id: z.string().nullable().optional(),
  }),
  pull_request: PullRequestPayloadSchema,
  repository: RepositorySchema,
});
/** A `pull_request_review` payload subset. */
export type ReviewEvent = z.infer<typeof ReviewEventSchema>;

/** The issue part of `issue_comment` and `issues` payloads (`pull_request` present on pull requests). */
export const IssuePayloadSchema = z.object({
  number: z.number().int().positive(),
  title: z.string().default(''),
  body: z.string().nullable().default(null),
  state: z.string().optional(),
  labels: z.array(Label).default([]),
  user: User.optional(),
  pull_request: z.object({ url: z.string().optional() }).passthrough().optional(),
});

/** `issue_comment` (created). */
export const IssueCommentEventSchema = z.object({
  action: z.string(),
  comment: z.object({
    id: z.number().int().positive(),
    body: z.string().max(65_536),
    user: User,
  }),
  issue: IssuePayloadSchema,
  repository: RepositorySchema,
});
/** An `issue_comment` payload subset. */
export type IssueCommentEvent = z.infer<typeof IssueCommentEventSchema>;

/** `issues` (labeled). */
export const IssueLabeledEventSchema = z.object({
  action: z.string(),
  label: Label.optional(),
  issue: IssuePayloadSchema,
  repository: RepositorySchema,
});
/** An `issues` payload subset. */
export type IssueLabeledEvent = z.infer<typeof IssueLabeledEventSchema>;

/** Payload validation failed: names the event and the first bad fields. */
export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

/** Parses a payload with a schema; throws {@link PayloadError} naming the event and fields. */
export function parsePayload<S extends z.ZodType>(schema: S, payload: unknown, event: string): z.output<S> {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const issues = result.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  throw new PayloadError(`invalid ${event} payload: ${issues}`);
}
