/**
 * The prediction log's file names, shared by the writer (`prediction-log.ts`) and the reader
 * (`prediction-log-reader.ts`).
 *
 * A log file is named `<prefix>-<yyyymmddThhmmss>-<seq>.jsonl` (the UTC time the file was opened and
 * a sequence number that only grows within a folder and prefix), or `.jsonl.gz` once compressed.
 * Files sort by time, then sequence number: the order they were written in.
 */

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describeValue, UsageError } from '../errors.js';

/** The default file-name prefix of the prediction log. */
export const DEFAULT_PREDICTION_LOG_PREFIX = 'predictions';

/** `<prefix>-<yyyymmddThhmmss>-<seq>.jsonl[.gz]`; the prefix may itself contain dashes. */
const NAME = /^(.+)-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})-(\d+)\.jsonl(\.gz)?$/;

/** A prefix is a plain file-name stem: letters, digits, `.`, `_` and `-`, starting with a letter or digit. */
const PREFIX = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Throws a {@link UsageError} unless `prefix` is a valid log file prefix (see {@link PREFIX}). */
export function checkPrefix(prefix: string): string {
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw new UsageError(
      `prediction log prefix must be letters, digits, '.', '_' or '-', starting with a letter or digit (got ${describeValue(prefix)})`,
    );
  }
  return prefix;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** `yyyymmddThhmmss` of `date` in UTC. */
export function compactUtc(date: Date): string {
  return (
    pad(date.getUTCFullYear(), 4) +
    pad(date.getUTCMonth() + 1, 2) +
    pad(date.getUTCDate(), 2) +
    'T' +
    pad(date.getUTCHours(), 2) +
    pad(date.getUTCMinutes(), 2) +
    pad(date.getUTCSeconds(), 2)
  );
}

/** The name of a log file: `<prefix>-<yyyymmddThhmmss UTC>-<seq, 6 digits at least>.jsonl`. */
export function predictionLogFileName(prefix: string, openedAt: Date, seq: number): string {
  return `${prefix}-${compactUtc(openedAt)}-${pad(seq, 6)}.jsonl`;
}

/** What a log file name says. */
export interface PredictionLogName {
  /** The prefix (`predictions` by default). */
  prefix: string;
  /** When the file was opened (ms since the epoch, UTC, whole seconds). */
  time: number;
  /** The sequence number. */
  seq: number;
  /** Whether the name ends in `.gz`. */
  gzip: boolean;
  /** The name without `.gz`: the same file before and after compression. */
  base: string;
}

/** Parses a log file name (no folder), or returns `undefined` when it is not one. */
export function parsePredictionLogName(name: string): PredictionLogName | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const [, prefix, y, mo, d, h, mi, s, seq, gz] = m;
  const time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (!Number.isFinite(time)) return undefined;
  const gzip = gz !== undefined;
  return {
    prefix: prefix!,
    time,
    seq: Number(seq),
    gzip,
    base: gzip ? name.slice(0, -3) : name,
  };
}

/** One log file of a folder; `paths` holds both names while it is being compressed. */
export interface PredictionLogFile extends Omit<PredictionLogName, 'gzip'> {
  /** Full path of the `.jsonl` file, when present. */
  plain?: string;
  /** Full path of the `.jsonl.gz` file, when present. */
  gz?: string;
}

/** Orders log files by time, then sequence number, then prefix. */
export function compareLogFiles(
  a: Pick<PredictionLogName, 'time' | 'seq' | 'prefix'>,
  b: Pick<PredictionLogName, 'time' | 'seq' | 'prefix'>,
): number {
  return a.time - b.time || a.seq - b.seq || (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0);
}

/**
 * The log files in `dir` (of `prefix` only, when given), oldest first. A file present both plain and
 * compressed (in the middle of its compression) is listed once, with both paths. Other files are
 * ignored. A missing folder has no log files.
 */
export async function listPredictionLogFiles(dir: string, prefix?: string): Promise<PredictionLogFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return [];
    throw err;
  }
  const byBase = new Map<string, PredictionLogFile>();
  for (const name of names) {
    const parsed = parsePredictionLogName(name);
    if (!parsed || (prefix !== undefined && parsed.prefix !== prefix)) continue;
    let file = byBase.get(parsed.base);
    if (!file) {
      file = { prefix: parsed.prefix, time: parsed.time, seq: parsed.seq, base: parsed.base };
      byBase.set(parsed.base, file);
    }
    if (parsed.gzip) file.gz = join(dir, name);
    else file.plain = join(dir, name);
  }
  return [...byBase.values()].sort(compareLogFiles);
}
