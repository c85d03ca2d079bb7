/**
 * The {@link Forge} on GitHub's REST API, through an Octokit: ours ({@link createOctokit}) in the
 * Actions and the CLI, Probot's `context.octokit` in the App. Only `octokit.request` is used, with
 * the endpoints of the forge contract, so GitHub Enterprise Server and a test double work the same.
 *
 * Errors become {@link ForgeError}s naming the endpoint: 404 {@link ForgeNotFoundError}, 409 and
 * 422 `already_exists` {@link ForgeConflictError}, others keep the status and GitHub's message.
 * Lists follow the `Link: rel="next"` pages (100 per page). Downloads follow GitHub's redirect to
 * the bytes and stop at `maxBytes`.
 */
import {
  type CheckAnnotation,
  type CheckConclusion,
  type CheckRunPatch,
  type CheckStatus,
  type Forge,
  type ForgeArtifact,
  type ForgeAsset,
  type ForgeCheckRun,
  type ForgeComment,
  ForgeConflictError,
  type ForgeDeployment,
  ForgeError,
  type ForgeIssue,
  ForgeNotFoundError,
  type ForgePullRequest,
  type ForgeRelease,
  type ForgeReview,
  type ForgeTag,
  type IssuePatch,
  type NewCheckRun,
  type NewDeployment,
  type NewDeploymentStatus,
  type NewIssue,
  type NewRelease,
  type Permission,
  type WorkflowDispatch,
} from './forge.js';

/** What an Octokit request resolves to (the parts the forge reads). */
export interface OctokitResponseLike {
  status: number;
  url?: string;
  headers: Record<string, unknown>;
  data: unknown;
}

/**
 * The part of an Octokit the forge needs: `request(route, parameters)` and `request(options)`.
 * `@octokit/core` instances (ours, Probot's `context.octokit`) fit.
 */
export interface OctokitLike {
  request(route: string | Record<string, unknown>, parameters?: Record<string, unknown>): Promise<unknown>;
}

/** The repository a forge works on. */
export interface RepoRef {
  owner: string;
  repo: string;
}

/** Options of an {@link OctokitForge}. */
export interface OctokitForgeOptions {
  /** How many issues {@link OctokitForge.findIssueByMarker} reads at most, newest update first (default 3000). */
  issueScanLimit?: number;
  /** How many pages a list reads at most (default 100, i.e. 10,000 items). */
  maxPages?: number;
}

/** Check-run annotations per request: GitHub's limit. */
export const ANNOTATIONS_PER_REQUEST = 50;

const PER_PAGE = 100;
const PERMISSIONS: readonly Permission[] = ['admin', 'maintain', 'write', 'triage', 'read', 'none'];
const CHECK_STATUSES: readonly CheckStatus[] = ['queued', 'in_progress', 'completed'];
const REVIEW_STATES: readonly ForgeReview['state'][] = [
  'APPROVED',
  'CHANGES_REQUESTED',
  'COMMENTED',
  'DISMISSED',
  'PENDING',
];

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}
function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}
function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value ?? Number.NaN);
}
function login(user: unknown): string {
  return str(obj(user).login);
}
function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The URL of the `rel="next"` page in a `Link` header, or null. */
export function nextPageUrl(link: unknown): string | null {
  if (typeof link !== 'string') return null;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (m && m[2]!.split(/\s+/).includes('next')) return m[1]!;
  }
  return null;
}

/** `route` with its `{name}` placeholders filled from `params`, to name an endpoint in errors. */
function describe(route: string, params: Json): string {
  return route.replace(/\{[+]?(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}

function isConflict(status: number, data: Json, message: string): boolean {
  if (status === 409) return true;
  if (status !== 422) return false;
  return (
    list(data.errors).some((e) => obj(e).code === 'already_exists') || /already[ _]exists/i.test(message)
  );
}

/** The {@link ForgeError} for a failed Octokit request to `endpoint`. */
export function toForgeError(error: unknown, endpoint: string): ForgeError {
  if (error instanceof ForgeError) return error;
  const e = obj(error);
  const status = typeof e.status === 'number' ? e.status : 0;
  const data = obj(obj(e.response).data);
  const details = list(data.errors)
    .map((x) => (typeof x === 'string' ? x : [obj(x).resource, obj(x).field, obj(x).code, obj(x).message]))
    .map((x) => (Array.isArray(x) ? x.filter((p) => typeof p === 'string' && p).join(' ') : x))
    .filter(Boolean);
  const base = str(data.message) || (error instanceof Error ? error.message : String(error));
  const message = `${endpoint}: ${status ? `HTTP ${status} ` : ''}${base}${details.length ? ` (${details.join('; ')})` : ''}`;
  if (status === 404) return new ForgeNotFoundError(message);
  if (isConflict(status, data, `${base} ${details.join(' ')}`))
    return new ForgeConflictError(message, status);
  return new ForgeError(message, status);
}

function tooLarge(what: string, size: number, maxBytes: number): ForgeError {
  return new ForgeError(`${what} is ${size} bytes, more than the limit of ${maxBytes} bytes`, 413);
}

/** The bytes of a response body (a stream, an ArrayBuffer, a view or text), stopping past `maxBytes`. */
async function readBody(data: unknown, maxBytes: number, what: string): Promise<Uint8Array> {
  if (data instanceof ArrayBuffer) {
    if (data.byteLength > maxBytes) throw tooLarge(what, data.byteLength, maxBytes);
    return new Uint8Array(data);
  }
  if (ArrayBuffer.isView(data)) {
    if (data.byteLength > maxBytes) throw tooLarge(what, data.byteLength, maxBytes);
    return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  }
  if (typeof data === 'string') return readBody(new TextEncoder().encode(data), maxBytes, what);
  const stream = data as ReadableStream<Uint8Array> | null;
  if (!stream || typeof stream.getReader !== 'function')
    throw new ForgeError(`${what}: the response has no body to read`, 0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(`${what} (at least)`, size, maxBytes);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** A repository file path for the contents API: segments URI-encoded, no `.`/`..` or empty segments. */
function contentPath(path: string): string {
  const segments = path.replace(/^\/+/, '').split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..'))
    throw new ForgeError(`getFile: invalid repository path ${JSON.stringify(path)}`, 0);
  return segments.map(encodeURIComponent).join('/');
}

function toIssue(data: unknown): ForgeIssue {
  const d = obj(data);
  const issue: ForgeIssue = {
    number: num(d.number),
    title: str(d.title),
    body: str(d.body),
    state: d.state === 'closed' ? 'closed' : 'open',
    labels: list(d.labels)
      .map((l) => (typeof l === 'string' ? l : str(obj(l).name)))
      .filter(Boolean),
  };
  if (typeof d.html_url === 'string') issue.url = d.html_url;
  return issue;
}

function toComment(data: unknown): ForgeComment {
  const d = obj(data);
  return { id: num(d.id), body: str(d.body), user: login(d.user) };
}

function toPullRequest(data: unknown): ForgePullRequest {
  const d = obj(data);
  const head = obj(d.head);
  const pr: ForgePullRequest = {
    number: num(d.number),
    title: str(d.title),
    state: d.state === 'closed' ? 'closed' : 'open',
    merged: typeof d.merged === 'boolean' ? d.merged : d.merged_at != null,
    mergeCommitSha: typeof d.merge_commit_sha === 'string' ? d.merge_commit_sha : null,
    user: login(d.user),
    headSha: str(head.sha),
    headRef: str(head.ref),
    headRepo: typeof obj(head.repo).full_name === 'string' ? str(obj(head.repo).full_name) : null,
    baseRef: str(obj(d.base).ref),
    labels: list(d.labels)
      .map((l) => str(obj(l).name))
      .filter(Boolean),
  };
  if (typeof d.html_url === 'string') pr.url = d.html_url;
  return pr;
}

function toCheckRun(data: unknown): ForgeCheckRun {
  const d = obj(data);
  const output = obj(d.output);
  const status = CHECK_STATUSES.includes(d.status as CheckStatus) ? (d.status as CheckStatus) : 'queued';
  const run: ForgeCheckRun = {
    id: num(d.id),
    name: str(d.name),
    headSha: str(d.head_sha),
    status,
    conclusion: typeof d.conclusion === 'string' ? (d.conclusion as CheckConclusion) : null,
    title: str(output.title),
    summary: str(output.summary),
    appId: typeof obj(d.app).id === 'number' ? num(obj(d.app).id) : null,
  };
  if (typeof output.text === 'string') run.text = output.text;
  if (typeof d.external_id === 'string' && d.external_id !== '') run.externalId = d.external_id;
  return run;
}

function toAsset(data: unknown): ForgeAsset {
  const d = obj(data);
  return { id: num(d.id), name: str(d.name), size: num(d.size), contentType: str(d.content_type) };
}

function toRelease(data: unknown): ForgeRelease {
  const d = obj(data);
  const release: ForgeRelease = {
    id: num(d.id),
    tag: str(d.tag_name),
    name: str(d.name),
    body: str(d.body),
    draft: d.draft === true,
    prerelease: d.prerelease === true,
    createdAt: str(d.created_at),
    uploadUrl: str(d.upload_url),
    assets: list(d.assets).map(toAsset),
  };
  if (typeof d.html_url === 'string') release.htmlUrl = d.html_url;
  return release;
}

function toAnnotation(a: CheckAnnotation): Json {
  const out: Json = {
    path: a.path,
    start_line: a.startLine,
    end_line: a.endLine,
    annotation_level: a.level,
    message: a.message,
  };
  if (a.title !== undefined) out.title = a.title;
  return out;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function newestFirst(a: { createdAt: string; id: number }, b: { createdAt: string; id: number }): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return b.id - a.id;
}

/** The forge on GitHub's REST API. */
export class OctokitForge implements Forge {
  private readonly octokit: OctokitLike;
  private readonly repoRef: RepoRef;
  private readonly issueScanLimit: number;
  private readonly maxPages: number;
  /** Commit SHA per annotated-tag object SHA (tag objects never change). */
  private readonly peeled = new Map<string, string>();
  /** Sizes GitHub listed, per asset id and per artifact id, checked before a download. */
  private readonly assetSizes = new Map<number, number>();
  private readonly artifactSizes = new Map<number, number>();

  /** A forge for `repo` through `octokit` (ours from {@link createOctokit}, or Probot's `context.octokit`). */
  constructor(octokit: OctokitLike, repo: RepoRef, options: OctokitForgeOptions = {}) {
    if (!repo.owner || !repo.repo || /[/\s]/.test(repo.owner + repo.repo))
      throw new ForgeError(`OctokitForge: invalid repository ${JSON.stringify(repo)}`, 0);
    this.octokit = octokit;
    this.repoRef = { owner: repo.owner, repo: repo.repo };
    this.issueScanLimit = options.issueScanLimit ?? 3000;
    this.maxPages = options.maxPages ?? 100;
  }

  /** One request; `route` is `METHOD /path/{param}`; owner and repo are added to repository routes. */
  private async call(route: string, params: Json = {}): Promise<OctokitResponseLike> {
    const full = route.includes('{owner}/{repo}') ? { ...this.repoRef, ...params } : params;
    try {
      return (await this.octokit.request(route, full)) as OctokitResponseLike;
    } catch (error) {
      throw toForgeError(error, describe(route, full));
    }
  }

  /** Every item of a paginated list, following `Link: rel="next"`; `pick` finds the items in a page. */
  private async *paginate(
    route: string,
    params: Json,
    pick: (data: unknown) => unknown[] = list,
  ): AsyncGenerator<unknown> {
    let response = await this.call(route, params);
    for (let page = 1; ; page++) {
      yield* pick(response.data);
      const next = nextPageUrl(response.headers.link);
      if (!next || page >= this.maxPages) return;
      try {
        response = (await this.octokit.request({ method: 'GET', url: next })) as OctokitResponseLike;
      } catch (error) {
        throw toForgeError(error, `GET ${next}`);
      }
    }
  }

  private async all<T>(
    route: string,
    params: Json,
    map: (item: unknown) => T,
    pick?: (data: unknown) => unknown[],
  ): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this.paginate(route, { ...params, per_page: PER_PAGE }, pick))
      out.push(map(item));
    return out;
  }

  /** `null` instead of a {@link ForgeNotFoundError}. */
  private async orNull<T>(promise: Promise<T>): Promise<T | null> {
    try {
      return await promise;
    } catch (error) {
      if (error instanceof ForgeNotFoundError) return null;
      throw error;
    }
  }

  // --- issues, dispatch, deployments ---

  /** {@inheritDoc Forge.findIssueByMarker} Reads at most `issueScanLimit` issues. */
  async findIssueByMarker(marker: string): Promise<ForgeIssue | null> {
    let seen = 0;
    const pages = this.paginate('GET /repos/{owner}/{repo}/issues', {
      state: 'all',
      sort: 'updated',
      direction: 'desc',
      per_page: PER_PAGE,
    });
    for await (const item of pages) {
      if (++seen > this.issueScanLimit) return null;
      const d = obj(item);
      if (d.pull_request !== undefined) continue;
      if (str(d.body).includes(marker)) return toIssue(d);
    }
    return null;
  }

  /** {@inheritDoc Forge.createIssue} */
  async createIssue(issue: NewIssue): Promise<ForgeIssue> {
    const res = await this.call('POST /repos/{owner}/{repo}/issues', {
      title: issue.title,
      body: issue.body,
      labels: issue.labels,
    });
    return toIssue(res.data);
  }

  /** {@inheritDoc Forge.updateIssue} */
  async updateIssue(number: number, patch: IssuePatch): Promise<ForgeIssue> {
    const body: Json = {};
    for (const key of ['title', 'body', 'state', 'labels'] as const)
      if (patch[key] !== undefined) body[key] = patch[key];
    const res = await this.call('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
      issue_number: number,
      ...body,
    });
    return toIssue(res.data);
  }

  /** {@inheritDoc Forge.addIssueComment} */
  async addIssueComment(number: number, body: string): Promise<void> {
    await this.createIssueComment(number, body);
  }

  /** {@inheritDoc Forge.dispatchWorkflow} */
  async dispatchWorkflow(dispatch: WorkflowDispatch): Promise<void> {
    await this.call('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
      workflow_id: dispatch.workflow,
      ref: dispatch.ref,
      inputs: dispatch.inputs,
    });
  }

  /**
   * {@inheritDoc Forge.createDeployment} The deployment neither merges the default branch into the
   * ref nor waits for commit statuses: it records a release already gated.
   */
  async createDeployment(deployment: NewDeployment): Promise<ForgeDeployment> {
    const res = await this.call('POST /repos/{owner}/{repo}/deployments', {
      ref: deployment.ref,
      environment: deployment.environment,
      description: deployment.description,
      payload: deployment.payload,
      auto_merge: false,
      required_contexts: [],
      production_environment: deployment.production ?? false,
      transient_environment: deployment.transient ?? false,
    });
    const d = obj(res.data);
    if (res.status !== 201 || typeof d.id !== 'number')
      throw new ForgeError(
        `POST /repos/${this.repoRef.owner}/${this.repoRef.repo}/deployments: no deployment created (HTTP ${res.status}: ${str(d.message)})`,
        res.status,
      );
    return {
      id: d.id,
      ref: str(d.ref, deployment.ref),
      environment: str(d.environment, deployment.environment),
      description: str(d.description),
      payload: obj(d.payload),
    };
  }

  /** {@inheritDoc Forge.createDeploymentStatus} The description is cut to GitHub's 140 characters. */
  async createDeploymentStatus(deploymentId: number, status: NewDeploymentStatus): Promise<void> {
    const params: Json = {
      deployment_id: deploymentId,
      state: status.state,
      description: [...status.description].slice(0, 140).join(''),
    };
    if (status.environmentUrl !== undefined) params.environment_url = status.environmentUrl;
    if (status.logUrl !== undefined) params.log_url = status.logUrl;
    await this.call('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', params);
  }

  // --- content and people ---

  /** {@inheritDoc Forge.getFile} Directories and files over 1 MB (no inline content) are refused. */
  async getFile(path: string, ref: string): Promise<string | null> {
    const res = await this.orNull(
      this.call('GET /repos/{owner}/{repo}/contents/{+path}', { path: contentPath(path), ref }),
    );
    if (!res) return null;
    if (Array.isArray(res.data)) return null;
    const d = obj(res.data);
    if (d.type !== undefined && d.type !== 'file') return null;
    if (d.encoding !== 'base64' || typeof d.content !== 'string')
      throw new ForgeError(
        `GET contents ${path} at ${ref}: no inline content (encoding ${JSON.stringify(d.encoding)}; files over 1 MB are not supported)`,
        413,
      );
    return Buffer.from(d.content, 'base64').toString('utf8');
  }

  /** {@inheritDoc Forge.getPermission} */
  async getPermission(user: string): Promise<Permission> {
    const res = await this.orNull(
      this.call('GET /repos/{owner}/{repo}/collaborators/{username}/permission', { username: user }),
    );
    if (!res) return 'none';
    const d = obj(res.data);
    for (const value of [d.role_name, d.permission])
      if (PERMISSIONS.includes(value as Permission)) return value as Permission;
    return 'none';
  }

  /** {@inheritDoc Forge.isTeamMember} */
  async isTeamMember(org: string, teamSlug: string, user: string): Promise<boolean> {
    const res = await this.orNull(
      this.call('GET /orgs/{org}/teams/{team_slug}/memberships/{username}', {
        org,
        team_slug: teamSlug,
        username: user,
      }),
    );
    return res !== null && obj(res.data).state === 'active';
  }

  // --- pull requests, reviews, comments ---

  /** {@inheritDoc Forge.getPullRequest} */
  async getPullRequest(number: number): Promise<ForgePullRequest> {
    const res = await this.call('GET /repos/{owner}/{repo}/pulls/{pull_number}', { pull_number: number });
    return toPullRequest(res.data);
  }

  /** {@inheritDoc Forge.listPullRequestFiles} */
  async listPullRequestFiles(number: number): Promise<string[]> {
    return this.all('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { pull_number: number }, (f) =>
      str(obj(f).filename),
    );
  }

  /**
   * {@inheritDoc Forge.pullRequestsForCommit}
   * As GitHub lists them for a merge commit, the merged pull request that made it is included.
   */
  async pullRequestsForCommit(sha: string): Promise<ForgePullRequest[]> {
    const prs = await this.all(
      'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls',
      { commit_sha: sha },
      toPullRequest,
    );
    return prs.filter(
      (p) => (p.state === 'open' && p.headSha === sha) || (p.merged && p.mergeCommitSha === sha),
    );
  }

  /** {@inheritDoc Forge.listReviews} */
  async listReviews(number: number): Promise<ForgeReview[]> {
    return this.all('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', { pull_number: number }, (r) => {
      const d = obj(r);
      return {
        id: num(d.id),
        user: login(d.user),
        state: REVIEW_STATES.includes(d.state as ForgeReview['state'])
          ? (d.state as ForgeReview['state'])
          : 'COMMENTED',
        commitId: str(d.commit_id),
        submittedAt: typeof d.submitted_at === 'string' ? d.submitted_at : null,
      };
    });
  }

  /** {@inheritDoc Forge.listIssueComments} */
  async listIssueComments(number: number): Promise<ForgeComment[]> {
    return this.all(
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
      { issue_number: number },
      toComment,
    );
  }

  /** {@inheritDoc Forge.createIssueComment} */
  async createIssueComment(number: number, body: string): Promise<ForgeComment> {
    const res = await this.call('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      issue_number: number,
      body,
    });
    return toComment(res.data);
  }

  /** {@inheritDoc Forge.updateIssueComment} */
  async updateIssueComment(commentId: number, body: string): Promise<ForgeComment> {
    const res = await this.call('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
      comment_id: commentId,
      body,
    });
    return toComment(res.data);
  }

  // --- check runs ---

  /** Sends annotations past the first 50, 50 per request, with the run's output title and summary. */
  private async moreAnnotations(
    run: ForgeCheckRun,
    rest: readonly CheckAnnotation[],
  ): Promise<ForgeCheckRun> {
    let current = run;
    for (const chunk of chunks(rest, ANNOTATIONS_PER_REQUEST)) {
      const res = await this.call('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
        check_run_id: run.id,
        output: { title: current.title, summary: current.summary, annotations: chunk.map(toAnnotation) },
      });
      current = toCheckRun(res.data);
    }
    return current;
  }

  /** {@inheritDoc Forge.createCheckRun} Annotations past 50 are sent in further updates. */
  async createCheckRun(run: NewCheckRun): Promise<ForgeCheckRun> {
    const annotations = run.annotations ?? [];
    const output: Json = { title: run.title, summary: run.summary };
    if (run.text !== undefined) output.text = run.text;
    if (annotations.length > 0)
      output.annotations = annotations.slice(0, ANNOTATIONS_PER_REQUEST).map(toAnnotation);
    const params: Json = { name: run.name, head_sha: run.headSha, status: run.status, output };
    if (run.conclusion !== undefined) params.conclusion = run.conclusion;
    if (run.externalId !== undefined) params.external_id = run.externalId;
    if (run.detailsUrl !== undefined) params.details_url = run.detailsUrl;
    const res = await this.call('POST /repos/{owner}/{repo}/check-runs', params);
    return this.moreAnnotations(toCheckRun(res.data), annotations.slice(ANNOTATIONS_PER_REQUEST));
  }

  /** {@inheritDoc Forge.updateCheckRun} Annotations are appended, 50 per request. */
  async updateCheckRun(id: number, patch: CheckRunPatch): Promise<ForgeCheckRun> {
    const annotations = patch.annotations ?? [];
    const params: Json = { check_run_id: id };
    if (patch.status !== undefined) params.status = patch.status;
    if (patch.conclusion !== undefined) params.conclusion = patch.conclusion;
    if (patch.externalId !== undefined) params.external_id = patch.externalId;
    if (patch.detailsUrl !== undefined) params.details_url = patch.detailsUrl;
    // GitHub's output object needs a title and a summary; without them, first learn the current ones.
    const hasOutput = patch.title !== undefined && patch.summary !== undefined;
    if (hasOutput) {
      const output: Json = { title: patch.title, summary: patch.summary };
      if (patch.text !== undefined) output.text = patch.text;
      if (annotations.length > 0)
        output.annotations = annotations.slice(0, ANNOTATIONS_PER_REQUEST).map(toAnnotation);
      params.output = output;
    }
    // With nothing else to change, an empty JSON object (not an empty body) learns the current output.
    const first = Object.keys(params).length > 1 ? params : { check_run_id: id, data: {} };
    let run = toCheckRun(
      (await this.call('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', first)).data,
    );
    const partial = !hasOutput && (patch.title ?? patch.summary ?? patch.text) !== undefined;
    if (partial) {
      const output: Json = { title: patch.title ?? run.title, summary: patch.summary ?? run.summary };
      if (patch.text !== undefined) output.text = patch.text;
      run = toCheckRun(
        (
          await this.call('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
            check_run_id: id,
            output,
          })
        ).data,
      );
    }
    return this.moreAnnotations(run, hasOutput ? annotations.slice(ANNOTATIONS_PER_REQUEST) : annotations);
  }

  /** {@inheritDoc Forge.listCheckRuns} */
  async listCheckRuns(sha: string, name?: string): Promise<ForgeCheckRun[]> {
    const params: Json = { ref: sha, filter: 'all' };
    if (name !== undefined) params.check_name = name;
    const runs = await this.all(
      'GET /repos/{owner}/{repo}/commits/{ref}/check-runs',
      params,
      toCheckRun,
      (d) => list(obj(d).check_runs),
    );
    return runs.filter((r) => name === undefined || r.name === name).sort((a, b) => b.id - a.id);
  }

  // --- tags and releases ---

  /** The commit an annotated tag object points at (following tags of tags). */
  private async peel(tagSha: string): Promise<string> {
    const known = this.peeled.get(tagSha);
    if (known) return known;
    let sha = tagSha;
    for (let depth = 0; depth < 5; depth++) {
      const res = await this.call('GET /repos/{owner}/{repo}/git/tags/{tag_sha}', { tag_sha: sha });
      const target = obj(obj(res.data).object);
      sha = str(target.sha);
      if (target.type !== 'tag') break;
    }
    this.peeled.set(tagSha, sha);
    return sha;
  }

  /** The refs under `refs/tags/` that start with `prefix` (empty for an empty repository). */
  private async matchingTagRefs(prefix: string): Promise<Json[]> {
    try {
      const refs: Json[] = [];
      for await (const item of this.paginate('GET /repos/{owner}/{repo}/git/matching-refs/tags/{prefix}', {
        prefix,
      }))
        refs.push(obj(item));
      return refs.filter((r) => str(r.ref).startsWith(`refs/tags/${prefix}`));
    } catch (error) {
      if (error instanceof ForgeError && error.status === 409) return [];
      throw error;
    }
  }

  /** {@inheritDoc Forge.listTags} Annotated tags are peeled (8 requests at a time, cached). */
  async listTags(prefix: string): Promise<ForgeTag[]> {
    const refs = await this.matchingTagRefs(prefix);
    const tags: ForgeTag[] = refs.map((r) => ({ name: str(r.ref).slice('refs/tags/'.length), sha: '' }));
    for (let i = 0; i < refs.length; i += 8) {
      await Promise.all(
        refs.slice(i, i + 8).map(async (r, j) => {
          const target = obj(r.object);
          tags[i + j]!.sha = target.type === 'tag' ? await this.peel(str(target.sha)) : str(target.sha);
        }),
      );
    }
    return tags;
  }

  /** {@inheritDoc Forge.createTag} */
  async createTag(name: string, sha: string, message: string): Promise<ForgeTag> {
    const tag = await this.call('POST /repos/{owner}/{repo}/git/tags', {
      tag: name,
      message,
      object: sha,
      type: 'commit',
    });
    const tagSha = str(obj(tag.data).sha);
    await this.call('POST /repos/{owner}/{repo}/git/refs', { ref: `refs/tags/${name}`, sha: tagSha });
    this.peeled.set(tagSha, sha);
    return { name, sha };
  }

  private remember(release: ForgeRelease): ForgeRelease {
    for (const asset of release.assets) this.assetSizes.set(asset.id, asset.size);
    return release;
  }

  /** {@inheritDoc Forge.listReleases} */
  async listReleases(): Promise<ForgeRelease[]> {
    const releases = await this.all('GET /repos/{owner}/{repo}/releases', {}, (r) =>
      this.remember(toRelease(r)),
    );
    return releases.sort(newestFirst);
  }

  /**
   * {@inheritDoc Forge.getReleaseByTag} Drafts included: GitHub's by-tag endpoint sees published
   * releases only, so a miss is looked up among the listed releases.
   */
  async getReleaseByTag(tag: string): Promise<ForgeRelease | null> {
    const res = await this.orNull(this.call('GET /repos/{owner}/{repo}/releases/tags/{tag}', { tag }));
    if (res) return this.remember(toRelease(res.data));
    for await (const item of this.paginate('GET /repos/{owner}/{repo}/releases', { per_page: PER_PAGE })) {
      const release = toRelease(item);
      if (release.tag === tag) return this.remember(release);
    }
    return null;
  }

  /**
   * {@inheritDoc Forge.createRelease} Checks first that the tag exists (GitHub would otherwise tag
   * the default branch) and has no release (GitHub allows several drafts per tag).
   */
  async createRelease(release: NewRelease): Promise<ForgeRelease> {
    const refs = await this.matchingTagRefs(release.tag);
    if (!refs.some((r) => r.ref === `refs/tags/${release.tag}`))
      throw new ForgeError(`create release: tag ${JSON.stringify(release.tag)} does not exist`, 422);
    if (await this.getReleaseByTag(release.tag))
      throw new ForgeConflictError(
        `create release: tag ${JSON.stringify(release.tag)} has a release already`,
      );
    const res = await this.call('POST /repos/{owner}/{repo}/releases', {
      tag_name: release.tag,
      name: release.name,
      body: release.body,
      draft: release.draft ?? false,
      prerelease: release.prerelease ?? false,
      make_latest: release.makeLatest ? 'true' : 'false',
    });
    return this.remember(toRelease(res.data));
  }

  /** {@inheritDoc Forge.updateRelease} */
  async updateRelease(id: number, patch: Partial<Omit<NewRelease, 'tag'>>): Promise<ForgeRelease> {
    const params: Json = { release_id: id };
    for (const key of ['name', 'body', 'draft', 'prerelease'] as const)
      if (patch[key] !== undefined) params[key] = patch[key];
    if (patch.makeLatest !== undefined) params.make_latest = patch.makeLatest ? 'true' : 'false';
    const res = await this.call('PATCH /repos/{owner}/{repo}/releases/{release_id}', params);
    return this.remember(toRelease(res.data));
  }

  /** {@inheritDoc Forge.uploadReleaseAsset} */
  async uploadReleaseAsset(
    release: ForgeRelease,
    name: string,
    data: Uint8Array,
    contentType: string,
  ): Promise<ForgeAsset> {
    const base = release.uploadUrl.replace(/\{[^}]*\}\s*$/, '');
    if (!/^https?:\/\//.test(base))
      throw new ForgeError(`upload ${name}: release ${release.id} has no upload URL`, 0);
    const endpoint = `POST ${base}?name=${encodeURIComponent(name)}`;
    try {
      const res = (await this.octokit.request({
        method: 'POST',
        url: `${base}{?name}`,
        name,
        headers: { 'content-type': contentType, 'content-length': data.byteLength },
        data,
      })) as OctokitResponseLike;
      const asset = toAsset(res.data);
      this.assetSizes.set(asset.id, asset.size);
      return asset;
    } catch (error) {
      throw toForgeError(error, endpoint);
    }
  }

  /** {@inheritDoc Forge.deleteReleaseAsset} */
  async deleteReleaseAsset(assetId: number): Promise<void> {
    await this.call('DELETE /repos/{owner}/{repo}/releases/assets/{asset_id}', { asset_id: assetId });
    this.assetSizes.delete(assetId);
  }

  /** Downloads `route`'s bytes (GitHub redirects to them), checking sizes against `maxBytes`. */
  private async download(route: string, params: Json, maxBytes: number, what: string): Promise<Uint8Array> {
    const res = await this.call(route, { ...params, request: { parseSuccessResponseBody: false } });
    const length = Number(res.headers['content-length']);
    if (Number.isFinite(length) && length > maxBytes) {
      const body = res.data as { cancel?: () => Promise<void> } | null;
      await body?.cancel?.().catch(() => undefined);
      throw tooLarge(what, length, maxBytes);
    }
    return readBody(res.data, maxBytes, what);
  }

  /** {@inheritDoc Forge.downloadReleaseAsset} */
  async downloadReleaseAsset(assetId: number, maxBytes: number): Promise<Uint8Array> {
    const what = `release asset ${assetId}`;
    const listed = this.assetSizes.get(assetId);
    if (listed !== undefined && listed > maxBytes) throw tooLarge(what, listed, maxBytes);
    return this.download(
      'GET /repos/{owner}/{repo}/releases/assets/{asset_id}',
      { asset_id: assetId, headers: { accept: 'application/octet-stream' } },
      maxBytes,
      what,
    );
  }

  // --- workflow artifacts ---

  /** {@inheritDoc Forge.listRunArtifacts} */
  async listRunArtifacts(runId: number): Promise<ForgeArtifact[]> {
    return this.all(
      'GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts',
      { run_id: runId },
      (a) => {
        const d = obj(a);
        const artifact = {
          id: num(d.id),
          name: str(d.name),
          size: num(d.size_in_bytes),
          expired: d.expired === true,
        };
        this.artifactSizes.set(artifact.id, artifact.size);
        return artifact;
      },
      (d) => list(obj(d).artifacts),
    );
  }

  /** {@inheritDoc Forge.downloadArtifact} */
  async downloadArtifact(artifactId: number, maxBytes: number): Promise<Uint8Array> {
    const what = `artifact ${artifactId}`;
    const listed = this.artifactSizes.get(artifactId);
    if (listed !== undefined && listed > maxBytes) throw tooLarge(what, listed, maxBytes);
    return this.download(
      'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/zip',
      { artifact_id: artifactId },
      maxBytes,
      what,
    );
  }

  /** {@inheritDoc Forge.listWorkflowRunsForCommit} */
  async listWorkflowRunsForCommit(
    sha: string,
  ): Promise<{ id: number; name: string; conclusion: string | null }[]> {
    const runs = await this.all(
      'GET /repos/{owner}/{repo}/actions/runs',
      { head_sha: sha },
      (r) => {
        const d = obj(r);
        return {
          id: num(d.id),
          name: str(d.name),
          conclusion: typeof d.conclusion === 'string' ? d.conclusion : null,
          createdAt: str(d.created_at),
        };
      },
      (d) => list(obj(d).workflow_runs),
    );
    return runs.sort(newestFirst).map(({ id, name, conclusion }) => ({ id, name, conclusion }));
  }
}
