/**
 * Who may approve a `needs-approval` verdict, decided statelessly from the pull request's reviews:
 *
 * - each reviewer's latest review that sets a state counts (APPROVED, CHANGES_REQUESTED, DISMISSED;
 *   COMMENTED and PENDING do not change it, as on GitHub);
 * - the approval must be on the current head SHA (a new push resets every approval);
 * - the pull request's author and bots cannot approve;
 * - the reviewer needs write, maintain or admin permission (asked through the API);
 * - when the model lists `approvers` (users or `@org/team`), the reviewer must be one of them or a
 *   member of a listed team; when `approvers` is empty and the repository has a CODEOWNERS file
 *   (`.github/CODEOWNERS`, `CODEOWNERS` or `docs/CODEOWNERS` at the base branch, GitHub's order),
 *   the owners of `<model path>/model.yml` (the last matching rule wins) are the approvers; when
 *   neither names anyone, anyone with write access may approve.
 *
 * `/modelgate approve` comments count as approving reviews on the head SHA they were made on.
 */
import type { RepoModel } from '../config/repo-config.js';
import type { Forge, ForgePullRequest, ForgeReview, Permission } from '../forge/forge.js';
import { globToRegExp, normalizeRepoPath } from '../workflows/path-glob.js';

/** Where GitHub looks for CODEOWNERS, in its order. */
export const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

/** Permissions that may approve. */
export const WRITE_PERMISSIONS: readonly Permission[] = ['write', 'maintain', 'admin'];

/** One CODEOWNERS rule. */
export interface CodeownersRule {
  pattern: string;
  owners: string[];
  /** 1-based line in the file. */
  line: number;
}

/** Parses CODEOWNERS text: `pattern owner...` per line, `#` comments; e-mail owners are dropped. */
export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/(^|[^\\])#.*$/, '$1').trim();
    if (line === '') return;
    const [pattern, ...owners] = line.split(/\s+/);
    rules.push({
      pattern: pattern!.replace(/\\#/g, '#'),
      owners: owners.filter((o) => o.startsWith('@')),
      line: i + 1,
    });
  });
  return rules;
}

/**
 * Whether a CODEOWNERS (gitignore-style) pattern matches a repository path: a pattern with a `/`
 * before its end is anchored at the root, one without matches at any depth; a match of a folder
 * covers everything under it, except for a pattern ending in `/*` (that folder's own files only,
 * as GitHub documents).
 */
export function codeownersMatch(pattern: string, path: string): boolean {
  let p = pattern;
  const anchored = p.startsWith('/') || p.replace(/\/+$/, '').includes('/');
  p = p.replace(/^\/+/, '').replace(/\/+$/, '');
  if (p === '' || p === '*' || p === '**') return true;
  const body = globToRegExp(p).source.slice(1, -1);
  const prefix = anchored ? '' : '(?:.*/)?';
  const below = p.endsWith('/*') ? '' : '(?:/.*)?';
  return new RegExp(`^${prefix}${body}${below}$`).test(normalizeRepoPath(path));
}

/** The owners of a path: those of the last matching rule ([] when none matches or it names no one). */
export function ownersOf(rules: readonly CodeownersRule[], path: string): string[] {
  let owners: string[] = [];
  for (const rule of rules) if (codeownersMatch(rule.pattern, path)) owners = rule.owners;
  return owners;
}

/** The CODEOWNERS text at a ref (the first of {@link CODEOWNERS_PATHS} that exists), or null. */
export async function readCodeowners(forge: Forge, ref: string): Promise<string | null> {
  for (const path of CODEOWNERS_PATHS) {
    const text = await forge.getFile(path, ref);
    if (text !== null) return text;
  }
  return null;
}

/** Input of {@link evaluateApproval}. */
export interface ApprovalInput {
  forge: Forge;
  /** The pull request (its author and current head SHA). */
  pr: Pick<ForgePullRequest, 'number' | 'user' | 'headSha'>;
  /** Its reviews, oldest first (plus `/modelgate approve` approvals as APPROVED reviews). */
  reviews: readonly ForgeReview[];
  /** The model's `approvers` (users, `@user`, `@org/team`); empty: CODEOWNERS, else any writer. */
  approvers: readonly string[];
  /** CODEOWNERS text from the base branch, when the repository has one. */
  codeowners?: string | null;
  /** The model (its name and folder, for CODEOWNERS). */
  model: Pick<RepoModel, 'name' | 'path'>;
}

/** The outcome of {@link evaluateApproval}. */
export interface ApprovalDecision {
  approved: boolean;
  /** The first standing valid approver. */
  approver?: string;
  /** Approvals that do not count, with why. */
  rejected: { user: string; reason: string }[];
  /** Who may approve (the approvers or code owners), empty when any writer may. */
  eligible: string[];
}

/** The latest state-setting review per reviewer, in the order those reviews were given. */
export function latestReviews(reviews: readonly ForgeReview[]): ForgeReview[] {
  const order = reviews
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const ta = a.r.submittedAt ?? '';
      const tb = b.r.submittedAt ?? '';
      return ta && tb && ta !== tb ? (ta < tb ? -1 : 1) : a.i - b.i;
    });
  const latest = new Map<string, ForgeReview>();
  for (const { r } of order) {
    if (r.state === 'COMMENTED' || r.state === 'PENDING') continue;
    const key = r.user.toLowerCase();
    latest.delete(key);
    latest.set(key, r);
  }
  return [...latest.values()];
}

function parseApprover(entry: string): { team: { org: string; slug: string } } | { user: string } | null {
  const e = entry.trim().replace(/^@/, '');
  if (e === '') return null;
  const slash = e.indexOf('/');
  if (slash > 0) return { team: { org: e.slice(0, slash), slug: e.slice(slash + 1) } };
  return { user: e.toLowerCase() };
}

/**
 * Decides whether the pull request's reviews approve the model's change (see the module comment
 * for the rules). Asks the forge for permissions and team memberships only for candidates.
 */
export async function evaluateApproval(input: ApprovalInput): Promise<ApprovalDecision> {
  const { forge, pr } = input;
  let eligible = input.approvers.filter((a) => a.trim() !== '');
  if (eligible.length === 0 && input.codeowners) {
    eligible = ownersOf(
      parseCodeowners(input.codeowners),
      `${input.model.path.replace(/\/+$/, '')}/model.yml`,
    );
  }
  const listed = eligible.map(parseApprover).filter((a) => a !== null);
  const rejected: { user: string; reason: string }[] = [];
  const permissions = new Map<string, Permission>();
  for (const review of latestReviews(input.reviews)) {
    if (review.state !== 'APPROVED') continue;
    const user = review.user;
    const login = user.toLowerCase();
    if (review.commitId !== pr.headSha) {
      rejected.push({
        user,
        reason: `approved an older commit (${review.commitId.slice(0, 7)}); approvals count for the head commit only`,
      });
      continue;
    }
    if (login === pr.user.toLowerCase()) {
      rejected.push({ user, reason: 'the author of a pull request cannot approve it' });
      continue;
    }
    if (login.endsWith('[bot]')) {
      rejected.push({ user, reason: 'bots cannot approve' });
      continue;
    }
    let permission = permissions.get(login);
    if (permission === undefined) {
      permission = await forge.getPermission(user);
      permissions.set(login, permission);
    }
    if (!WRITE_PERMISSIONS.includes(permission)) {
      rejected.push({ user, reason: `has ${permission} access; approving needs write access` });
      continue;
    }
    if (listed.length > 0) {
      let ok = false;
      for (const a of listed) {
        if ('user' in a ? a.user === login : await forge.isTeamMember(a.team.org, a.team.slug, user)) {
          ok = true;
          break;
        }
      }
      if (!ok) {
        rejected.push({ user, reason: `is not one of the approvers of ${input.model.name}` });
        continue;
      }
    }
    return { approved: true, approver: user, rejected, eligible };
  }
  return { approved: false, rejected, eligible };
}
