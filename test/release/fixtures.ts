/**
 * A real run folder for the release and GitHub-registry tests: a tiny repository (300 risk rows,
 * a 1-epoch tfjs model on the wasm backend) trained once per test file with `runTraining`, and
 * cheap copies of its run folder with another run id (what a second merge would release).
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { RunRecordSchema } from '../../src/config/run-record.js';
import { writeRows } from '../../src/data/write-rows.js';
import { RISK_COLUMNS, riskRows } from '../../src/demo/risk-data.js';
import type { Forge, ForgeAsset, ForgeRelease } from '../../src/forge/forge.js';
import { runTraining } from '../../src/runs/run-training.js';

/** A trained tiny repository. */
export interface TrainedRepo {
  /** The repository root (has `.git/`, `.github/modelgate.yml`, `data/`, `models/risk/`). */
  root: string;
  /** The trained run folder, inside the repository. */
  runDir: string;
}

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

/** A fresh temporary folder removed after the test file. */
export async function tempDir(prefix = 'modelgate-release-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  roots.push(dir);
  return dir;
}

let trained: Promise<TrainedRepo> | null = null;

/** Trains the tiny repository's model once (memoised per test file). `bump` goes into modelgate.yml. */
export function trainedRepo(): Promise<TrainedRepo> {
  trained ??= (async () => {
    const root = await tempDir('modelgate-release-repo-');
    await mkdir(join(root, '.git'), { recursive: true });
    await mkdir(join(root, '.github'), { recursive: true });
    await writeFile(
      join(root, '.github', 'modelgate.yml'),
      'models:\n  - name: risk\n    path: models/risk\n',
    );
    await writeRows(join(root, 'data', 'train.csv'), riskRows({ rows: 300, seed: 11 }), RISK_COLUMNS);
    await writeRows(
      join(root, 'data', 'eval.csv'),
      riskRows({ rows: 120, seed: 12, firstId: 900000 }),
      RISK_COLUMNS,
    );
    await mkdir(join(root, 'models', 'risk'), { recursive: true });
    await writeFile(
      join(root, 'models', 'risk', 'model.yml'),
      [
        'name: risk',
        'task: binary',
        'threshold: 0.3',
        'data:',
        '  train: ../../data/train.csv',
        '  eval: ../../data/eval.csv',
        '  label: claim',
        '  id: policy_id',
        '  features:',
        '    - { name: age, type: numeric }',
        '    - { name: region, type: categorical }',
        '    - { name: vehicle_type, type: categorical }',
        '    - { name: prior_claims, type: numeric }',
        'trainer:',
        '  hidden: [4]',
        '  batch_size: 64',
        '  epochs: 1',
        '  backend: wasm',
        '  importance: { enabled: false }',
        '',
      ].join('\n'),
    );
    await writeFile(
      join(root, 'models', 'risk', 'data.contract.yml'),
      [
        'version: 1',
        'columns:',
        '  age: { type: number, nullable: false, min: 18, max: 100 }',
        '  region: { type: categorical, nullable: false, categories: [coastal, rural, suburban, urban] }',
        '',
      ].join('\n'),
    );
    const outcome = await runTraining({
      modelFile: join(root, 'models', 'risk', 'model.yml'),
      outDir: join(root, '.modelgate', 'runs', 'base'),
      cwd: root,
      backend: 'wasm',
      log: () => {},
      isTTY: false,
      write: () => {},
      env: {},
    });
    return { root, runDir: outcome.dir };
  })();
  return trained;
}

/** Copies the trained run folder to `.modelgate/runs/<name>` with run id `<model>-<name>`. */
export async function cloneRun(repo: TrainedRepo, name: string): Promise<string> {
  const dir = join(repo.root, '.modelgate', 'runs', name);
  await cp(repo.runDir, dir, { recursive: true });
  const file = join(dir, 'run.json');
  const run = RunRecordSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  await writeFile(file, `${JSON.stringify({ ...run, id: `risk-${name}` }, null, 2)}\n`);
  return dir;
}

/** A commit SHA made of one hex digit. */
export const sha = (digit: string): string => digit.repeat(40);

/**
 * A Forge wrapper whose `failUpload` decides, per upload call (1-based count), whether to throw
 * instead of uploading. Everything else is the wrapped forge.
 */
export function failingUploads(forge: Forge, failUpload: (call: number, name: string) => boolean): Forge {
  let calls = 0;
  return new Proxy(forge, {
    get(target, prop, receiver) {
      if (prop === 'uploadReleaseAsset') {
        return async (
          release: ForgeRelease,
          name: string,
          data: Uint8Array,
          type: string,
        ): Promise<ForgeAsset> => {
          calls++;
          if (failUpload(calls, name)) throw new Error(`connection reset while uploading ${name}`);
          return target.uploadReleaseAsset(release, name, data, type);
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
