/**
 * The trainer's view of data: a re-iterable stream of rows. Each call starts a fresh pass, so
 * the trainer can read the data twice (fit the preprocessing, then encode) without holding rows
 * in memory. The caller wires it to the CSV / JSONL / Parquet readers.
 */
import type { Row } from '../data/types.js';
import { TrainError } from '../errors.js';

/** A re-iterable row stream: every call returns a fresh iterable over all rows, in the same order. */
export type RowSource = () => AsyncIterable<Row> | Iterable<Row>;

/** A row source over an in-memory array (tests, small data, serving). */
export function arraySource(rows: readonly Row[]): RowSource {
  return () => rows;
}

/** Throws a {@link TrainError} when the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new TrainError('training was aborted', { cause: signal.reason });
}
