/** Minimal semantic versions for model tags (`<model>@vX.Y.Z`): parse, compare, bump, format. */

/** A parsed `X.Y.Z` version. */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
}

/** Which part of the version to increase. */
export type Bump = 'major' | 'minor' | 'patch';

/** Parses `X.Y.Z` or `vX.Y.Z`; returns null when the text is not a plain semantic version. */
export function parseSemver(text: string): SemVer | null {
  const m = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(text.trim());
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

/** Formats as `X.Y.Z` (no `v`). */
export function formatSemver(v: SemVer): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

/** Orders versions ascending: negative when a < b. */
export function compareSemver(a: SemVer, b: SemVer): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** The next version after `current` (null: the first release, which is 1.0.0 whatever the bump). */
export function bumpSemver(current: SemVer | null, bump: Bump): SemVer {
  if (current === null) return { major: 1, minor: 0, patch: 0 };
  if (bump === 'major') return { major: current.major + 1, minor: 0, patch: 0 };
  if (bump === 'minor') return { major: current.major, minor: current.minor + 1, patch: 0 };
  return { major: current.major, minor: current.minor, patch: current.patch + 1 };
}

/** The git tag of a model version, DVC GTO's convention: `<model>@v<X.Y.Z>`. */
export function versionTag(model: string, version: SemVer | string): string {
  return `${model}@v${typeof version === 'string' ? version.replace(/^v/, '') : formatSemver(version)}`;
}

/** Parses a `<model>@vX.Y.Z` tag; null when it is not one. */
export function parseVersionTag(tag: string): { model: string; version: SemVer } | null {
  const at = tag.lastIndexOf('@');
  if (at <= 0) return null;
  const version = parseSemver(tag.slice(at + 1));
  if (!version || !tag.slice(at + 1).startsWith('v')) return null;
  return { model: tag.slice(0, at), version };
}
