/**
 * The files of a model release, built from a run folder: `model.zip` (the run's model folder,
 * zipped deterministically), `run.json`, `model.yml`, `data.contract.yml` and the predictions file
 * when present, `comparison.zip` (what comparing a later run with this release reads, in one
 * download), the model card `model-card.md` and the reference profile `profile.json` (see
 * `versionFiles`), and last `version.json`, the version entry as the registry stores it.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import { versionFiles } from '../cli/diff-commands.js';
import type { RunRecord } from '../config/run-record.js';
import type { ModelVersion } from '../registry/registry.js';
import { ReleaseError } from './release-error.js';
import { zipEntries, zipFolder } from './zip-folder.js';

/** One file to upload. */
export interface ReleaseAsset {
  /** Asset name (a plain file name). */
  name: string;
  data: Uint8Array;
  contentType: string;
}

/** The asset holding the zipped model folder. */
export const MODEL_ZIP = 'model.zip';
/**
 * The asset holding what a comparison reads of the release, at their run-folder paths: `run.json`,
 * `model.yml`, the predictions file and the model folder's `signature.json` (each when the run has it).
 */
export const COMPARISON_ZIP = 'comparison.zip';
/** Largest `signature.json` put into (and read from) {@link COMPARISON_ZIP} or `model.zip`. */
export const MAX_SIGNATURE_BYTES = 1024 * 1024;
/** The asset holding the version entry. */
export const VERSION_JSON = 'version.json';

/** The content type of an asset, by its name. */
export function assetContentType(name: string): string {
  if (name.endsWith('.zip')) return 'application/zip';
  if (name.endsWith('.json')) return 'application/json';
  if (name.endsWith('.md')) return 'text/markdown; charset=utf-8';
  if (name.endsWith('.yml') || name.endsWith('.yaml')) return 'application/yaml';
  if (name.endsWith('.csv')) return 'text/csv; charset=utf-8';
  if (name.endsWith('.jsonl')) return 'application/x-ndjson';
  return 'application/octet-stream';
}

/** Whether `name` can be an asset and a file of a version folder: a plain name, no folder, not hidden. */
export function isPlainFileName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(name) && !name.includes('..');
}

/** An asset from text or bytes. */
export function makeAsset(name: string, data: string | Uint8Array): ReleaseAsset {
  return {
    name,
    data: typeof data === 'string' ? new TextEncoder().encode(data) : data,
    contentType: assetContentType(name),
  };
}

/** The version entry as `version.json` holds it. */
export function versionJson(entry: ModelVersion): string {
  return `${JSON.stringify(entry, null, 2)}\n`;
}

/** The model folder of a run, checked to stay inside the run folder; null when the run has none. */
export function runModelFolder(runDir: string, run: RunRecord): string | null {
  const rel = run.artifacts.model;
  if (rel === undefined) return null;
  const norm = posix.normalize(rel.replaceAll('\\', '/'));
  const inside =
    !isAbsolute(rel) &&
    !posix.isAbsolute(norm) &&
    !/^[A-Za-z]:/.test(norm) &&
    norm !== '.' &&
    norm !== '..' &&
    !norm.startsWith('../') &&
    !norm.includes('\0');
  const dir = join(runDir, ...norm.split('/'));
  const back = relative(runDir, dir);
  if (!inside || back === '' || back.split(sep)[0] === '..' || isAbsolute(back)) {
    throw new ReleaseError(
      `${join(runDir, 'run.json')}: artifacts.model ${JSON.stringify(rel)} must be a folder inside the run folder`,
    );
  }
  return dir;
}

/**
 * The run-only assets (not depending on the version): `model.zip`, `run.json`, `model.yml`,
 * `data.contract.yml` and the predictions file when present, then {@link COMPARISON_ZIP}. A run whose `artifacts.model` is set
 * but missing is a {@link ReleaseError}; a run without a model (command mode) gets no `model.zip`.
 */
export async function runAssets(
  runDir: string,
  run: RunRecord,
  log: (line: string) => void = () => {},
): Promise<ReleaseAsset[]> {
  const out: ReleaseAsset[] = [];
  const modelDir = runModelFolder(runDir, run);
  if (modelDir) {
    if (!existsSync(modelDir)) {
      throw new ReleaseError(
        `${join(runDir, 'run.json')}: artifacts.model names ${modelDir}, which does not exist`,
      );
    }
    out.push(makeAsset(MODEL_ZIP, await zipFolder(modelDir)));
  } else log(`run ${run.id} has no model folder (artifacts.model); releasing it without ${MODEL_ZIP}`);
  out.push(makeAsset('run.json', new Uint8Array(await readFile(join(runDir, 'run.json')))));
  for (const name of ['model.yml', 'data.contract.yml']) {
    if (existsSync(join(runDir, name))) {
      out.push(makeAsset(name, new Uint8Array(await readFile(join(runDir, name)))));
    }
  }
  const predictions = run.artifacts.predictions;
  if (predictions !== undefined) {
    if (isPlainFileName(predictions) && existsSync(join(runDir, predictions))) {
      out.push(makeAsset(predictions, new Uint8Array(await readFile(join(runDir, predictions)))));
    } else log(`predictions ${predictions} are not a file at the top of the run folder; not released`);
  }
  out.push(makeAsset(COMPARISON_ZIP, zipEntries(await comparisonFiles(runDir, run, out))));
  return out;
}

/**
 * The files of {@link COMPARISON_ZIP} (run-folder relative POSIX path -> bytes), taken from the run
 * assets already read (`run.json`, `model.yml`, the predictions file) plus the model folder's
 * `signature.json` when it has one (at most {@link MAX_SIGNATURE_BYTES}). `data.contract.yml` is left
 * out: a comparison does not read it.
 */
export async function comparisonFiles(
  runDir: string,
  run: RunRecord,
  assets: readonly ReleaseAsset[],
): Promise<Record<string, Uint8Array>> {
  const wanted = new Set(['run.json', 'model.yml']);
  const predictions = run.artifacts.predictions;
  if (predictions !== undefined && isPlainFileName(predictions)) wanted.add(predictions);
  const files: Record<string, Uint8Array> = {};
  for (const a of assets) if (wanted.has(a.name)) files[a.name] = a.data;
  const modelDir = runModelFolder(runDir, run);
  if (modelDir) {
    const file = join(modelDir, 'signature.json');
    const info = await stat(file).catch(() => null);
    if (info?.isFile() && info.size <= MAX_SIGNATURE_BYTES) {
      const rel = relative(runDir, modelDir).split(sep).join('/');
      files[`${rel}/signature.json`] = new Uint8Array(await readFile(file));
    }
  }
  return files;
}

/**
 * The version-dependent assets: `model-card.md` and `profile.json` (from `extraFiles` when given,
 * else `versionFiles`: the card rendered with the version and approver, the profile of the training
 * data when it is found), then `version.json`. Warnings go to `log`.
 */
export async function versionAssets(
  runDir: string,
  entry: ModelVersion,
  options: {
    log?: (line: string) => void;
    extraFiles?: (entry: ModelVersion) => Promise<Record<string, string>>;
  } = {},
): Promise<ReleaseAsset[]> {
  const log = options.log ?? (() => {});
  const files = options.extraFiles
    ? await options.extraFiles(entry)
    : await versionFiles(runDir, entry, {
        out: (t) => log(t.trimEnd()),
        err: (t) => log(t.replace(/^warning: /, '').trimEnd()),
        isTTY: false,
        env: {},
        cwd: runDir,
      });
  const out: ReleaseAsset[] = [];
  for (const [name, text] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!isPlainFileName(name) || name === VERSION_JSON || name === MODEL_ZIP || name === COMPARISON_ZIP) {
      throw new ReleaseError(`invalid extra release file name ${JSON.stringify(name)}`);
    }
    out.push(makeAsset(name, text));
  }
  out.push(makeAsset(VERSION_JSON, versionJson(entry)));
  return out;
}
