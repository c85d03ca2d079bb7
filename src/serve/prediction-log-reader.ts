/**
 * Reading the prediction log back: flat rows for drift monitoring and label joins, and the drift
 * profile of the logged traffic.
 *
 * **Which files.** A folder: every log file in it (`<prefix>-<yyyymmddThhmmss>-<seq>.jsonl`, or
 * `.jsonl.gz`; of one prefix with `prefix`), oldest first (file time, then sequence number); rows
 * within a file in the order they were written. Other files in the folder are ignored. A file path:
 * that file (any `.jsonl`/`.ndjson` name, gzipped or not). A file that disappears while the folder is
 * read (deleted by retention, or compressed: then its `.gz` is read) is skipped and counted.
 *
 * **Partial lines.** The writer writes whole lines only, so only the last line of a file can be
 * partial (the active file mid-write, or a crash): a trailing line without a line break is skipped
 * and counted in `partialLines`. Any other line that is not a valid entry is a `DataError` naming the
 * file, the line and the field.
 *
 * **Flat rows.** Each entry becomes one row: the input features as columns (nested values as their
 * JSON text), then the prediction, then `model`, `version`, `role`, `request_id`, `index`, `ts`,
 * `latency_ms` (these win over a feature of the same name). The prediction: a number output is
 * `prediction` (binary score or regression value; a one-element array counts as a number); an array
 * of two or more (class probabilities) is `prediction` = the index of the largest (the first on ties)
 * and `proba_0`, `proba_1`, ... Class indices are the model's class order; the log does not store
 * class names.
 *
 * **Time window.** `from` (inclusive) and `to` (exclusive) filter on each entry's `ts`. Files whose
 * name says they were opened more than {@link FILE_TIME_MARGIN_MS} after `to`, or whose successor was
 * opened more than that before `from`, are not read at all: this assumes the entries' `ts` and the
 * writer's clock agree within that margin (request latency included).
 */

import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { jsonCell, parseJsonLine } from '../data/jsonl-source.js';
import { toDataError } from '../data/text-stream.js';
import type { Cell, Row } from '../data/types.js';
import { createProfiler } from '../drift/profile-builder.js';
import type { ProfilerOptions } from '../drift/profile-settings.js';
import type { Profile, ProfileMeta } from '../drift/profile-types.js';
import { DataError, describeValue } from '../errors.js';
import {
  listPredictionLogFiles,
  type PredictionLogFile,
  parsePredictionLogName,
} from './prediction-log-files.js';
import type { Role } from './types.js';

/** How far entry times and file-name times may disagree before a file is skipped by the time window. */
export const FILE_TIME_MARGIN_MS = 5 * 60 * 1000;

/** Metadata columns of a flat row, in order, after the features and the prediction. */
export const PREDICTION_LOG_META_COLUMNS = [
  'model',
  'version',
  'role',
  'request_id',
  'index',
  'ts',
  'latency_ms',
] as const;

/** A metadata column of a flat row. */
export type PredictionLogMetaColumn = (typeof PREDICTION_LOG_META_COLUMNS)[number];

/** One entry of the log as read back. */
export interface LoggedPrediction {
  ts: string;
  request_id: string;
  /** Position of the row in its request (0 when the line has none). */
  index: number;
  model: string;
  version: string;
  role: Role;
  inputs: Row;
  /** A number, class probabilities, or null (a non-finite output was written as null). */
  outputs: number | (number | null)[] | null;
  latency_ms: number | null;
}

/** Counters filled while reading (pass an object as `stats`; it is reset first). */
export interface PredictionLogReadStats {
  /** Files read. */
  files: number;
  /** Files skipped by name because of the time window. */
  filesSkipped: number;
  /** Files listed but gone before they could be opened. */
  filesVanished: number;
  /** Entries parsed. */
  entries: number;
  /** Entries yielded (after the filters). */
  rows: number;
  /** Trailing partial lines skipped. */
  partialLines: number;
}

/** Options of {@link readPredictionLog} and {@link readPredictionEntries}. */
export interface ReadPredictionLogOptions {
  /** Only this model's entries. */
  model?: string;
  /** Only this version's entries. */
  version?: string;
  /** Only entries of this role. */
  role?: Role;
  /** Only entries with `ts` at or after this time. */
  from?: Date;
  /** Only entries with `ts` before this time. */
  to?: Date;
  /** In a folder: only the files of this prefix (default: every log file). */
  prefix?: string;
  /** Filled with counters while reading. */
  stats?: PredictionLogReadStats;
}

/** A fresh, zeroed {@link PredictionLogReadStats}. */
export function emptyReadStats(): PredictionLogReadStats {
  return { files: 0, filesSkipped: 0, filesVanished: 0, entries: 0, rows: 0, partialLines: 0 };
}

const ROLES: ReadonlySet<string> = new Set(['stable', 'canary']);

function fieldError(file: string, line: number, field: string, what: string, value: unknown): DataError {
  return new DataError(`${what} (got ${describeValue(value)})`, { file, line, field });
}

/** Validates one parsed line as a {@link LoggedPrediction}, or throws a `DataError` naming the field. */
export function toLoggedPrediction(
  obj: Record<string, unknown>,
  file: string,
  line: number,
): LoggedPrediction {
  const str = (key: string, what: string): string => {
    const v = obj[key];
    if (typeof v === 'string') return v;
    if (key === 'request_id' && typeof v === 'number') return String(v);
    throw fieldError(file, line, key, what, v);
  };
  const ts = str('ts', 'expected the time as an ISO 8601 string');
  const request_id = str('request_id', 'expected the request id as a string');
  const model = str('model', 'expected the model name as a string');
  const version = str('version', 'expected the version as a string');
  const role = obj.role;
  if (typeof role !== 'string' || !ROLES.has(role)) {
    throw fieldError(file, line, 'role', 'expected "stable" or "canary"', role);
  }
  const rawIndex = obj.index ?? 0;
  if (!(typeof rawIndex === 'number' && Number.isInteger(rawIndex) && rawIndex >= 0)) {
    throw fieldError(file, line, 'index', 'expected a non-negative integer', rawIndex);
  }
  const inputs = obj.inputs;
  if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) {
    throw fieldError(file, line, 'inputs', 'expected an object of input features', inputs);
  }
  const row: Row = {};
  for (const key in inputs) row[key] = jsonCell((inputs as Record<string, unknown>)[key]);
  const outputs = obj.outputs ?? null;
  if (
    !(
      outputs === null ||
      typeof outputs === 'number' ||
      (Array.isArray(outputs) && outputs.every((v) => v === null || typeof v === 'number'))
    )
  ) {
    throw fieldError(file, line, 'outputs', 'expected a number or an array of numbers', outputs);
  }
  const latency = obj.latency_ms ?? null;
  if (!(latency === null || typeof latency === 'number')) {
    throw fieldError(file, line, 'latency_ms', 'expected a number', latency);
  }
  return {
    ts,
    request_id,
    index: rawIndex,
    model,
    version,
    role: role as Role,
    inputs: row,
    outputs: outputs as LoggedPrediction['outputs'],
    latency_ms: latency,
  };
}

/**
 * Adds the prediction columns of `outputs` to `row`: `prediction`, and for class probabilities the
 * argmax index as `prediction` plus `proba_<i>` (see the module comment).
 */
export function addPredictionCells(row: Row, outputs: LoggedPrediction['outputs']): void {
  if (outputs === null || typeof outputs === 'number') {
    row.prediction = outputs;
    return;
  }
  if (outputs.length <= 1) {
    row.prediction = outputs[0] ?? null;
    return;
  }
  let best = -1;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < outputs.length; i++) {
    const v = outputs[i];
    if (typeof v === 'number' && v > bestValue) {
      best = i;
      bestValue = v;
    }
  }
  row.prediction = best < 0 ? null : best;
  for (let i = 0; i < outputs.length; i++) row[`proba_${i}`] = outputs[i] ?? null;
}

/**
 * The flat row of an entry: features, prediction columns, then the metadata columns (`metadata`:
 * which ones, default all of {@link PREDICTION_LOG_META_COLUMNS}).
 */
export function flattenPrediction(
  entry: LoggedPrediction,
  metadata: readonly PredictionLogMetaColumn[] = PREDICTION_LOG_META_COLUMNS,
): Row {
  const row: Row = { ...entry.inputs };
  addPredictionCells(row, entry.outputs);
  for (const key of metadata) row[key] = entry[key] as Cell;
  return row;
}

/** One file to read: its path, a fallback (its `.gz` twin), and whether it came from a folder listing. */
interface FileToRead {
  path: string;
  gzip: boolean;
  fallback?: string;
  listed: boolean;
}

const isGz = (path: string): boolean => path.toLowerCase().endsWith('.gz');

/** The files to read for `pathOrDir`, oldest first, with those outside the time window left out. */
async function filesToRead(
  pathOrDir: string,
  options: ReadPredictionLogOptions,
  stats: PredictionLogReadStats,
): Promise<FileToRead[]> {
  let isDir: boolean;
  try {
    isDir = (await stat(pathOrDir)).isDirectory();
  } catch (err) {
    throw toDataError(err, pathOrDir);
  }
  if (!isDir) return [{ path: pathOrDir, gzip: isGz(pathOrDir), listed: false }];
  const files = await listPredictionLogFiles(pathOrDir, options.prefix);
  const from = options.from?.getTime();
  const to = options.to?.getTime();
  // The next file of the same prefix: entries of a file were written before it was opened.
  const next = new Map<PredictionLogFile, PredictionLogFile>();
  const lastOfPrefix = new Map<string, PredictionLogFile>();
  for (const f of files) {
    const prev = lastOfPrefix.get(f.prefix);
    if (prev) next.set(prev, f);
    lastOfPrefix.set(f.prefix, f);
  }
  const out: FileToRead[] = [];
  for (const f of files) {
    const successor = next.get(f);
    // Name times are whole seconds, rounded down.
    const tooLate = to !== undefined && f.time - FILE_TIME_MARGIN_MS >= to;
    const tooEarly =
      from !== undefined && successor !== undefined && successor.time + 1000 + FILE_TIME_MARGIN_MS <= from;
    if (tooLate || tooEarly) {
      stats.filesSkipped++;
      continue;
    }
    if (f.gz !== undefined) out.push({ path: f.gz, gzip: true, listed: true });
    else if (f.plain !== undefined)
      out.push({ path: f.plain, gzip: false, fallback: `${f.plain}.gz`, listed: true });
  }
  return out;
}

/** Opens a file for reading; `undefined` when a listed file (and its fallback) vanished. */
async function openForRead(file: FileToRead): Promise<{ stream: Readable; path: string } | undefined> {
  const candidates: [string, boolean][] = [[file.path, file.gzip]];
  if (file.fallback !== undefined) candidates.push([file.fallback, true]);
  for (const [path, gzip] of candidates) {
    try {
      const handle = await open(path, 'r');
      const raw = handle.createReadStream({ highWaterMark: 64 * 1024 });
      if (!gzip) return { stream: raw, path };
      const gunzip = createGunzip();
      raw.on('error', (err) => gunzip.destroy(err));
      gunzip.on('close', () => raw.destroy());
      return { stream: raw.pipe(gunzip), path };
    } catch (err) {
      if (!(file.listed && (err as { code?: unknown }).code === 'ENOENT')) throw toDataError(err, path);
    }
  }
  return undefined;
}

/**
 * Streams the complete lines of a file in batches, each line with its 1-based number; a trailing
 * line without a line break is not yielded but counted in `stats.partialLines`.
 */
async function* fileLines(
  stream: Readable,
  path: string,
  stats: PredictionLogReadStats,
): AsyncGenerator<[string, number][], void, undefined> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  let line = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = rest + decoder.decode(chunk, { stream: true });
      const batch: [string, number][] = [];
      let pos = 0;
      let nl = text.indexOf('\n', rest.length);
      while (nl !== -1) {
        line++;
        const end = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        if (end > pos) batch.push([text.slice(pos, end), line]);
        pos = nl + 1;
        nl = text.indexOf('\n', pos);
      }
      rest = text.slice(pos);
      if (batch.length > 0) yield batch;
    }
    rest += decoder.decode();
  } catch (err) {
    throw toDataError(err, path);
  } finally {
    stream.destroy();
  }
  if (rest.trim().length > 0) stats.partialLines++;
}

/**
 * Streams the entries of a prediction log (a folder or one file) in the order they were written,
 * filtered by `options`; see the module comment. Each entry is validated; a bad line is a `DataError`.
 */
export async function* readPredictionEntries(
  pathOrDir: string,
  options: ReadPredictionLogOptions = {},
): AsyncGenerator<LoggedPrediction, void, undefined> {
  const stats = options.stats ?? emptyReadStats();
  Object.assign(stats, emptyReadStats());
  const from = options.from?.getTime();
  const to = options.to?.getTime();
  const timed = from !== undefined || to !== undefined;
  for (const file of await filesToRead(pathOrDir, options, stats)) {
    const opened = await openForRead(file);
    if (opened === undefined) {
      stats.filesVanished++;
      continue;
    }
    stats.files++;
    for await (const batch of fileLines(opened.stream, opened.path, stats)) {
      for (const [text, line] of batch) {
        const obj = parseJsonLine(text, opened.path, line);
        if (obj === undefined) continue;
        const entry = toLoggedPrediction(obj, opened.path, line);
        stats.entries++;
        if (options.model !== undefined && entry.model !== options.model) continue;
        if (options.version !== undefined && entry.version !== options.version) continue;
        if (options.role !== undefined && entry.role !== options.role) continue;
        if (timed) {
          const t = Date.parse(entry.ts);
          if (Number.isNaN(t) || (from !== undefined && t < from) || (to !== undefined && t >= to)) continue;
        }
        stats.rows++;
        yield entry;
      }
    }
  }
}

/**
 * Streams a prediction log (a folder of log files, `.gz` included, or one file) as FLAT rows, in the
 * order written: the input features, `prediction` (and `proba_<i>` for class probabilities), `model`,
 * `version`, `role`, `request_id`, `index`, `ts`, `latency_ms`. See the module comment for the files
 * read, partial lines and the time window. Errors are `DataError`s naming the file and line.
 */
export async function* readPredictionLog(
  pathOrDir: string,
  options: ReadPredictionLogOptions = {},
): AsyncGenerator<Row, void, undefined> {
  for await (const entry of readPredictionEntries(pathOrDir, options)) yield flattenPrediction(entry);
}

/**
 * Whether `path` holds a prediction log: a folder with at least one log file, a file whose name is
 * a log file name, or a `.jsonl`/`.ndjson` file (gzipped or not) whose first line is a log entry.
 * Missing or unreadable paths are not. For the CLI: `drift --current <log folder>`.
 */
export async function isPredictionLog(path: string): Promise<boolean> {
  try {
    if ((await stat(path)).isDirectory()) return (await listPredictionLogFiles(path)).length > 0;
  } catch {
    return false;
  }
  if (parsePredictionLogName(basename(path)) !== undefined) return true;
  if (!/\.(jsonl|ndjson)(\.gz)?$/i.test(path)) return false;
  try {
    const opened = await openForRead({ path, gzip: isGz(path), listed: false });
    if (opened === undefined) return false;
    const stats = emptyReadStats();
    for await (const batch of fileLines(opened.stream, path, stats)) {
      const first = batch[0];
      if (first === undefined) continue;
      const obj = parseJsonLine(first[0], path, first[1]);
      if (obj === undefined) continue;
      toLoggedPrediction(obj, path, first[1]);
      return true;
    }
    return false;
  } catch {
    return false;
  }
}

/** Options of {@link profilePredictionLog}: which entries (as the reader), the profiler's, and extras. */
export interface ProfilePredictionLogOptions extends ReadPredictionLogOptions, ProfilerOptions {
  /**
   * Metadata columns to profile as well (default none: only the features and the prediction, so the
   * profile compares with the training data's reference profile).
   */
  include?: PredictionLogMetaColumn[];
  /** Whether to profile the prediction columns (`prediction`, `proba_<i>`; default true). */
  prediction?: boolean;
}

/** What {@link profilePredictionLog} returns. */
export interface PredictionLogProfile {
  /** The drift profile of the features and the prediction. */
  profile: Profile;
  /** The earliest and latest `ts` profiled (ISO 8601, UTC); empty when no entry had a valid time. */
  window: { from?: string; to?: string };
  /** What was read. */
  stats: PredictionLogReadStats;
}

/** Rows per profiler batch. */
const PROFILE_BATCH = 4096;

/**
 * Profiles a prediction log for drift monitoring (`modelgate drift --current <log folder>`): the
 * input features and the prediction columns of every entry that passes the filters, by default
 * without the metadata (`request_id`, `ts`, `latency_ms`, ...; add some with `include`). One
 * streaming pass; the profile equals `profileRows` of the same feature rows with `prediction` added.
 * Returns the window of the `ts` values seen, for the drift report. `meta.source` defaults to the path.
 */
export async function profilePredictionLog(
  pathOrDir: string,
  options: ProfilePredictionLogOptions = {},
  meta: ProfileMeta = {},
): Promise<PredictionLogProfile> {
  const stats = options.stats ?? emptyReadStats();
  const include = options.include ?? [];
  const withPrediction = options.prediction ?? true;
  const profiler = createProfiler(options);
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let batch: Row[] = [];
  for await (const entry of readPredictionEntries(pathOrDir, { ...options, stats })) {
    const t = Date.parse(entry.ts);
    if (!Number.isNaN(t)) {
      if (t < first) first = t;
      if (t > last) last = t;
    }
    const row: Row = { ...entry.inputs };
    if (withPrediction) addPredictionCells(row, entry.outputs);
    for (const key of include) row[key] = entry[key] as Cell;
    batch.push(row);
    if (batch.length === PROFILE_BATCH) {
      profiler.addBatch(batch);
      batch = [];
    }
  }
  if (batch.length > 0) profiler.addBatch(batch);
  const window =
    first <= last ? { from: new Date(first).toISOString(), to: new Date(last).toISOString() } : {};
  return { profile: profiler.finish({ source: pathOrDir, ...meta }), window, stats };
}
