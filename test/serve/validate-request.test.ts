import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/serve/http-errors.js';
import {
  parsePredictRequest,
  validateInstances,
  validatePredictRequest,
} from '../../src/serve/validate-request.js';
import type { ModelSignature } from '../../src/train/saved-model.js';

const signature: ModelSignature = {
  format: 'modelgate-signature',
  version: 1,
  model: 'risk',
  inputs: [
    { name: 'age', type: 'numeric', nullable: false },
    { name: 'telematics', type: 'numeric', nullable: true },
    { name: 'region', type: 'categorical', nullable: false, categories: ['urban', 'rural'] },
    { name: 'band', type: 'categorical', nullable: true, categories: ['A', 'B'] },
  ],
  output: { task: 'binary', label: 'claim', positive_label: '1', negative_label: '0', threshold: 0.5 },
  id: 'policy_id',
};

function errorOf(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(HttpError);
    return err as HttpError;
  }
  throw new Error('expected an HttpError');
}

const ok = { age: 40, telematics: 71.5, region: 'urban', band: 'A' };

describe('parsePredictRequest', () => {
  it('accepts the row form and the columnar form', () => {
    expect(parsePredictRequest({ instances: [ok] })).toEqual({ format: 'row', instances: [ok] });
    expect(parsePredictRequest({ signature_name: 'serving_default', instances: [ok] }).format).toBe('row');
    const columnar = parsePredictRequest({ inputs: { age: [40, 50], region: ['urban', 'x'] } });
    expect(columnar).toEqual({
      format: 'columnar',
      instances: [
        { age: 40, region: 'urban' },
        { age: 50, region: 'x' },
      ],
    });
    expect(parsePredictRequest({ inputs: [ok] })).toEqual({ format: 'columnar', instances: [ok] });
  });

  it('rejects wrong shapes with a clear 400', () => {
    const cases: [unknown, RegExp][] = [
      [[ok], /expected a JSON object with "instances"/],
      [{}, /missing "instances"/],
      [{ instances: [] }, /instances: empty/],
      [{ instances: { age: 1 } }, /instances: expected an array of objects, got \{"age":1\}/],
      [{ instances: [ok], inputs: {} }, /either "instances".*or "inputs"/],
      [{ instances: [ok], extra: 1 }, /unknown request field "extra"/],
      [
        { inputs: { age: [1, 2], region: ['a'] } },
        /inputs: columns have different lengths \(age: 2, region: 1\)/,
      ],
      [{ inputs: { age: 3 } }, /inputs\.age: expected an array of values/],
      [{ inputs: {} }, /inputs: no columns/],
      [{ inputs: { age: [] } }, /inputs: empty columns/],
    ];
    for (const [body, message] of cases) {
      const err = errorOf(() => parsePredictRequest(body));
      expect(err.status, JSON.stringify(body)).toBe(400);
      expect(err.message).toMatch(message);
    }
  });

  it('refuses more instances than the limit with 413', () => {
    const err = errorOf(() => parsePredictRequest({ instances: [ok, ok, ok] }, { maxInstances: 2 }));
    expect(err.status).toBe(413);
    expect(err.message).toMatch(/too many instances: 3 in one request, at most 2/);
    expect(
      errorOf(() => parsePredictRequest({ inputs: { age: [1, 2, 3] } }, { maxInstances: 2 })).status,
    ).toBe(413);
  });
});

describe('validateInstances', () => {
  it('accepts valid rows, nulls and absent nullable fields, unknown categories and the id column', () => {
    const rows = validatePredictRequest(
      {
        instances: [
          ok,
          { age: 0, telematics: null, region: 'mars', band: null },
          { age: 18.5, region: 3, policy_id: 'P1' },
          { age: -1, region: true, band: 7, policy_id: 12 },
        ],
      },
      signature,
    ).rows;
    expect(rows).toHaveLength(4);
    // Absent nullable inputs are filled with null.
    expect(rows[2]).toEqual({ age: 18.5, region: 3, policy_id: 'P1', telematics: null, band: null });
  });

  it('names the row and the field of each problem', () => {
    const cases: [unknown, string][] = [
      [{ ...ok, age: 'abc' }, 'instances[0].age: expected a number, got "abc"'],
      [{ ...ok, age: true }, 'instances[0].age: expected a number, got true'],
      [{ ...ok, age: '41' }, 'instances[0].age: expected a number, got "41"'],
      [{ ...ok, age: Number.POSITIVE_INFINITY }, 'instances[0].age: expected a finite number, got Infinity'],
      [{ ...ok, age: null }, 'instances[0].age: expected a number, got null (not nullable)'],
      [{ telematics: 1, region: 'urban' }, 'instances[0].age: missing (a required numeric input)'],
      [{ age: 1 }, 'instances[0].region: missing (a required categorical input)'],
      [{ ...ok, region: { a: 1 } }, 'instances[0].region: expected a string, number or boolean, got {"a":1}'],
      [
        { ...ok, region: ['urban'] },
        'instances[0].region: expected a string, number or boolean, got ["urban"]',
      ],
      [
        { ...ok, agee: 3, 'my field': 1 },
        'instances[0]: unknown fields "agee", "my field" (the model\'s inputs are age, telematics, region, band, policy_id)',
      ],
      [{ ...ok, policy_id: { x: 1 } }, 'instances[0].policy_id: expected a string or number id, got {"x":1}'],
      ['row', `instances[0]: expected an object with the model's inputs, got "row"`],
      [[1, 2], `instances[0]: expected an object with the model's inputs, got [1,2]`],
      [null, `instances[0]: expected an object with the model's inputs, got null`],
    ];
    for (const [row, message] of cases) {
      const err = errorOf(() => validatePredictRequest({ instances: [row] }, signature));
      expect(err.status).toBe(400);
      expect(err.message).toBe(message);
    }
  });

  it('reports the index of the bad row, a few problems at most, and columnar paths', () => {
    const instances = [ok, ok, ok, { ...ok, age: 'abc' }];
    expect(errorOf(() => validatePredictRequest({ instances }, signature)).message).toBe(
      'instances[3].age: expected a number, got "abc"',
    );
    const many = Array.from({ length: 20 }, () => ({ age: 'x', region: 'urban' }));
    const message = errorOf(() => validatePredictRequest({ instances: many }, signature)).message;
    expect(message.split('; ').slice(0, 5)).toEqual(
      [0, 1, 2, 3, 4].map((i) => `instances[${i}].age: expected a number, got "x"`),
    );
    expect(message).toMatch(/\(more problems\)$/);
    const columnar = errorOf(() =>
      validatePredictRequest({ inputs: { age: [1, 'two'], region: ['a', 'b'] } }, signature),
    );
    expect(columnar.message).toBe('inputs.age[1]: expected a number, got "two"');
  });

  it('does not read inherited properties as inputs', () => {
    const sig: ModelSignature = {
      ...signature,
      inputs: [{ name: 'constructor', type: 'numeric', nullable: false }],
    };
    expect(errorOf(() => validateInstances(sig, { format: 'row', instances: [{}] })).message).toBe(
      'instances[0].constructor: missing (a required numeric input)',
    );
    const polluted = JSON.parse('{"__proto__": {"x": 1}, "age": 1, "region": "a"}');
    expect(
      errorOf(() => validateInstances(signature, { format: 'row', instances: [polluted] })).message,
    ).toMatch(/unknown field "__proto__"/);
  });
});
