/** The semantic-version bump of a release: pull-request labels, the model's config, the signature. */
import type { BumpDecision } from './types.js';

type Bump = BumpDecision['bump'];

const RANK: Record<Bump, number> = { patch: 0, minor: 1, major: 2 };

/** The bump a label asks for: `model:major`, `model:minor`, `model:patch` (case and spaces ignored); else null. */
export function bumpFromLabel(label: string): Bump | null {
  const m = /^model:(major|minor|patch)$/.exec(label.trim().toLowerCase());
  return m ? (m[1] as Bump) : null;
}

/**
 * Decides the bump, in order of precedence:
 * 1. a signature change forces `major` (reason `signature changed`, naming any label it overrides);
 * 2. a `model:major|minor|patch` label (the largest when several are set): reason `label model:<bump>`;
 * 3. the model's configured `bump`: reason `config bump: <bump>`;
 * 4. `minor`: reason `default`.
 */
export function decideBump(input: {
  labels?: readonly string[];
  configBump?: Bump;
  signatureChanged?: boolean;
}): BumpDecision {
  let fromLabel: Bump | null = null;
  for (const label of input.labels ?? []) {
    const b = bumpFromLabel(label);
    if (b && (fromLabel === null || RANK[b] > RANK[fromLabel])) fromLabel = b;
  }
  if (input.signatureChanged) {
    const over = fromLabel && fromLabel !== 'major' ? ` (overrides label model:${fromLabel})` : '';
    return { bump: 'major', reason: `signature changed${over}` };
  }
  if (fromLabel) return { bump: fromLabel, reason: `label model:${fromLabel}` };
  if (input.configBump) return { bump: input.configBump, reason: `config bump: ${input.configBump}` };
  return { bump: 'minor', reason: 'default' };
}
