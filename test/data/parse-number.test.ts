import { describe, expect, it } from 'vitest';
import { autoTextCell, isDecimalNumber, parseDecimal } from '../../src/data/index.js';

describe('parseDecimal', () => {
  it('accepts strict decimal syntax', () => {
    expect(parseDecimal('1e3')).toBe(1000);
    expect(parseDecimal('-0.5')).toBe(-0.5);
    expect(parseDecimal('+2.5E-3')).toBe(0.0025);
    expect(parseDecimal('.5')).toBe(0.5);
    expect(parseDecimal('5.')).toBe(5);
    expect(parseDecimal('007')).toBe(7);
    expect(Object.is(parseDecimal('-0'), -0)).toBe(true);
    expect(parseDecimal('12345678901234567890')).toBe(Number('12345678901234567890'));
  });

  it('rejects what JavaScript is lenient about', () => {
    for (const s of [
      '',
      '12abc',
      ' 12',
      '12 ',
      '0x1F',
      '0b1',
      'Infinity',
      '-Infinity',
      'NaN',
      '1_000',
      '.',
      '-',
      'e3',
      '1e',
      '1e+',
      '1..2',
      '--1',
      '1,5',
    ]) {
      expect(parseDecimal(s), s).toBeUndefined();
      expect(isDecimalNumber(s), s).toBe(false);
    }
  });

  it('matches Number() exactly on many generated decimals (fast path is correctly rounded)', () => {
    let seed = 42;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < 20000; i++) {
      const x = (rand() - 0.5) * 10 ** Math.floor(rand() * 12 - 4);
      for (const s of [String(x), x.toFixed(i % 10), x.toPrecision((i % 17) + 1), x.toExponential(i % 12)]) {
        expect(Object.is(parseDecimal(s), Number(s)), s).toBe(true);
      }
    }
  });
});

describe('autoTextCell', () => {
  it('maps empty to null, numbers to numbers and keeps other text', () => {
    expect(autoTextCell('')).toBeNull();
    expect(autoTextCell('3.25')).toBe(3.25);
    expect(autoTextCell('true')).toBe('true');
    expect(autoTextCell('12abc')).toBe('12abc');
  });
});
