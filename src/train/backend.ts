/**
 * TensorFlow.js backend selection. `auto` prefers `@tensorflow/tfjs-node-gpu` (CUDA) >
 * `@tensorflow/tfjs-node` > `@tensorflow/tfjs-backend-wasm` > the pure-JS cpu backend, by what is
 * installed. The native packages download libtensorflow at install time, so they are optional:
 * they are never imported statically, only loaded with a dynamic `import()` when present, and
 * their own `tf` namespace (the one the import returns) is the one used. On wasm, kernel fixes
 * are registered once (see `wasm-kernels.ts`: embedding gradients, fast transposed matmul).
 */
import { execFile } from 'node:child_process';
import type * as Tfjs from '@tensorflow/tfjs';
import { TrainError } from '../errors.js';
import { registerFallbackKernels } from './wasm-kernels.js';

/** The TensorFlow.js namespace (`@tensorflow/tfjs` or a native package re-exporting it). */
export type Tf = typeof Tfjs;

/** A backend as requested in model.yml (`trainer.backend`). */
export type BackendRequest = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** A concrete backend. */
export type BackendName = Exclude<BackendRequest, 'auto'>;

/** A ready backend: its name, the tf namespace to use with it, and the GPU it runs on (if any). */
export interface Backend {
  /** Which backend is active. */
  name: BackendName;
  /** The tf namespace to build and run models with. */
  tf: Tf;
  /** GPU description (`name, memory, driver`) when the backend runs on a GPU. */
  gpu?: string;
}

/** A GPU as reported by `nvidia-smi`. */
export interface GpuInfo {
  /** Marketing name, e.g. `NVIDIA H100 80GB HBM3`. */
  name: string;
  /** Total memory in MiB (NaN when not reported). */
  memoryMiB: number;
  /** Driver version. */
  driver: string;
}

/** Loads a module by name; injectable so tests can simulate missing packages. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

/** Options of {@link selectBackend}. */
export interface SelectBackendOptions {
  /** Module loader (default: dynamic `import()`, cached per specifier). */
  importer?: ModuleImporter;
  /** GPU probe (default: {@link detectGpu}). */
  detectGpu?: () => Promise<GpuInfo | null>;
}

const PACKAGES = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs',
} as const satisfies Record<BackendName, string>;

const INSTALL_HINT: Record<BackendName, string> = {
  'tensorflow-gpu':
    'install it with `npm install @tensorflow/tfjs-node-gpu` on a Linux x64 machine with CUDA and cuDNN ' +
    '(it downloads libtensorflow at install time, so the machine needs internet access then)',
  tensorflow:
    'install it with `npm install @tensorflow/tfjs-node` (it downloads libtensorflow at install time, ' +
    'so the machine needs internet access then)',
  wasm: 'install it with `npm install @tensorflow/tfjs-backend-wasm` (same version as @tensorflow/tfjs)',
  cpu: 'install it with `npm install @tensorflow/tfjs`',
};

const loaded = new Map<string, Promise<unknown>>();

/** Dynamic `import()` of a specifier, cached so each module is loaded once per process. */
const defaultImporter: ModuleImporter = (specifier) => {
  let pending = loaded.get(specifier);
  if (!pending) {
    pending = import(specifier);
    // A failed import is not cached: a later call may try again (e.g. after an install).
    pending.catch(() => loaded.delete(specifier));
    loaded.set(specifier, pending);
  }
  return pending;
};

function isModuleNotFound(err: unknown, specifier: string): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e) return false;
  if (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') {
    return typeof e.message === 'string' ? e.message.includes(specifier) : true;
  }
  return false;
}

function namespaceOf(mod: unknown): Tf {
  const m = mod as Partial<Tf> & { default?: Partial<Tf> };
  if (typeof m.setBackend === 'function') return m as Tf;
  if (m.default && typeof m.default.setBackend === 'function') return m.default as Tf;
  throw new TrainError(
    'the loaded TensorFlow.js module does not expose the tf namespace (setBackend missing)',
  );
}

async function activate(tf: Tf, name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tf.setBackend('${name}') returned false`);
  await tf.ready();
  if (name === 'wasm') registerFallbackKernels(tf, name);
  // The cpu backend prints a "install tfjs-node" banner on first use in Node; the choice is ours.
  if (name === 'cpu') (tf.backend() as { firstUse?: boolean }).firstUse = false;
}

async function load(name: BackendName, importer: ModuleImporter): Promise<Tf> {
  const specifier = PACKAGES[name];
  let tf: Tf;
  try {
    if (name === 'wasm') {
      tf = namespaceOf(await importer('@tensorflow/tfjs'));
      await importer(specifier); // registers the 'wasm' backend with the shared tfjs-core
    } else {
      tf = namespaceOf(await importer(specifier));
    }
  } catch (err) {
    if (err instanceof TrainError) throw err;
    if (isModuleNotFound(err, specifier) || isModuleNotFound(err, '@tensorflow/tfjs')) {
      throw new TrainError(
        `backend "${name}" needs the package ${specifier}, which is not installed: ${INSTALL_HINT[name]}`,
        {
          cause: err,
        },
      );
    }
    throw new TrainError(
      `backend "${name}": loading ${specifier} failed: ${(err as Error)?.message ?? String(err)}`,
      {
        cause: err,
      },
    );
  }
  const tfName = name === 'tensorflow-gpu' ? 'tensorflow' : name;
  try {
    await activate(tf, tfName);
  } catch (err) {
    throw new TrainError(
      `backend "${name}": ${specifier} is installed but the backend failed to initialise: ${(err as Error)?.message ?? String(err)}`,
      { cause: err },
    );
  }
  return tf;
}

/**
 * Loads and activates a TensorFlow.js backend. `auto` tries tfjs-node-gpu, tfjs-node, wasm and
 * cpu in that order and uses the first that loads; a forced backend that is not installed (or
 * fails to start) is a {@link TrainError} that says how to install it. For `tensorflow-gpu` the
 * GPU found by {@link detectGpu} is recorded in `gpu`.
 */
export async function selectBackend(
  requested: BackendRequest = 'auto',
  options: SelectBackendOptions = {},
): Promise<Backend> {
  const importer = options.importer ?? defaultImporter;
  const probe = options.detectGpu ?? detectGpu;
  const order: BackendName[] =
    requested === 'auto' ? ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] : [requested];
  const failures: string[] = [];
  for (const name of order) {
    let tf: Tf;
    try {
      tf = await load(name, importer);
    } catch (err) {
      if (requested !== 'auto') throw err;
      failures.push((err as Error).message);
      continue;
    }
    const backend: Backend = { name, tf };
    if (name === 'tensorflow-gpu') {
      const gpu = await probe();
      if (gpu) backend.gpu = formatGpu(gpu);
    }
    return backend;
  }
  throw new TrainError(`no TensorFlow.js backend could be loaded:\n  ${failures.join('\n  ')}`);
}

/** `NVIDIA H100 80GB HBM3, 81559 MiB, driver 550.54.15`. */
export function formatGpu(gpu: GpuInfo): string {
  const memory = Number.isFinite(gpu.memoryMiB) ? `, ${gpu.memoryMiB} MiB` : '';
  return `${gpu.name}${memory}${gpu.driver ? `, driver ${gpu.driver}` : ''}`;
}

/** Runs a command and resolves its stdout; injectable for tests. */
export type CommandRunner = (command: string, args: string[], timeoutMs: number) => Promise<string>;

const runCommand: CommandRunner = (command, args, timeoutMs) =>
  new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, windowsHide: true }, (err, stdout) => {
      if (err) reject(err);
      else resolve(String(stdout));
    });
  });

/** Parses the first line of `nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader`. */
export function parseNvidiaSmi(stdout: string): GpuInfo | null {
  const line = stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  if (!line) return null;
  const parts = line.split(',').map((p) => p.trim());
  const name = parts[0];
  if (!name) return null;
  const memoryMiB = Number.parseFloat((parts[1] ?? '').replace(/[^0-9.]/g, ''));
  return { name, memoryMiB: Number.isFinite(memoryMiB) ? memoryMiB : Number.NaN, driver: parts[2] ?? '' };
}

/**
 * Probes the first NVIDIA GPU with `nvidia-smi` (when the binary exists). Never throws: a missing
 * binary, a timeout or unparsable output give `null`.
 */
export async function detectGpu(
  options: { run?: CommandRunner; timeoutMs?: number } = {},
): Promise<GpuInfo | null> {
  const run = options.run ?? runCommand;
  try {
    const stdout = await run(
      'nvidia-smi',
      ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader'],
      options.timeoutMs ?? 5000,
    );
    return parseNvidiaSmi(stdout);
  } catch {
    return null;
  }
}
