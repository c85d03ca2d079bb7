import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import type { CliIo } from '../../src/cli/args.js';
import { main } from '../../src/cli.js';

/** The repository root (for the example and the schemas). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Fixtures of the CLI and command-mode tests. */
export const FIXTURES = fileURLToPath(new URL('../fixtures/cli/', import.meta.url));

/** A fresh temporary folder, removed when the test file finishes. */
export async function tempDir(prefix = 'modelgate-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}
const created: string[] = [];
afterAll(async () => {
  await Promise.all(created.map((d) => rm(d, { recursive: true, force: true })));
});

/** What a CLI invocation printed and returned. */
export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** A capturing io rooted at `cwd`. */
export function captureIo(cwd: string): CliIo & { text: { out: string; err: string } } {
  const text = { out: '', err: '' };
  return {
    text,
    out: (t) => {
      text.out += t;
    },
    err: (t) => {
      text.err += t;
    },
    isTTY: false,
    env: {},
    cwd,
  };
}

/** Runs `modelgate <argv>` in-process with a capturing io. */
export async function cli(argv: string[], cwd: string): Promise<CliResult> {
  const io = captureIo(cwd);
  const code = await main(argv, io);
  return { code, out: io.text.out, err: io.text.err };
}

/** True when the text holds a stack trace line. */
export function hasStack(text: string): boolean {
  return /^\s+at /m.test(text);
}
