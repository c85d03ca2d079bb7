/**
 * Strict decimal number parsing for text cells: `1`, `-0.5`, `.5`, `1e3`, `+2.5E-3` are numbers;
 * `12abc`, `0x1F`, ` 12`, `Infinity`, `1_000` and the empty string are not.
 */

/** Exact powers of ten as doubles (10^0 .. 10^22 are exactly representable). */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Whether `s` is, in full, a decimal number: `[+-]? (digits [. digits*] | . digits) ([eE] [+-]? digits)?`. */
export function isDecimalNumber(s: string): boolean {
  return parseDecimal(s) !== undefined;
}

/**
 * The number `s` spells in strict decimal syntax (see {@link isDecimalNumber}), else `undefined`.
 * Plain decimals with at most 15 significant digits are computed directly (one exact integer divided
 * by an exact power of ten, so correctly rounded); everything else goes through `Number`.
 */
export function parseDecimal(s: string): number | undefined {
  const n = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  let negative = false;
  if (c === 45 /* - */) {
    negative = true;
    c = s.charCodeAt(++i);
  } else if (c === 43 /* + */) {
    c = s.charCodeAt(++i);
  }
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  while (c >= 48 && c <= 57) {
    mantissa = mantissa * 10 + (c - 48);
    digits++;
    c = s.charCodeAt(++i);
  }
  if (c === 46 /* . */) {
    c = s.charCodeAt(++i);
    while (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      scale++;
      c = s.charCodeAt(++i);
    }
  }
  if (digits === 0) return undefined;
  if (i === n) {
    // Leading zeros make `digits` overcount, which only sends more inputs to the slow path.
    if (digits <= 15) {
      const v = scale === 0 ? mantissa : mantissa / POW10[scale]!;
      return negative ? -v : v;
    }
    return Number(s);
  }
  if (c !== 101 /* e */ && c !== 69 /* E */) return undefined;
  c = s.charCodeAt(++i);
  if (c === 43 || c === 45) c = s.charCodeAt(++i);
  let exponentDigits = 0;
  while (c >= 48 && c <= 57) {
    exponentDigits++;
    c = s.charCodeAt(++i);
  }
  if (exponentDigits === 0 || i !== n) return undefined;
  return Number(s);
}
