/** Environment differences between two runs (where they ran, on what). */
import type { RunRecord } from '../config/run-record.js';
import type { EnvironmentChange } from './types.js';

/** The environment fields compared, in report order. `runner` is informational (runners are pools). */
export const ENVIRONMENT_FIELDS = ['backend', 'gpu', 'node', 'modelgate', 'os', 'arch', 'runner'] as const;

function fieldValue(
  env: RunRecord['environment'],
  field: (typeof ENVIRONMENT_FIELDS)[number],
): string | null {
  if (field === 'gpu') return env.gpu?.name ?? null;
  return env[field] ?? null;
}

/** The fields of {@link ENVIRONMENT_FIELDS} that differ (`gpu` compared by name; no GPU is null). No baseline: `[]`. */
export function environmentDiff(baseline: RunRecord | null, candidate: RunRecord): EnvironmentChange[] {
  if (baseline === null) return [];
  const out: EnvironmentChange[] = [];
  for (const field of ENVIRONMENT_FIELDS) {
    const b = fieldValue(baseline.environment, field);
    const c = fieldValue(candidate.environment, field);
    if (b !== c) out.push({ field, baseline: b, candidate: c });
  }
  return out;
}
