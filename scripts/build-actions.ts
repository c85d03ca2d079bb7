/**
 * Bundles each action (`actions/<name>/main.ts`) into `actions/<name>/dist/index.js` with esbuild
 * (`npm run build:actions`): one ESM file for Node (target node20, run by the runner's node24), with a
 * banner giving bundled CommonJS code `require`, `__filename` and `__dirname`; minified, legal
 * comments in `index.js.LEGAL.txt`, no source maps and no timestamps, so a rebuild is byte-identical
 * (CI rebuilds and compares with what is committed).
 *
 * Next to the bundle: `package.json` (`{"type":"module"}`), the tfjs wasm binaries when the bundle
 * contains the wasm backend (found there by src/actions/module-importer.ts), and
 * `model-card-templates/` when it renders model cards. The native tfjs packages are never bundled.
 * A dist/ over 15 MB fails the build.
 *
 * Usage: tsx scripts/build-actions.ts [name...]   (default: every actions/<name>/main.ts)
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { WASM_FILES } from '../src/actions/module-importer.js';

/** The repository root (this script's parent folder). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The largest a dist/ folder may be. */
export const MAX_DIST_BYTES = 15 * 1024 * 1024;

/** Packages never bundled: native add-ons loaded at run time only when installed. */
export const EXTERNAL = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

/** Gives bundled CommonJS code what Node gives CommonJS modules (esbuild's ESM output lacks them). */
export const BANNER = [
  "import { createRequire as __mgCreateRequire } from 'node:module';",
  "import { fileURLToPath as __mgFileURLToPath } from 'node:url';",
  "import { dirname as __mgDirname } from 'node:path';",
  'const require = __mgCreateRequire(import.meta.url);',
  'const __filename = __mgFileURLToPath(import.meta.url);',
  'const __dirname = __mgDirname(__filename);',
].join('\n');

/** One built action. */
export interface BuiltAction {
  name: string;
  /** The dist/ folder written. */
  dist: string;
  /** Size of index.js and of the whole dist/ folder, in bytes. */
  bundleBytes: number;
  distBytes: number;
  /** Files of dist/, relative to it, sorted. */
  files: string[];
}

/** The actions with a `main.ts`, sorted. */
export async function actionNames(root: string = ROOT): Promise<string[]> {
  const dir = join(root, 'actions');
  if (!existsSync(dir)) return [];
  const names: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory() && existsSync(join(dir, e.name, 'main.ts'))) names.push(e.name);
  }
  return names.sort();
}

/**
 * Routes the tfjs backend selection's `import(specifier)` (src/train/backend.ts) to
 * src/actions/module-importer.ts, which bundles tfjs and its wasm backend and resolves the native
 * packages from the workspace. Fails the build if backend.ts no longer has exactly one such call.
 */
export function tfjsImporterPlugin(root: string): Plugin {
  const backend = join(root, 'src', 'train', 'backend.ts');
  const importer = join(root, 'src', 'actions', 'module-importer.ts').split(sep).join('/');
  return {
    name: 'modelgate-tfjs-importer',
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/]train[\\/]backend\.ts$/ }, async (args) => {
        if (resolve(args.path) !== backend) return undefined;
        const text = await readFile(args.path, 'utf8');
        const calls = text.split('import(specifier)').length - 1;
        if (calls !== 1) {
          return {
            errors: [
              {
                text: `expected exactly one \`import(specifier)\` in src/train/backend.ts (found ${calls}); update scripts/build-actions.ts`,
              },
            ],
          };
        }
        const contents = `import { importModule as __mgImportModule } from ${JSON.stringify(importer)};\n${text.replace(
          'import(specifier)',
          '__mgImportModule(specifier)',
        )}`;
        return { contents, loader: 'ts' };
      });
    },
  };
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  await walk(dir);
  return out.sort();
}

/**
 * Builds one action into `<outRoot>/actions/<name>/dist` (outRoot defaults to the repository, so
 * the committed dist/ is replaced; the freshness test builds into a temporary folder).
 */
export async function buildAction(
  name: string,
  options: { root?: string; outRoot?: string } = {},
): Promise<BuiltAction> {
  const root = options.root ?? ROOT;
  const dist = join(options.outRoot ?? root, 'actions', name, 'dist');
  // Built beside dist/ and swapped in at the end, so dist/ is never half-written (a test or a
  // runner reading it meanwhile sees the old bundle), and a failed build leaves it as it was.
  const work = `${dist}.building-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    return await buildInto(name, root, work, dist);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function buildInto(name: string, root: string, work: string, dist: string): Promise<BuiltAction> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(root, 'actions', name, 'main.ts')],
    outfile: join(work, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    banner: { js: BANNER },
    external: EXTERNAL,
    minify: true,
    legalComments: 'external',
    sourcemap: false,
    metafile: true,
    charset: 'utf8',
    logLevel: 'error',
    plugins: [tfjsImporterPlugin(root)],
  });
  // The modules that made it into the bundle (tree-shaken ones have no bytes in the output).
  const bundled = Object.values(result.metafile.outputs).flatMap((o) =>
    Object.entries(o.inputs)
      .filter(([, v]) => v.bytesInOutput > 0)
      .map(([p]) => p.split(sep).join('/')),
  );
  const inputs = [...new Set(bundled)];
  if (inputs.some((p) => p.includes('node_modules/@tensorflow/tfjs-backend-wasm/'))) {
    const from = dirname(createRequire(join(root, 'package.json')).resolve('@tensorflow/tfjs-backend-wasm'));
    for (const f of WASM_FILES) await cp(join(from, f), join(work, f));
  }
  if (inputs.some((p) => p.endsWith('src/card/templates.ts'))) {
    await cp(join(root, 'model-card-templates'), join(work, 'model-card-templates'), { recursive: true });
  }
  await writeFile(join(work, 'package.json'), `${JSON.stringify({ type: 'module' }, null, 2)}\n`);
  const files = await listFiles(work);
  let distBytes = 0;
  for (const f of files) distBytes += (await stat(join(work, f))).size;
  const bundleBytes = (await stat(join(work, 'index.js'))).size;
  if (distBytes > MAX_DIST_BYTES) {
    throw new Error(
      `actions/${name}/dist is ${(distBytes / 2 ** 20).toFixed(1)} MB, over the ${MAX_DIST_BYTES / 2 ** 20} MB limit`,
    );
  }
  const old = `${dist}.old-${process.pid}`;
  await rm(old, { recursive: true, force: true });
  if (existsSync(dist)) await rename(dist, old);
  await rename(work, dist);
  await rm(old, { recursive: true, force: true });
  return { name, dist, bundleBytes, distBytes, files };
}

/** Builds the named actions (default: all), in order. */
export async function buildActions(
  options: { root?: string; outRoot?: string; names?: string[] } = {},
): Promise<BuiltAction[]> {
  const root = options.root ?? ROOT;
  const names = options.names && options.names.length > 0 ? options.names : await actionNames(root);
  // esbuild works on its own threads: the builds run side by side.
  return Promise.all(
    names.map((name) =>
      buildAction(name, { root, ...(options.outRoot ? { outRoot: options.outRoot } : {}) }),
    ),
  );
}

const mb = (n: number) => `${(n / 2 ** 20).toFixed(2)} MB`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  try {
    const built = await buildActions({ names: process.argv.slice(2) });
    for (const b of built) {
      console.log(
        `actions/${b.name}/dist: index.js ${mb(b.bundleBytes)}, dist ${mb(b.distBytes)} (${b.files.length} files)`,
      );
    }
    console.log(`built ${built.length} actions in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  }
}
