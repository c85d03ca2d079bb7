/**
 * Command mode: runs any training command (PyTorch, scikit-learn, ...) as a child process, streams
 * its log to the console and to a log file, times it, enforces a timeout and captures how it ended.
 * The command learns where to write through MODELGATE_* environment variables.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** What a command run needs. */
export interface CommandRunOptions {
  /** The shell command line. */
  command: string;
  /** Working directory. */
  cwd: string;
  /** Extra environment variables (merged over the current environment). */
  env: Record<string, string>;
  /** Output folder; the log is written to `<outDir>/<logName>`. */
  outDir: string;
  /** Log file name inside outDir (default `train.log`). */
  logName?: string;
  /** Kill the command after this many milliseconds. */
  timeoutMs: number;
  /** Receives every output line (stdout and stderr interleaved as they arrive). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Aborts the command (SIGTERM, then SIGKILL after 5 s). */
  signal?: AbortSignal;
}

/** How a command ended. */
export interface CommandResult {
  /** Exit code, or null when killed by a signal. */
  exitCode: number | null;
  /** The signal that ended it, if any. */
  signal: string | null;
  /** Whether modelgate killed it for exceeding the timeout. */
  timedOut: boolean;
  /** Wall time in milliseconds. */
  durationMs: number;
  /** The log file's path. */
  logPath: string;
  /** The last lines of output (for error messages). */
  tail: string[];
}

/**
 * Runs the command in its own process group (so a timeout kills its children too) and resolves when
 * it exits. Never rejects for a failing command: the result says how it ended.
 */
export async function runCommand(options: CommandRunOptions): Promise<CommandResult> {
  await mkdir(options.outDir, { recursive: true });
  const logPath = join(options.outDir, options.logName ?? 'train.log');
  const log = createWriteStream(logPath);
  const started = performance.now();
  const tail: string[] = [];
  const child = spawn(options.command, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    shell: true,
    detached: process.platform !== 'win32',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const kill = (sig: NodeJS.Signals) => {
    if (child.pid === undefined || child.exitCode !== null) return;
    try {
      if (process.platform !== 'win32') process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch {
      // already gone
    }
  };
  let timedOut = false;
  let hardKill: NodeJS.Timeout | undefined;
  const stop = () => {
    kill('SIGTERM');
    hardKill = setTimeout(() => kill('SIGKILL'), 5000);
    hardKill.unref();
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, options.timeoutMs);
  timer.unref();
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted) stop();

  const pipe = (stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr') => {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      log.write(chunk);
      const parts = (partial + chunk).split(/\r?\n/);
      partial = parts.pop() ?? '';
      for (const line of parts) emit(line, name);
    });
    stream.on('end', () => {
      if (partial) emit(partial, name);
      partial = '';
    });
  };
  const emit = (line: string, name: 'stdout' | 'stderr') => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
    options.onLine?.(line, name);
  };
  pipe(child.stdout!, 'stdout');
  pipe(child.stderr!, 'stderr');

  const { code, sig } = await new Promise<{ code: number | null; sig: string | null }>((resolve) => {
    child.on('error', (e) => {
      log.write(`\n[modelgate] could not start the command: ${e.message}\n`);
      emit(`[modelgate] could not start the command: ${e.message}`, 'stderr');
      resolve({ code: 127, sig: null });
    });
    child.on('close', (c, s) => resolve({ code: c, sig: s }));
  });
  clearTimeout(timer);
  if (hardKill) clearTimeout(hardKill);
  options.signal?.removeEventListener('abort', stop);
  await new Promise<void>((resolve) => log.end(resolve));
  return { exitCode: code, signal: sig, timedOut, durationMs: performance.now() - started, logPath, tail };
}
