/**
 * The pieces every route of the GitHub test double shares: the request context, the reply shape,
 * GitHub's error bodies (404, 422 `Validation Failed`, ...) and page slicing with `Link` headers.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { DoubleUrls, Renderer } from './render.js';
import type { GitHubState, RepoState } from './state.js';

/** What a route answers. */
export interface Reply {
  status: number;
  /** JSON body (checked against the operation's response schema). */
  json?: unknown;
  /** Raw body (downloads). */
  bytes?: Uint8Array;
  headers?: Record<string, string>;
}

/** How the request authenticated. */
export interface RequestAuth {
  kind: 'jwt' | 'token';
  token: string;
}

/** Everything a route handler reads. Handlers are synchronous, so each request changes state atomically. */
export interface RouteContext {
  state: GitHubState;
  render: Renderer;
  urls: DoubleUrls;
  /** Decoded path parameters. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body (an empty object when there was none). */
  body: Record<string, unknown>;
  /** Raw body bytes. */
  raw: Buffer;
  headers: IncomingHttpHeaders;
  auth: RequestAuth;
  /** The login the token acts as. */
  actor: string;
  /** The full request URL (for `Link` headers). */
  requestUrl: URL;
}

/** A route: one OpenAPI operation the double serves. */
export type RouteHandler = (ctx: RouteContext) => Reply;

/** An error answer with GitHub's JSON error body. */
export class GitHubHttpError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;
  constructor(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    super(String(body.message ?? `HTTP ${status}`));
    this.name = 'GitHubHttpError';
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

const DOCS = 'https://docs.github.com/rest';

/** GitHub's error body: `{ message, documentation_url, status }`. */
export function errorBody(status: number, message: string, extra: Record<string, unknown> = {}) {
  return { message, ...extra, documentation_url: DOCS, status: String(status) };
}

/** 404 `Not Found`. */
export function notFound(): GitHubHttpError {
  return new GitHubHttpError(404, errorBody(404, 'Not Found'));
}

/** 403 with a plain message (an action the token's identity may not take). */
export function forbidden(message: string): GitHubHttpError {
  return new GitHubHttpError(403, errorBody(403, message));
}

/** 422 with a plain message (`Reference already exists`, `Object does not exist`). */
export function unprocessable(message: string): GitHubHttpError {
  return new GitHubHttpError(422, errorBody(422, message));
}

/** 422 `Validation Failed` with GitHub's `errors` list. */
export function validationFailed(
  errors: { resource: string; code: string; field?: string; message?: string }[],
): GitHubHttpError {
  return new GitHubHttpError(422, errorBody(422, 'Validation Failed', { errors }));
}

/** The repository named by the `owner`/`repo` path parameters, or a 404. */
export function repoOf(ctx: RouteContext): RepoState {
  const repo = ctx.state.findRepo(ctx.params.owner ?? '', ctx.params.repo ?? '');
  if (!repo) throw notFound();
  return repo;
}

/** An integer path parameter (already checked against the spec). */
export function intParam(ctx: RouteContext, name: string): number {
  const value = Number.parseInt(ctx.params[name] ?? '', 10);
  if (!Number.isFinite(value)) throw notFound();
  return value;
}

/** A string from the JSON body, or undefined. */
export function bodyString(ctx: RouteContext, name: string): string | undefined {
  const value = ctx.body[name];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** A boolean from the JSON body, or undefined. */
export function bodyBool(ctx: RouteContext, name: string): boolean | undefined {
  const value = ctx.body[name];
  return typeof value === 'boolean' ? value : undefined;
}

/**
 * One page of `items` (`per_page` default 30, at most 100; `page` from 1) and GitHub's `Link` header
 * (`first`, `prev`, `next`, `last`) built on the request's own URL.
 */
export function paginate<T>(
  ctx: RouteContext,
  items: readonly T[],
): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number.parseInt(ctx.query.get('per_page') ?? '30', 10) || 30));
  const pageNo = Math.max(1, Number.parseInt(ctx.query.get('page') ?? '1', 10) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const page = items.slice((pageNo - 1) * perPage, pageNo * perPage);
  const link = (n: number) => {
    const u = new URL(ctx.requestUrl);
    u.searchParams.set('page', String(n));
    if (ctx.query.has('per_page')) u.searchParams.set('per_page', String(perPage));
    return u.toString();
  };
  const rels: string[] = [];
  if (pageNo > 1) rels.push(`<${link(pageNo - 1)}>; rel="prev"`);
  if (pageNo < last) rels.push(`<${link(pageNo + 1)}>; rel="next"`);
  if (pageNo < last) rels.push(`<${link(last)}>; rel="last"`);
  if (pageNo > 1) rels.push(`<${link(1)}>; rel="first"`);
  return { page, headers: rels.length > 0 ? { link: rels.join(', ') } : {} };
}

/** A 200 JSON page of a plain list. */
export function listReply<T>(ctx: RouteContext, items: readonly T[], render: (item: T) => unknown): Reply {
  const { page, headers } = paginate(ctx, items);
  return { status: 200, json: page.map(render), headers };
}

/** A 200 JSON page of a wrapped list (`{ total_count, <key>: [...] }`). */
export function wrappedListReply<T>(
  ctx: RouteContext,
  key: string,
  items: readonly T[],
  render: (item: T) => unknown,
): Reply {
  const { page, headers } = paginate(ctx, items);
  return { status: 200, json: { total_count: items.length, [key]: page.map(render) }, headers };
}
