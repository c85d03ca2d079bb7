/**
 * GitHub's REST response shapes, built from the double's state records: every field the OpenAPI
 * schema requires, with `url`/`html_url`/`upload_url` on the double's own host (api.github.com style
 * or GHES style, whichever the request used), node ids and GitHub-formatted timestamps.
 */
import { createHash } from 'node:crypto';
import type {
  AccountRecord,
  ArtifactRecord,
  AssetRecord,
  CheckRunRecord,
  CommentRecord,
  DeploymentRecord,
  DeploymentStatusRecord,
  GitHubState,
  InstallationRecord,
  IssueRecord,
  PermissionLevel,
  PullFileRecord,
  PullRecord,
  RefRecord,
  ReleaseRecord,
  RepoState,
  ReviewRecord,
  TagObjectRecord,
  WorkflowRunRecord,
} from './state.js';
import { fakeSha, GITHUB_ACTIONS_APP_ID } from './state.js';

/** The double's base URLs for one request (they differ between the api.github.com and GHES layouts). */
export interface DoubleUrls {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** REST base: the origin, or `<origin>/api/v3`. */
  api: string;
  /** Upload base: `<origin>/uploads`, or `<origin>/api/uploads`. */
  uploads: string;
  /** Web base for `html_url`s (the origin). */
  web: string;
}

/** The URLs of both layouts for one origin. */
export function urlsFor(origin: string, layout: 'dotcom' | 'ghes'): DoubleUrls {
  return layout === 'ghes'
    ? { origin, api: `${origin}/api/v3`, uploads: `${origin}/api/uploads`, web: origin }
    : { origin, api: origin, uploads: `${origin}/uploads`, web: origin };
}

/** A GraphQL-style node id (opaque, stable per kind and id). */
export function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`${kind}:${id}`).toString('base64').replace(/=+$/, '');
}

type Json = Record<string, unknown>;

/** Renders state records as REST JSON for one request's URLs. */
export class Renderer {
  constructor(
    private readonly state: GitHubState,
    readonly urls: DoubleUrls,
  ) {}

  /** A simple-user. */
  user(login: string): Json {
    const a: AccountRecord = this.state.account(login);
    const u = `${this.urls.api}/users/${encodeURIComponent(a.login)}`;
    return {
      login: a.login,
      id: a.id,
      node_id: nodeId(a.type === 'Organization' ? 'O' : a.type === 'Bot' ? 'BOT' : 'U', a.id),
      avatar_url: `${this.urls.web}/avatars/u/${a.id}`,
      gravatar_id: '',
      url: u,
      html_url: `${this.urls.web}/${encodeURIComponent(a.login)}`,
      followers_url: `${u}/followers`,
      following_url: `${u}/following{/other_user}`,
      gists_url: `${u}/gists{/gist_id}`,
      starred_url: `${u}/starred{/owner}{/repo}`,
      subscriptions_url: `${u}/subscriptions`,
      organizations_url: `${u}/orgs`,
      repos_url: `${u}/repos`,
      events_url: `${u}/events{/privacy}`,
      received_events_url: `${u}/received_events`,
      type: a.type,
      user_view_type: 'public',
      site_admin: false,
    };
  }

  /** A repository (the full `repository` schema; minimal-repository is a subset). */
  repository(repo: RepoState): Json {
    const r = `${this.urls.api}/repos/${repo.fullName}`;
    const host = new URL(this.urls.web).host;
    return {
      id: repo.id,
      node_id: nodeId('R', repo.id),
      name: repo.name,
      full_name: repo.fullName,
      private: repo.private,
      owner: this.user(repo.owner),
      html_url: `${this.urls.web}/${repo.fullName}`,
      description: null,
      fork: repo.fork,
      url: r,
      archive_url: `${r}/{archive_format}{/ref}`,
      assignees_url: `${r}/assignees{/user}`,
      blobs_url: `${r}/git/blobs{/sha}`,
      branches_url: `${r}/branches{/branch}`,
      collaborators_url: `${r}/collaborators{/collaborator}`,
      comments_url: `${r}/comments{/number}`,
      commits_url: `${r}/commits{/sha}`,
      compare_url: `${r}/compare/{base}...{head}`,
      contents_url: `${r}/contents/{+path}`,
      contributors_url: `${r}/contributors`,
      deployments_url: `${r}/deployments`,
      downloads_url: `${r}/downloads`,
      events_url: `${r}/events`,
      forks_url: `${r}/forks`,
      git_commits_url: `${r}/git/commits{/sha}`,
      git_refs_url: `${r}/git/refs{/sha}`,
      git_tags_url: `${r}/git/tags{/sha}`,
      git_url: `git://${host}/${repo.fullName}.git`,
      issue_comment_url: `${r}/issues/comments{/number}`,
      issue_events_url: `${r}/issues/events{/number}`,
      issues_url: `${r}/issues{/number}`,
      keys_url: `${r}/keys{/key_id}`,
      labels_url: `${r}/labels{/name}`,
      languages_url: `${r}/languages`,
      merges_url: `${r}/merges`,
      milestones_url: `${r}/milestones{/number}`,
      notifications_url: `${r}/notifications{?since,all,participating}`,
      pulls_url: `${r}/pulls{/number}`,
      releases_url: `${r}/releases{/id}`,
      ssh_url: `git@${host}:${repo.fullName}.git`,
      stargazers_url: `${r}/stargazers`,
      statuses_url: `${r}/statuses/{sha}`,
      subscribers_url: `${r}/subscribers`,
      subscription_url: `${r}/subscription`,
      tags_url: `${r}/tags`,
      teams_url: `${r}/teams`,
      trees_url: `${r}/git/trees{/sha}`,
      clone_url: `${this.urls.web}/${repo.fullName}.git`,
      mirror_url: null,
      hooks_url: `${r}/hooks`,
      svn_url: `${this.urls.web}/${repo.fullName}`,
      homepage: null,
      language: 'TypeScript',
      forks_count: 0,
      forks: 0,
      stargazers_count: 0,
      watchers_count: 0,
      watchers: 0,
      size: 100,
      default_branch: repo.defaultBranch,
      open_issues_count: repo.issues.filter((i) => i.state === 'open').length,
      open_issues: repo.issues.filter((i) => i.state === 'open').length,
      is_template: false,
      topics: [],
      has_issues: true,
      has_projects: true,
      has_wiki: true,
      has_pages: false,
      has_downloads: true,
      has_discussions: false,
      archived: false,
      disabled: false,
      visibility: repo.private ? 'private' : 'public',
      pushed_at: repo.createdAt,
      created_at: repo.createdAt,
      updated_at: repo.createdAt,
      license: null,
      allow_forking: true,
      web_commit_signoff_required: false,
    };
  }

  /** A label by name. */
  label(repo: RepoState, name: string): Json {
    const id = Number.parseInt(fakeSha(`${repo.fullName} label ${name}`).slice(0, 8), 16);
    return {
      id,
      node_id: nodeId('LA', id),
      url: `${this.urls.api}/repos/${repo.fullName}/labels/${encodeURIComponent(name)}`,
      name,
      description: '',
      color: 'ededed',
      default: false,
    };
  }

  private issueLike(
    repo: RepoState,
    x: {
      number: number;
      title: string;
      body: string | null;
      state: string;
      labels: string[];
      user: string;
      createdAt: string;
      updatedAt: string;
      closedAt: string | null;
    },
    id: number,
  ): Json {
    const r = `${this.urls.api}/repos/${repo.fullName}`;
    const u = `${r}/issues/${x.number}`;
    return {
      id,
      node_id: nodeId('I', id),
      url: u,
      repository_url: r,
      labels_url: `${u}/labels{/name}`,
      comments_url: `${u}/comments`,
      events_url: `${u}/events`,
      html_url: `${this.urls.web}/${repo.fullName}/issues/${x.number}`,
      number: x.number,
      state: x.state,
      title: x.title,
      body: x.body,
      user: this.user(x.user),
      labels: x.labels.map((name) => this.label(repo, name)),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: false,
      active_lock_reason: null,
      comments: repo.comments.filter((c) => c.issueNumber === x.number).length,
      closed_at: x.closedAt,
      created_at: x.createdAt,
      updated_at: x.updatedAt,
      closed_by: null,
      author_association: 'MEMBER',
    };
  }

  /** An issue. */
  issue(repo: RepoState, issue: IssueRecord): Json {
    const id = Number.parseInt(fakeSha(`${repo.fullName} issue ${issue.number}`).slice(0, 8), 16);
    return { ...this.issueLike(repo, issue, id), state_reason: issue.stateReason };
  }

  /** A pull request as the issues API lists it (with its `pull_request` key). */
  pullAsIssue(repo: RepoState, pull: PullRecord): Json {
    const id = Number.parseInt(fakeSha(`${repo.fullName} issue ${pull.number}`).slice(0, 8), 16);
    const p = `${this.urls.api}/repos/${repo.fullName}/pulls/${pull.number}`;
    const web = `${this.urls.web}/${repo.fullName}/pull/${pull.number}`;
    return {
      ...this.issueLike(repo, pull, id),
      draft: pull.draft,
      pull_request: {
        url: p,
        html_url: web,
        diff_url: `${web}.diff`,
        patch_url: `${web}.patch`,
        merged_at: pull.mergedAt,
      },
    };
  }

  /** An issue comment. */
  comment(repo: RepoState, comment: CommentRecord): Json {
    const r = `${this.urls.api}/repos/${repo.fullName}`;
    const isPull = repo.pull(comment.issueNumber) !== undefined;
    return {
      id: comment.id,
      node_id: nodeId('IC', comment.id),
      url: `${r}/issues/comments/${comment.id}`,
      html_url: `${this.urls.web}/${repo.fullName}/${isPull ? 'pull' : 'issues'}/${comment.issueNumber}#issuecomment-${comment.id}`,
      issue_url: `${r}/issues/${comment.issueNumber}`,
      body: comment.body,
      user: this.user(comment.user),
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      author_association: comment.user.endsWith('[bot]') ? 'NONE' : 'MEMBER',
    };
  }

  private branchEnd(repo: RepoState, pull: PullRecord, which: 'head' | 'base'): Json {
    const fullName = which === 'head' ? pull.headRepo : repo.fullName;
    const [owner = repo.owner, name = repo.name] = (fullName ?? '').split('/');
    const endRepo = fullName ? this.state.findRepo(owner, name) : undefined;
    const ref = which === 'head' ? pull.headRef : pull.baseRef;
    return {
      label: `${fullName ? owner : 'unknown'}:${ref}`,
      ref,
      sha: which === 'head' ? pull.headSha : pull.baseSha,
      user: this.user(fullName ? owner : 'ghost'),
      repo: endRepo ? this.repository(endRepo) : null,
    };
  }

  private pullCommon(repo: RepoState, pull: PullRecord): Json {
    const r = `${this.urls.api}/repos/${repo.fullName}`;
    const p = `${r}/pulls/${pull.number}`;
    const web = `${this.urls.web}/${repo.fullName}/pull/${pull.number}`;
    const id = Number.parseInt(fakeSha(`${repo.fullName} pull ${pull.number}`).slice(0, 8), 16);
    return {
      url: p,
      id,
      node_id: nodeId('PR', id),
      html_url: web,
      diff_url: `${web}.diff`,
      patch_url: `${web}.patch`,
      issue_url: `${r}/issues/${pull.number}`,
      commits_url: `${p}/commits`,
      review_comments_url: `${p}/comments`,
      review_comment_url: `${r}/pulls/comments{/number}`,
      comments_url: `${r}/issues/${pull.number}/comments`,
      statuses_url: `${r}/statuses/${pull.headSha}`,
      number: pull.number,
      state: pull.state,
      locked: false,
      title: pull.title,
      user: this.user(pull.user),
      body: pull.body,
      labels: pull.labels.map((name) => this.label(repo, name)),
      milestone: null,
      active_lock_reason: null,
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      closed_at: pull.closedAt,
      merged_at: pull.mergedAt,
      merge_commit_sha: pull.mergeCommitSha,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: this.branchEnd(repo, pull, 'head'),
      base: this.branchEnd(repo, pull, 'base'),
      _links: {
        self: { href: p },
        html: { href: web },
        issue: { href: `${r}/issues/${pull.number}` },
        comments: { href: `${r}/issues/${pull.number}/comments` },
        review_comments: { href: `${p}/comments` },
        review_comment: { href: `${r}/pulls/comments{/number}` },
        commits: { href: `${p}/commits` },
        statuses: { href: `${r}/statuses/${pull.headSha}` },
      },
      author_association: 'CONTRIBUTOR',
      auto_merge: null,
      draft: pull.draft,
    };
  }

  /** A pull request (the full `pull-request` schema). */
  pull(repo: RepoState, pull: PullRecord): Json {
    const additions = pull.files.reduce((s, f) => s + f.additions, 0);
    const deletions = pull.files.reduce((s, f) => s + f.deletions, 0);
    return {
      ...this.pullCommon(repo, pull),
      merged: pull.merged,
      mergeable: pull.state === 'open' ? true : null,
      rebaseable: pull.state === 'open' ? true : null,
      mergeable_state: pull.state === 'open' ? 'clean' : 'unknown',
      merged_by: pull.merged ? this.user(repo.owner) : null,
      comments: repo.comments.filter((c) => c.issueNumber === pull.number).length,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: 1,
      additions,
      deletions,
      changed_files: pull.files.length,
    };
  }

  /** A pull request in lists (`pull-request-simple`). */
  pullSimple(repo: RepoState, pull: PullRecord): Json {
    return this.pullCommon(repo, pull);
  }

  /** A changed file of a pull request (`diff-entry`). */
  pullFile(repo: RepoState, pull: PullRecord, file: PullFileRecord): Json {
    const sha = fakeSha(`${pull.headSha} ${file.filename}`);
    const path = file.filename.split('/').map(encodeURIComponent).join('/');
    return {
      sha,
      filename: file.filename,
      status: file.status,
      additions: file.additions,
      deletions: file.deletions,
      changes: file.additions + file.deletions,
      blob_url: `${this.urls.web}/${repo.fullName}/blob/${pull.headSha}/${path}`,
      raw_url: `${this.urls.web}/${repo.fullName}/raw/${pull.headSha}/${path}`,
      contents_url: `${this.urls.api}/repos/${repo.fullName}/contents/${path}?ref=${pull.headSha}`,
      ...(file.previousFilename ? { previous_filename: file.previousFilename } : {}),
    };
  }

  /** A pull request review. */
  review(repo: RepoState, review: ReviewRecord): Json {
    const web = `${this.urls.web}/${repo.fullName}/pull/${review.pullNumber}`;
    const pullUrl = `${this.urls.api}/repos/${repo.fullName}/pulls/${review.pullNumber}`;
    return {
      id: review.id,
      node_id: nodeId('PRR', review.id),
      user: this.user(review.user),
      body: review.body,
      state: review.state,
      html_url: `${web}#pullrequestreview-${review.id}`,
      pull_request_url: pullUrl,
      _links: { html: { href: `${web}#pullrequestreview-${review.id}` }, pull_request: { href: pullUrl } },
      ...(review.submittedAt ? { submitted_at: review.submittedAt } : {}),
      commit_id: review.commitId,
      author_association: 'MEMBER',
    };
  }

  /** The App (`integration`). */
  app(): Json {
    const id = this.state.appId;
    if (id === GITHUB_ACTIONS_APP_ID) throw new Error('the App id must not be the github-actions app id');
    return {
      id,
      slug: this.state.appSlug,
      node_id: nodeId('A', id),
      client_id: `Iv1.${fakeSha(`app ${id}`).slice(0, 16)}`,
      owner: this.user([...this.state.installations.values()][0]?.account ?? 'octocat'),
      name: this.state.appSlug,
      description: 'GitHub App (test double)',
      external_url: `${this.urls.web}/apps/${this.state.appSlug}`,
      html_url: `${this.urls.web}/apps/${this.state.appSlug}`,
      created_at: '2024-01-01T00:00:00Z',
      updated_at: '2024-01-01T00:00:00Z',
      permissions: appPermissions(),
      events: ['pull_request', 'pull_request_review', 'workflow_run', 'issue_comment', 'check_run'],
    };
  }

  /** The `github-actions` app (creator of check runs made with a workflow's job token). */
  actionsApp(): Json {
    const id = GITHUB_ACTIONS_APP_ID;
    return {
      id,
      slug: 'github-actions',
      node_id: nodeId('A', id),
      client_id: `Iv1.${fakeSha(`app ${id}`).slice(0, 16)}`,
      owner: this.user(this.state.account('github', 'Organization').login),
      name: 'GitHub Actions',
      description: 'Automate your workflow from idea to production',
      external_url: 'https://help.github.com/en/actions',
      html_url: `${this.urls.web}/apps/github-actions`,
      created_at: '2018-07-30T09:30:17Z',
      updated_at: '2024-04-10T20:33:16Z',
      permissions: appPermissions(),
      events: ['check_run', 'pull_request', 'push', 'workflow_dispatch'],
    };
  }

  /** A check run. */
  checkRun(repo: RepoState, run: CheckRunRecord): Json {
    const r = `${this.urls.api}/repos/${repo.fullName}`;
    const suiteId = Number.parseInt(fakeSha(`${repo.fullName} suite ${run.headSha}`).slice(0, 8), 16);
    return {
      id: run.id,
      head_sha: run.headSha,
      node_id: nodeId('CR', run.id),
      external_id: run.externalId ?? '',
      url: `${r}/check-runs/${run.id}`,
      html_url: `${this.urls.web}/${repo.fullName}/runs/${run.id}`,
      details_url: run.detailsUrl ?? `${this.urls.web}/${repo.fullName}/runs/${run.id}`,
      status: run.status,
      conclusion: run.conclusion,
      started_at: run.startedAt,
      completed_at: run.completedAt,
      output: {
        title: run.title,
        summary: run.summary,
        text: run.text,
        annotations_count: run.annotations.length,
        annotations_url: `${r}/check-runs/${run.id}/annotations`,
      },
      name: run.name,
      check_suite: { id: suiteId },
      app: run.appId === this.state.appId ? this.app() : this.actionsApp(),
      pull_requests: repo.pulls
        .filter((p) => p.state === 'open' && p.headSha === run.headSha && p.headRepo === repo.fullName)
        .map((p) => this.pullMinimal(repo, p)),
    };
  }

  /** The `pull-request-minimal` shape (check runs, workflow runs). */
  pullMinimal(repo: RepoState, pull: PullRecord): Json {
    const small = (fullName: string | null, ref: string, sha: string) => {
      const [o = '', n = ''] = (fullName ?? repo.fullName).split('/');
      const target = this.state.findRepo(o, n) ?? repo;
      return {
        ref,
        sha,
        repo: { id: target.id, url: `${this.urls.api}/repos/${target.fullName}`, name: target.name },
      };
    };
    const id = Number.parseInt(fakeSha(`${repo.fullName} pull ${pull.number}`).slice(0, 8), 16);
    return {
      id,
      number: pull.number,
      url: `${this.urls.api}/repos/${repo.fullName}/pulls/${pull.number}`,
      head: small(pull.headRepo, pull.headRef, pull.headSha),
      base: small(repo.fullName, pull.baseRef, pull.baseSha),
    };
  }

  /** A git reference. */
  ref(repo: RepoState, ref: RefRecord): Json {
    const r = `${this.urls.api}/repos/${repo.fullName}/git`;
    return {
      ref: ref.ref,
      node_id: nodeId('REF', `${repo.id}:${ref.ref}`),
      url: `${r}/${ref.ref.split('/').map(encodeURIComponent).join('/')}`,
      object: {
        type: ref.type,
        sha: ref.sha,
        url: `${r}/${ref.type === 'tag' ? 'tags' : 'commits'}/${ref.sha}`,
      },
    };
  }

  /** An annotated tag object. */
  tagObject(repo: RepoState, tag: TagObjectRecord): Json {
    const r = `${this.urls.api}/repos/${repo.fullName}/git`;
    return {
      node_id: nodeId('TAG', tag.sha),
      sha: tag.sha,
      url: `${r}/tags/${tag.sha}`,
      tag: tag.tag,
      message: tag.message,
      tagger: tag.tagger,
      object: {
        type: tag.objectType,
        sha: tag.objectSha,
        url: `${r}/${tag.objectType === 'commit' ? 'commits' : `${tag.objectType}s`}/${tag.objectSha}`,
      },
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
        verified_at: null,
      },
    };
  }

  /** A release (with its assets). */
  release(repo: RepoState, release: ReleaseRecord): Json {
    const r = `${this.urls.api}/repos/${repo.fullName}`;
    const tagPath = encodeURIComponent(release.tagName);
    const webTag = release.draft ? `untagged-${fakeSha(String(release.id)).slice(0, 20)}` : tagPath;
    return {
      url: `${r}/releases/${release.id}`,
      html_url: `${this.urls.web}/${repo.fullName}/releases/tag/${webTag}`,
      assets_url: `${r}/releases/${release.id}/assets`,
      upload_url: `${this.urls.uploads}/repos/${repo.fullName}/releases/${release.id}/assets{?name,label}`,
      tarball_url: `${r}/tarball/${tagPath}`,
      zipball_url: `${r}/zipball/${tagPath}`,
      id: release.id,
      node_id: nodeId('RE', release.id),
      tag_name: release.tagName,
      target_commitish: release.targetCommitish,
      name: release.name,
      body: release.body,
      draft: release.draft,
      prerelease: release.prerelease,
      immutable: false,
      created_at: release.createdAt,
      published_at: release.publishedAt,
      updated_at: release.publishedAt ?? release.createdAt,
      author: this.user(release.author),
      assets: repo.assets.filter((a) => a.releaseId === release.id).map((a) => this.asset(repo, a)),
    };
  }

  /** A release asset. */
  asset(repo: RepoState, asset: AssetRecord): Json {
    const release = repo.releases.find((r) => r.id === asset.releaseId);
    const tag = release ? encodeURIComponent(release.tagName) : 'untagged';
    return {
      url: `${this.urls.api}/repos/${repo.fullName}/releases/assets/${asset.id}`,
      browser_download_url: `${this.urls.web}/${repo.fullName}/releases/download/${tag}/${encodeURIComponent(asset.name)}`,
      id: asset.id,
      node_id: nodeId('RA', asset.id),
      name: asset.name,
      label: asset.label,
      state: 'uploaded',
      content_type: asset.contentType,
      size: asset.data.byteLength,
      digest: `sha256:${sha256Hex(asset.data)}`,
      download_count: asset.downloadCount,
      created_at: asset.createdAt,
      updated_at: asset.updatedAt,
      uploader: this.user(asset.uploader),
    };
  }

  /** A workflow-run artifact. */
  artifact(repo: RepoState, artifact: ArtifactRecord): Json {
    const r = `${this.urls.api}/repos/${repo.fullName}`;
    const run = repo.workflowRuns.find((w) => w.id === artifact.runId);
    const [o = '', n = ''] = (run?.headRepo ?? repo.fullName).split('/');
    return {
      id: artifact.id,
      node_id: nodeId('MDg', artifact.id),
      name: artifact.name,
      size_in_bytes: artifact.data.byteLength,
      url: `${r}/actions/artifacts/${artifact.id}`,
      archive_download_url: `${r}/actions/artifacts/${artifact.id}/zip`,
      expired: artifact.expired,
      digest: `sha256:${sha256Hex(artifact.data)}`,
      created_at: artifact.createdAt,
      expires_at: artifact.expiresAt,
      updated_at: artifact.createdAt,
      workflow_run: run
        ? {
            id: run.id,
            repository_id: repo.id,
            head_repository_id: this.state.findRepo(o, n)?.id ?? repo.id,
            head_branch: run.headBranch ?? '',
            head_sha: run.headSha,
          }
        : null,
    };
  }

  /** A workflow run. */
  workflowRun(repo: RepoState, run: WorkflowRunRecord): Json {
    const r = `${this.urls.api}/repos/${repo.fullName}`;
    const w = `${r}/actions/runs/${run.id}`;
    const [o = '', n = ''] = run.headRepo.split('/');
    const headRepo = this.state.findRepo(o, n) ?? repo;
    const commit = repo.commits.get(run.headSha);
    return {
      id: run.id,
      name: run.name,
      node_id: nodeId('WFR', run.id),
      head_branch: run.headBranch,
      head_sha: run.headSha,
      path: run.path,
      display_title: commit?.message.split('\n')[0] ?? run.name,
      run_number: run.runNumber,
      run_attempt: run.runAttempt,
      event: run.event,
      status: run.status,
      conclusion: run.conclusion,
      workflow_id: run.workflowId,
      check_suite_id: run.id + 1,
      check_suite_node_id: nodeId('CS', run.id + 1),
      url: w,
      html_url: `${this.urls.web}/${repo.fullName}/actions/runs/${run.id}`,
      pull_requests: run.pullRequests
        .map((num) => repo.pull(num))
        .filter((p): p is PullRecord => p !== undefined)
        .map((p) => this.pullMinimal(repo, p)),
      created_at: run.createdAt,
      updated_at: run.updatedAt,
      run_started_at: run.createdAt,
      actor: this.user(run.actor),
      triggering_actor: this.user(run.actor),
      jobs_url: `${w}/jobs`,
      logs_url: `${w}/logs`,
      check_suite_url: `${r}/check-suites/${run.id + 1}`,
      artifacts_url: `${w}/artifacts`,
      cancel_url: `${w}/cancel`,
      rerun_url: `${w}/rerun`,
      previous_attempt_url: null,
      workflow_url: `${r}/actions/workflows/${run.workflowId}`,
      head_commit: {
        id: run.headSha,
        tree_id: fakeSha(`tree ${run.headSha}`),
        message: commit?.message ?? 'commit',
        timestamp: run.createdAt,
        author: { name: 'Octo Cat', email: 'octocat@example.test' },
        committer: { name: 'Octo Cat', email: 'octocat@example.test' },
      },
      repository: this.repository(repo),
      head_repository: this.repository(headRepo),
    };
  }

  /** A deployment. */
  deployment(repo: RepoState, d: DeploymentRecord): Json {
    const r = `${this.urls.api}/repos/${repo.fullName}`;
    return {
      url: `${r}/deployments/${d.id}`,
      id: d.id,
      node_id: nodeId('DE', d.id),
      sha: d.sha,
      ref: d.ref,
      task: d.task,
      payload: d.payload,
      original_environment: d.environment,
      environment: d.environment,
      description: d.description,
      creator: this.user(d.creator),
      created_at: d.createdAt,
      updated_at: d.updatedAt,
      statuses_url: `${r}/deployments/${d.id}/statuses`,
      repository_url: r,
      transient_environment: d.transientEnvironment,
      production_environment: d.productionEnvironment,
    };
  }

  /** A deployment status. */
  deploymentStatus(repo: RepoState, s: DeploymentStatusRecord): Json {
    const r = `${this.urls.api}/repos/${repo.fullName}`;
    return {
      url: `${r}/deployments/${s.deploymentId}/statuses/${s.id}`,
      id: s.id,
      node_id: nodeId('DES', s.id),
      state: s.state,
      creator: this.user(s.creator),
      description: s.description,
      environment: s.environment,
      target_url: s.targetUrl,
      created_at: s.createdAt,
      updated_at: s.createdAt,
      deployment_url: `${r}/deployments/${s.deploymentId}`,
      repository_url: r,
      environment_url: s.environmentUrl,
      log_url: s.logUrl,
    };
  }

  /** A file's content (`content-file`, base64). */
  contentFile(repo: RepoState, path: string, ref: string, text: string): Json {
    const bytes = Buffer.from(text, 'utf8');
    const sha = fakeSha(`blob ${bytes.byteLength}\0${text}`);
    const encoded = path.split('/').map(encodeURIComponent).join('/');
    const self = `${this.urls.api}/repos/${repo.fullName}/contents/${encoded}?ref=${encodeURIComponent(ref)}`;
    const html = `${this.urls.web}/${repo.fullName}/blob/${encodeURIComponent(ref)}/${encoded}`;
    const git = `${this.urls.api}/repos/${repo.fullName}/git/blobs/${sha}`;
    const base64 = bytes.toString('base64').replace(/(.{60})/g, '$1\n');
    return {
      type: 'file',
      encoding: 'base64',
      size: bytes.byteLength,
      name: path.split('/').pop() ?? path,
      path,
      content: base64.endsWith('\n') ? base64 : `${base64}\n`,
      sha,
      url: self,
      git_url: git,
      html_url: html,
      download_url: `${this.urls.web}/${repo.fullName}/raw/${encodeURIComponent(ref)}/${encoded}`,
      _links: { self, git, html },
    };
  }

  /** A directory listing entry. */
  contentEntry(
    repo: RepoState,
    entry: { name: string; path: string; type: 'file' | 'dir' },
    ref: string,
  ): Json {
    const encoded = entry.path.split('/').map(encodeURIComponent).join('/');
    const self = `${this.urls.api}/repos/${repo.fullName}/contents/${encoded}?ref=${encodeURIComponent(ref)}`;
    const sha = fakeSha(`${entry.type} ${entry.path} ${ref}`);
    const git = `${this.urls.api}/repos/${repo.fullName}/git/${entry.type === 'dir' ? 'trees' : 'blobs'}/${sha}`;
    const html = `${this.urls.web}/${repo.fullName}/${entry.type === 'dir' ? 'tree' : 'blob'}/${encodeURIComponent(ref)}/${encoded}`;
    return {
      type: entry.type,
      size: entry.type === 'dir' ? 0 : Buffer.byteLength(repo.getFile(entry.path, ref) ?? ''),
      name: entry.name,
      path: entry.path,
      sha,
      url: self,
      git_url: git,
      html_url: html,
      download_url: entry.type === 'dir' ? null : `${this.urls.web}/${repo.fullName}/raw/${ref}/${encoded}`,
      _links: { self, git, html },
    };
  }

  /** A collaborator permission (`permission` is the legacy base role, `role_name` the real one). */
  permission(login: string, level: PermissionLevel): Json {
    const base: Record<PermissionLevel, string> = {
      admin: 'admin',
      maintain: 'write',
      write: 'write',
      triage: 'read',
      read: 'read',
      none: 'none',
    };
    const rank = ['none', 'read', 'triage', 'write', 'maintain', 'admin'].indexOf(level);
    return {
      permission: base[level],
      role_name: level === 'none' ? 'none' : level,
      user: {
        ...this.user(login),
        permissions: {
          pull: rank >= 1,
          triage: rank >= 2,
          push: rank >= 3,
          maintain: rank >= 4,
          admin: rank >= 5,
        },
        role_name: level,
      },
    };
  }

  /** An installation. */
  installation(installation: InstallationRecord): Json {
    return {
      id: installation.id,
      account: this.user(installation.account),
      repository_selection: installation.repositories === 'all' ? 'all' : 'selected',
      access_tokens_url: `${this.urls.api}/app/installations/${installation.id}/access_tokens`,
      repositories_url: `${this.urls.api}/installation/repositories`,
      html_url: `${this.urls.web}/organizations/${installation.account}/settings/installations/${installation.id}`,
      app_id: installation.appId,
      app_slug: installation.appSlug,
      target_id: this.state.account(installation.account).id,
      target_type: this.state.account(installation.account).type === 'User' ? 'User' : 'Organization',
      permissions: appPermissions(),
      events: ['pull_request', 'pull_request_review', 'workflow_run', 'issue_comment'],
      created_at: '2024-01-01T00:00:00Z',
      updated_at: '2024-01-01T00:00:00Z',
      single_file_name: null,
      has_multiple_single_files: false,
      single_file_paths: [],
      suspended_by: null,
      suspended_at: null,
    };
  }
}

/** The permissions the double's App holds. */
export function appPermissions(): Record<string, string> {
  return {
    checks: 'write',
    contents: 'write',
    deployments: 'write',
    issues: 'write',
    metadata: 'read',
    pull_requests: 'write',
    actions: 'read',
    members: 'read',
  };
}

function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
