/**
 * The GitHub port: every read or write modelgate does on GitHub goes through this interface, so
 * the App, the Actions and the CLI share one set of use cases, and tests (and the local demo) run
 * them against an in-memory or folder-backed forge. The Octokit implementation lives next to it.
 *
 * It covers issues and comments (drift issues, the sticky PR comment), workflow dispatch, deployments,
 * check runs, pull requests and reviews (the approval gate), annotated tags and releases (the
 * GitHub registry) and workflow artifacts (run records). Errors are {@link ForgeError}s.
 */

/** An issue as modelgate sees it. */
export interface ForgeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  /** Web address, when the forge has one. */
  url?: string;
}

/** What a new issue needs. */
export interface NewIssue {
  title: string;
  body: string;
  labels: string[];
}

/** Fields to change on an issue. */
export interface IssuePatch {
  title?: string;
  body?: string;
  state?: 'open' | 'closed';
  labels?: string[];
}

/** A `workflow_dispatch` request. */
export interface WorkflowDispatch {
  /** Workflow file name (e.g. `retrain.yml`) or id. */
  workflow: string;
  /** Branch or tag to run on. */
  ref: string;
  /** Workflow inputs (strings, as GitHub takes them). */
  inputs: Record<string, string>;
}

/** A new GitHub Deployment: what ran where. */
export interface NewDeployment {
  /** Git ref deployed (the version tag, e.g. `risk@v1.2.0`). */
  ref: string;
  /** Environment name, e.g. `staging`, `production`. */
  environment: string;
  description: string;
  /** Free data kept with the deployment (model, version, canary weight). */
  payload: Record<string, unknown>;
  /** Whether this environment is production (GitHub's `production_environment`). */
  production?: boolean;
  /** Whether the deployment is short-lived (a canary). */
  transient?: boolean;
}

/** A deployment as modelgate sees it. */
export interface ForgeDeployment {
  id: number;
  ref: string;
  environment: string;
  description: string;
  payload: Record<string, unknown>;
}

/** GitHub's deployment status states. */
export type DeploymentState = 'queued' | 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

/** A deployment status update. */
export interface NewDeploymentStatus {
  state: DeploymentState;
  description: string;
  /** Where the deployed model answers (the server's URL). */
  environmentUrl?: string;
  /** Where to read more (a run log). */
  logUrl?: string;
}

/** A failed forge call: `status` is the HTTP status when the forge answered (404, 409, 422, ...). */
export class ForgeError extends Error {
  /** HTTP status, or 0 when the request never got an answer. */
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = 'ForgeError';
    this.status = status;
  }
}

/** The thing asked for does not exist (HTTP 404). */
export class ForgeNotFoundError extends ForgeError {
  constructor(message: string) {
    super(message, 404);
    this.name = 'ForgeNotFoundError';
  }
}

/** The thing to create exists already (a tag or release name taken: HTTP 409/422 "already_exists"). */
export class ForgeConflictError extends ForgeError {
  constructor(message: string, status = 422) {
    super(message, status);
    this.name = 'ForgeConflictError';
  }
}

/** A comment on an issue or pull request. */
export interface ForgeComment {
  id: number;
  body: string;
  /** Login of the author. */
  user: string;
}

/** A repository permission level, as GitHub's collaborator permission endpoint reports it. */
export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

/** A pull request as modelgate sees it. */
export interface ForgePullRequest {
  number: number;
  title: string;
  state: 'open' | 'closed';
  merged: boolean;
  /** The merge (or squash) commit on the base branch once merged. */
  mergeCommitSha: string | null;
  /** Author login. */
  user: string;
  headSha: string;
  headRef: string;
  /** `owner/name` of the head repository (differs from the base for forks; null when deleted). */
  headRepo: string | null;
  baseRef: string;
  labels: string[];
  url?: string;
}

/** A pull request review. */
export interface ForgeReview {
  id: number;
  /** Reviewer login. */
  user: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  /** The head SHA the review was submitted on. */
  commitId: string;
  submittedAt: string | null;
}

/** A check-run annotation on a line of a file. */
export interface CheckAnnotation {
  path: string;
  startLine: number;
  endLine: number;
  level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
}

/** Check-run states. */
export type CheckStatus = 'queued' | 'in_progress' | 'completed';
/** Check-run conclusions (for `completed`). */
export type CheckConclusion =
  | 'success'
  | 'failure'
  | 'neutral'
  | 'cancelled'
  | 'skipped'
  | 'timed_out'
  | 'action_required';

/** A new check run (`modelgate/<model>`) on a commit. */
export interface NewCheckRun {
  name: string;
  headSha: string;
  status: CheckStatus;
  conclusion?: CheckConclusion;
  /** Output title and summary (markdown, at most 65,535 characters each). */
  title: string;
  summary: string;
  /** Longer markdown details. */
  text?: string;
  /** At most 50 per request (the forge splits longer lists). */
  annotations?: CheckAnnotation[];
  /** Our own id for the run (e.g. `risk`), kept by GitHub. */
  externalId?: string;
  detailsUrl?: string;
}

/** Fields to change on a check run. */
export type CheckRunPatch = Partial<Omit<NewCheckRun, 'headSha' | 'name'>>;

/** A check run as modelgate sees it. */
export interface ForgeCheckRun {
  id: number;
  name: string;
  headSha: string;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  title: string;
  summary: string;
  text?: string;
  externalId?: string;
  /**
   * The id of the GitHub App that created the check run (GitHub's `app.id`; a workflow's job token
   * creates runs as the `github-actions` app), null when unknown. Only the creating app can update
   * a check run, so the App trusts only the runs with its own id.
   */
  appId: number | null;
}

/** A tag (lightweight or annotated) and the commit it points at. */
export interface ForgeTag {
  /** Tag name, e.g. `risk@v1.2.0`. */
  name: string;
  /** The commit SHA (annotated tags are peeled). */
  sha: string;
}

/** A release asset. */
export interface ForgeAsset {
  id: number;
  name: string;
  size: number;
  contentType: string;
}

/** A GitHub Release. */
export interface ForgeRelease {
  id: number;
  tag: string;
  name: string;
  body: string;
  draft: boolean;
  prerelease: boolean;
  createdAt: string;
  /** Where assets are uploaded (GitHub's `upload_url`, a URI template on uploads.github.com or the GHES host). */
  uploadUrl: string;
  htmlUrl?: string;
  assets: ForgeAsset[];
}

/** What a new release needs. Its tag must exist (create it first with {@link Forge.createTag}). */
export interface NewRelease {
  tag: string;
  name: string;
  body: string;
  draft?: boolean;
  prerelease?: boolean;
  /** Mark as the repository's latest release (default false: model releases are many). */
  makeLatest?: boolean;
}

/** A workflow-run artifact. */
export interface ForgeArtifact {
  id: number;
  name: string;
  /** Size in bytes as GitHub reports it (the zip). */
  size: number;
  expired: boolean;
}

/** The GitHub port. Implementations: `MemoryForge` (tests, local runs); Octokit (the App and the Actions). */
export interface Forge {
  /**
   * The most recently updated issue whose body contains `marker` (a hidden sticky marker such as
   * `<!-- modelgate:drift:risk@1.2.0 -->`), open or closed; null when none exists.
   */
  findIssueByMarker(marker: string): Promise<ForgeIssue | null>;
  /** Opens an issue. */
  createIssue(issue: NewIssue): Promise<ForgeIssue>;
  /** Changes an issue (body, state, labels). */
  updateIssue(number: number, patch: IssuePatch): Promise<ForgeIssue>;
  /** Adds a comment to an issue. */
  addIssueComment(number: number, body: string): Promise<void>;
  /** Starts a workflow run by `workflow_dispatch`. */
  dispatchWorkflow(dispatch: WorkflowDispatch): Promise<void>;
  /** Creates a Deployment (what runs where). */
  createDeployment(deployment: NewDeployment): Promise<ForgeDeployment>;
  /** Adds a status to a Deployment (in progress, success, failure, inactive). */
  createDeploymentStatus(deploymentId: number, status: NewDeploymentStatus): Promise<void>;

  // --- repository content and people ---
  /** A text file at a ref (branch, tag or SHA), or null when it does not exist there. */
  getFile(path: string, ref: string): Promise<string | null>;
  /** The user's permission on the repository (`none` for strangers). */
  getPermission(user: string): Promise<Permission>;
  /** Whether the user is an active member of `org`'s team `teamSlug`. */
  isTeamMember(org: string, teamSlug: string, user: string): Promise<boolean>;

  // --- pull requests, reviews, comments ---
  /** One pull request; throws {@link ForgeNotFoundError} when it does not exist. */
  getPullRequest(number: number): Promise<ForgePullRequest>;
  /** Paths of the files a pull request changes (renames give the new path). */
  listPullRequestFiles(number: number): Promise<string[]>;
  /** The open pull requests whose head is this commit (GitHub omits them from fork `workflow_run` payloads). */
  pullRequestsForCommit(sha: string): Promise<ForgePullRequest[]>;
  /** Every review of a pull request, oldest first. */
  listReviews(number: number): Promise<ForgeReview[]>;
  /** Every comment of an issue or pull request, oldest first. */
  listIssueComments(number: number): Promise<ForgeComment[]>;
  /** Adds a comment and returns it. */
  createIssueComment(number: number, body: string): Promise<ForgeComment>;
  /** Replaces a comment's body. */
  updateIssueComment(commentId: number, body: string): Promise<ForgeComment>;

  // --- check runs ---
  /** Creates a check run on a commit. */
  createCheckRun(run: NewCheckRun): Promise<ForgeCheckRun>;
  /** Changes a check run (status, conclusion, output, annotations). */
  updateCheckRun(id: number, patch: CheckRunPatch): Promise<ForgeCheckRun>;
  /** The check runs on a commit, optionally only those named `name`, newest first. */
  listCheckRuns(sha: string, name?: string): Promise<ForgeCheckRun[]>;

  // --- tags and releases (the GitHub registry) ---
  /** Tags whose name starts with `prefix` (e.g. `risk@v`), with the commit each points at. */
  listTags(prefix: string): Promise<ForgeTag[]>;
  /**
   * Creates the annotated tag `name` on commit `sha` with `message` (a tag object and its ref).
   * Throws {@link ForgeConflictError} when the tag exists already.
   */
  createTag(name: string, sha: string, message: string): Promise<ForgeTag>;
  /** Every release (drafts included when the token can see them), newest first. */
  listReleases(): Promise<ForgeRelease[]>;
  /** The release of a tag, or null. */
  getReleaseByTag(tag: string): Promise<ForgeRelease | null>;
  /** Creates a release for an existing tag; {@link ForgeConflictError} when the tag has one. */
  createRelease(release: NewRelease): Promise<ForgeRelease>;
  /** Changes a release (body, draft flag). */
  updateRelease(id: number, patch: Partial<Omit<NewRelease, 'tag'>>): Promise<ForgeRelease>;
  /** Uploads an asset to the release's `uploadUrl`; {@link ForgeConflictError} when the name is taken. */
  uploadReleaseAsset(
    release: ForgeRelease,
    name: string,
    data: Uint8Array,
    contentType: string,
  ): Promise<ForgeAsset>;
  /** Deletes a release asset (to replace a partial upload). */
  deleteReleaseAsset(assetId: number): Promise<void>;
  /** An asset's bytes; throws when larger than `maxBytes`. */
  downloadReleaseAsset(assetId: number, maxBytes: number): Promise<Uint8Array>;

  // --- workflow artifacts ---
  /** The artifacts of a workflow run. */
  listRunArtifacts(runId: number): Promise<ForgeArtifact[]>;
  /** An artifact's zip bytes; throws when larger than `maxBytes`. */
  downloadArtifact(artifactId: number, maxBytes: number): Promise<Uint8Array>;
  /** The ids of the workflow runs for a head commit (newest first), to find a PR's latest artifacts. */
  listWorkflowRunsForCommit(sha: string): Promise<{ id: number; name: string; conclusion: string | null }[]>;
}
