/**
 * The GitHub test double's in-memory state: repositories with their commits, refs, tag objects, files,
 * issues and pull requests (one number sequence, as on GitHub), comments, reviews, permissions, check
 * runs, releases and assets, deployments and their statuses, workflow dispatches, workflow runs and
 * artifacts; plus organisation teams, app installations and the tokens issued. Tests seed it with the
 * `add*`/`set*` helpers and read every collection directly.
 */
import { createHash } from 'node:crypto';

/** A test set the double up wrongly (seeding an unknown repository, pull request or run; a bad example). */
export class GitHubDoubleSetupError extends Error {
  constructor(message: string) {
    super(`github double: ${message}`);
    this.name = 'GitHubDoubleSetupError';
  }
}

/** Repository permission levels (GitHub's role names). */
export type PermissionLevel = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

/** A GitHub account (user, bot or organisation). */
export interface AccountRecord {
  id: number;
  login: string;
  type: 'User' | 'Bot' | 'Organization';
}

/** A commit the repository knows. */
export interface CommitRecord {
  sha: string;
  message: string;
}

/** A git reference (`refs/heads/main`, `refs/tags/risk@v1.0.0`). */
export interface RefRecord {
  ref: string;
  sha: string;
  /** What `sha` names: a commit, or an annotated tag object. */
  type: 'commit' | 'tag';
}

/** An annotated tag object (`POST /git/tags`). */
export interface TagObjectRecord {
  sha: string;
  tag: string;
  message: string;
  objectSha: string;
  objectType: 'commit' | 'tree' | 'blob' | 'tag';
  tagger: { name: string; email: string; date: string };
}

/** An issue (pull requests live in {@link PullRecord} and share the number sequence). */
export interface IssueRecord {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'reopened' | 'not_planned' | null;
  labels: string[];
  user: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

/** A file a pull request changes. */
export interface PullFileRecord {
  filename: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  additions: number;
  deletions: number;
  previousFilename?: string;
}

/** A pull request. `headRepo` is `owner/name` (a fork when it differs from the base), null when deleted. */
export interface PullRecord {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  merged: boolean;
  mergeCommitSha: string | null;
  user: string;
  headSha: string;
  headRef: string;
  headRepo: string | null;
  baseRef: string;
  baseSha: string;
  labels: string[];
  files: PullFileRecord[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
}

/** A comment on an issue or pull request. */
export interface CommentRecord {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

/** A pull request review. */
export interface ReviewRecord {
  id: number;
  pullNumber: number;
  user: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  commitId: string;
  body: string;
  submittedAt: string | null;
}

/** A check-run annotation as sent by the client (GitHub's field names). */
export interface AnnotationRecord {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
  start_column?: number;
  end_column?: number;
}

/** A check run. */
export interface CheckRunRecord {
  id: number;
  name: string;
  headSha: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  text: string | null;
  annotations: AnnotationRecord[];
  externalId: string | null;
  detailsUrl: string | null;
  startedAt: string | null;
  completedAt: string | null;
  /**
   * The app that created it: installation tokens are the installation's app, other tokens
   * `github-actions` ({@link GITHUB_ACTIONS_APP_ID}). Only that app may update it.
   */
  appId: number;
}

/** A release. */
export interface ReleaseRecord {
  id: number;
  tagName: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  makeLatest: 'true' | 'false' | 'legacy';
  author: string;
  createdAt: string;
  publishedAt: string | null;
}

/** A release asset and its bytes. */
export interface AssetRecord {
  id: number;
  releaseId: number;
  name: string;
  label: string | null;
  contentType: string;
  data: Uint8Array;
  uploader: string;
  createdAt: string;
  updatedAt: string;
  downloadCount: number;
}

/** A deployment. */
export interface DeploymentRecord {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string | null;
  payload: Record<string, unknown> | string;
  transientEnvironment: boolean;
  productionEnvironment: boolean;
  creator: string;
  createdAt: string;
  updatedAt: string;
}

/** A deployment status. */
export interface DeploymentStatusRecord {
  id: number;
  deploymentId: number;
  state: 'error' | 'failure' | 'inactive' | 'pending' | 'success' | 'queued' | 'in_progress';
  description: string;
  environment: string;
  environmentUrl: string;
  logUrl: string;
  targetUrl: string;
  creator: string;
  createdAt: string;
}

/** A `workflow_dispatch` the double received. */
export interface DispatchRecord {
  workflowId: string;
  ref: string;
  inputs: Record<string, unknown>;
  at: string;
}

/** A workflow run. */
export interface WorkflowRunRecord {
  id: number;
  name: string;
  headSha: string;
  headBranch: string | null;
  /** `owner/name` of the head repository (forks differ from the base). */
  headRepo: string;
  event: string;
  status: 'queued' | 'in_progress' | 'completed' | 'requested' | 'waiting' | 'pending';
  conclusion: string | null;
  /** Numbers of the pull requests GitHub lists on the run (empty for fork PRs, as on GitHub). */
  pullRequests: number[];
  workflowId: number;
  path: string;
  runNumber: number;
  runAttempt: number;
  actor: string;
  createdAt: string;
  updatedAt: string;
}

/** A workflow-run artifact and its zip bytes. */
export interface ArtifactRecord {
  id: number;
  runId: number;
  name: string;
  data: Uint8Array;
  expired: boolean;
  createdAt: string;
  expiresAt: string;
}

/** A GitHub App installation. */
export interface InstallationRecord {
  id: number;
  account: string;
  appId: number;
  appSlug: string;
  /** Repositories it can reach (`owner/name`), or `all`. */
  repositories: string[] | 'all';
}

/** An installation access token the double issued. */
export interface IssuedTokenRecord {
  token: string;
  installationId: number;
  expiresAt: string;
}

/** A team membership. */
export interface TeamMembershipRecord {
  role: 'member' | 'maintainer';
  state: 'active' | 'pending';
}

/** Seed for a repository. */
export interface AddRepoOptions {
  owner: string;
  repo: string;
  defaultBranch?: string;
  private?: boolean;
  /** Marks the repository as a fork (a PR's head repository). */
  fork?: boolean;
  /** The installation that can reach it (default: the state's default installation). */
  installationId?: number;
}

/** Seed for a pull request (everything but the head SHA has a default). */
export interface AddPullRequestOptions {
  number?: number;
  title?: string;
  body?: string | null;
  user?: string;
  headSha: string;
  headRef?: string;
  /** `owner/name` of the head repository; defaults to the base repository; null: deleted fork. */
  headRepo?: string | null;
  baseRef?: string;
  baseSha?: string;
  labels?: string[];
  /** Changed paths (status `modified`), or full file records. */
  files?: (string | PullFileRecord)[];
  state?: 'open' | 'closed';
  draft?: boolean;
  merged?: boolean;
  mergeCommitSha?: string | null;
}

/** Seed for a review. */
export interface AddReviewOptions {
  pullNumber: number;
  user: string;
  state: ReviewRecord['state'];
  /** Head SHA reviewed (default: the PR's head SHA). */
  commitId?: string;
  body?: string;
  submittedAt?: string | null;
}

/** Seed for a workflow run. */
export interface AddWorkflowRunOptions {
  id?: number;
  headSha: string;
  name?: string;
  headBranch?: string | null;
  headRepo?: string;
  event?: string;
  status?: WorkflowRunRecord['status'];
  conclusion?: string | null;
  pullRequests?: number[];
  path?: string;
  actor?: string;
}

/** Formats a date as GitHub does (`2024-05-01T12:00:00Z`). */
export function githubTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A 40-hex SHA derived from text (stable, git-like). */
export function fakeSha(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** One repository's state. Seed helpers add to it; tests read the arrays. */
export class RepoState {
  readonly id: number;
  readonly owner: string;
  readonly name: string;
  readonly defaultBranch: string;
  readonly private: boolean;
  readonly fork: boolean;
  readonly installationId: number;
  readonly createdAt: string;
  readonly commits = new Map<string, CommitRecord>();
  /** By full ref name (`refs/tags/x`). */
  readonly refs = new Map<string, RefRecord>();
  /** Annotated tag objects by SHA. */
  readonly tagObjects = new Map<string, TagObjectRecord>();
  /** File text by ref (branch, tag or SHA as given to {@link setFile}) then path. */
  readonly files = new Map<string, Map<string, string>>();
  readonly issues: IssueRecord[] = [];
  readonly pulls: PullRecord[] = [];
  readonly comments: CommentRecord[] = [];
  readonly reviews: ReviewRecord[] = [];
  readonly permissions = new Map<string, PermissionLevel>();
  readonly checkRuns: CheckRunRecord[] = [];
  readonly releases: ReleaseRecord[] = [];
  readonly assets: AssetRecord[] = [];
  readonly deployments: DeploymentRecord[] = [];
  readonly deploymentStatuses: DeploymentStatusRecord[] = [];
  readonly dispatches: DispatchRecord[] = [];
  readonly workflowRuns: WorkflowRunRecord[] = [];
  readonly artifacts: ArtifactRecord[] = [];
  private nextNumber = 1;
  private readonly world: GitHubState;

  constructor(world: GitHubState, options: AddRepoOptions, id: number) {
    this.world = world;
    this.id = id;
    this.owner = options.owner;
    this.name = options.repo;
    this.defaultBranch = options.defaultBranch ?? 'main';
    this.private = options.private ?? false;
    this.fork = options.fork ?? false;
    this.installationId = options.installationId ?? world.defaultInstallationId;
    this.createdAt = world.now();
    const initial = fakeSha(`${this.fullName} initial commit`);
    this.addCommit(initial, 'Initial commit');
    this.refs.set(`refs/heads/${this.defaultBranch}`, {
      ref: `refs/heads/${this.defaultBranch}`,
      sha: initial,
      type: 'commit',
    });
  }

  /** `owner/name`. */
  get fullName(): string {
    return `${this.owner}/${this.name}`;
  }

  /** The next issue/PR number (one sequence for both, as on GitHub). */
  takeNumber(): number {
    return this.nextNumber++;
  }

  /** Adds a commit the repository knows (tags and deployments need one). */
  addCommit(sha: string, message = `commit ${sha.slice(0, 7)}`): CommitRecord {
    const existing = this.commits.get(sha);
    if (existing) return existing;
    const record = { sha, message };
    this.commits.set(sha, record);
    return record;
  }

  /** Points branch `name` at `sha` (adding the commit). */
  setBranch(name: string, sha: string): void {
    this.addCommit(sha);
    this.refs.set(`refs/heads/${name}`, { ref: `refs/heads/${name}`, sha, type: 'commit' });
  }

  /** Resolves a branch, tag (annotated tags peeled) or SHA to a commit SHA, or null. */
  resolveRef(ref: string): string | null {
    const name = ref.replace(/^refs\//, '');
    for (const candidate of [`refs/${name}`, `refs/heads/${name}`, `refs/tags/${name}`]) {
      const r = this.refs.get(candidate);
      if (r) return this.peel(r.sha);
    }
    if (this.commits.has(ref)) return ref;
    return null;
  }

  /** Follows annotated tag objects to the commit. */
  peel(sha: string): string {
    let current = sha;
    for (let i = 0; i < 10; i++) {
      const tag = this.tagObjects.get(current);
      if (!tag) return current;
      current = tag.objectSha;
    }
    return current;
  }

  /** Adds a lightweight tag ref on a commit (seeding an existing release history). */
  addTag(name: string, sha: string, message?: string): RefRecord {
    this.addCommit(sha);
    if (message === undefined) {
      const ref: RefRecord = { ref: `refs/tags/${name}`, sha, type: 'commit' };
      this.refs.set(ref.ref, ref);
      return ref;
    }
    const tag = this.createTagObject({ tag: name, message, objectSha: sha, objectType: 'commit' });
    const ref: RefRecord = { ref: `refs/tags/${name}`, sha: tag.sha, type: 'tag' };
    this.refs.set(ref.ref, ref);
    return ref;
  }

  /** Creates an annotated tag object (no ref), as `POST /git/tags` does. */
  createTagObject(input: Omit<TagObjectRecord, 'sha' | 'tagger'> & { tagger?: TagObjectRecord['tagger'] }) {
    const tagger = input.tagger ?? {
      name: 'github-double',
      email: 'double@example.test',
      date: this.world.now(),
    };
    const sha = fakeSha(`tag ${input.tag}\n${input.objectSha}\n${tagger.date}\n${input.message}`);
    const record: TagObjectRecord = { ...input, tagger, sha };
    this.tagObjects.set(sha, record);
    return record;
  }

  /** Sets a text file at a ref (branch name, tag name or SHA). */
  setFile(path: string, ref: string, text: string): void {
    const files = this.files.get(ref) ?? new Map<string, string>();
    files.set(path.replace(/^\/+/, ''), text);
    this.files.set(ref, files);
  }

  /** A file's text at `ref` (default branch when omitted), or null. */
  getFile(path: string, ref?: string): string | null {
    const clean = path.replace(/^\/+|\/+$/g, '');
    const wanted = ref ?? this.defaultBranch;
    const direct = this.files.get(wanted)?.get(clean);
    if (direct !== undefined) return direct;
    const sha = this.resolveRef(wanted);
    if (!sha) return null;
    for (const [key, files] of this.files) {
      if (this.resolveRef(key) === sha) {
        const text = files.get(clean);
        if (text !== undefined) return text;
      }
    }
    return null;
  }

  /** Paths of the files directly under directory `path` at `ref` (for directory listings). */
  listDirectory(path: string, ref?: string): { name: string; path: string; type: 'file' | 'dir' }[] {
    const prefix = path.replace(/^\/+|\/+$/g, '');
    const wanted = ref ?? this.defaultBranch;
    const sha = this.resolveRef(wanted);
    const entries = new Map<string, 'file' | 'dir'>();
    for (const [key, files] of this.files) {
      if (key !== wanted && (sha === null || this.resolveRef(key) !== sha)) continue;
      for (const file of files.keys()) {
        if (prefix && !file.startsWith(`${prefix}/`)) continue;
        const rest = prefix ? file.slice(prefix.length + 1) : file;
        const [head, ...tail] = rest.split('/');
        if (head) entries.set(head, tail.length > 0 ? 'dir' : 'file');
      }
    }
    return [...entries]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, type]) => ({ name, type, path: prefix ? `${prefix}/${name}` : name }));
  }

  /** Sets a user's permission on this repository. */
  setPermission(user: string, level: PermissionLevel): void {
    this.world.account(user);
    this.permissions.set(user, level);
  }

  /** Adds an issue (seeding). */
  addIssue(options: {
    title: string;
    body?: string;
    labels?: string[];
    user?: string;
    state?: 'open' | 'closed';
  }): IssueRecord {
    const now = this.world.now();
    const record: IssueRecord = {
      number: this.takeNumber(),
      title: options.title,
      body: options.body ?? null,
      state: options.state ?? 'open',
      stateReason: options.state === 'closed' ? 'completed' : null,
      labels: options.labels ?? [],
      user: this.world.account(options.user ?? 'octocat').login,
      createdAt: now,
      updatedAt: now,
      closedAt: options.state === 'closed' ? now : null,
    };
    this.issues.push(record);
    return record;
  }

  /** Adds a pull request (its head and base commits become known). */
  addPullRequest(options: AddPullRequestOptions): PullRecord {
    const now = this.world.now();
    const number = options.number ?? this.takeNumber();
    if (options.number !== undefined) this.nextNumber = Math.max(this.nextNumber, number + 1);
    if (this.pulls.some((p) => p.number === number) || this.issues.some((i) => i.number === number)) {
      throw new GitHubDoubleSetupError(`#${number} exists already in ${this.fullName}`);
    }
    const baseRef = options.baseRef ?? this.defaultBranch;
    const headRepo = options.headRepo === undefined ? this.fullName : options.headRepo;
    this.addCommit(options.headSha);
    const baseSha = options.baseSha ?? this.resolveRef(baseRef) ?? fakeSha(`${this.fullName} ${baseRef}`);
    this.addCommit(baseSha);
    if (options.mergeCommitSha) this.addCommit(options.mergeCommitSha);
    const merged = options.merged ?? false;
    const state = options.state ?? (merged ? 'closed' : 'open');
    const headRef = options.headRef ?? `feature-${number}`;
    if (headRepo === this.fullName && !this.refs.has(`refs/heads/${headRef}`)) {
      this.refs.set(`refs/heads/${headRef}`, {
        ref: `refs/heads/${headRef}`,
        sha: options.headSha,
        type: 'commit',
      });
    }
    if (headRepo && headRepo !== this.fullName) {
      const [owner, repo] = headRepo.split('/');
      if (owner && repo && !this.world.findRepo(owner, repo)) {
        this.world.addRepo({ owner, repo, fork: true, defaultBranch: this.defaultBranch });
      }
      this.world.findRepo(owner ?? '', repo ?? '')?.setBranch(headRef, options.headSha);
    }
    const record: PullRecord = {
      number,
      title: options.title ?? `Pull request #${number}`,
      body: options.body === undefined ? 'Changes the model.' : options.body,
      state,
      draft: options.draft ?? false,
      merged,
      mergeCommitSha: options.mergeCommitSha ?? (merged ? fakeSha(`merge ${this.fullName}#${number}`) : null),
      user: this.world.account(options.user ?? 'octocat').login,
      headSha: options.headSha,
      headRef,
      headRepo,
      baseRef,
      baseSha,
      labels: options.labels ?? [],
      files: (options.files ?? []).map((f) =>
        typeof f === 'string' ? { filename: f, status: 'modified' as const, additions: 1, deletions: 1 } : f,
      ),
      createdAt: now,
      updatedAt: now,
      closedAt: state === 'closed' ? now : null,
      mergedAt: merged ? now : null,
    };
    if (record.mergeCommitSha) this.addCommit(record.mergeCommitSha);
    this.pulls.push(record);
    return record;
  }

  /** A pull request by number, or undefined. */
  pull(number: number): PullRecord | undefined {
    return this.pulls.find((p) => p.number === number);
  }

  /** Adds a review (submitted now unless said otherwise). */
  addReview(options: AddReviewOptions): ReviewRecord {
    const pull = this.pull(options.pullNumber);
    if (!pull) throw new GitHubDoubleSetupError(`no pull request #${options.pullNumber} in ${this.fullName}`);
    const record: ReviewRecord = {
      id: this.world.nextId(),
      pullNumber: options.pullNumber,
      user: this.world.account(options.user).login,
      state: options.state,
      commitId: options.commitId ?? pull.headSha,
      body: options.body ?? '',
      submittedAt: options.submittedAt === undefined ? this.world.now() : options.submittedAt,
    };
    this.reviews.push(record);
    return record;
  }

  /** Adds a comment (seeding). */
  addComment(issueNumber: number, body: string, user = 'octocat'): CommentRecord {
    const now = this.world.now();
    const record: CommentRecord = {
      id: this.world.nextId(),
      issueNumber,
      body,
      user: this.world.account(user).login,
      createdAt: now,
      updatedAt: now,
    };
    this.comments.push(record);
    return record;
  }

  /** Adds a workflow run (its head commit becomes known). */
  addWorkflowRun(options: AddWorkflowRunOptions): WorkflowRunRecord {
    const now = this.world.now();
    this.addCommit(options.headSha);
    const id = options.id ?? this.world.nextId();
    const name = options.name ?? 'model-pr';
    const record: WorkflowRunRecord = {
      id,
      name,
      headSha: options.headSha,
      headBranch: options.headBranch === undefined ? this.defaultBranch : options.headBranch,
      headRepo: options.headRepo ?? this.fullName,
      event: options.event ?? 'pull_request',
      status: options.status ?? 'completed',
      conclusion: options.conclusion === undefined ? 'success' : options.conclusion,
      pullRequests: options.pullRequests ?? [],
      workflowId: Number.parseInt(fakeSha(name).slice(0, 7), 16),
      path: options.path ?? `.github/workflows/${name}.yml`,
      runNumber: this.workflowRuns.length + 1,
      runAttempt: 1,
      actor: this.world.account(options.actor ?? 'octocat').login,
      createdAt: now,
      updatedAt: now,
    };
    this.workflowRuns.push(record);
    return record;
  }

  /** Adds an artifact (zip bytes) to a workflow run. */
  addArtifact(runId: number, name: string, zipBytes: Uint8Array, options: { expired?: boolean } = {}) {
    if (!this.workflowRuns.some((r) => r.id === runId)) {
      throw new GitHubDoubleSetupError(`no workflow run ${runId} in ${this.fullName}`);
    }
    const now = new Date(this.world.clock());
    const record: ArtifactRecord = {
      id: this.world.nextId(),
      runId,
      name,
      data: zipBytes,
      expired: options.expired ?? false,
      createdAt: githubTime(now),
      expiresAt: githubTime(new Date(now.getTime() + 90 * 86_400_000)),
    };
    this.artifacts.push(record);
    return record;
  }

  /** Tags whose name starts with `prefix` (ref names without `refs/tags/`). */
  tagNames(prefix = ''): string[] {
    return [...this.refs.keys()]
      .filter((r) => r.startsWith(`refs/tags/${prefix}`))
      .map((r) => r.slice('refs/tags/'.length));
  }

  /** The latest status of each deployment. */
  latestDeploymentStatus(deploymentId: number): DeploymentStatusRecord | undefined {
    return this.deploymentStatuses.filter((s) => s.deploymentId === deploymentId).at(-1);
  }
}

/** The id of the `github-actions` app on github.com (check runs made with a workflow's job token). */
export const GITHUB_ACTIONS_APP_ID = 15368;

/** Options of the state (clock, app identity). */
export interface GitHubStateOptions {
  /** Clock in ms (default `Date.now`). */
  clock?: () => number;
  /** The GitHub App's id (default 1). */
  appId?: number;
  /** The App's slug; its bot login is `<slug>[bot]` (default `modelgate`). */
  appSlug?: string;
  /** The default installation id (default 1). */
  installationId?: number;
}

/** Everything the double knows. */
export class GitHubState {
  readonly clock: () => number;
  readonly appId: number;
  readonly appSlug: string;
  readonly defaultInstallationId: number;
  readonly accounts = new Map<string, AccountRecord>();
  readonly repos = new Map<string, RepoState>();
  /** Team memberships by `org/slug`, then login. */
  readonly teams = new Map<string, Map<string, TeamMembershipRecord>>();
  readonly installations = new Map<number, InstallationRecord>();
  readonly issuedTokens: IssuedTokenRecord[] = [];
  /** Login each known token acts as (installation tokens: the app's bot). */
  readonly tokenOwners = new Map<string, string>();
  /** The login an unknown token acts as (a workflow's `GITHUB_TOKEN`). */
  defaultActor = 'github-actions[bot]';
  private idCounter = 1000;

  constructor(options: GitHubStateOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.appId = options.appId ?? 1;
    this.appSlug = options.appSlug ?? 'modelgate';
    this.defaultInstallationId = options.installationId ?? 1;
    this.account('github-actions[bot]', 'Bot');
    this.account(this.botLogin, 'Bot');
  }

  /** The App's bot login (`<slug>[bot]`). */
  get botLogin(): string {
    return `${this.appSlug}[bot]`;
  }

  /** A fresh id (ids count up across every kind of object). */
  nextId(): number {
    this.idCounter += 1;
    return this.idCounter;
  }

  /** Now, formatted as GitHub does. */
  now(): string {
    return githubTime(new Date(this.clock()));
  }

  /** The account `login` (created on first mention). */
  account(login: string, type?: AccountRecord['type']): AccountRecord {
    const existing = this.accounts.get(login.toLowerCase());
    if (existing) return existing;
    const record: AccountRecord = {
      id: this.nextId(),
      login,
      type: type ?? (login.endsWith('[bot]') ? 'Bot' : 'User'),
    };
    this.accounts.set(login.toLowerCase(), record);
    return record;
  }

  /** Adds a repository (and its owner's installation when none exists yet). */
  addRepo(options: AddRepoOptions): RepoState {
    const key = `${options.owner}/${options.repo}`.toLowerCase();
    const existing = this.repos.get(key);
    if (existing) return existing;
    this.account(options.owner, 'Organization');
    const repo = new RepoState(this, options, this.nextId());
    this.repos.set(key, repo);
    if (!options.fork && !this.installations.has(repo.installationId)) {
      this.addInstallation({ id: repo.installationId, account: options.owner });
    }
    return repo;
  }

  /** A repository by owner and name (case-insensitive), or undefined. */
  findRepo(owner: string, repo: string): RepoState | undefined {
    return this.repos.get(`${owner}/${repo}`.toLowerCase());
  }

  /** The repository `fullName` (`owner/name`), or the first one added; throws when there is none. */
  repo(fullName?: string): RepoState {
    if (fullName === undefined) {
      const first = [...this.repos.values()].find((r) => !r.fork);
      if (!first) throw new GitHubDoubleSetupError('no repository; call addRepo first');
      return first;
    }
    const [owner = '', name = ''] = fullName.split('/');
    const found = this.findRepo(owner, name);
    if (!found) throw new GitHubDoubleSetupError(`no repository ${fullName}`);
    return found;
  }

  /** Adds an app installation. */
  addInstallation(options: {
    id: number;
    account: string;
    repositories?: string[] | 'all';
  }): InstallationRecord {
    const record: InstallationRecord = {
      id: options.id,
      account: this.account(options.account, 'Organization').login,
      appId: this.appId,
      appSlug: this.appSlug,
      repositories: options.repositories ?? 'all',
    };
    this.installations.set(options.id, record);
    return record;
  }

  /** Makes `user` a member of `org`'s team `slug`. */
  addTeamMember(
    org: string,
    slug: string,
    user: string,
    membership: Partial<TeamMembershipRecord> = {},
  ): void {
    this.account(user);
    const key = `${org}/${slug}`.toLowerCase();
    const team = this.teams.get(key) ?? new Map<string, TeamMembershipRecord>();
    team.set(user.toLowerCase(), { role: membership.role ?? 'member', state: membership.state ?? 'active' });
    this.teams.set(key, team);
  }

  /** Registers `token` as acting for `login` (comments it writes carry that author). */
  addToken(token: string, login: string): void {
    this.account(login);
    this.tokenOwners.set(token, login);
  }

  /**
   * The app a login acts for when it creates a check run: the App's bot is the App
   * ({@link appId}); anything else (a workflow's `GITHUB_TOKEN`) is `github-actions`
   * ({@link GITHUB_ACTIONS_APP_ID}).
   */
  appIdOf(actor: string): number {
    return actor.toLowerCase() === this.botLogin.toLowerCase() ? this.appId : GITHUB_ACTIONS_APP_ID;
  }

  /** The login a token acts as. */
  actorFor(token: string | null): string {
    if (token === null) return this.defaultActor;
    return this.tokenOwners.get(token) ?? this.defaultActor;
  }

  // --- shortcuts on the default repository (the first one added) ---

  /** {@link RepoState.addCommit} on the default repository. */
  addCommit(sha: string, message?: string): CommitRecord {
    return this.repo().addCommit(sha, message);
  }

  /** {@link RepoState.addPullRequest} on the default repository. */
  addPullRequest(options: AddPullRequestOptions): PullRecord {
    return this.repo().addPullRequest(options);
  }

  /** {@link RepoState.addReview} on the default repository. */
  addReview(options: AddReviewOptions): ReviewRecord {
    return this.repo().addReview(options);
  }

  /** {@link RepoState.setPermission} on the default repository. */
  setPermission(user: string, level: PermissionLevel): void {
    this.repo().setPermission(user, level);
  }

  /** {@link RepoState.setFile} on the default repository. */
  setFile(path: string, ref: string, text: string): void {
    this.repo().setFile(path, ref, text);
  }

  /** {@link RepoState.addWorkflowRun} on the default repository. */
  addWorkflowRun(options: AddWorkflowRunOptions): WorkflowRunRecord {
    return this.repo().addWorkflowRun(options);
  }

  /** {@link RepoState.addArtifact} on the default repository. */
  addArtifact(
    runId: number,
    name: string,
    zipBytes: Uint8Array,
    options?: { expired?: boolean },
  ): ArtifactRecord {
    return this.repo().addArtifact(runId, name, zipBytes, options);
  }

  /** {@link RepoState.addTag} on the default repository. */
  addTag(name: string, sha: string, message?: string): RefRecord {
    return this.repo().addTag(name, sha, message);
  }

  /** {@link RepoState.addIssue} on the default repository. */
  addIssue(options: Parameters<RepoState['addIssue']>[0]): IssueRecord {
    return this.repo().addIssue(options);
  }

  /** {@link RepoState.addComment} on the default repository. */
  addComment(issueNumber: number, body: string, user?: string): CommentRecord {
    return this.repo().addComment(issueNumber, body, user);
  }
}
