/** Which version a release gets: the highest `<model>@vX.Y.Z` tag plus the bump. Pure functions. */
import type { ForgeTag } from '../forge/forge.js';
import {
  type Bump,
  bumpSemver,
  compareSemver,
  formatSemver,
  parseVersionTag,
  type SemVer,
} from '../registry/semver.js';

/** The versions of `model` among `tags` (other models' tags and other names ignored), highest first. */
export function modelVersions(
  tags: readonly ForgeTag[],
  model: string,
): { tag: ForgeTag; version: SemVer }[] {
  const out: { tag: ForgeTag; version: SemVer }[] = [];
  for (const tag of tags) {
    const parsed = parseVersionTag(tag.name);
    if (parsed && parsed.model === model) out.push({ tag, version: parsed.version });
  }
  return out.sort((a, b) => compareSemver(b.version, a.version));
}

/** The highest version of `model` among `tags`, or null when it has none. */
export function latestVersion(tags: readonly ForgeTag[], model: string): SemVer | null {
  return modelVersions(tags, model)[0]?.version ?? null;
}

/** The next version `X.Y.Z` of `model` after its highest tag (1.0.0 for the first). */
export function nextVersion(tags: readonly ForgeTag[], model: string, bump: Bump): string {
  return formatSemver(bumpSemver(latestVersion(tags, model), bump));
}
