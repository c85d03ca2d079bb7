/**
 * How the bundled actions load TensorFlow.js. The build (scripts/build-actions.ts) routes the tfjs
 * backend selection's dynamic `import(specifier)` (src/train/backend.ts) here:
 *
 * - `@tensorflow/tfjs` and `@tensorflow/tfjs-backend-wasm` are bundled (literal imports below, so
 *   the bundler includes them, evaluated only when first used); the wasm binaries are copied next to
 *   the bundle and the wasm backend is pointed at them with `setWasmPaths`.
 * - The native packages (`@tensorflow/tfjs-node`, `@tensorflow/tfjs-node-gpu`) are never bundled:
 *   they are resolved from the workspace's own `node_modules` (a GPU runner's repository installs
 *   them with `npm ci`), else from the action's folder upwards; missing, they fail with Node's
 *   `ERR_MODULE_NOT_FOUND`, which the backend selection reads as "not installed".
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The wasm binary names the wasm backend may ask for. */
export const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

/**
 * The folder holding the wasm binaries next to this module (the bundle's `dist/`), or null when they
 * are not there (running from source, where the package's own folder is used).
 */
export function bundledWasmDir(moduleUrl: string = import.meta.url): string | null {
  const dir = dirname(fileURLToPath(moduleUrl));
  return WASM_FILES.every((f) => existsSync(join(dir, f))) ? `${dir}/` : null;
}

/**
 * Resolves a package from a folder's `node_modules` (walking up), or null when it is not installed
 * there. Used for the native tfjs packages, looked up from the workspace first.
 */
export function resolveFrom(dir: string, specifier: string): string | null {
  try {
    return createRequire(join(dir, 'package.json')).resolve(specifier);
  } catch {
    return null;
  }
}

/** Loads a module the backend selection asks for (see the module comment). */
export async function importModule(specifier: string): Promise<unknown> {
  if (specifier === '@tensorflow/tfjs') return import('@tensorflow/tfjs');
  if (specifier === '@tensorflow/tfjs-backend-wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dir = bundledWasmDir();
    if (dir) wasm.setWasmPaths(dir);
    return wasm;
  }
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const resolved = resolveFrom(workspace, specifier);
  if (resolved) return import(pathToFileURL(resolved).href);
  return import(specifier);
}
