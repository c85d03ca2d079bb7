/**
 * Releasing a run on GitHub: the next semantic version `<model>@vX.Y.Z` (DVC GTO's tag convention),
 * an annotated tag on the merge commit, a DRAFT release carrying the run's files as assets, then
 * publication — last, so nothing is ever half-released.
 *
 * - Idempotent: a release is found again by the hidden marker `<!-- modelgate:release:<model>:<run id> -->`
 *   in its body. A re-run of the same run completes that release (missing assets uploaded, a partial
 *   asset replaced, the draft published) and never makes a second version. A tag of the model on
 *   the same commit without a release (a job stopped between the tag and the release) is taken over.
 * - Concurrent: when another release takes the version first (the tag or its release exists), the
 *   version is recomputed from fresh tags and tried again (5 attempts), so two merges get two versions.
 * - A failed upload leaves the release a draft; the error names the asset and a re-run completes it.
 */
import { join } from 'node:path';
import { findRepoModel } from '../cli/diff-commands.js';
import { loadJsonFile } from '../config/load.js';
import { MODEL_NAME_PATTERN } from '../config/model-config.js';
import { type RunRecord, RunRecordSchema } from '../config/run-record.js';
import { decideBump } from '../diff/decide-bump.js';
import { compareSignatures } from '../diff/signature-diff.js';
import type { BumpDecision } from '../diff/types.js';
import { type Forge, ForgeConflictError, type ForgeRelease, type ForgeTag } from '../forge/forge.js';
import { ModelVersionSchema } from '../registry/model-version-schema.js';
import type { ModelVersion } from '../registry/registry.js';
import { type Bump, compareSemver, formatSemver, parseVersionTag, versionTag } from '../registry/semver.js';
import { modelVersions, nextVersion } from './next-version.js';
import { releaseSignature, runSignature } from './previous-signature.js';
import { type ReleaseAsset, runAssets, VERSION_JSON, versionAssets } from './release-assets.js';
import {
  assetDownloadUrl,
  bodyNamesRun,
  releaseName,
  renderReleaseBody,
  tagMessage,
} from './release-body.js';
import { ReleaseError } from './release-error.js';

/** What {@link releaseRun} needs. */
export interface ReleaseRunOptions {
  /** The GitHub port. */
  forge: Forge;
  /** The run folder (run.json, model.yml, model/, ...), as `modelgate train` writes it. */
  runDir: string;
  /** The model; must be the run's. */
  model: string;
  /** The commit to tag (the merge commit on the default branch): 40 or 64 hex digits. */
  sha: string;
  /** An explicit bump; wins over labels, the signature and the config. */
  bump?: Bump;
  /** Pull-request labels (`model:major|minor|patch`). */
  labels?: readonly string[];
  /** Who approved the change, recorded in the card, the body and version.json. */
  approver?: string;
  /** Release notes, recorded in the body and version.json. */
  notes?: string;
  /** The clock (default `new Date()`). */
  now?: () => Date;
  /** Progress lines. */
  log?: (line: string) => void;
  /**
   * The model's configured `bump` (`.github/modelgate.yml`); default: read from the run's repository
   * when its config is found there, else `minor`.
   */
  configBump?: Bump;
  /** Replaces the default version files (`model-card.md`, `profile.json`); keys are asset names. */
  extraFiles?: (entry: ModelVersion) => Promise<Record<string, string>>;
  /** Most attempts when other releases take the version first (default 5). */
  maxAttempts?: number;
}

/** What {@link releaseRun} did. */
export interface ReleaseOutcome {
  /** `X.Y.Z`. */
  version: string;
  /** `<model>@vX.Y.Z`. */
  tag: string;
  /** The published release. */
  release: ForgeRelease;
  /** False when the release existed already (a re-run): it was completed, not created. */
  created: boolean;
  /** The names of the release's assets, in upload order. */
  assets: string[];
}

/** Largest `version.json` read back from a release. */
const MAX_VERSION_JSON_BYTES = 1024 * 1024;

/** Whether a release belongs to `model` (its tag is `<model>@vX.Y.Z`). */
function isModelRelease(release: ForgeRelease, model: string): boolean {
  return parseVersionTag(release.tag)?.model === model;
}

/** The release made from this run, if any: published ones first, then the lowest version. */
export function findRunRelease(
  releases: readonly ForgeRelease[],
  model: string,
  runId: string,
): ForgeRelease | null {
  const mine = releases.filter((r) => isModelRelease(r, model) && bodyNamesRun(r.body, model, runId));
  mine.sort(
    (a, b) =>
      Number(a.draft) - Number(b.draft) ||
      compareSemver(parseVersionTag(a.tag)!.version, parseVersionTag(b.tag)!.version),
  );
  return mine[0] ?? null;
}

/** The model's tags on `sha` that have no release (left by a job stopped between the tag and the release). */
export function orphanTags(
  tags: readonly ForgeTag[],
  releases: readonly ForgeRelease[],
  model: string,
  sha: string,
): ForgeTag[] {
  const released = new Set(releases.map((r) => r.tag));
  return modelVersions(tags, model)
    .filter(({ tag }) => tag.sha.toLowerCase() === sha.toLowerCase() && !released.has(tag.name))
    .map(({ tag }) => tag)
    .reverse();
}

/** The latest published release of `model` by version, or null. */
function latestPublished(releases: readonly ForgeRelease[], model: string): ForgeRelease | null {
  const published = releases.filter((r) => !r.draft && isModelRelease(r, model));
  published.sort((a, b) => compareSemver(parseVersionTag(b.tag)!.version, parseVersionTag(a.tag)!.version));
  return published[0] ?? null;
}

async function loadRun(runDir: string, model: string, sha: string): Promise<RunRecord> {
  if (!MODEL_NAME_PATTERN.test(model)) throw new ReleaseError(`invalid model name ${JSON.stringify(model)}`);
  if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(sha)) {
    throw new ReleaseError(`sha ${JSON.stringify(sha)}: expected a full commit SHA (40 hex digits)`);
  }
  const file = join(runDir, 'run.json');
  const run = await loadJsonFile(file, RunRecordSchema);
  if (run.model !== model) {
    throw new ReleaseError(`${file}: the run is of model "${run.model}", not "${model}"`);
  }
  if (run.status !== 'succeeded') {
    throw new ReleaseError(
      `${file}: run ${run.id} has status "${run.status}"; only succeeded runs are released`,
    );
  }
  return run;
}

/** Decides the bump: explicit, else labels / signature change / config (see `decideBump`). */
async function chooseBump(
  options: ReleaseRunOptions,
  run: RunRecord,
  releases: readonly ForgeRelease[],
  log: (line: string) => void,
): Promise<BumpDecision> {
  if (options.bump) return { bump: options.bump, reason: 'explicit' };
  let configBump = options.configBump;
  if (configBump === undefined) {
    const repo = await findRepoModel(undefined, options.runDir, options.model, options.runDir);
    configBump = repo.model?.bump;
  }
  const labels = options.labels ?? [];
  const fromLabels = decideBump({ labels });
  let signatureChanged = false;
  if (!(fromLabels.reason.startsWith('label') && fromLabels.bump === 'major')) {
    const previous = latestPublished(releases, options.model);
    const candidate = previous ? await runSignature(options.runDir, run) : null;
    if (previous && candidate) {
      const before = await releaseSignature(options.forge, previous);
      signatureChanged = compareSignatures(before, candidate).changed;
      if (signatureChanged) log(`the signature changed since ${previous.tag}: major bump`);
    }
  }
  return decideBump({ labels, ...(configBump ? { configBump } : {}), signatureChanged });
}

/** The entry of a release found again: its version.json when uploaded, else rebuilt from the run. */
async function entryOf(
  forge: Forge,
  release: ForgeRelease,
  base: Omit<ModelVersion, 'version' | 'tag' | 'created_at'>,
): Promise<ModelVersion> {
  const parsed = parseVersionTag(release.tag)!;
  const asset = release.assets.find((a) => a.name === VERSION_JSON);
  if (asset && asset.size <= MAX_VERSION_JSON_BYTES) {
    try {
      const text = new TextDecoder().decode(
        await forge.downloadReleaseAsset(asset.id, MAX_VERSION_JSON_BYTES),
      );
      const entry = ModelVersionSchema.safeParse(JSON.parse(text));
      if (entry.success && entry.data.run_id === base.run_id) return entry.data;
    } catch {
      // A partial or unreadable version.json is replaced below.
    }
  }
  const version = formatSemver(parsed.version);
  return { ...base, version, tag: release.tag, created_at: release.createdAt };
}

/**
 * Uploads the assets the release lacks (a draft's asset of the same name but another size, a partial
 * upload, is deleted first), then publishes a draft with the final body. A failed upload is a
 * {@link ReleaseError} naming the asset; the release stays a draft.
 */
async function completeRelease(
  forge: Forge,
  release: ForgeRelease,
  assets: readonly ReleaseAsset[],
  body: (release: ForgeRelease) => string,
  log: (line: string) => void,
): Promise<ForgeRelease> {
  let current = release;
  for (const a of assets) {
    const existing = current.assets.find((x) => x.name === a.name);
    if (existing && existing.size === a.data.length) continue;
    if (existing && !current.draft) {
      log(`${current.tag}: ${a.name} differs from the published asset; left as published`);
      continue;
    }
    if (existing) {
      log(`${current.tag}: replacing the partial asset ${a.name}`);
      await forge.deleteReleaseAsset(existing.id);
    }
    log(`${current.tag}: uploading ${a.name} (${a.data.length} bytes)`);
    try {
      const uploaded = await forge.uploadReleaseAsset(current, a.name, a.data, a.contentType);
      current = {
        ...current,
        assets: [...current.assets.filter((x) => x.name !== a.name), uploaded],
      };
    } catch (e) {
      throw new ReleaseError(
        `${current.tag}: uploading the asset ${a.name} failed: ${(e as Error).message}; the release stays a draft, re-run to complete it`,
      );
    }
  }
  if (current.draft) {
    log(`${current.tag}: publishing`);
    current = await forge.updateRelease(current.id, { draft: false, makeLatest: false, body: body(current) });
  }
  return current;
}

/**
 * Releases a run (see the module doc): returns the version, tag, published release, whether this
 * call created it, and the asset names. Bad input (a run of another model, a failed run, a short
 * SHA) fails before anything is created.
 */
export async function releaseRun(options: ReleaseRunOptions): Promise<ReleaseOutcome> {
  const { forge, model, sha } = options;
  const log = options.log ?? (() => {});
  const now = options.now ?? (() => new Date());
  const run = await loadRun(options.runDir, model, sha);
  const fileAssets = await runAssets(options.runDir, run, log);
  const base: Omit<ModelVersion, 'version' | 'tag' | 'created_at'> = {
    model,
    run_id: run.id,
    git_sha: run.git.sha ?? sha,
    metrics: run.metrics.overall,
    ...(options.approver ? { approver: options.approver } : {}),
    ...(options.notes ? { notes: options.notes } : {}),
  };
  const assetsFor = async (entry: ModelVersion) => [
    ...fileAssets,
    ...(await versionAssets(options.runDir, entry, {
      log,
      ...(options.extraFiles ? { extraFiles: options.extraFiles } : {}),
    })),
  ];
  const finish = async (
    release: ForgeRelease,
    entry: ModelVersion,
    created: boolean,
    bump?: BumpDecision,
  ) => {
    const assets = await assetsFor(entry);
    const body = (r: ForgeRelease) => {
      const cardUrl = assets.some((a) => a.name === 'model-card.md')
        ? assetDownloadUrl(r.htmlUrl, r.tag, 'model-card.md')
        : null;
      return renderReleaseBody({ entry, sha, ...(bump ? { bump } : {}), ...(cardUrl ? { cardUrl } : {}) });
    };
    const done = await completeRelease(forge, release, assets, body, log);
    const names = assets.map((a) => a.name).filter((n) => done.assets.some((x) => x.name === n));
    log(`${done.tag}: ${created ? 'released' : 'already released'} (${names.length} assets)`);
    return { version: entry.version, tag: done.tag, release: done, created, assets: names };
  };

  let releases = await forge.listReleases();
  const existing = findRunRelease(releases, model, run.id);
  if (existing) {
    log(`run ${run.id} was released as ${existing.tag}${existing.draft ? ' (draft): completing it' : ''}`);
    return finish(existing, await entryOf(forge, existing, base), false);
  }

  const bump = await chooseBump(options, run, releases, log);
  const attempts = options.maxAttempts ?? 5;
  let tags = await forge.listTags(`${model}@v`);
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) {
      [tags, releases] = await Promise.all([forge.listTags(`${model}@v`), forge.listReleases()]);
      const again = findRunRelease(releases, model, run.id);
      if (again) return finish(again, await entryOf(forge, again, base), false);
    }
    const orphan = orphanTags(tags, releases, model, sha)[0];
    const version = orphan
      ? formatSemver(parseVersionTag(orphan.name)!.version)
      : nextVersion(tags, model, bump.bump);
    const tag = versionTag(model, version);
    const entry: ModelVersion = { ...base, version, tag, created_at: now().toISOString() };
    if (orphan) log(`${tag} is on ${sha.slice(0, 12)} without a release: using it`);
    else {
      try {
        await forge.createTag(tag, sha, tagMessage(entry));
        log(`tagged ${tag} on ${sha.slice(0, 12)} (${bump.bump}: ${bump.reason})`);
      } catch (e) {
        if (!(e instanceof ForgeConflictError)) throw e;
        log(`${tag} was taken by another release; trying the next version`);
        continue;
      }
    }
    let draft: ForgeRelease;
    try {
      draft = await forge.createRelease({
        tag,
        name: releaseName(model, version),
        body: renderReleaseBody({ entry, sha, bump }),
        draft: true,
      });
    } catch (e) {
      if (!(e instanceof ForgeConflictError)) throw e;
      log(`${tag} got a release from another job; trying the next version`);
      continue;
    }
    log(`created the draft release ${tag}`);
    return finish(draft, entry, true, bump);
  }
  throw new ReleaseError(
    `${model}: gave up after ${attempts} attempts: other releases kept taking the next version`,
  );
}
