/**
 * The GitHub registry: model versions are the repository's published releases whose tag is
 * `<model>@vX.Y.Z` (DVC GTO's convention), each carrying the run's files as assets (see
 * `src/release/`). Listing reads each release's `version.json` asset (falling back to the tag and the
 * body); `materialise` downloads a version's assets into a cache folder `<cacheDir>/<model>/<X.Y.Z>/`
 * (with `model.zip` unzipped safely into the run's model folder), atomically, and reuses it after;
 * `register` releases a run through `releaseRun`. All GitHub I/O goes through the {@link Forge}.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { loadJsonFile } from '../config/load.js';
import { MODEL_NAME_PATTERN } from '../config/model-config.js';
import { RunRecordSchema } from '../config/run-record.js';
import { RegistryError } from '../errors.js';
import type { Forge, ForgeAsset, ForgeRelease } from '../forge/forge.js';
import {
  COMPARISON_ZIP,
  isPlainFileName,
  MAX_SIGNATURE_BYTES,
  MODEL_ZIP,
  runModelFolder,
  VERSION_JSON,
} from '../release/release-assets.js';
import { runIdInBody } from '../release/release-body.js';
import { ReleaseError } from '../release/release-error.js';
import { releaseRun } from '../release/release-run.js';
import { unzipToFolder } from '../release/unzip-folder.js';
import { ModelVersionSchema } from './model-version-schema.js';
import type { ModelVersion, RegisterOptions, Registry } from './registry.js';
import { compareSemver, formatSemver, parseSemver, parseVersionTag, versionTag } from './semver.js';

/** Default byte cap of a {@link ReleaseAssetCache} (128 MiB). */
export const DEFAULT_ASSET_CACHE_BYTES = 128 * 1024 * 1024;

/**
 * Release asset bytes kept across events and registries, keyed by a scope (the repository) and the
 * asset id: an asset's bytes never change (a replaced asset gets a new id), so a hit is always
 * current; the size GitHub lists is checked again on every hit. Least recently used entries go
 * first once `maxBytes` is reached; an entry over a quarter of it is never kept. In memory only, so
 * clearing it never races a reader.
 */
export class ReleaseAssetCache {
  /** The byte cap. */
  readonly maxBytes: number;
  private readonly items = new Map<string, Uint8Array>();
  private total = 0;

  constructor(maxBytes = DEFAULT_ASSET_CACHE_BYTES) {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0)
      throw new RegistryError(`asset cache size must be a byte count, got ${JSON.stringify(maxBytes)}`);
    this.maxBytes = maxBytes;
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.total;
  }

  /** Entries held now. */
  get size(): number {
    return this.items.size;
  }

  /** The bytes of `key` when held and `expectedSize` long (or any length when undefined); marks them used. */
  get(key: string, expectedSize?: number): Uint8Array | undefined {
    const hit = this.items.get(key);
    if (!hit) return undefined;
    if (expectedSize !== undefined && hit.length !== expectedSize) {
      this.delete(key);
      return undefined;
    }
    this.items.delete(key);
    this.items.set(key, hit);
    return hit;
  }

  /** Keeps a copy of `data` under `key` (unless over a quarter of the cap), evicting the oldest. */
  set(key: string, data: Uint8Array): void {
    this.delete(key);
    if (data.length > this.maxBytes / 4) return;
    this.items.set(key, data.slice());
    this.total += data.length;
    for (const [k] of this.items) {
      if (this.total <= this.maxBytes) break;
      this.delete(k);
    }
  }

  /** Forgets `key`. */
  delete(key: string): void {
    const old = this.items.get(key);
    if (!old) return;
    this.items.delete(key);
    this.total -= old.length;
  }

  /** Forgets everything. */
  clear(): void {
    this.items.clear();
    this.total = 0;
  }
}

/** What a comparison reads of a baseline (see {@link GithubRegistry.comparisonBaseline}). */
const COMPARISON_SUFFIX = '.compare';

/** Options of {@link GithubRegistry}. */
export interface GithubRegistryOptions {
  /** Where versions are downloaded to (`<cacheDir>/<model>/<X.Y.Z>/`). */
  cacheDir: string;
  /** Largest asset downloaded (default 1 GiB). */
  maxAssetBytes?: number;
  /** Largest unzipped model folder (default 2 GiB). */
  maxModelBytes?: number;
  /** The clock for `register` (default `new Date()`). */
  now?: () => Date;
  /** Progress lines of `register` and `materialise`. */
  log?: (line: string) => void;
  /**
   * Asset bytes kept across registries (the App keeps one per process); with it, `assetScope`
   * must name the repository (e.g. `github.com/acme/models`), so ids of two hosts never mix.
   */
  assetCache?: ReleaseAssetCache;
  /** The key prefix of this repository's assets in `assetCache`. */
  assetScope?: string;
}

/** Largest `version.json` read. */
const MAX_VERSION_JSON_BYTES = 1024 * 1024;

/** The model's serving signature inside `model.zip`. */
const SIGNATURE_JSON = 'signature.json';

/** Most entries of a `comparison.zip` (run.json, model.yml, predictions, signature). */
const MAX_COMPARISON_ENTRIES = 16;

/** The registry over a repository's releases. */
export class GithubRegistry implements Registry {
  /** Absolute cache folder. */
  readonly cacheDir: string;
  private readonly forge: Forge;
  private readonly options: GithubRegistryOptions;
  /** version.json entries by asset id (assets are immutable once uploaded). */
  private readonly entries = new Map<number, ModelVersion>();

  constructor(forge: Forge, options: GithubRegistryOptions) {
    this.forge = forge;
    this.options = options;
    this.cacheDir = resolve(options.cacheDir);
  }

  private checkModel(model: string): void {
    if (!MODEL_NAME_PATTERN.test(model))
      throw new RegistryError(`invalid model name ${JSON.stringify(model)}`);
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  /** The version entry of a published release: its version.json, else built from the tag and body. */
  private async entryOf(release: ForgeRelease): Promise<ModelVersion> {
    const tag = parseVersionTag(release.tag)!;
    const version = formatSemver(tag.version);
    const identity = { model: tag.model, version, tag: versionTag(tag.model, version) };
    const asset = release.assets.find((a) => a.name === VERSION_JSON);
    if (asset && asset.size <= MAX_VERSION_JSON_BYTES) {
      const cached = this.entries.get(asset.id);
      if (cached) return cached;
      const bytes = await this.assetBytes(asset, MAX_VERSION_JSON_BYTES);
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(bytes));
      } catch (e) {
        throw new ReleaseError(`${release.tag}: ${VERSION_JSON} is not JSON: ${(e as Error).message}`);
      }
      const parsed = ModelVersionSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new ReleaseError(
          `${release.tag}: ${VERSION_JSON} field ${issue.path.join('.') || '(root)'}: ${issue.message}`,
        );
      }
      const entry = { ...parsed.data, ...identity };
      this.entries.set(asset.id, entry);
      return entry;
    }
    return {
      ...identity,
      created_at: release.createdAt,
      run_id: runIdInBody(release.body, tag.model) ?? 'unknown',
      git_sha: null,
      metrics: {},
    };
  }

  /** Published releases of `model`, newest version first. */
  private async releases(model: string): Promise<ForgeRelease[]> {
    const all = await this.forge.listReleases();
    const mine = all.filter((r) => !r.draft && parseVersionTag(r.tag)?.model === model);
    return mine.sort((a, b) =>
      compareSemver(parseVersionTag(b.tag)!.version, parseVersionTag(a.tag)!.version),
    );
  }

  /** The models with at least one published release, sorted. */
  async models(): Promise<string[]> {
    const names = new Set<string>();
    for (const r of await this.forge.listReleases()) {
      const tag = parseVersionTag(r.tag);
      if (!r.draft && tag && MODEL_NAME_PATTERN.test(tag.model)) names.add(tag.model);
    }
    return [...names].sort();
  }

  /** {@inheritDoc Registry.list} */
  async list(model: string): Promise<ModelVersion[]> {
    this.checkModel(model);
    const out: ModelVersion[] = [];
    for (const r of await this.releases(model)) out.push(await this.entryOf(r));
    return out;
  }

  /** {@inheritDoc Registry.latest} */
  async latest(model: string): Promise<ModelVersion | null> {
    this.checkModel(model);
    const newest = (await this.releases(model))[0];
    return newest ? this.entryOf(newest) : null;
  }

  private async release(model: string, version: string): Promise<ForgeRelease | null> {
    this.checkModel(model);
    const v = parseSemver(version);
    if (!v) throw new RegistryError(`invalid version ${JSON.stringify(version)}: expected X.Y.Z`);
    const release = await this.forge.getReleaseByTag(versionTag(model, v));
    return release && !release.draft ? release : null;
  }

  /** {@inheritDoc Registry.get} */
  async get(model: string, version: string): Promise<ModelVersion | null> {
    const release = await this.release(model, version);
    return release ? this.entryOf(release) : null;
  }

  /**
   * Releases a run folder (see `releaseRun`): needs `options.sha`, the commit to tag. The version
   * follows the tags (`bump`, `labels`); an explicit `version` is refused.
   */
  async register(runDir: string, options: RegisterOptions = {}): Promise<ModelVersion> {
    if (!options.sha) {
      throw new RegistryError('the GitHub registry needs the commit to tag: pass RegisterOptions.sha');
    }
    if (options.version !== undefined) {
      throw new RegistryError(
        'the GitHub registry chooses versions from the tags: give a bump or labels, not an explicit version',
      );
    }
    const run = await loadJsonFile(join(runDir, 'run.json'), RunRecordSchema);
    const outcome = await releaseRun({
      forge: this.forge,
      runDir,
      model: run.model,
      sha: options.sha,
      ...(options.bump ? { bump: options.bump } : {}),
      ...(options.labels ? { labels: options.labels } : {}),
      ...(options.approver ? { approver: options.approver } : {}),
      ...(options.notes ? { notes: options.notes } : {}),
      ...(options.extraFiles ? { extraFiles: options.extraFiles } : {}),
      ...(this.options.now ? { now: this.options.now } : {}),
      ...(this.options.log ? { log: this.options.log } : {}),
    });
    return this.entryOf(outcome.release);
  }

  /**
   * The version to compare a run with (`version`, else the latest) and a folder holding what a
   * comparison reads of it: `run.json`, `model.yml`, the predictions file and the model's
   * `signature.json`. One release listing and one download of the release's `comparison.zip`
   * (unzipped safely, its entries checked); a release made before that asset existed takes up to
   * four (`run.json`, `model.yml`, the predictions, `model.zip` for its `signature.json`). None when
   * `assetCache` holds them; no `version.json` (the version is the tag's) and no lookup by tag. A fully materialised version folder is used when present.
   * null when the model has no published release (or not that version).
   */
  async comparisonBaseline(
    model: string,
    version?: string,
  ): Promise<{ version: string; dir: string } | null> {
    this.checkModel(model);
    let wanted: string | undefined;
    if (version !== undefined) {
      const v = parseSemver(version);
      if (!v) throw new RegistryError(`invalid version ${JSON.stringify(version)}: expected X.Y.Z`);
      wanted = formatSemver(v);
    }
    const releases = await this.releases(model);
    const release = wanted
      ? releases.find((r) => formatSemver(parseVersionTag(r.tag)!.version) === wanted)
      : releases[0];
    if (!release) return null;
    const found = formatSemver(parseVersionTag(release.tag)!.version);
    const full = join(this.cacheDir, model, found);
    if (existsSync(join(full, 'run.json'))) return { version: found, dir: full };
    const dir = `${full}${COMPARISON_SUFFIX}`;
    if (existsSync(join(dir, 'run.json'))) return { version: found, dir };
    await this.intoFolder(release, dir, (tmp) => this.downloadForComparison(release, tmp));
    return { version: found, dir };
  }

  /** An asset's bytes: from `assetCache` when held (same size), else downloaded (and kept there). */
  private async assetBytes(asset: ForgeAsset, maxBytes: number): Promise<Uint8Array> {
    const key = this.assetKey(asset.id);
    const hit = key ? this.options.assetCache!.get(key, asset.size) : undefined;
    if (hit) return hit;
    const data = await this.forge.downloadReleaseAsset(asset.id, maxBytes);
    if (key && data.length === asset.size) this.options.assetCache!.set(key, data);
    return data;
  }

  private assetKey(id: number, part = ''): string | null {
    if (!this.options.assetCache || !this.options.assetScope) return null;
    return `${this.options.assetScope}#${id}${part}`;
  }

  /**
   * One asset's bytes, checked: a plain file name, at most `maxAsset` bytes, and exactly the size
   * the release lists (a truncated download is an error, never a file).
   */
  private async checkedAsset(
    release: ForgeRelease,
    asset: ForgeAsset,
    maxAsset: number,
  ): Promise<Uint8Array> {
    if (!isPlainFileName(asset.name)) {
      throw new ReleaseError(
        `${release.tag}: asset name ${JSON.stringify(asset.name)} is not a plain file name`,
      );
    }
    if (asset.size > maxAsset) {
      throw new ReleaseError(`${release.tag}: asset ${asset.name} is ${asset.size} bytes, over ${maxAsset}`);
    }
    const data = await this.assetBytes(asset, maxAsset);
    if (data.length !== asset.size) {
      throw new ReleaseError(
        `${release.tag}: asset ${asset.name} downloaded ${data.length} bytes, expected ${asset.size}`,
      );
    }
    return data;
  }

  /** Downloads what a comparison reads of a release into `dir` (see {@link comparisonBaseline}). */
  private async downloadForComparison(release: ForgeRelease, dir: string): Promise<void> {
    const maxAsset = this.options.maxAssetBytes ?? 1024 ** 3;
    const bundle = release.assets.find((a) => a.name === COMPARISON_ZIP);
    if (bundle) return this.comparisonZipInto(release, bundle, dir, maxAsset);
    const fetchAsset = (asset: ForgeAsset) => this.checkedAsset(release, asset, maxAsset);
    const named = (name: string) => release.assets.find((a) => a.name === name);
    const runAsset = named('run.json');
    if (!runAsset) throw new ReleaseError(`${release.tag}: the release has no run.json asset`);
    await mkdir(dir, { recursive: true });
    const runFile = join(dir, 'run.json');
    await writeFile(runFile, await fetchAsset(runAsset));
    const run = await loadJsonFile(runFile, RunRecordSchema);
    const wanted = new Set(['model.yml']);
    const predictions = run.artifacts.predictions;
    if (predictions !== undefined && isPlainFileName(predictions)) wanted.add(predictions);
    const zip = runModelFolder(dir, run) ? named(MODEL_ZIP) : undefined;
    await Promise.all([
      ...[...wanted].map(async (name) => {
        const asset = named(name);
        if (asset) await writeFile(join(dir, name), await fetchAsset(asset));
      }),
      zip ? this.signatureInto(release, zip, runModelFolder(dir, run)!, maxAsset) : Promise.resolve(),
    ]);
  }

  /**
   * Unzips a release's `comparison.zip` into `dir` (size, entry and path limits of `unzipToFolder`)
   * and checks it holds `run.json` and nothing but what a comparison reads: `model.yml`, the run's
   * predictions file and its model folder's `signature.json`.
   */
  private async comparisonZipInto(
    release: ForgeRelease,
    asset: ForgeAsset,
    dir: string,
    maxAsset: number,
  ): Promise<void> {
    const label = `${release.tag} ${COMPARISON_ZIP}`;
    if (asset.size > maxAsset) throw new ReleaseError(`${label} is ${asset.size} bytes, over ${maxAsset}`);
    const bytes = await this.assetBytes(asset, maxAsset);
    if (bytes.length !== asset.size) {
      throw new ReleaseError(`${label} downloaded ${bytes.length} bytes, expected ${asset.size}`);
    }
    const written = await unzipToFolder(bytes, dir, {
      label,
      maxBytes: this.options.maxModelBytes ?? 2 * 1024 ** 3,
      maxEntries: MAX_COMPARISON_ENTRIES,
    });
    if (!written.includes('run.json')) throw new ReleaseError(`${label} has no run.json`);
    const run = await loadJsonFile(join(dir, 'run.json'), RunRecordSchema);
    const allowed = new Set(['run.json', 'model.yml']);
    const predictions = run.artifacts.predictions;
    if (predictions !== undefined && isPlainFileName(predictions)) allowed.add(predictions);
    const modelDir = runModelFolder(dir, run);
    const signature = modelDir ? `${relative(dir, modelDir).split(sep).join('/')}/${SIGNATURE_JSON}` : null;
    if (signature) allowed.add(signature);
    const extra = written.find((name) => !allowed.has(name));
    if (extra !== undefined) {
      throw new ReleaseError(
        `${label}: unexpected entry ${JSON.stringify(extra)} (not a file a comparison reads)`,
      );
    }
    if (signature && written.includes(signature)) {
      const size = (await stat(join(dir, ...signature.split('/')))).size;
      if (size > MAX_SIGNATURE_BYTES) {
        throw new ReleaseError(`${label}: ${signature} is ${size} bytes, over ${MAX_SIGNATURE_BYTES}`);
      }
    }
  }

  /** Writes the `signature.json` of a release's `model.zip` (if it has one) into `modelDir`. */
  private async signatureInto(
    release: ForgeRelease,
    zip: ForgeAsset,
    modelDir: string,
    maxAsset: number,
  ): Promise<void> {
    const key = this.assetKey(zip.id, `#${SIGNATURE_JSON}`);
    let signature = key ? this.options.assetCache!.get(key) : undefined;
    if (signature === undefined) {
      if (zip.size > maxAsset) {
        throw new ReleaseError(`${release.tag}: asset ${zip.name} is ${zip.size} bytes, over ${maxAsset}`);
      }
      const bytes = await this.forge.downloadReleaseAsset(zip.id, maxAsset);
      if (bytes.length !== zip.size) {
        throw new ReleaseError(
          `${release.tag}: asset ${zip.name} downloaded ${bytes.length} bytes, expected ${zip.size}`,
        );
      }
      // Only the signature entry is decompressed (at most 1 MiB); an empty value records "none".
      let files: Record<string, Uint8Array>;
      try {
        files = unzipSync(bytes, {
          filter: (f) => f.name === SIGNATURE_JSON && f.originalSize <= MAX_SIGNATURE_BYTES,
        });
      } catch (e) {
        throw new ReleaseError(`${release.tag}: ${zip.name} is not a valid zip: ${(e as Error).message}`);
      }
      signature = files[SIGNATURE_JSON] ?? new Uint8Array(0);
      if (key) this.options.assetCache!.set(key, signature);
    }
    if (signature.length === 0) return;
    await mkdir(modelDir, { recursive: true });
    await writeFile(join(modelDir, SIGNATURE_JSON), signature);
  }

  /** Fills `dir` through a temporary sibling folder renamed into place (another writer's folder wins). */
  private async intoFolder(
    release: ForgeRelease,
    dir: string,
    fill: (tmp: string) => Promise<void>,
  ): Promise<void> {
    const parent = dirname(dir);
    await mkdir(parent, { recursive: true });
    const tmp = join(parent, `.tmp-${basename(dir)}-${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      await fill(tmp);
      try {
        await rename(tmp, dir);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if ((code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(join(dir, 'run.json'))) {
          await rm(tmp, { recursive: true, force: true });
          return;
        }
        throw e;
      }
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw e;
    }
    this.log(`${release.tag}: downloaded to ${dir}`);
  }

  /** {@inheritDoc Registry.materialise} */
  async materialise(model: string, version: string): Promise<string> {
    const v = parseSemver(version);
    if (!v) throw new RegistryError(`invalid version ${JSON.stringify(version)}: expected X.Y.Z`);
    this.checkModel(model);
    const dir = join(this.cacheDir, model, formatSemver(v));
    if (existsSync(join(dir, 'run.json'))) return dir;
    const release = await this.release(model, formatSemver(v));
    if (!release) throw new RegistryError(`${versionTag(model, v)}: no published release`);
    const parent = join(this.cacheDir, model);
    await mkdir(parent, { recursive: true });
    const tmp = join(parent, `.tmp-${formatSemver(v)}-${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      await this.download(release, tmp);
      try {
        await rename(tmp, dir);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // Another process materialised the same version first: use theirs.
        if ((code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(join(dir, 'run.json'))) {
          await rm(tmp, { recursive: true, force: true });
          return dir;
        }
        throw e;
      }
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw e;
    }
    this.log(`${release.tag}: downloaded to ${dir}`);
    return dir;
  }

  /** Downloads the assets of a release into `dir`, unzipping model.zip into the run's model folder. */
  private async download(release: ForgeRelease, dir: string): Promise<void> {
    const maxAsset = this.options.maxAssetBytes ?? 1024 ** 3;
    await mkdir(dir, { recursive: true });
    const runAsset = release.assets.find((a) => a.name === 'run.json');
    if (!runAsset) throw new ReleaseError(`${release.tag}: the release has no run.json asset`);
    let zip: Uint8Array | null = null;
    for (const asset of release.assets) {
      // The comparison files are copies of other assets: not part of a version folder.
      if (asset.name === COMPARISON_ZIP) continue;
      const data = await this.checkedAsset(release, asset, maxAsset);
      if (asset.name === MODEL_ZIP) zip = data;
      else await writeFile(join(dir, asset.name), data);
    }
    const runFile = join(dir, 'run.json');
    const run = await loadJsonFile(runFile, RunRecordSchema);
    if (zip) {
      const modelDir = runModelFolder(dir, run) ?? join(dir, 'model');
      await unzipToFolder(zip, modelDir, {
        label: `${release.tag} ${MODEL_ZIP}`,
        maxBytes: this.options.maxModelBytes ?? 2 * 1024 ** 3,
      });
    }
  }
}
