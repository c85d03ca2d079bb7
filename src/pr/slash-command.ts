/**
 * `/modelgate` commands in issue and pull-request comments. The first non-blank line of the comment
 * must start with `/modelgate`:
 *
 * - `/modelgate retrain [model]` — dispatch the retraining workflow;
 * - `/modelgate compare <version> [model]` — compare the pull request's run with a release
 *   (`1.2.0`, `v1.2.0` or `risk@v1.2.0`);
 * - `/modelgate approve [model]` — approve like a review;
 * - anything else — `help`.
 */
import { MODEL_NAME_PATTERN } from '../config/model-config.js';
import { formatSemver, parseSemver, parseVersionTag } from '../registry/semver.js';

/** A parsed command. */
export type SlashCommand =
  | { name: 'retrain'; model?: string }
  | { name: 'compare'; version: string | null; model?: string }
  | { name: 'approve'; model?: string }
  | { name: 'help'; unknown?: string };

function modelArg(token: string | undefined): { model?: string } {
  if (token === undefined) return {};
  const name = token.toLowerCase();
  return MODEL_NAME_PATTERN.test(name) ? { model: name } : {};
}

/** Parses a comment body; null when it is not a `/modelgate` command. */
export function parseSlashCommand(body: string): SlashCommand | null {
  const first = body.split(/\r?\n/).find((l) => l.trim() !== '');
  if (!first) return null;
  const tokens = first.trim().split(/\s+/);
  if (tokens[0]?.toLowerCase() !== '/modelgate') return null;
  const verb = tokens[1]?.toLowerCase();
  const args = tokens.slice(2, 5);
  switch (verb) {
    case 'retrain':
      return { name: 'retrain', ...modelArg(args[0]) };
    case 'approve':
      return { name: 'approve', ...modelArg(args[0]) };
    case 'compare': {
      const spec = args[0] ?? '';
      const tag = parseVersionTag(spec);
      if (tag) return { name: 'compare', version: formatSemver(tag.version), model: tag.model };
      const v = parseSemver(spec.replace(/^v/i, ''));
      return { name: 'compare', version: v ? formatSemver(v) : null, ...modelArg(args[1]) };
    }
    case undefined:
    case 'help':
      return { name: 'help' };
    default:
      return { name: 'help', unknown: verb.slice(0, 40) };
  }
}

/** The help text listing the commands (markdown). */
export const SLASH_HELP = [
  'modelgate commands (people with write access):',
  '',
  '- `/modelgate retrain [model]`: dispatch the retraining workflow (on a pull request: for its branch)',
  '- `/modelgate compare <version> [model]`: compare this pull request’s run with a release, e.g. `/modelgate compare risk@v1.2.0`',
  '- `/modelgate approve [model]`: approve a change that needs approval, like an approving review',
].join('\n');
