/** The data contract's column rules applied to served requests. */
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/serve/http-errors.js';
import { checkRowsAgainstContract } from '../../src/serve/validate-contract.js';
import { DataContractSchema } from '../../src/validate/contract.js';

const contract = DataContractSchema.parse({
  version: 1,
  columns: {
    age: { type: 'number', nullable: false, min: 18, max: 100 },
    region: { type: 'categorical', categories: ['rural', 'urban'] },
    policy_id: { type: 'string', regex: 'P\\d+' },
  },
});

function problem(rows: Record<string, unknown>[]): string {
  try {
    checkRowsAgainstContract(rows as never, contract);
  } catch (e) {
    expect(e).toBeInstanceOf(HttpError);
    expect((e as HttpError).status).toBe(400);
    return (e as Error).message;
  }
  return '';
}

describe('request rows against the data contract', () => {
  it('accepts rows the training data would have accepted (and columns the request does not send)', () => {
    expect(
      problem([
        { age: 30, region: 'urban', policy_id: 'P1' },
        { age: 100, region: 'rural' },
      ]),
    ).toBe('');
  });

  it('names the row, the field and the rule', () => {
    expect(problem([{ age: 30, region: 'urban' }, { age: 12 }])).toBe(
      "instances[1].age: below the data contract's minimum 18, got 12",
    );
    expect(problem([{ age: null }])).toBe(
      'instances[0].age: the data contract does not allow a missing value',
    );
    expect(problem([{ age: 30, region: 'atlantis' }])).toBe(
      'instances[0].region: not one of the data contract\'s categories, got "atlantis"',
    );
    expect(problem([{ age: 30, policy_id: 'X1' }])).toBe(
      'instances[0].policy_id: does not match the data contract\'s pattern, got "X1"',
    );
  });

  it('lists at most five problems', () => {
    const message = problem(Array.from({ length: 20 }, () => ({ age: 500 })));
    expect(message.split('; ').length).toBe(6);
    expect(message).toMatch(/\.\.\. \(more problems\)$/);
  });
});
