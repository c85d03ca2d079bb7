/**
 * Whether a model's serving contract (its `signature.json`) changed between two versions: what the
 * release bump and the gate's schema-break rule look at.
 */
import type { ModelSignature } from '../train/saved-model.js';
import { sameValue } from './params-diff.js';

/** How two signatures differ. */
export interface SignatureChange {
  /** Whether the contract changed (any of the lists below is non-empty). */
  changed: boolean;
  /** Inputs only the candidate has. */
  addedInputs: string[];
  /** Inputs only the baseline has. */
  removedInputs: string[];
  /** Inputs whose type changed (numeric <-> categorical). */
  retypedInputs: { name: string; baseline: string; candidate: string }[];
  /** Output changes in words, e.g. `task: binary -> multiclass`, `classes: [a, b] -> [a, b, c]`. */
  output: string[];
}

/** No change. */
const NONE: SignatureChange = {
  changed: false,
  addedInputs: [],
  removedInputs: [],
  retypedInputs: [],
  output: [],
};

/**
 * Compares two signatures. A change is: an input added, removed or retyped (numeric <-> categorical);
 * the output's task, class list (names or order: the `proba` columns) or positive label (what `score`
 * means) changed. Not a change: category lists (they follow the data, and a value outside the list is
 * still accepted and scored as `__other__`, so a list growing or shrinking keeps the request contract),
 * nullability (missing values are always accepted), input order, the threshold, the label name.
 * When either side is null (no signature: first model, command mode) there is nothing to compare and
 * the result is "no change".
 */
export function compareSignatures(
  baseline: ModelSignature | null,
  candidate: ModelSignature | null,
): SignatureChange {
  if (!baseline || !candidate) return { ...NONE };
  const b = new Map(baseline.inputs.map((i) => [i.name, i]));
  const c = new Map(candidate.inputs.map((i) => [i.name, i]));
  const addedInputs = candidate.inputs.filter((i) => !b.has(i.name)).map((i) => i.name);
  const removedInputs = baseline.inputs.filter((i) => !c.has(i.name)).map((i) => i.name);
  const retypedInputs: SignatureChange['retypedInputs'] = [];
  for (const input of candidate.inputs) {
    const old = b.get(input.name);
    if (old && old.type !== input.type)
      retypedInputs.push({ name: input.name, baseline: old.type, candidate: input.type });
  }
  const output: string[] = [];
  const bo = baseline.output;
  const co = candidate.output;
  if (bo.task !== co.task) output.push(`task: ${bo.task} -> ${co.task}`);
  if (!sameValue(bo.classes ?? null, co.classes ?? null)) {
    output.push(`classes: [${(bo.classes ?? []).join(', ')}] -> [${(co.classes ?? []).join(', ')}]`);
  }
  if ((bo.positive_label ?? null) !== (co.positive_label ?? null)) {
    output.push(`positive_label: ${bo.positive_label ?? 'none'} -> ${co.positive_label ?? 'none'}`);
  }
  const changed = addedInputs.length + removedInputs.length + retypedInputs.length + output.length > 0;
  return { changed, addedInputs, removedInputs, retypedInputs, output };
}

/** Whether the signature changed (see {@link compareSignatures} for what counts). */
export function signatureChanged(baseline: ModelSignature | null, candidate: ModelSignature | null): boolean {
  return compareSignatures(baseline, candidate).changed;
}

/** The change in a few words: `inputs removed: a, b; retyped: c (numeric -> categorical); task: ...`. */
export function describeSignatureChange(change: SignatureChange): string {
  const parts: string[] = [];
  if (change.removedInputs.length > 0) parts.push(`inputs removed: ${change.removedInputs.join(', ')}`);
  if (change.retypedInputs.length > 0) {
    parts.push(
      `inputs retyped: ${change.retypedInputs.map((r) => `${r.name} (${r.baseline} -> ${r.candidate})`).join(', ')}`,
    );
  }
  if (change.addedInputs.length > 0) parts.push(`inputs added: ${change.addedInputs.join(', ')}`);
  parts.push(...change.output);
  return parts.join('; ');
}
