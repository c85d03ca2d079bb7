/**
 * Sticky comments: one comment per issue or pull request, found again by a hidden marker, so
 * redelivered events and re-runs update it instead of piling up comments.
 *
 * The pull-request report is ONE comment marked `<!-- modelgate:report -->` holding one section per
 * model, sorted by model name, each between `<!-- modelgate:section:<model> -->` and
 * `<!-- /modelgate:section:<model> -->`. Replacing a model's section keeps the others. The body stays
 * within GitHub's 65,536-character limit: when the sections do not fit, the longest are cut (at a
 * line break, closing open code fences and `<details>`) and end with a note naming the model; the
 * original length is kept in a hidden `<!-- modelgate:truncated:<n> -->` tag so that merging the
 * same section again gives the same body.
 *
 * The body merge ({@link mergeSection}) is pure; {@link upsertStickyComment} and
 * {@link upsertModelSection} do the I/O through a {@link Forge}.
 */
import { escapeMarkdown, MARKER_PREFIX, markerName, ZERO_WIDTH_SPACE } from '../report/escape.js';
import { GITHUB_COMMENT_LIMIT } from '../report/truncate.js';
import type { Forge, ForgeComment } from './forge.js';

/** The marker of the one pull-request report comment. */
export const REPORT_COMMENT_MARKER = `${MARKER_PREFIX}report -->`;

/** The default heading of the report comment. */
export const DEFAULT_REPORT_TITLE = 'modelgate';

/** A sticky-comment body that cannot be built (too many sections for the size limit, a bad option). */
export class StickyCommentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StickyCommentError';
  }
}

/** What an upsert did. */
export interface UpsertResult {
  /** The comment id. */
  id: number;
  action: 'created' | 'updated' | 'unchanged';
}

/** Options of {@link upsertStickyComment}. */
export interface StickyCommentOptions {
  /**
   * Which comment authors may own the sticky comment. Default: bots only (`<name>[bot]`, a login no
   * person can have), so a user who pastes the marker into a comment cannot make modelgate write
   * into it. Pass `() => true` when modelgate posts with a personal token.
   */
  trustedAuthor?: (login: string) => boolean;
}

/** Options of {@link mergeSection} and {@link upsertModelSection}. */
export interface ReportCommentOptions extends StickyCommentOptions {
  /** Heading of the comment (plain text, escaped; default `modelgate`). */
  title?: string;
  /** Largest body in UTF-16 code units (default 65,536, GitHub's limit). */
  maxLength?: number;
  /** How many times to re-read and re-merge when a concurrent writer replaced the section (default 3). */
  retries?: number;
}

/** The result of {@link upsertModelSection}: the upsert and the body written. */
export interface ModelSectionResult extends UpsertResult {
  body: string;
}

/** The default author check: GitHub App and Actions logins end in `[bot]`. */
export function isBotLogin(login: string): boolean {
  return login.endsWith('[bot]');
}

function sectionStart(name: string): string {
  return `${MARKER_PREFIX}section:${name} -->`;
}

function sectionEnd(name: string): string {
  return `<!-- /modelgate:section:${name} -->`;
}

function truncatedTag(nominal: number): string {
  return `${MARKER_PREFIX}truncated:${nominal} -->`;
}

function truncationNote(name: string, nominal: number): string {
  return (
    `> ✂️ The **${escapeMarkdown(name)}** report was cut to fit GitHub's comment size limit ` +
    `(it had ${nominal.toLocaleString('en-US')} characters); the full report is in the run artifact.`
  );
}

function truncationSuffix(name: string, nominal: number): string {
  return `\n\n${truncationNote(name, nominal)}\n${truncatedTag(nominal)}`;
}

/**
 * Breaks (with a zero-width space in `<!--`) every marker in section text that would confuse the
 * comment structure: section delimiters, truncation tags and the report marker itself. Other
 * modelgate markers (such as the report's own `<!-- modelgate:report:<model> -->`) are kept.
 */
export function guardSectionText(section: string): string {
  return section.replace(
    /<!--(?=\s*\/?\s*modelgate\s*:\s*(?:section|truncated)|\s*modelgate\s*:\s*report\s*-->)/gi,
    `<!${ZERO_WIDTH_SPACE}--`,
  );
}

/** Normalises a new section: line breaks, guarded markers, no blank edges, open fences and `<details>` closed. */
function cleanSection(section: string): string {
  const text = guardSectionText(section.replace(/\r\n?/g, '\n'))
    .replace(/^(?:[^\S\n]*\n)+/, '')
    .trimEnd();
  return text + closers(text);
}

const SECTION_PATTERN =
  /<!-- modelgate:section:([a-z0-9._-]+) -->\n([\s\S]*?)\n<!-- \/modelgate:section:\1 -->/g;

/** The sections of a report comment body, by marker name (an empty map for null or foreign bodies). */
export function parseSections(body: string | null): Map<string, string> {
  const sections = new Map<string, string>();
  if (body === null) return sections;
  for (const match of body.replace(/\r\n?/g, '\n').matchAll(SECTION_PATTERN)) {
    const name = match[1]!;
    if (!sections.has(name)) sections.set(name, match[2]!);
  }
  return sections;
}

/** One model's section in a report comment body (as stored, possibly cut), or null. */
export function readSection(body: string | null, model: string): string | null {
  return parseSections(body).get(markerName(model)) ?? null;
}

interface SizedSection {
  name: string;
  /** The stored text (possibly cut already). */
  text: string;
  /** The text without a truncation suffix. */
  core: string;
  /** The length before any cut. */
  nominal: number;
}

function sized(name: string, text: string): SizedSection {
  const tag = /\n<!-- modelgate:truncated:(\d+) -->$/.exec(text);
  if (tag) {
    const nominal = Number(tag[1]);
    const suffix = truncationSuffix(name, nominal);
    if (Number.isSafeInteger(nominal) && text.endsWith(suffix))
      return { name, text, core: text.slice(0, -suffix.length), nominal };
  }
  return { name, text, core: text, nominal: text.length };
}

function render(sections: readonly { name: string; text: string }[], title: string): string {
  const header = `${REPORT_COMMENT_MARKER}\n## ${escapeMarkdown(title)}`;
  if (sections.length === 0) return `${header}\n\n_No model reports yet._`;
  const parts = sections.map((s) => `${sectionStart(s.name)}\n${s.text}\n${sectionEnd(s.name)}`);
  return `${header}\n\n${parts.join('\n\n')}`;
}

/** The largest per-section cap such that the sections' nominal lengths, capped, fit in `room`. */
function waterLevel(nominals: readonly number[], room: number): number {
  const sorted = [...nominals].sort((a, b) => a - b);
  let left = room;
  for (let i = 0; i < sorted.length; i++) {
    const share = Math.floor(left / (sorted.length - i));
    if (sorted[i]! > share) return share;
    left -= sorted[i]!;
  }
  return Number.POSITIVE_INFINITY;
}

/** Closers for code fences and `<details>` left open in `text`. */
function closers(text: string): string {
  let fence: string | null = null;
  for (const line of text.split('\n')) {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (!m) continue;
    if (fence === null) fence = m[1]!;
    else if (m[1]![0] === fence[0] && m[1]!.length >= fence.length && line.trim() === m[1]) fence = null;
  }
  let out = fence === null ? '' : `\n${fence}`;
  const open = (text.match(/<details[\s>]/gi) ?? []).length - (text.match(/<\/details\s*>/gi) ?? []).length;
  for (let i = 0; i < open; i++) out += '\n</details>';
  return out;
}

/** `core` cut at a line break so that it, plus closers, is at most `room` long. */
function cutCore(core: string, room: number): string {
  let limit = room;
  while (limit > 0) {
    const nl = core.lastIndexOf('\n', limit);
    let head = nl > 0 ? core.slice(0, nl) : core.slice(0, limit);
    const last = head.charCodeAt(head.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
    head = head.trimEnd();
    const text = head + closers(head);
    if (text.length <= room) return text;
    limit = Math.min(limit - 1, head.length - (text.length - room));
  }
  return '';
}

function cutSection(s: SizedSection, cap: number): string {
  const suffix = truncationSuffix(s.name, s.nominal);
  const room = cap - suffix.length;
  if (room < 0) {
    throw new StickyCommentError(
      `model "${s.name}": too many report sections to fit the comment size limit ` +
        `(a section may have ${cap} characters, the truncation note alone needs ${suffix.length})`,
    );
  }
  return cutCore(s.core, room) + suffix;
}

function fitSections(sections: SizedSection[], title: string, maxLength: number): string {
  const fixed = render(
    sections.map((s) => ({ name: s.name, text: '' })),
    title,
  ).length;
  const cap = waterLevel(
    sections.map((s) => s.nominal),
    maxLength - fixed,
  );
  const kept = sections.map((s) => ({
    name: s.name,
    text: s.text.length <= cap ? s.text : cutSection(s, cap),
  }));
  return render(kept, title);
}

function checkedMaxLength(maxLength: number | undefined): number {
  const value = maxLength ?? GITHUB_COMMENT_LIMIT;
  if (!Number.isInteger(value) || value < 1_000 || value > GITHUB_COMMENT_LIMIT)
    throw new StickyCommentError(
      `maxLength must be an integer from 1000 to ${GITHUB_COMMENT_LIMIT}, got ${String(maxLength)}`,
    );
  return value;
}

function rebuild(sections: Map<string, string>, options: ReportCommentOptions): string {
  const maxLength = checkedMaxLength(options.maxLength);
  const list = [...sections.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, text]) => sized(name, text));
  return fitSections(list, options.title ?? DEFAULT_REPORT_TITLE, maxLength);
}

/**
 * The report comment body with `model`'s section set to `section` (pure). Other sections of `body`
 * are kept; anything else in `body` is rebuilt (marker, heading), so the result depends only on the
 * set of sections: merging sections in any order gives the same body, and merging the same section
 * twice changes nothing. Section text is guarded against marker forgery ({@link guardSectionText});
 * the body is cut to `maxLength` as described in the module comment.
 */
export function mergeSection(
  body: string | null,
  model: string,
  section: string,
  options: ReportCommentOptions = {},
): string {
  const sections = parseSections(body);
  sections.set(markerName(model), cleanSection(section));
  return rebuild(sections, options);
}

/** The report comment body without `model`'s section (pure; the counterpart of {@link mergeSection}). */
export function removeSection(
  body: string | null,
  model: string,
  options: ReportCommentOptions = {},
): string {
  const sections = parseSections(body);
  sections.delete(markerName(model));
  return rebuild(sections, options);
}

function findSticky(
  comments: readonly ForgeComment[],
  marker: string,
  trusted: (login: string) => boolean,
): ForgeComment | undefined {
  return comments.find((c) => trusted(c.user) && c.body.includes(marker));
}

/**
 * Creates or updates the comment of issue (or pull request) `issueNumber` that contains `marker`
 * (the oldest one by a trusted author, see {@link StickyCommentOptions}): updated when its body
 * differs from `body`, left alone when equal, created when there is none. `body` must contain the
 * marker, or the next call could not find the comment.
 */
export async function upsertStickyComment(
  forge: Forge,
  issueNumber: number,
  marker: string,
  body: string,
  options: StickyCommentOptions = {},
): Promise<UpsertResult> {
  if (!marker.trim() || !body.includes(marker))
    throw new StickyCommentError(
      `sticky comment on #${issueNumber}: the body must contain the marker ${marker}`,
    );
  const existing = findSticky(
    await forge.listIssueComments(issueNumber),
    marker,
    options.trustedAuthor ?? isBotLogin,
  );
  if (!existing) return { id: (await forge.createIssueComment(issueNumber, body)).id, action: 'created' };
  if (existing.body === body) return { id: existing.id, action: 'unchanged' };
  await forge.updateIssueComment(existing.id, body);
  return { id: existing.id, action: 'updated' };
}

/**
 * Sets `model`'s section of pull request `prNumber`'s report comment (marker
 * {@link REPORT_COMMENT_MARKER}), keeping the other models' sections; creates the comment when
 * missing. After writing it reads the comments again, and when a concurrent writer (another model's
 * workflow run) replaced the section, merges again, up to `retries` times.
 */
export async function upsertModelSection(
  forge: Forge,
  prNumber: number,
  model: string,
  sectionMarkdown: string,
  options: ReportCommentOptions = {},
): Promise<ModelSectionResult> {
  const trusted = options.trustedAuthor ?? isBotLogin;
  const retries = options.retries ?? 3;
  let comments = await forge.listIssueComments(prNumber);
  for (let attempt = 0; ; attempt++) {
    const existing = findSticky(comments, REPORT_COMMENT_MARKER, trusted);
    const body = mergeSection(existing?.body ?? null, model, sectionMarkdown, options);
    let result: UpsertResult;
    if (!existing) result = { id: (await forge.createIssueComment(prNumber, body)).id, action: 'created' };
    else if (existing.body === body) return { id: existing.id, action: 'unchanged', body };
    else {
      await forge.updateIssueComment(existing.id, body);
      result = { id: existing.id, action: 'updated' };
    }
    if (attempt >= retries) return { ...result, body };
    comments = await forge.listIssueComments(prNumber);
    const now = findSticky(comments, REPORT_COMMENT_MARKER, trusted);
    if (now && readSection(now.body, model) === readSection(body, model)) return { ...result, body };
  }
}
