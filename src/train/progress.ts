/**
 * Training progress output. On a terminal (`process.stderr.isTTY`) one line is redrawn in place
 * during each epoch — a bar, epoch, loss, val_loss, samples/s and ETA — and kept when the epoch
 * ends; elsewhere (CI logs) one plain line is printed per epoch. The writer is injectable.
 */

/** An epoch finished. */
export interface EpochEvent {
  /** `epoch`. */
  type: 'epoch';
  /** 1-based epoch number. */
  epoch: number;
  /** Most epochs (training may stop earlier). */
  epochs: number;
  /** Mean training loss over the epoch. */
  loss: number;
  /** Validation loss (null without a validation split). */
  val_loss: number | null;
  /** Wall time of the epoch in milliseconds (training and validation). */
  ms: number;
  /** Training samples per second. */
  samples_per_sec: number;
  /** Best epoch so far (1-based). */
  best_epoch: number;
}

/** A training batch finished. */
export interface BatchEvent {
  /** `batch`. */
  type: 'batch';
  /** 1-based epoch number. */
  epoch: number;
  /** Most epochs. */
  epochs: number;
  /** 1-based batch number within the epoch. */
  batch: number;
  /** Batches per epoch. */
  batches: number;
  /** Training rows processed so far in this epoch. */
  samples: number;
  /** Loss of this batch, when known. */
  loss?: number;
}

/** A non-epoch stage of a run (reading, encoding, evaluating). */
export interface StageEvent {
  /** `stage`. */
  type: 'stage';
  /** What is happening, e.g. `fitting preprocessing`. */
  stage: string;
  /** Rows processed so far, when counting. */
  rows?: number;
}

/** Progress events of `trainTabular`. */
export type TrainProgress = EpochEvent | BatchEvent | StageEvent;

/** Options of {@link createProgressReporter}. */
export interface ProgressReporterOptions {
  /** Where text goes (default: `process.stderr.write`). */
  write?: (text: string) => void;
  /** Redraw a progress line (default: `process.stderr.isTTY`). */
  isTTY?: boolean;
  /** Clock in milliseconds (default `performance.now`). */
  now?: () => number;
  /** Least milliseconds between two redraws on a TTY (default 100). */
  redrawMs?: number;
  /** Bar width in characters (default 24). */
  barWidth?: number;
}

/** A progress sink: pass `onProgress` to `trainTabular`, call `done()` after training. */
export interface ProgressReporter {
  /** Handles one progress event. */
  onProgress: (event: TrainProgress) => void;
  /** Ends the redrawn line (TTY) so following output starts on a fresh line. */
  done: () => void;
}

/** `1:05`, `1:02:03` from seconds. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

function formatLoss(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  return v.toPrecision(4);
}

function formatRate(v: number): string {
  return Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '-';
}

/** The plain one-line summary of an epoch (also the line kept on a TTY). */
export function formatEpochLine(e: EpochEvent): string {
  const width = String(e.epochs).length;
  return (
    `epoch ${String(e.epoch).padStart(width)}/${e.epochs}  loss ${formatLoss(e.loss)}  val_loss ${formatLoss(e.val_loss)}` +
    `  ${(e.ms / 1000).toFixed(2)}s  ${formatRate(e.samples_per_sec)} samples/s`
  );
}

/** Creates a progress reporter writing to stderr (or the injected writer). */
export function createProgressReporter(options: ProgressReporterOptions = {}): ProgressReporter {
  const write = options.write ?? ((text: string) => void process.stderr.write(text));
  const tty = options.isTTY ?? process.stderr.isTTY === true;
  const now = options.now ?? (() => performance.now());
  const redrawMs = options.redrawMs ?? 100;
  const barWidth = options.barWidth ?? 24;
  let epochStart = now();
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lineOpen = false;
  let epochTimes: number[] = [];
  let lastLoss: number | undefined;
  let lastVal: number | null = null;

  const draw = (e: BatchEvent) => {
    const t = now();
    if (t - lastDraw < redrawMs && e.batch < e.batches) return;
    lastDraw = t;
    const frac = e.batches > 0 ? e.batch / e.batches : 0;
    const filled = Math.round(frac * barWidth);
    const elapsed = (t - epochStart) / 1000;
    const perEpoch =
      epochTimes.length > 0
        ? epochTimes.reduce((a, b) => a + b, 0) / epochTimes.length / 1000
        : elapsed / Math.max(frac, 1e-9);
    const eta = perEpoch * (1 - frac) + perEpoch * (e.epochs - e.epoch);
    const rate = elapsed > 0 ? `${formatRate(e.samples / elapsed)} samples/s` : '';
    if (e.loss !== undefined) lastLoss = e.loss;
    const line =
      `epoch ${e.epoch}/${e.epochs} [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${Math.round(frac * 100)}%` +
      `  loss ${formatLoss(lastLoss)}  val_loss ${formatLoss(lastVal)}  ${rate}  ETA ${formatDuration(eta)}`;
    write(`\r\x1b[2K${line}`);
    lineOpen = true;
  };

  return {
    onProgress(event) {
      if (event.type === 'batch') {
        if (event.batch === 1) {
          epochStart = now();
          lastLoss = undefined;
        }
        if (tty) draw(event);
        return;
      }
      if (event.type === 'stage') {
        const rows = event.rows !== undefined ? ` (${event.rows.toLocaleString('en-US')} rows)` : '';
        if (tty) {
          write(`\r\x1b[2K${event.stage}${rows}`);
          lineOpen = true;
        } else if (event.rows === undefined) write(`${event.stage}\n`);
        return;
      }
      epochTimes = [...epochTimes.slice(-4), event.ms];
      lastVal = event.val_loss;
      const remaining = event.epochs - event.epoch;
      const eta = remaining > 0 ? `  ETA ${formatDuration((remaining * event.ms) / 1000)}` : '';
      if (tty) {
        write(`\r\x1b[2K${formatEpochLine(event)}${eta}\n`);
        lineOpen = false;
      } else {
        write(`${formatEpochLine(event)}\n`);
      }
      lastDraw = Number.NEGATIVE_INFINITY;
    },
    done() {
      if (tty && lineOpen) write('\n');
      lineOpen = false;
    },
  };
}
