/** Dataset differences between two runs (train and eval): content hash, rows, schema. */
import type { RunRecord } from '../config/run-record.js';
import type { ColumnSchema } from '../data/types.js';
import type { DataDelta, SchemaChange } from './types.js';

type Fingerprint = NonNullable<RunRecord['data']['train']>;

/** Columns added, removed, or with another type or nullability (matched by name). */
export function schemaChange(
  baseline: readonly ColumnSchema[],
  candidate: readonly ColumnSchema[],
): SchemaChange {
  const byName = new Map(baseline.map((c) => [c.name, c]));
  const candNames = new Set(candidate.map((c) => c.name));
  const change: SchemaChange = { added: [], removed: [], changed: [] };
  for (const c of candidate) {
    const b = byName.get(c.name);
    if (!b) change.added.push({ ...c });
    else if (b.type !== c.type || b.nullable !== c.nullable) {
      change.changed.push({ name: c.name, baseline: { ...b }, candidate: { ...c } });
    }
  }
  for (const b of baseline) if (!candNames.has(b.name)) change.removed.push({ ...b });
  return change;
}

function side(fp: Fingerprint | undefined) {
  return fp ? { path: fp.path, hash: fp.hash, rows: fp.rows } : null;
}

/**
 * One entry per split (`train`, `eval`) that either run recorded: `changed` when the hashes differ or
 * one side is missing, the row delta, and the schema change (empty when a side is missing: a split
 * that appears or disappears is not a column-level change). No baseline: `[]`.
 */
export function dataDiff(baseline: RunRecord | null, candidate: RunRecord): DataDelta[] {
  if (baseline === null) return [];
  const out: DataDelta[] = [];
  for (const split of ['train', 'eval'] as const) {
    const b = baseline.data[split];
    const c = candidate.data[split];
    if (!b && !c) continue;
    out.push({
      split,
      changed: !b || !c || b.hash !== c.hash,
      baseline: side(b),
      candidate: side(c),
      rowsDelta: b && c ? c.rows - b.rows : null,
      schema: b && c ? schemaChange(b.schema, c.schema) : { added: [], removed: [], changed: [] },
    });
  }
  return out;
}

/** Whether a data delta has any schema change. */
export function hasSchemaChange(d: DataDelta): boolean {
  return d.schema.added.length + d.schema.removed.length + d.schema.changed.length > 0;
}
