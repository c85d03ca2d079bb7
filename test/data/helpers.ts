/**
 * Test helpers: a fresh temporary folder per test file, and collecting a reader's rows.
 */

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import type { Row } from '../../src/data/index.js';

/** The committed data fixtures folder. */
export const FIXTURES = fileURLToPath(new URL('../fixtures/data/', import.meta.url));

/** Registers a temporary folder for the calling test file; returns a function making paths in it. */
export function useTempDir(): {
  path: (name: string) => string;
  write: (name: string, content: string | Buffer) => Promise<string>;
} {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modelgate-data-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const path = (name: string): string => join(dir, name);
  const write = async (name: string, content: string | Buffer): Promise<string> => {
    const p = path(name);
    await writeFile(p, content);
    return p;
  };
  return { path, write };
}

/** All rows of an async iterable. */
export async function collect<T = Row>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

/** The error a promise rejects with (fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}
