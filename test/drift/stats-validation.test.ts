import { describe, expect, it } from 'vitest';
import {
  chisquare,
  chisquareTwoSample,
  hellinger,
  jensenShannon,
  klDivergence,
  ks2samp,
  ksFromCdfs,
  ksPValue,
  normedWasserstein,
  psi,
  twoProportionZ,
  wassersteinDistance,
  wassersteinFromCdfs,
} from '../../src/drift/stats/index.js';
import { DataError } from '../../src/errors.js';

/** Asserts `f` throws a DataError whose message contains every fragment. */
function expectDataError(f: () => unknown, ...fragments: string[]): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a DataError').toBeInstanceOf(DataError);
  for (const fragment of fragments) expect((caught as Error).message).toContain(fragment);
  expect((caught as DataError).exitCode).toBe(2);
}

describe('sample inputs', () => {
  it('rejects empty samples, naming the argument', () => {
    expectDataError(() => ks2samp([], [1]), 'ks2samp', 'a is empty');
    expectDataError(() => ks2samp([1], []), 'ks2samp', 'b is empty');
    expectDataError(() => wassersteinDistance([1], new Float64Array(0)), 'wassersteinDistance', 'v is empty');
    expectDataError(() => normedWasserstein([], [1]), 'normedWasserstein', 'reference is empty');
  });

  it('rejects NaN and infinite values with their index', () => {
    expectDataError(() => ks2samp([1, Number.NaN], [1]), 'a[1] is NaN');
    expectDataError(() => ks2samp([1], [2, 3, Number.POSITIVE_INFINITY]), 'b[2] is Infinity');
    expectDataError(() => wassersteinDistance([Number.NEGATIVE_INFINITY], [1]), 'u[0] is -Infinity');
    expectDataError(() => ks2samp([1, '2' as unknown as number], [1]), 'a[1] is "2"');
  });

  it('rejects non-arrays', () => {
    expectDataError(() => ks2samp(null as unknown as number[], [1]), 'a must be an array');
    expectDataError(() => psi(5 as unknown as number[], [1]), 'refShares must be an array');
  });

  it('rejects unknown KS options', () => {
    expectDataError(() => ks2samp([1], [2], { method: 'fast' as 'auto' }), 'options.method');
    expectDataError(() => ks2samp([1], [2], { alternative: 'less' as 'two-sided' }), 'two-sided');
  });
});

describe('CDF inputs', () => {
  const x = [1, 2, 3];
  it('rejects length mismatch, unsorted points and invalid CDFs', () => {
    expectDataError(
      () => ksFromCdfs(x, [0.1, 1], [0.2, 0.5, 1], 3, 3),
      'x and cdfA must have the same length (got 3 and 2)',
    );
    expectDataError(() => ksFromCdfs([], [], [], 3, 3), 'x is empty');
    expectDataError(() => ksFromCdfs([1, 3, 2], [0.1, 0.5, 1], [0.2, 0.5, 1], 3, 3), 'x must be sorted');
    expectDataError(() => ksFromCdfs(x, [0.1, 1.5, 1], [0.2, 0.5, 1], 3, 3), 'cdfA[1]', '[0, 1]');
    expectDataError(() => ksFromCdfs(x, [0.1, 0.5, 1], [0.6, 0.5, 1], 3, 3), 'cdfB must be non-decreasing');
    expectDataError(() => ksFromCdfs(x, [0.1, 0.5, 1], [0.2, 0.5, 1], 0, 3), 'nA must be an integer >= 1');
    expectDataError(() => ksFromCdfs(x, [0.1, 0.5, 1], [0.2, 0.5, 1], 3, 2.5), 'nB must be an integer >= 1');
    expectDataError(() => wassersteinFromCdfs(x, [0.1, 0.5, 1], [0.2, Number.NaN, 1]), 'cdfB[1] is NaN');
  });

  it('rejects a D outside [0, 1]', () => {
    expectDataError(() => ksPValue(1.5, 3, 3), 'd must be a number in [0, 1]');
  });
});

describe('count inputs', () => {
  it('rejects negative counts, naming the argument and index', () => {
    expectDataError(() => chisquare([1, -2], [1, 1]), 'chisquare', 'observed[1] is negative');
    expectDataError(() => psi([1, 2], [3, -1]), 'psi', 'curShares[1] is negative');
    expectDataError(() => chisquareTwoSample([-1, 2], [1, 1]), 'refCounts[0] is negative');
  });

  it('rejects length mismatch', () => {
    expectDataError(
      () => chisquare([1, 2], [3]),
      'observed and expected must have the same length (got 2 and 1)',
    );
    expectDataError(
      () => klDivergence([1, 2, 3], [1, 2]),
      'klDivergence',
      'p and q must have the same length',
    );
    expectDataError(() => hellinger([1], [1, 1]), 'hellinger');
    expectDataError(() => chisquareTwoSample([1, 2], [1]), 'refCounts and curCounts');
  });

  it('rejects empty and all-zero distributions and NaN counts', () => {
    expectDataError(() => jensenShannon([], []), 'p is empty');
    expectDataError(() => jensenShannon([0, 0], [1, 1]), 'p sums to 0');
    expectDataError(() => psi([1, Number.NaN], [1, 1]), 'refShares[1] is NaN');
  });

  it('rejects zero expected frequencies and mismatched totals in chisquare', () => {
    expectDataError(() => chisquare([1, 1], [2, 0]), 'expected[1] is 0');
    expectDataError(() => chisquare([1, 1], [1, 2]), 'same total');
  });

  it('rejects a bad Jensen-Shannon base', () => {
    expectDataError(() => jensenShannon([1, 1], [1, 2], 1), 'base');
    expectDataError(() => jensenShannon([1, 1], [1, 2], -2), 'base');
  });

  it('rejects impossible proportions', () => {
    expectDataError(() => twoProportionZ(5, 4, 1, 2), 'x1 (5) must not exceed n1 (4)');
    expectDataError(() => twoProportionZ(1, 0, 1, 2), 'n1 must be > 0');
    expectDataError(() => twoProportionZ(-1, 4, 1, 2), 'x1 must be a finite number >= 0');
    expectDataError(() => twoProportionZ(1, 4, Number.NaN, 2), 'x2 must be a finite number >= 0 (got NaN)');
  });
});
