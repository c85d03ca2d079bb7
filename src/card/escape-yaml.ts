/**
 * Safe YAML scalars for the Hugging Face card's front matter. Every string is written as a
 * double-quoted scalar (JSON string syntax is valid YAML double-quoted syntax), with the characters
 * YAML treats specially or that editors hide (C1 controls, line and paragraph separators, byte order
 * mark, bidirectional overrides) written as `\uXXXX` escapes, so no value can end the scalar, start
 * a new key, an anchor, a tag or a document.
 */
import { toText } from './escape-markdown.js';

const YAML_UNSAFE = /[\u007F-\u009F\u2028\u2029\uFEFF\u202A-\u202E\u2066-\u2069]/g;

/**
 * A YAML scalar for `value`: finite numbers and booleans as plain scalars, null/undefined/NaN as
 * `null`, everything else as a double-quoted string.
 */
export function yamlScalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return String(value);
  return JSON.stringify(toText(value)).replace(
    YAML_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
