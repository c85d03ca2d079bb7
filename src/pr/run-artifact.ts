/**
 * The run artifact (`modelgate-run-<model>`, a zip of the run folder as `modelgate train` writes it)
 * read safely: every entry checked before anything is inflated ({@link readZipDirectory}), the files
 * written under a fresh folder only, then `run.json` and `model.yml` validated with their zod
 * schemas, the paths run.json points at kept inside the folder, and the run's git SHA compared with
 * the pull request's head SHA.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { loadJsonFile, loadYamlFile } from '../config/load.js';
import { ModelConfigSchema } from '../config/model-config.js';
import { type RunRecord, RunRecordSchema } from '../config/run-record.js';
import { ConfigError, ModelgateError } from '../errors.js';
import { inflateEntry, readZipDirectory, safeEntryName, ZipError } from './zip-reader.js';

/** The name prefix of run artifacts; the model name follows. */
export const ARTIFACT_PREFIX = 'modelgate-run-';

/** The artifact name of a model's run (`modelgate-run-<model>`). */
export function artifactName(model: string): string {
  return `${ARTIFACT_PREFIX}${model}`;
}

/** The model of a run artifact name, or null when the name is not one. */
export function modelOfArtifact(name: string): string | null {
  return name.startsWith(ARTIFACT_PREFIX) && name.length > ARTIFACT_PREFIX.length
    ? name.slice(ARTIFACT_PREFIX.length)
    : null;
}

/**
 * The optional copy of `.github/modelgate.yml` in a run folder (the train action writes it). The
 * App uses it instead of reading the file at the head commit only when its SHA-256 equals the one
 * recorded on the pull request's check runs when they were started (so it is byte for byte the
 * head commit's file); otherwise it reads the file through the API.
 */
export const REPO_CONFIG_COPY = 'repo-config.yml';

/** Default most bytes of a run artifact, compressed or not (200 MB). */
export const DEFAULT_ARTIFACT_MAX_BYTES = 200 * 1024 * 1024;
/** Default most entries of a run artifact. */
export const DEFAULT_ARTIFACT_MAX_FILES = 5000;
/** Default largest compression ratio of an entry over 1 MiB (deflate cannot exceed about 1032:1). */
export const DEFAULT_ARTIFACT_MAX_RATIO = 250;

/** A run artifact that cannot be used: unsafe, too large, invalid or for another commit. */
export class ArtifactError extends ModelgateError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** Options of {@link readRunArtifact}. */
export interface ReadRunArtifactOptions {
  /** Folder to extract into; must not exist or be empty. Removed again when the artifact is rejected. */
  destDir: string;
  /** Most uncompressed bytes (default {@link DEFAULT_ARTIFACT_MAX_BYTES}); also caps the zip itself. */
  maxBytes?: number;
  /** Most entries (default {@link DEFAULT_ARTIFACT_MAX_FILES}). */
  maxFiles?: number;
  /** Largest compression ratio of an entry over 1 MiB (default {@link DEFAULT_ARTIFACT_MAX_RATIO}). */
  maxRatio?: number;
  /** The commit the run must have trained (the pull request's head SHA). */
  expectedSha?: string;
  /** The model the run must be of. */
  expectedModel?: string;
  /** The artifact's name, for messages (default `run artifact`). */
  label?: string;
}

/** Paths inside run.json that are read later (field, path): they must stay inside the run folder. */
export function innerPaths(run: RunRecord): [string, string][] {
  const out: [string, string][] = [];
  if (run.artifacts.model !== undefined) out.push(['artifacts.model', run.artifacts.model]);
  if (run.artifacts.predictions !== undefined) out.push(['artifacts.predictions', run.artifacts.predictions]);
  if (run.artifacts.log !== undefined) out.push(['artifacts.log', run.artifacts.log]);
  if (run.command) out.push(['command.log', run.command.log]);
  return out;
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw e;
  }
}

/** The run folder inside the extracted tree: the root, or its only sub-folder holding run.json. */
function runRoot(names: string[]): string | null {
  if (names.includes('run.json')) return '';
  const nested = names.filter((n) => /^[^/]+\/run\.json$/.test(n));
  return nested.length === 1 ? nested[0]!.slice(0, -'run.json'.length) : null;
}

/**
 * Extracts and validates a run artifact. Rejects (with {@link ArtifactError}, naming the entry or
 * field) absolute paths, `..`, symlinks, too many files, too many bytes, suspicious compression
 * ratios, corrupt data, a missing or invalid run.json / model.yml, run.json paths leading out of
 * the folder, a model other than `expectedModel` and a git SHA other than `expectedSha`.
 * @returns the run folder and its record
 */
export async function readRunArtifact(
  zip: Uint8Array,
  options: ReadRunArtifactOptions,
): Promise<{ dir: string; run: RunRecord }> {
  const label = options.label ?? 'run artifact';
  const maxBytes = options.maxBytes ?? DEFAULT_ARTIFACT_MAX_BYTES;
  const destDir = resolve(options.destDir);
  if (zip.byteLength > maxBytes)
    throw new ArtifactError(
      `${label}: the zip is ${zip.byteLength} bytes, more than the limit of ${maxBytes}`,
    );
  if (!(await isEmptyOrMissing(destDir)))
    throw new ArtifactError(`${label}: the destination folder is not empty`);
  try {
    const entries = readZipDirectory(zip, {
      maxFiles: options.maxFiles ?? DEFAULT_ARTIFACT_MAX_FILES,
      maxBytes,
      maxRatio: options.maxRatio ?? DEFAULT_ARTIFACT_MAX_RATIO,
      ratioFloor: 1024 * 1024,
    });
    await mkdir(destDir, { recursive: true });
    for (const entry of entries) {
      const target = resolve(destDir, ...entry.name.split('/'));
      if (!target.startsWith(destDir + sep))
        throw new ZipError(`zip entry ${entry.name}: outside the folder`);
      if (entry.directory) {
        await mkdir(target, { recursive: true });
        continue;
      }
      const data = inflateEntry(zip, entry);
      await mkdir(dirname(target), { recursive: true });
      // `wx`: never follow or replace anything that exists (no entry can be written twice).
      await writeFile(target, data, { flag: 'wx' });
    }
    const root = runRoot(entries.filter((e) => !e.directory).map((e) => e.name));
    if (root === null) throw new ArtifactError(`${label}: no run.json in the artifact`);
    const dir = join(destDir, ...root.split('/').filter(Boolean));
    const run = await validateRunFolder(dir, label, options);
    return { dir, run };
  } catch (e) {
    await rm(destDir, { recursive: true, force: true });
    if (e instanceof ArtifactError) throw e;
    if (e instanceof ZipError) throw new ArtifactError(`${label}: ${e.message}`);
    if (e instanceof ConfigError) throw new ArtifactError(`${label}: ${e.message}`);
    if (typeof (e as NodeJS.ErrnoException).code === 'string')
      throw new ArtifactError(
        `${label}: cannot extract: ${(e as Error).message.replaceAll(destDir, '<artifact>')}`,
      );
    throw e;
  }
}

async function validateRunFolder(
  dir: string,
  label: string,
  options: ReadRunArtifactOptions,
): Promise<RunRecord> {
  const shown = (file: string) => `${label}/${relative(resolve(options.destDir), join(dir, file)) || file}`;
  const run = await loadJsonFile(join(dir, 'run.json'), RunRecordSchema).catch((e: unknown) => {
    throw renamed(e, join(dir, 'run.json'), shown('run.json'));
  });
  const model = await loadYamlFile(join(dir, 'model.yml'), ModelConfigSchema).catch((e: unknown) => {
    throw renamed(e, join(dir, 'model.yml'), shown('model.yml'));
  });
  for (const [field, path] of innerPaths(run)) {
    try {
      const clean = safeEntryName(path).name;
      if (resolve(dir, clean) === dir) throw new ZipError('points at the run folder itself');
    } catch (e) {
      throw new ArtifactError(
        `${shown('run.json')}: ${field} ${JSON.stringify(path)} must be a path inside the run folder (${(e as Error).message})`,
      );
    }
  }
  if (run.model !== model.name)
    throw new ArtifactError(
      `${shown('run.json')}: model ${JSON.stringify(run.model)} differs from model.yml name ${JSON.stringify(model.name)}`,
    );
  if (options.expectedModel !== undefined && run.model !== options.expectedModel)
    throw new ArtifactError(
      `${shown('run.json')}: model ${JSON.stringify(run.model)}, expected ${JSON.stringify(options.expectedModel)}`,
    );
  if (options.expectedSha !== undefined && run.git.sha !== options.expectedSha)
    throw new ArtifactError(
      `${shown('run.json')}: git.sha ${JSON.stringify(run.git.sha)} is not the pull request's head commit ${options.expectedSha} (a stale or foreign run)`,
    );
  return run;
}

/** A ConfigError about `file` with the artifact-relative name in its message instead of the temp path. */
function renamed(e: unknown, file: string, shown: string): unknown {
  if (e instanceof ConfigError) {
    return new ConfigError(e.issues.map((i) => ({ ...i, file: i.file === file ? shown : i.file })));
  }
  return e;
}
