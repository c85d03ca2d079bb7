/**
 * DVC GTO's stage assignments as git tags: `<model>#<stage>#<N>` (an annotated tag on the commit of
 * the version's tag `<model>@vX.Y.Z`, N counting up per model and stage), so `gto show` reads which
 * version runs in which environment from the same repository modelgate releases into. Written after
 * a successful deployment when asked (the `deploy` action's `stage-tag` input).
 */

import { RegistryError } from '../errors.js';
import { type Forge, ForgeConflictError } from '../forge/forge.js';
import { versionTag } from './semver.js';

/** GTO's rule for stage names: lower-case letters, digits, `-` and `/`, starting and ending alphanumeric. */
export const STAGE_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9/-]*[a-z0-9])?$/;

/** A parsed stage tag. */
export interface StageTag {
  model: string;
  stage: string;
  /** The assignment counter (1, 2, ...). */
  n: number;
}

/** The stage tag's name `<model>#<stage>#<n>`. */
export function stageTagName(model: string, stage: string, n: number): string {
  return `${model}#${stage}#${n}`;
}

/** Parses `<model>#<stage>#<n>`, or null when the name is not a stage tag. */
export function parseStageTag(name: string): StageTag | null {
  const m = /^(.+)#([^#]+)#(\d+)$/.exec(name);
  if (!m) return null;
  const n = Number(m[3]);
  return Number.isSafeInteger(n) && n > 0 ? { model: m[1]!, stage: m[2]!, n } : null;
}

/** What {@link assignStage} did. */
export interface StageAssignment {
  tag: string;
  sha: string;
  /** False when the latest assignment of the stage already pointed at this version's commit. */
  created: boolean;
}

/**
 * Assigns `stage` to `model@version`: finds the commit of the version's tag, and unless the stage's
 * latest tag already points at it (a re-run), creates the next `<model>#<stage>#<N>` there. A tag
 * taken meanwhile by a concurrent assignment is retried with the next N.
 */
export async function assignStage(
  forge: Forge,
  input: { model: string; version: string; stage: string; message?: string; maxAttempts?: number },
): Promise<StageAssignment> {
  const { model, version, stage } = input;
  if (!STAGE_NAME_PATTERN.test(stage))
    throw new RegistryError(
      `stage ${JSON.stringify(stage)} is not a valid GTO stage name (lower-case letters, digits, "-" and "/")`,
    );
  const tag = versionTag(model, version);
  const target = (await forge.listTags(tag)).find((t) => t.name === tag);
  if (!target) throw new RegistryError(`${tag} has no tag: release it before assigning a stage`);
  const attempts = input.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const existing = (await forge.listTags(`${model}#${stage}#`))
      .map((t) => ({ ...t, parsed: parseStageTag(t.name) }))
      .filter((t) => t.parsed?.model === model && t.parsed.stage === stage)
      .sort((a, b) => b.parsed!.n - a.parsed!.n);
    const latest = existing[0];
    if (latest && latest.sha === target.sha) return { tag: latest.name, sha: target.sha, created: false };
    const name = stageTagName(model, stage, (latest?.parsed?.n ?? 0) + 1);
    try {
      await forge.createTag(name, target.sha, input.message ?? `Promote ${tag} to ${stage}`);
      return { tag: name, sha: target.sha, created: true };
    } catch (e) {
      if (!(e instanceof ForgeConflictError) || attempt >= attempts) throw e;
    }
  }
}
