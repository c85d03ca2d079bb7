import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type RunRecord, RunRecordSchema } from '../../src/config/run-record.js';

/** A minimal valid run.json, written by hand (no training), with overrides. */
export function makeRunRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return RunRecordSchema.parse({
    schema_version: 1,
    id: 'risk-20240101T000000Z-abcd',
    model: 'risk',
    task: 'binary',
    mode: 'tfjs',
    status: 'succeeded',
    created_at: '2024-01-01T00:00:00.000Z',
    git: { sha: 'a'.repeat(40), branch: 'main', dirty: false },
    params: { seed: 42 },
    data: {},
    metrics: { overall: { roc_auc: 0.81, log_loss: 0.42, ece: null } },
    environment: {
      runner: 'test',
      os: 'linux',
      arch: 'x64',
      cpus: 2,
      node: 'v20.0.0',
      modelgate: '0.1.0',
      backend: 'cpu',
      gpu: null,
    },
    timings: { total_ms: 1234 },
    artifacts: { model: 'model' },
    ...overrides,
  });
}

/** Writes a run folder (run.json + a model/ file) and returns its path. */
export async function writeRunFolder(dir: string, overrides: Partial<RunRecord> = {}): Promise<string> {
  await mkdir(join(dir, 'model'), { recursive: true });
  await writeFile(join(dir, 'model', 'model.json'), '{"format":"layers-model"}\n');
  await writeFile(join(dir, 'run.json'), `${JSON.stringify(makeRunRecord(overrides), null, 2)}\n`);
  return dir;
}
