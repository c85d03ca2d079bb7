/**
 * The prediction log of `modelgate serve`: one JSON line per predicted row, in rotated files that
 * the drift monitoring reads back (`prediction-log-reader.ts`) and labels can be joined to later
 * (`label-join.ts`).
 *
 * **Line format.** Each line is one JSON object, keys in this order:
 * `{"ts", "request_id", "index", "model", "version", "role", "latency_ms", "inputs", "outputs"}`,
 * where `index` is the row's position in its request (a request with 10 instances writes 10 lines
 * sharing `request_id`, indexed 0 to 9), `inputs` the row as received and `outputs` the model's
 * output for it (a number: binary score or regression value; an array: class probabilities).
 * Non-finite numbers are written as `null`. JSON escapes line breaks inside strings, so an entry is
 * always exactly one line.
 *
 * **Files.** `<dir>/<prefix>-<yyyymmddThhmmss>-<seq>.jsonl`: the UTC time the file was opened (from
 * the `now` clock) and a sequence number that continues after the largest one already in the folder
 * (files are created exclusively, never appended to after a restart). The open file is rotated (closed
 * and kept as it is, or gzipped to `.jsonl.gz` with `compress`) when the next line would take it past
 * `maxBytes`, or on the first write after it is `maxAgeMs` old. After each rotation the oldest files
 * beyond `maxFiles` (the open one included) are deleted. One writer per folder and prefix: give
 * replicas sharing a folder distinct prefixes.
 *
 * **What a reader sees.** Lines are only ever written whole, in order, by one writer loop; a file
 * can end in a partial line only while a write is in progress (the active file) or after a crash or
 * a failed write (after which the writer moves on to a new file). Readers skip a trailing line that
 * has no line break, and nothing else can be partial. Compression writes `<name>.jsonl.gz.tmp`, renames
 * it to `.jsonl.gz` and then deletes the `.jsonl`, so a complete copy is always listed.
 *
 * **Non-blocking, bounded memory.** `write` formats the line and queues it; it never waits for the
 * disk. One async loop appends the queued lines to the file in chunks of up to 1 MiB. At most
 * `maxBufferBytes` (default 8 MiB) of lines wait for the disk: when the disk is slower than the
 * traffic, a line that does not fit is dropped and counted in `stats.dropped` rather than grow memory
 * without bound (serving never slows down for its log). Disk errors never throw into the caller: they
 * are counted (`stats.errors`, `stats.lastError`, the `onError` callback) and the lines concerned
 * dropped.
 */

import { createReadStream, createWriteStream } from 'node:fs';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Row } from '../data/types.js';
import { describeValue, UsageError } from '../errors.js';
import type { Prediction } from '../train/predict.js';
import {
  checkPrefix,
  DEFAULT_PREDICTION_LOG_PREFIX,
  listPredictionLogFiles,
  predictionLogFileName,
} from './prediction-log-files.js';
import type { Role } from './types.js';

/** Default size at which the open file is rotated: 64 MiB. */
export const DEFAULT_LOG_MAX_BYTES = 64 * 1024 * 1024;
/** Default age after which the open file is rotated: one day. */
export const DEFAULT_LOG_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** Default number of files kept (the open one included). */
export const DEFAULT_LOG_MAX_FILES = 30;
/** Default bound of the lines waiting for the disk: 8 MiB. */
export const DEFAULT_LOG_MAX_BUFFER_BYTES = 8 * 1024 * 1024;

/** Bytes of lines gathered into one append. */
const CHUNK_BYTES = 1024 * 1024;

/** One predicted row, as the server logs it. */
export interface PredictionLogEntry {
  /** When the request arrived (ISO 8601). */
  ts: string;
  /** The request's id; shared by every row of the request. */
  request_id: string;
  /** The row's position in its request (default 0). */
  index?: number;
  /** Model name. */
  model: string;
  /** Model version `X.Y.Z`. */
  version: string;
  /** Which deployment slot served it. */
  role: Role;
  /** The row as received. */
  inputs: Row;
  /** The output for the row: binary score or regression value, or class probabilities. */
  outputs: number | number[];
  /** The request's latency in milliseconds. */
  latency_ms: number;
}

/** A whole request: one line per instance, `index` 0, 1, ... */
export interface PredictionLogRequest extends Omit<PredictionLogEntry, 'index' | 'inputs' | 'outputs'> {
  /** The rows of the request. */
  instances: readonly Row[];
  /** One output per row, in the same order. */
  outputs: readonly (number | number[])[];
}

/** Options of {@link PredictionLog}. */
export interface PredictionLogOptions {
  /** The folder of the log files (created when missing). */
  dir: string;
  /** File-name prefix (default `predictions`); letters, digits, `.`, `_`, `-`. */
  prefix?: string;
  /** Rotate before a line would take the open file past this many bytes (default 64 MiB). */
  maxBytes?: number;
  /** Rotate on the first write once the open file is this old, in ms (default one day). */
  maxAgeMs?: number;
  /** Files kept, the open one included; the oldest are deleted (default 30). */
  maxFiles?: number;
  /** Most bytes of lines waiting for the disk; beyond it lines are dropped and counted (default 8 MiB). */
  maxBufferBytes?: number;
  /** Gzip each file when it is rotated out (to `.jsonl.gz`; default false). */
  compress?: boolean;
  /** The clock, for file names and rotation by age (default the system clock). */
  now?: () => Date;
  /** Called with each I/O error (they never throw into `write`). */
  onError?: (error: Error) => void;
}

/** Counters of a {@link PredictionLog}. */
export interface PredictionLogStats {
  /** Lines accepted by `write` (queued). */
  accepted: number;
  /** Lines written to disk. */
  written: number;
  /** Lines dropped: buffer full, written after `close`, unserialisable, or lost to a disk error. */
  dropped: number;
  /** Files rotated out (closed because of size or age). */
  rotations: number;
  /** Old files deleted to keep `maxFiles`. */
  filesDeleted: number;
  /** I/O errors seen. */
  errors: number;
  /** The last I/O error's message, when there was one. */
  lastError?: string;
  /** Bytes of lines waiting for the disk now. */
  bufferedBytes: number;
  /** The open file, when one is open. */
  file?: string;
}

type QueueItem = { kind: 'open'; openedAt: Date } | { kind: 'text'; parts: string[]; bytes: number };

function positive(name: string, value: number | undefined, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  if (
    !(typeof value === 'number' && value > 0 && (integer ? Number.isInteger(value) : !Number.isNaN(value)))
  ) {
    throw new UsageError(
      `prediction log option ${name} must be a positive ${integer ? 'integer' : 'number'} (got ${describeValue(value)})`,
    );
  }
  return value;
}

/** The JSON line of one entry (with its line break); see the module comment for the format. */
export function formatPredictionLine(entry: PredictionLogEntry): string {
  return `${JSON.stringify({
    ts: entry.ts,
    request_id: entry.request_id,
    index: entry.index ?? 0,
    model: entry.model,
    version: entry.version,
    role: entry.role,
    latency_ms: entry.latency_ms,
    inputs: entry.inputs,
    outputs: entry.outputs,
  })}\n`;
}

/**
 * The per-row outputs of a batch {@link Prediction}, as {@link PredictionLogEntry.outputs}: the score
 * (binary), the value (regression) or the class probabilities in class order (multiclass).
 */
export function predictionOutputs(prediction: Prediction): (number | number[])[] {
  switch (prediction.task) {
    case 'binary':
      return Array.from(prediction.score);
    case 'regression':
      return Array.from(prediction.yPred);
    case 'multiclass': {
      const k = prediction.classes.length;
      const n = k === 0 ? 0 : prediction.proba.length / k;
      const out: number[][] = [];
      for (let i = 0; i < n; i++) out.push(Array.from(prediction.proba.subarray(i * k, (i + 1) * k)));
      return out;
    }
  }
}

/**
 * The rotated JSONL prediction log; see the module comment for the format, the file scheme and the
 * guarantees. `write` never blocks and never throws on I/O; `flush` waits for the disk; `close`
 * flushes and closes the open file.
 */
export class PredictionLog {
  /** The folder of the log files. */
  readonly dir: string;
  /** The file-name prefix. */
  readonly prefix: string;
  /** Rotation size in bytes. */
  readonly maxBytes: number;
  /** Rotation age in ms. */
  readonly maxAgeMs: number;
  /** Files kept. */
  readonly maxFiles: number;
  /** Bound of the bytes waiting for the disk. */
  readonly maxBufferBytes: number;
  /** Whether rotated files are gzipped. */
  readonly compress: boolean;
  private readonly now: () => Date;
  private readonly onError: ((error: Error) => void) | undefined;

  // Producer side (synchronous, in `write`).
  private readonly queue: QueueItem[] = [];
  private queuedBytes = 0;
  /** When the file that `write` is filling was opened (ms), or undefined before the first line. */
  private fileOpenedAt: number | undefined;
  /** Bytes `write` has assigned to that file. */
  private fileBytes = 0;
  private closed = false;
  private closing: Promise<void> | undefined;

  // Consumer side (the writer loop and housekeeping).
  private draining: Promise<void> | undefined;
  private housekeeping: Promise<void> = Promise.resolve();
  private handle: FileHandle | undefined;
  private currentPath: string | undefined;
  /** The last sequence number used; undefined until the folder was scanned. */
  private seq: number | undefined;

  private readonly counters = {
    accepted: 0,
    written: 0,
    dropped: 0,
    rotations: 0,
    filesDeleted: 0,
    errors: 0,
    lastError: undefined as string | undefined,
  };

  /** Checks the options (a bad one is a `UsageError`); nothing is touched on disk before the first write. */
  constructor(options: PredictionLogOptions) {
    if (typeof options.dir !== 'string' || options.dir.length === 0) {
      throw new UsageError(`prediction log option dir must be a folder (got ${describeValue(options.dir)})`);
    }
    this.dir = options.dir;
    this.prefix = checkPrefix(options.prefix ?? DEFAULT_PREDICTION_LOG_PREFIX);
    this.maxBytes = positive('maxBytes', options.maxBytes, DEFAULT_LOG_MAX_BYTES);
    this.maxAgeMs = positive('maxAgeMs', options.maxAgeMs, DEFAULT_LOG_MAX_AGE_MS);
    this.maxFiles = positive('maxFiles', options.maxFiles, DEFAULT_LOG_MAX_FILES, true);
    this.maxBufferBytes = positive('maxBufferBytes', options.maxBufferBytes, DEFAULT_LOG_MAX_BUFFER_BYTES);
    this.compress = options.compress ?? false;
    this.now = options.now ?? (() => new Date());
    this.onError = options.onError;
  }

  /** The counters now (a fresh object). */
  get stats(): PredictionLogStats {
    const { lastError, ...counts } = this.counters;
    return {
      ...counts,
      ...(lastError !== undefined ? { lastError } : {}),
      bufferedBytes: this.queuedBytes,
      ...(this.currentPath !== undefined ? { file: this.currentPath } : {}),
    };
  }

  /**
   * Queues one line for `entry` and returns true, or drops it (counted in `stats.dropped`) and returns
   * false when the buffer is full, the log is closed, or the entry cannot be serialised. Never blocks,
   * never throws.
   */
  write(entry: PredictionLogEntry): boolean {
    if (this.closed) {
      this.counters.dropped++;
      return false;
    }
    let line: string;
    try {
      line = formatPredictionLine(entry);
    } catch (err) {
      this.counters.dropped++;
      this.report(err);
      return false;
    }
    return this.enqueue(line);
  }

  /** Writes one line per instance of a request (`index` 0, 1, ...); returns how many were accepted. */
  writeRequest(request: PredictionLogRequest): number {
    const { instances, outputs, ...common } = request;
    let accepted = 0;
    for (let i = 0; i < instances.length; i++) {
      const output = outputs[i];
      if (output === undefined) {
        this.counters.dropped++;
        continue;
      }
      if (this.write({ ...common, index: i, inputs: instances[i]!, outputs: output })) accepted++;
    }
    return accepted;
  }

  private enqueue(line: string): boolean {
    const bytes = Buffer.byteLength(line);
    if (this.queuedBytes + bytes > this.maxBufferBytes) {
      this.counters.dropped++;
      return false;
    }
    const now = this.now();
    const t = now.getTime();
    const opened = this.fileOpenedAt;
    if (
      opened === undefined ||
      (this.fileBytes > 0 && this.fileBytes + bytes > this.maxBytes) ||
      t - opened >= this.maxAgeMs
    ) {
      this.queue.push({ kind: 'open', openedAt: now });
      this.fileOpenedAt = t;
      this.fileBytes = 0;
    }
    const last = this.queue[this.queue.length - 1];
    if (last !== undefined && last.kind === 'text' && last.bytes < CHUNK_BYTES) {
      last.parts.push(line);
      last.bytes += bytes;
    } else {
      this.queue.push({ kind: 'text', parts: [line], bytes });
    }
    this.fileBytes += bytes;
    this.queuedBytes += bytes;
    this.counters.accepted++;
    if (this.draining === undefined) {
      // Started in a later microtask, so the loop's own end (which clears `draining`) comes after this.
      this.draining = Promise.resolve().then(() => this.drain());
    }
    return true;
  }

  /** The writer loop: processes the queue until it is empty. Never rejects. */
  private async drain(): Promise<void> {
    try {
      for (let item = this.queue.shift(); item !== undefined; item = this.queue.shift()) {
        if (item.kind === 'open') await this.rotateTo(item.openedAt);
        else await this.append(item);
      }
    } catch (err) {
      this.report(err);
    } finally {
      // Runs in the same tick as the empty-queue check: a later `write` starts a new loop.
      this.draining = undefined;
    }
  }

  /** Closes the open file (rotating it out) and opens the next. */
  private async rotateTo(openedAt: Date): Promise<void> {
    const hadFile = await this.closeFile();
    if (hadFile) this.counters.rotations++;
    await this.openFile(openedAt);
  }

  /** Closes the open file, if any, and schedules its compression; returns whether one was open. */
  private async closeFile(): Promise<boolean> {
    const handle = this.handle;
    const path = this.currentPath;
    this.handle = undefined;
    this.currentPath = undefined;
    if (handle === undefined || path === undefined) return false;
    try {
      await handle.close();
    } catch (err) {
      this.report(err);
    }
    if (this.compress) this.schedule(() => this.gzipFile(path));
    return true;
  }

  /** Opens a new file named for `openedAt` with the next free sequence number; errors are reported. */
  private async openFile(openedAt: Date): Promise<void> {
    try {
      if (this.seq === undefined) {
        await mkdir(this.dir, { recursive: true });
        const files = await listPredictionLogFiles(this.dir, this.prefix);
        this.seq = files.reduce((max, f) => Math.max(max, f.seq), 0);
      }
      for (let attempt = 0; attempt < 1000 && this.handle === undefined; attempt++) {
        this.seq++;
        const path = join(this.dir, predictionLogFileName(this.prefix, openedAt, this.seq));
        try {
          this.handle = await open(path, 'ax');
          this.currentPath = path;
        } catch (err) {
          if ((err as { code?: unknown }).code !== 'EEXIST') throw err;
        }
      }
    } catch (err) {
      this.report(err);
    }
    this.schedule(() => this.retain());
  }

  /** Appends a chunk of lines to the open file (opening one first after an error); drops them on failure. */
  private async append(item: { parts: string[]; bytes: number }): Promise<void> {
    const lines = item.parts.length;
    try {
      if (this.handle === undefined) await this.openFile(this.now());
      const handle = this.handle;
      if (handle === undefined) {
        this.counters.dropped += lines;
        return;
      }
      try {
        await handle.appendFile(item.parts.join(''));
        this.counters.written += lines;
      } catch (err) {
        this.counters.dropped += lines;
        this.report(err);
        // The file may now end in a partial line: never append to it again.
        await this.closeFile();
      }
    } finally {
      this.queuedBytes -= item.bytes;
    }
  }

  /** Runs `task` after the previous housekeeping task (compression, retention); errors are reported. */
  private schedule(task: () => Promise<void>): void {
    this.housekeeping = this.housekeeping.then(task).catch((err: unknown) => this.report(err));
  }

  /** Gzips a rotated-out file: `.jsonl.gz.tmp`, renamed to `.jsonl.gz`, then the `.jsonl` removed. */
  private async gzipFile(path: string): Promise<void> {
    const tmp = `${path}.gz.tmp`;
    try {
      await pipeline(createReadStream(path), createGzip(), createWriteStream(tmp));
      await rename(tmp, `${path}.gz`);
      await rm(path, { force: true });
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** Deletes the oldest files beyond `maxFiles` (the open one counts and is never deleted). */
  private async retain(): Promise<void> {
    const files = await listPredictionLogFiles(this.dir, this.prefix);
    const active = this.currentPath === undefined ? undefined : basename(this.currentPath);
    const others = files.filter((f) => f.base !== active);
    const keep = this.maxFiles - (active === undefined ? 0 : 1);
    const excess = others.length - keep;
    for (let i = 0; i < excess; i++) {
      const f = others[i]!;
      if (f.plain) await rm(f.plain, { force: true });
      if (f.gz) await rm(f.gz, { force: true });
      // A compression interrupted by a crash leaves its temporary file: no compression runs now.
      if (f.plain) await rm(`${f.plain}.gz.tmp`, { force: true });
      this.counters.filesDeleted++;
    }
  }

  private report(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    this.counters.errors++;
    this.counters.lastError = error.message;
    if (this.onError) {
      try {
        this.onError(error);
      } catch {
        // A failing error callback must not break the writer loop.
      }
    }
  }

  /**
   * Resolves once every line accepted before the call is written to disk (handed to the OS) and
   * the housekeeping it caused (compression, old files deleted) is done. Never rejects.
   */
  async flush(): Promise<void> {
    for (;;) {
      if (this.draining !== undefined) {
        await this.draining;
        continue;
      }
      const housekeeping = this.housekeeping;
      await housekeeping;
      if (housekeeping === this.housekeeping && this.draining === undefined) return;
    }
  }

  /**
   * Flushes, closes the open file (kept as a complete file, gzipped with `compress`) and waits for
   * housekeeping. Later writes are dropped and counted. Idempotent; never rejects.
   */
  close(): Promise<void> {
    if (this.closing === undefined) {
      this.closed = true;
      this.closing = (async () => {
        await this.flush();
        await this.closeFile();
        await this.flush();
      })();
    }
    return this.closing;
  }
}
