/** The environment a run executed in (runner, OS, CPU, Node, backend, GPU), for run.json. */

import { createRequire } from 'node:module';
import { cpus, hostname } from 'node:os';

/** The environment section of run.json. */
export interface RunEnvironment {
  runner: string | null;
  os: string;
  arch: string;
  cpus: number;
  cpu_model?: string;
  node: string;
  modelgate: string;
  backend: string | null;
  gpu: { name: string; memoryMiB?: number; driver?: string } | null;
}

/** modelgate's own version, from package.json. */
export function modelgateVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    for (const p of ['../../package.json', '../../../package.json']) {
      try {
        const pkg = require(p) as { name?: string; version?: string };
        if (pkg.name === 'modelgate' && pkg.version) return pkg.version;
      } catch {
        // try the next candidate (source vs compiled layout)
      }
    }
  } catch {
    // fall through
  }
  return 'unknown';
}

/** Describes the current machine; `backend` and `gpu` come from the trainer or the GPU probe. */
export function describeEnvironment(
  backend: string | null,
  gpu: RunEnvironment['gpu'],
  env: NodeJS.ProcessEnv = process.env,
): RunEnvironment {
  const cpuList = cpus();
  return {
    runner: env.RUNNER_NAME || hostname() || null,
    os: `${process.platform}`,
    arch: process.arch,
    cpus: cpuList.length,
    ...(cpuList[0]?.model ? { cpu_model: cpuList[0].model.trim() } : {}),
    node: process.version,
    modelgate: modelgateVersion(),
    backend,
    gpu,
  };
}
