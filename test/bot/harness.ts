/**
 * Harness of the App's HTTP tests: the kit (`app-kit.ts`) with its temporary folders removed when
 * the test file finishes.
 */
import { afterAll } from 'vitest';
import { removeTempDirs } from './app-kit.js';

export * from './app-kit.js';

afterAll(removeTempDirs);
