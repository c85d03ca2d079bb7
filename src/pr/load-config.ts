/**
 * `.github/modelgate.yml` as the App reads it: text from the pull request's head (or the loader the
 * bot passes) validated with the zod schema, never thrown: a bad file becomes a message and check-run
 * annotations on the offending lines.
 */
import { parseYaml } from '../config/load.js';
import { type RepoConfig, RepoConfigSchema } from '../config/repo-config.js';
import { ConfigError, formatIssue } from '../errors.js';
import type { CheckAnnotation, Forge } from '../forge/forge.js';

/** Where the repository's modelgate config lives. */
export const CONFIG_PATH = '.github/modelgate.yml';

/** Largest config file accepted (characters). */
export const MAX_CONFIG_CHARS = 512 * 1024;

/** The outcome of {@link parseRepoConfig}. */
export type ConfigResult =
  | { ok: true; config: RepoConfig }
  | {
      ok: false;
      /** Every problem, one `file:line: field: message` line each. */
      message: string;
      /** The first problem as an annotation (line 1 when the line is unknown). */
      annotation: CheckAnnotation;
      /** One annotation per problem (at most 50, GitHub's per-request limit). */
      annotations: CheckAnnotation[];
    };

function failure(file: string, issues: ConfigError['issues']): ConfigResult {
  const annotations = issues.slice(0, 50).map(
    (issue): CheckAnnotation => ({
      path: file,
      startLine: issue.line ?? 1,
      endLine: issue.line ?? 1,
      level: 'failure',
      title: `Invalid ${file}`,
      message: formatIssue(issue).slice(0, 4000),
    }),
  );
  return {
    ok: false,
    message: issues.map(formatIssue).join('\n'),
    annotation: annotations[0]!,
    annotations,
  };
}

/**
 * Parses and validates the config text. Never throws: YAML syntax errors, unknown fields, bad values
 * and oversized files come back as `{ ok: false }` with a message naming file, line and field and
 * annotations on those lines.
 * @param text the YAML source
 * @param file the path shown in messages and annotations (the repository path, e.g. `.github/modelgate.yml`)
 */
export function parseRepoConfig(text: string, file: string = CONFIG_PATH): ConfigResult {
  if (text.length > MAX_CONFIG_CHARS)
    return failure(file, [
      { file, line: 1, message: `the file is ${text.length} characters, more than ${MAX_CONFIG_CHARS}` },
    ]);
  try {
    return { ok: true, config: parseYaml(text, file, RepoConfigSchema) };
  } catch (e) {
    if (e instanceof ConfigError) return failure(file, e.issues);
    return failure(file, [{ file, line: 1, message: (e as Error).message }]);
  }
}

/** The config at a ref: `{ ok, config }`, a failure, or null when the repository has no config file. */
export async function readRepoConfig(forge: Forge, ref: string): Promise<ConfigResult | null> {
  const text = await forge.getFile(CONFIG_PATH, ref);
  return text === null ? null : parseRepoConfig(text, CONFIG_PATH);
}
