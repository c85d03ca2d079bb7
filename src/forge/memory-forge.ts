/**
 * An in-memory {@link Forge}: issues, comments, pull requests, check runs, tags, releases and
 * artifacts kept in public arrays and maps. Used by tests and by local runs (the demo); it behaves
 * like GitHub where modelgate relies on it: issue and pull-request numbers share one counter,
 * marker search sees open and closed issues (newest update first), check runs list newest first,
 * annotations are appended, a tag or a release asset name can be taken only once, a release needs
 * its tag, downloads enforce a size limit. Missing things throw {@link ForgeNotFoundError}.
 */
import {
  type CheckAnnotation,
  type CheckRunPatch,
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

/** A recorded issue or pull-request comment. */
export interface MemoryComment {
  /** Comment id (counts up from 1). */
  id: number;
  /** Issue or pull-request number. */
  issue: number;
  body: string;
  /** Author login. */
  user: string;
}

/** A recorded check run with every annotation it received (appended, as GitHub does). */
export interface MemoryCheckRun extends ForgeCheckRun {
  annotations: CheckAnnotation[];
  detailsUrl?: string;
}

/** A recorded tag; `message` is set for annotated tags. */
export interface MemoryTag extends ForgeTag {
  message?: string;
}

/** A recorded workflow run. */
export interface MemoryWorkflowRun {
  id: number;
  name: string;
  headSha: string;
  conclusion: string | null;
}

/** A recorded workflow artifact with its zip bytes. */
export interface MemoryArtifact extends ForgeArtifact {
  runId: number;
  data: Uint8Array;
}

/** Fields for {@link MemoryForge.addPullRequest}; everything but `headSha` has a default. */
export type NewMemoryPullRequest = Partial<ForgePullRequest> & {
  headSha: string;
  /** Paths the pull request changes. */
  files?: string[];
};

/** Fields for {@link MemoryForge.addReview}. */
export interface NewMemoryReview {
  user: string;
  state: ForgeReview['state'];
  /** Defaults to the pull request's head SHA. */
  commitId?: string;
  /** Defaults to now (null for `PENDING`). */
  submittedAt?: string | null;
}

/** Options of a {@link MemoryForge}. */
export interface MemoryForgeOptions {
  /** Login that authors comments made through the forge (default `modelgate[bot]`). */
  login?: string;
  /** `owner/name` of the repository (default `local/repo`), used for pull-request head repos and URLs. */
  repo?: string;
  /** Clock for timestamps (default `new Date()`). */
  now?: () => Date;
  /** The GitHub App id stamped on the check runs created through the forge (default 1). */
  appId?: number;
}

function copyRelease(r: ForgeRelease): ForgeRelease {
  return { ...r, assets: r.assets.map((a) => ({ ...a })) };
}

function copyCheckRun(r: MemoryCheckRun): ForgeCheckRun {
  const out: ForgeCheckRun = {
    id: r.id,
    name: r.name,
    headSha: r.headSha,
    status: r.status,
    conclusion: r.conclusion,
    title: r.title,
    summary: r.summary,
    appId: r.appId,
  };
  if (r.text !== undefined) out.text = r.text;
  if (r.externalId !== undefined) out.externalId = r.externalId;
  return out;
}

function copyPull(p: ForgePullRequest): ForgePullRequest {
  return { ...p, labels: [...p.labels] };
}

function checkSize(what: string, size: number, maxBytes: number): void {
  if (size > maxBytes) {
    throw new ForgeError(`${what} is ${size} bytes, more than the limit of ${maxBytes} bytes`, 413);
  }
}

/** The in-memory forge. Its arrays are public so tests can assert on what happened. */
export class MemoryForge implements Forge {
  /** Every issue, in creation order. */
  readonly issues: ForgeIssue[] = [];
  /** Every issue and pull-request comment, in order. */
  readonly comments: MemoryComment[] = [];
  /** Every workflow dispatch, in order. */
  readonly dispatches: WorkflowDispatch[] = [];
  /** Every deployment, in creation order. */
  readonly deployments: (ForgeDeployment & { production: boolean; transient: boolean })[] = [];
  /** Every deployment status, in order. */
  readonly deploymentStatuses: (NewDeploymentStatus & { deploymentId: number })[] = [];
  /** Every pull request (add them with {@link MemoryForge.addPullRequest}). */
  readonly pullRequests: ForgePullRequest[] = [];
  /** Changed file paths per pull-request number. */
  readonly pullRequestFiles = new Map<number, string[]>();
  /** Every review, oldest first, with its pull-request number. */
  readonly reviews: (ForgeReview & { pullRequest: number })[] = [];
  /** Every check run, in creation order. */
  readonly checkRuns: MemoryCheckRun[] = [];
  /** Repository permission per login (missing: `none`). */
  readonly permissions = new Map<string, Permission>();
  /** Active member logins per `org/team-slug`. */
  readonly teams = new Map<string, Set<string>>();
  /** File contents per `ref` then path. */
  readonly files = new Map<string, Map<string, string>>();
  /** Every tag, in creation order. */
  readonly tags: MemoryTag[] = [];
  /** Every release, in creation order. */
  readonly releases: ForgeRelease[] = [];
  /** Asset bytes per asset id. */
  readonly assetData = new Map<number, Uint8Array>();
  /** Every workflow run, in creation order. */
  readonly workflowRuns: MemoryWorkflowRun[] = [];
  /** Every artifact, in creation order. */
  readonly artifacts: MemoryArtifact[] = [];

  private readonly login: string;
  private readonly repo: string;
  private readonly now: () => Date;
  /** The GitHub App id stamped on check runs created through the forge. */
  readonly appId: number;
  private updatedOrder: number[] = [];
  private ids = { comment: 0, check: 0, release: 0, asset: 0, review: 0, run: 0, artifact: 0 };

  /** A forge with nothing in it. */
  constructor(options: MemoryForgeOptions = {}) {
    this.login = options.login ?? 'modelgate[bot]';
    this.repo = options.repo ?? 'local/repo';
    this.now = options.now ?? (() => new Date());
    this.appId = options.appId ?? 1;
  }

  private touch(number: number) {
    this.updatedOrder = [number, ...this.updatedOrder.filter((n) => n !== number)];
  }

  private get(number: number): ForgeIssue {
    const issue = this.issues.find((i) => i.number === number);
    if (!issue) throw new ForgeNotFoundError(`issue #${number} does not exist`);
    return issue;
  }

  private nextNumber(): number {
    return Math.max(0, ...this.issues.map((i) => i.number), ...this.pullRequests.map((p) => p.number)) + 1;
  }

  /** Throws unless `number` is an issue or a pull request (they share one numbering, as on GitHub). */
  private requireIssueOrPull(number: number): void {
    if (!this.issues.some((i) => i.number === number) && !this.pullRequests.some((p) => p.number === number))
      throw new ForgeNotFoundError(`issue or pull request #${number} does not exist`);
  }

  private pull(number: number): ForgePullRequest {
    const pr = this.pullRequests.find((p) => p.number === number);
    if (!pr) throw new ForgeNotFoundError(`pull request #${number} does not exist`);
    return pr;
  }

  private release(id: number): ForgeRelease {
    const release = this.releases.find((r) => r.id === id);
    if (!release) throw new ForgeNotFoundError(`release ${id} does not exist`);
    return release;
  }

  // --- test helpers ---

  /** Adds a pull request (numbered after the last issue or pull request unless `number` is given). */
  addPullRequest(input: NewMemoryPullRequest): ForgePullRequest {
    const number = input.number ?? this.nextNumber();
    if (this.issues.some((i) => i.number === number) || this.pullRequests.some((p) => p.number === number))
      throw new ForgeConflictError(`#${number} is taken already`);
    const pr: ForgePullRequest = {
      number,
      title: input.title ?? `Pull request #${number}`,
      state: input.state ?? 'open',
      merged: input.merged ?? false,
      mergeCommitSha: input.mergeCommitSha ?? null,
      user: input.user ?? 'octocat',
      headSha: input.headSha,
      headRef: input.headRef ?? `branch-${number}`,
      headRepo: input.headRepo === undefined ? this.repo : input.headRepo,
      baseRef: input.baseRef ?? 'main',
      labels: [...(input.labels ?? [])],
    };
    if (input.url !== undefined) pr.url = input.url;
    this.pullRequests.push(pr);
    this.pullRequestFiles.set(number, [...(input.files ?? [])]);
    return copyPull(pr);
  }

  /** Adds a review to a pull request and returns it. */
  addReview(pullRequest: number, input: NewMemoryReview): ForgeReview {
    const pr = this.pull(pullRequest);
    const review: ForgeReview = {
      id: ++this.ids.review,
      user: input.user,
      state: input.state,
      commitId: input.commitId ?? pr.headSha,
      submittedAt:
        input.submittedAt !== undefined
          ? input.submittedAt
          : input.state === 'PENDING'
            ? null
            : this.now().toISOString(),
    };
    this.reviews.push({ ...review, pullRequest });
    return { ...review };
  }

  /** Sets a login's repository permission. */
  setPermission(user: string, permission: Permission): void {
    this.permissions.set(user.toLowerCase(), permission);
  }

  /** Makes `user` an active member of `org`'s team `teamSlug`. */
  addTeamMember(org: string, teamSlug: string, user: string): void {
    const key = `${org.toLowerCase()}/${teamSlug.toLowerCase()}`;
    const members = this.teams.get(key) ?? new Set<string>();
    members.add(user.toLowerCase());
    this.teams.set(key, members);
  }

  /** Stores a text file at a ref (branch, tag or SHA). */
  setFile(path: string, ref: string, text: string): void {
    const byPath = this.files.get(ref) ?? new Map<string, string>();
    byPath.set(path.replace(/^\/+/, ''), text);
    this.files.set(ref, byPath);
  }

  /** Records a workflow run for a head commit and returns its id. */
  addWorkflowRun(headSha: string, name = 'CI', conclusion: string | null = 'success'): number {
    const id = ++this.ids.run;
    this.workflowRuns.push({ id, name, headSha, conclusion });
    return id;
  }

  /** Stores an artifact (zip bytes) of a workflow run and returns it. */
  addArtifact(runId: number, name: string, zipBytes: Uint8Array, expired = false): ForgeArtifact {
    const artifact: MemoryArtifact = {
      id: ++this.ids.artifact,
      name,
      size: zipBytes.byteLength,
      expired,
      runId,
      data: new Uint8Array(zipBytes),
    };
    this.artifacts.push(artifact);
    return { id: artifact.id, name, size: artifact.size, expired };
  }

  // --- issues, dispatch, deployments ---

  /** {@inheritDoc Forge.findIssueByMarker} */
  async findIssueByMarker(marker: string): Promise<ForgeIssue | null> {
    for (const n of this.updatedOrder) {
      const issue = this.get(n);
      if (issue.body.includes(marker)) return { ...issue, labels: [...issue.labels] };
    }
    return null;
  }

  /** {@inheritDoc Forge.createIssue} */
  async createIssue(input: NewIssue): Promise<ForgeIssue> {
    const issue: ForgeIssue = {
      number: this.nextNumber(),
      state: 'open',
      ...input,
      labels: [...input.labels],
    };
    this.issues.push(issue);
    this.touch(issue.number);
    return { ...issue, labels: [...issue.labels] };
  }

  /** {@inheritDoc Forge.updateIssue} */
  async updateIssue(number: number, patch: IssuePatch): Promise<ForgeIssue> {
    const issue = this.get(number);
    Object.assign(issue, patch.labels ? { ...patch, labels: [...patch.labels] } : patch);
    this.touch(number);
    return { ...issue, labels: [...issue.labels] };
  }

  /** {@inheritDoc Forge.addIssueComment} */
  async addIssueComment(number: number, body: string): Promise<void> {
    await this.createIssueComment(number, body);
  }

  /** {@inheritDoc Forge.dispatchWorkflow} */
  async dispatchWorkflow(dispatch: WorkflowDispatch): Promise<void> {
    this.dispatches.push({ ...dispatch, inputs: { ...dispatch.inputs } });
  }

  /** {@inheritDoc Forge.createDeployment} */
  async createDeployment(input: NewDeployment): Promise<ForgeDeployment> {
    const deployment = {
      id: this.deployments.length + 1,
      ref: input.ref,
      environment: input.environment,
      description: input.description,
      payload: { ...input.payload },
      production: input.production ?? false,
      transient: input.transient ?? false,
    };
    this.deployments.push(deployment);
    return { ...deployment };
  }

  /** {@inheritDoc Forge.createDeploymentStatus} */
  async createDeploymentStatus(deploymentId: number, status: NewDeploymentStatus): Promise<void> {
    if (!this.deployments.some((d) => d.id === deploymentId))
      throw new ForgeNotFoundError(`deployment ${deploymentId} does not exist`);
    this.deploymentStatuses.push({ deploymentId, ...status });
  }

  // --- content and people ---

  /** {@inheritDoc Forge.getFile} */
  async getFile(path: string, ref: string): Promise<string | null> {
    const clean = path.replace(/^\/+/, '');
    const direct = this.files.get(ref)?.get(clean);
    if (direct !== undefined) return direct;
    // A tag name resolves to the commit it points at, as on GitHub.
    const tag = this.tags.find((t) => t.name === ref || `refs/tags/${t.name}` === ref);
    return (tag && this.files.get(tag.sha)?.get(clean)) ?? null;
  }

  /** {@inheritDoc Forge.getPermission} */
  async getPermission(user: string): Promise<Permission> {
    return this.permissions.get(user.toLowerCase()) ?? 'none';
  }

  /** {@inheritDoc Forge.isTeamMember} */
  async isTeamMember(org: string, teamSlug: string, user: string): Promise<boolean> {
    return this.teams.get(`${org.toLowerCase()}/${teamSlug.toLowerCase()}`)?.has(user.toLowerCase()) ?? false;
  }

  // --- pull requests, reviews, comments ---

  /** {@inheritDoc Forge.getPullRequest} */
  async getPullRequest(number: number): Promise<ForgePullRequest> {
    return copyPull(this.pull(number));
  }

  /** {@inheritDoc Forge.listPullRequestFiles} */
  async listPullRequestFiles(number: number): Promise<string[]> {
    this.pull(number);
    return [...(this.pullRequestFiles.get(number) ?? [])];
  }

  /**
   * {@inheritDoc Forge.pullRequestsForCommit}
   * Like GitHub, a merge commit also finds the merged pull request that made it.
   */
  async pullRequestsForCommit(sha: string): Promise<ForgePullRequest[]> {
    return this.pullRequests
      .filter((p) => (p.state === 'open' && p.headSha === sha) || (p.merged && p.mergeCommitSha === sha))
      .map(copyPull);
  }

  /** {@inheritDoc Forge.listReviews} */
  async listReviews(number: number): Promise<ForgeReview[]> {
    this.pull(number);
    return this.reviews
      .filter((r) => r.pullRequest === number)
      .map(({ pullRequest: _pr, ...review }) => review);
  }

  /** {@inheritDoc Forge.listIssueComments} */
  async listIssueComments(number: number): Promise<ForgeComment[]> {
    this.requireIssueOrPull(number);
    return this.comments.filter((c) => c.issue === number).map(({ id, body, user }) => ({ id, body, user }));
  }

  /** {@inheritDoc Forge.createIssueComment} */
  async createIssueComment(number: number, body: string): Promise<ForgeComment> {
    this.requireIssueOrPull(number);
    const comment: MemoryComment = { id: ++this.ids.comment, issue: number, body, user: this.login };
    this.comments.push(comment);
    if (this.issues.some((i) => i.number === number)) this.touch(number);
    return { id: comment.id, body, user: comment.user };
  }

  /** {@inheritDoc Forge.updateIssueComment} */
  async updateIssueComment(commentId: number, body: string): Promise<ForgeComment> {
    const comment = this.comments.find((c) => c.id === commentId);
    if (!comment) throw new ForgeNotFoundError(`comment ${commentId} does not exist`);
    comment.body = body;
    return { id: comment.id, body, user: comment.user };
  }

  // --- check runs ---

  /** {@inheritDoc Forge.createCheckRun} */
  async createCheckRun(input: NewCheckRun): Promise<ForgeCheckRun> {
    return this.addCheckRun(input, this.appId);
  }

  /**
   * Adds a check run as if another GitHub App had created it (for tests: a workflow's job token
   * creates runs as `github-actions`, app id 15368 on github.com). Same checks as {@link createCheckRun}.
   */
  async addForeignCheckRun(input: NewCheckRun, appId = 15368): Promise<ForgeCheckRun> {
    return this.addCheckRun(input, appId);
  }

  private addCheckRun(input: NewCheckRun, appId: number): ForgeCheckRun {
    if (input.status === 'completed' && !input.conclusion)
      throw new ForgeError(`check run "${input.name}": a completed check run needs a conclusion`, 422);
    const run: MemoryCheckRun = {
      id: ++this.ids.check,
      name: input.name,
      headSha: input.headSha,
      status: input.status,
      conclusion: input.status === 'completed' ? (input.conclusion ?? null) : null,
      title: input.title,
      summary: input.summary,
      appId,
      annotations: [...(input.annotations ?? [])],
    };
    if (input.text !== undefined) run.text = input.text;
    if (input.externalId !== undefined) run.externalId = input.externalId;
    if (input.detailsUrl !== undefined) run.detailsUrl = input.detailsUrl;
    this.checkRuns.push(run);
    return copyCheckRun(run);
  }

  /** {@inheritDoc Forge.updateCheckRun} */
  async updateCheckRun(id: number, patch: CheckRunPatch): Promise<ForgeCheckRun> {
    const run = this.checkRuns.find((r) => r.id === id);
    if (!run) throw new ForgeNotFoundError(`check run ${id} does not exist`);
    // As on GitHub, only the app that created a check run may change it.
    if (run.appId !== this.appId)
      throw new ForgeError(`check run ${id} belongs to app ${run.appId}, not to app ${this.appId}`, 403);
    // As on GitHub, giving a conclusion completes the run.
    const status = patch.conclusion !== undefined ? 'completed' : (patch.status ?? run.status);
    const conclusion = patch.conclusion ?? (status === 'completed' ? run.conclusion : null);
    if (status === 'completed' && conclusion === null)
      throw new ForgeError(`check run ${id}: a completed check run needs a conclusion`, 422);
    run.status = status;
    run.conclusion = conclusion;
    if (patch.title !== undefined) run.title = patch.title;
    if (patch.summary !== undefined) run.summary = patch.summary;
    if (patch.text !== undefined) run.text = patch.text;
    if (patch.externalId !== undefined) run.externalId = patch.externalId;
    if (patch.detailsUrl !== undefined) run.detailsUrl = patch.detailsUrl;
    if (patch.annotations) run.annotations.push(...patch.annotations);
    return copyCheckRun(run);
  }

  /** {@inheritDoc Forge.listCheckRuns} */
  async listCheckRuns(sha: string, name?: string): Promise<ForgeCheckRun[]> {
    return this.checkRuns
      .filter((r) => r.headSha === sha && (name === undefined || r.name === name))
      .reverse()
      .map(copyCheckRun);
  }

  // --- tags and releases ---

  /** {@inheritDoc Forge.listTags} */
  async listTags(prefix: string): Promise<ForgeTag[]> {
    return this.tags
      .filter((t) => t.name.startsWith(prefix))
      .map((t) => ({ name: t.name, sha: t.sha }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** {@inheritDoc Forge.createTag} */
  async createTag(name: string, sha: string, message: string): Promise<ForgeTag> {
    if (this.tags.some((t) => t.name === name))
      throw new ForgeConflictError(`tag "${name}" exists already (Reference already exists)`);
    this.tags.push({ name, sha, message });
    return { name, sha };
  }

  /** {@inheritDoc Forge.listReleases} */
  async listReleases(): Promise<ForgeRelease[]> {
    return [...this.releases]
      .sort((a, b) => (a.createdAt === b.createdAt ? b.id - a.id : a.createdAt < b.createdAt ? 1 : -1))
      .map(copyRelease);
  }

  /** {@inheritDoc Forge.getReleaseByTag} Drafts included. */
  async getReleaseByTag(tag: string): Promise<ForgeRelease | null> {
    const release = this.releases.find((r) => r.tag === tag);
    return release ? copyRelease(release) : null;
  }

  /** {@inheritDoc Forge.createRelease} */
  async createRelease(input: NewRelease): Promise<ForgeRelease> {
    if (!this.tags.some((t) => t.name === input.tag))
      throw new ForgeError(`release for tag "${input.tag}": the tag does not exist (tag_name invalid)`, 422);
    if (this.releases.some((r) => r.tag === input.tag))
      throw new ForgeConflictError(`release for tag "${input.tag}" exists already (tag_name already_exists)`);
    const id = ++this.ids.release;
    const release: ForgeRelease = {
      id,
      tag: input.tag,
      name: input.name,
      body: input.body,
      draft: input.draft ?? false,
      prerelease: input.prerelease ?? false,
      createdAt: this.now().toISOString(),
      uploadUrl: `memory://uploads/${this.repo}/releases/${id}/assets{?name,label}`,
      htmlUrl: `memory://${this.repo}/releases/tag/${encodeURIComponent(input.tag)}`,
      assets: [],
    };
    this.releases.push(release);
    return copyRelease(release);
  }

  /** {@inheritDoc Forge.updateRelease} */
  async updateRelease(id: number, patch: Partial<Omit<NewRelease, 'tag'>>): Promise<ForgeRelease> {
    const release = this.release(id);
    if (patch.name !== undefined) release.name = patch.name;
    if (patch.body !== undefined) release.body = patch.body;
    if (patch.draft !== undefined) release.draft = patch.draft;
    if (patch.prerelease !== undefined) release.prerelease = patch.prerelease;
    return copyRelease(release);
  }

  /** {@inheritDoc Forge.uploadReleaseAsset} */
  async uploadReleaseAsset(
    target: ForgeRelease,
    name: string,
    data: Uint8Array,
    contentType: string,
  ): Promise<ForgeAsset> {
    const release = this.release(target.id);
    if (release.assets.some((a) => a.name === name))
      throw new ForgeConflictError(
        `release "${release.tag}": asset "${name}" exists already (name already_exists)`,
      );
    const asset: ForgeAsset = { id: ++this.ids.asset, name, size: data.byteLength, contentType };
    release.assets.push(asset);
    this.assetData.set(asset.id, new Uint8Array(data));
    return { ...asset };
  }

  /** {@inheritDoc Forge.deleteReleaseAsset} */
  async deleteReleaseAsset(assetId: number): Promise<void> {
    const release = this.releases.find((r) => r.assets.some((a) => a.id === assetId));
    if (!release) throw new ForgeNotFoundError(`release asset ${assetId} does not exist`);
    release.assets.splice(
      release.assets.findIndex((a) => a.id === assetId),
      1,
    );
    this.assetData.delete(assetId);
  }

  /** {@inheritDoc Forge.downloadReleaseAsset} */
  async downloadReleaseAsset(assetId: number, maxBytes: number): Promise<Uint8Array> {
    const data = this.assetData.get(assetId);
    if (!data) throw new ForgeNotFoundError(`release asset ${assetId} does not exist`);
    checkSize(`release asset ${assetId}`, data.byteLength, maxBytes);
    return new Uint8Array(data);
  }

  // --- workflow artifacts ---

  /** {@inheritDoc Forge.listRunArtifacts} */
  async listRunArtifacts(runId: number): Promise<ForgeArtifact[]> {
    return this.artifacts
      .filter((a) => a.runId === runId)
      .map(({ id, name, size, expired }) => ({ id, name, size, expired }));
  }

  /** {@inheritDoc Forge.downloadArtifact} */
  async downloadArtifact(artifactId: number, maxBytes: number): Promise<Uint8Array> {
    const artifact = this.artifacts.find((a) => a.id === artifactId);
    if (!artifact) throw new ForgeNotFoundError(`artifact ${artifactId} does not exist`);
    if (artifact.expired) throw new ForgeError(`artifact ${artifactId} (${artifact.name}) has expired`, 410);
    checkSize(`artifact ${artifactId} (${artifact.name})`, artifact.size, maxBytes);
    return new Uint8Array(artifact.data);
  }

  /** {@inheritDoc Forge.listWorkflowRunsForCommit} */
  async listWorkflowRunsForCommit(
    sha: string,
  ): Promise<{ id: number; name: string; conclusion: string | null }[]> {
    return this.workflowRuns
      .filter((r) => r.headSha === sha)
      .reverse()
      .map(({ id, name, conclusion }) => ({ id, name, conclusion }));
  }
}
