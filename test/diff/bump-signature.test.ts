import { describe, expect, it } from 'vitest';
import { bumpFromLabel, compareSignatures, decideBump, signatureChanged } from '../../src/diff/index.js';
import type { ModelSignature } from '../../src/train/saved-model.js';

describe('decideBump', () => {
  it('labels win over the config, the config over the default (minor)', () => {
    expect(decideBump({})).toEqual({ bump: 'minor', reason: 'default' });
    expect(decideBump({ configBump: 'patch' })).toEqual({ bump: 'patch', reason: 'config bump: patch' });
    expect(decideBump({ configBump: 'patch', labels: ['bug', 'model:major'] })).toEqual({
      bump: 'major',
      reason: 'label model:major',
    });
    expect(decideBump({ labels: ['model:patch', 'model:minor'] })).toEqual({
      bump: 'minor',
      reason: 'label model:minor',
    });
    expect(decideBump({ labels: ['enhancement'], configBump: 'major' })).toEqual({
      bump: 'major',
      reason: 'config bump: major',
    });
  });

  it('a signature change forces major whatever the labels say', () => {
    expect(decideBump({ signatureChanged: true, labels: ['model:patch'], configBump: 'minor' })).toEqual({
      bump: 'major',
      reason: 'signature changed (overrides label model:patch)',
    });
    expect(decideBump({ signatureChanged: true })).toEqual({ bump: 'major', reason: 'signature changed' });
  });

  it('reads model:<bump> labels only', () => {
    expect(bumpFromLabel('model:major')).toBe('major');
    expect(bumpFromLabel(' Model:Patch ')).toBe('patch');
    expect(bumpFromLabel('model:huge')).toBeNull();
    expect(bumpFromLabel('major')).toBeNull();
  });
});

function signature(overrides: Partial<ModelSignature> = {}): ModelSignature {
  return {
    format: 'modelgate-signature',
    version: 1,
    model: 'risk',
    inputs: [
      { name: 'age', type: 'numeric', nullable: false },
      { name: 'region', type: 'categorical', nullable: false, categories: ['north', 'south'] },
    ],
    output: { task: 'binary', label: 'claim', positive_label: '1', negative_label: '0', threshold: 0.5 },
    ...overrides,
  };
}

describe('signatureChanged', () => {
  it('input names and types count; growing categories, nullability, threshold and order do not', () => {
    const base = signature();
    expect(signatureChanged(base, signature())).toBe(false);
    expect(signatureChanged(null, base)).toBe(false);
    expect(signatureChanged(base, null)).toBe(false);
    const grown = signature({
      inputs: [
        { name: 'region', type: 'categorical', nullable: true, categories: ['north', 'south', 'east'] },
        { name: 'age', type: 'numeric', nullable: true },
      ],
      output: { ...base.output, threshold: 0.3 },
    });
    expect(signatureChanged(base, grown)).toBe(false);

    const retyped = signature({
      inputs: [
        { name: 'age', type: 'categorical', nullable: false, categories: ['young'] },
        { name: 'mileage', type: 'numeric', nullable: false },
      ],
    });
    expect(compareSignatures(base, retyped)).toEqual({
      changed: true,
      addedInputs: ['mileage'],
      removedInputs: ['region'],
      retypedInputs: [{ name: 'age', baseline: 'numeric', candidate: 'categorical' }],
      output: [],
    });
  });

  it('output task, classes and positive label count', () => {
    const mc = (classes: string[]) =>
      signature({ output: { task: 'multiclass', label: 'kind', classes } as ModelSignature['output'] });
    expect(signatureChanged(mc(['a', 'b']), mc(['a', 'b']))).toBe(false);
    expect(compareSignatures(mc(['a', 'b']), mc(['a', 'b', 'c'])).output).toEqual([
      'classes: [a, b] -> [a, b, c]',
    ]);
    expect(compareSignatures(signature(), mc(['a', 'b'])).output).toEqual([
      'task: binary -> multiclass',
      'classes: [] -> [a, b]',
      'positive_label: 1 -> none',
    ]);
    expect(
      signatureChanged(signature(), signature({ output: { ...signature().output, positive_label: 'yes' } })),
    ).toBe(true);
  });
});
