/**
 * The text of a model release: its name, the annotated tag's message and the release body (summary
 * metrics, run, commit, approver, bump, a link to the model card) with the hidden marker
 * `<!-- modelgate:release:<model>:<run id> -->` that makes a re-run find the release it already made.
 * Pure functions; every user-controlled string goes through the one markdown escaper.
 */

import type { ModelVersion } from '../registry/registry.js';
import {
  codeSpan,
  escapeMarkdown,
  escapeMarkdownBlock,
  escapeTableCell,
  MARKER_PREFIX,
  markerName,
  shorten,
} from '../report/escape.js';
import { formatMetric } from '../runs/format.js';

/** The hidden marker naming the run a release was made from. */
export function releaseMarker(model: string, runId: string): string {
  return `${MARKER_PREFIX}release:${markerName(model)}:${markerName(runId)} -->`;
}

/** Whether a release body carries the marker of this model and run. */
export function bodyNamesRun(body: string, model: string, runId: string): boolean {
  return body.includes(releaseMarker(model, runId));
}

/** The run id (as sanitised in the marker) a release body names for `model`, or null. */
export function runIdInBody(body: string, model: string): string | null {
  const head = `${MARKER_PREFIX}release:${markerName(model)}:`;
  const at = body.indexOf(head);
  if (at < 0) return null;
  const m = /^([a-z0-9._-]+) -->/.exec(body.slice(at + head.length));
  return m ? m[1]! : null;
}

/** The release's title: `<model> v<X.Y.Z>`. */
export function releaseName(model: string, version: string): string {
  return `${model} v${version}`;
}

/** The annotated tag's message: what, from which run, and the marker. */
export function tagMessage(entry: ModelVersion): string {
  return `${entry.model} ${entry.version}\n\nrun ${entry.run_id}\n${releaseMarker(entry.model, entry.run_id)}\n`;
}

/** What the body shows besides the version entry. */
export interface ReleaseBodyInput {
  entry: ModelVersion;
  /** The bump and why (`minor (label model:minor)`). */
  bump?: { bump: string; reason: string };
  /** The commit the tag points at. */
  sha: string;
  /** Where the model card asset downloads from, once known. */
  cardUrl?: string;
}

/** Most characters of the release notes kept in the body. */
export const MAX_NOTES_CHARS = 20_000;

/**
 * The release body: a heading, the overall metrics table, run / commit / approver / bump lines,
 * the model card link (or the asset name), the notes and the hidden marker.
 */
export function renderReleaseBody(input: ReleaseBodyInput): string {
  const { entry } = input;
  const lines = [
    releaseMarker(entry.model, entry.run_id),
    `## ${escapeMarkdown(releaseName(entry.model, entry.version))}`,
    '',
  ];
  const metrics = Object.entries(entry.metrics).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (metrics.length > 0) {
    lines.push('| metric | value |', '| --- | ---: |');
    for (const [name, value] of metrics) lines.push(`| ${escapeTableCell(name)} | ${formatMetric(value)} |`);
    lines.push('');
  }
  lines.push(`- Run: ${codeSpan(entry.run_id)}`);
  lines.push(`- Commit: ${codeSpan(input.sha)}`);
  lines.push(
    `- Approved by: ${entry.approver ? escapeMarkdown(entry.approver) : 'no approval was required'}`,
  );
  if (input.bump) lines.push(`- Bump: ${escapeMarkdown(`${input.bump.bump} (${input.bump.reason})`)}`);
  lines.push(
    input.cardUrl
      ? `- Model card: [model-card.md](${input.cardUrl.replaceAll('(', '%28').replaceAll(')', '%29').replaceAll(' ', '%20')})`
      : '- Model card: the `model-card.md` asset',
  );
  if (entry.notes) {
    lines.push('', '### Notes', '', escapeMarkdownBlock(shorten(entry.notes, MAX_NOTES_CHARS)));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The download URL of a release asset from the release's web address
 * (`https://github.com/o/r/releases/tag/...` -> `https://github.com/o/r/releases/download/<tag>/<name>`);
 * null when the address has no `/releases/` part.
 */
export function assetDownloadUrl(htmlUrl: string | undefined, tag: string, name: string): string | null {
  if (!htmlUrl) return null;
  const at = htmlUrl.indexOf('/releases/');
  if (at < 0) return null;
  return `${htmlUrl.slice(0, at)}/releases/download/${encodeURIComponent(tag)}/${encodeURIComponent(name)}`;
}
