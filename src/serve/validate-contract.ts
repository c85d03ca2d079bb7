/**
 * Request validation against the model's data contract: the column rules the training data obeyed
 * (`nullable: false`, `min`, `max`, `categories`, `regex`) also apply to the rows a served model
 * scores, so a request the training data would have rejected gets a 400 naming the row, the field
 * and the rule instead of a silent extrapolation. Dataset and statistical rules do not apply to
 * single requests. Runs after the signature checks (`validate-request.ts`).
 */
import type { Row } from '../data/types.js';
import type { DataContract } from '../validate/contract.js';
import { HttpError } from './http-errors.js';

const MAX_PROBLEMS = 5;

interface CompiledRule {
  name: string;
  nullable: boolean;
  min?: number;
  max?: number;
  categories?: Set<string>;
  regex?: RegExp;
}

const cache = new WeakMap<DataContract, CompiledRule[]>();

function compile(contract: DataContract): CompiledRule[] {
  let rules = cache.get(contract);
  if (!rules) {
    rules = Object.entries(contract.columns).map(([name, c]) => ({
      name,
      nullable: c.nullable !== false,
      ...(c.min !== undefined ? { min: c.min } : {}),
      ...(c.max !== undefined ? { max: c.max } : {}),
      ...(c.categories ? { categories: new Set(c.categories.map(String)) } : {}),
      ...(c.regex ? { regex: new RegExp(`^(?:${c.regex})$`) } : {}),
    }));
    cache.set(contract, rules);
  }
  return rules;
}

const shown = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/**
 * Checks validated rows against the contract's column rules for the columns they carry (columns a
 * request does not send are the signature's business). Throws a 400 listing up to five problems as
 * `instances[i].field: <rule>, got <value>`.
 */
export function checkRowsAgainstContract(rows: readonly Row[], contract: DataContract): void {
  const rules = compile(contract);
  const problems: string[] = [];
  for (let i = 0; i < rows.length && problems.length <= MAX_PROBLEMS; i++) {
    const row = rows[i]!;
    for (const r of rules) {
      if (!Object.hasOwn(row, r.name)) continue;
      const v = row[r.name];
      const at = `instances[${i}].${r.name}`;
      if (v === null || v === undefined || v === '') {
        if (!r.nullable) problems.push(`${at}: the data contract does not allow a missing value`);
        continue;
      }
      if (typeof v === 'number') {
        if (r.min !== undefined && v < r.min)
          problems.push(`${at}: below the data contract's minimum ${r.min}, got ${shown(v)}`);
        if (r.max !== undefined && v > r.max)
          problems.push(`${at}: above the data contract's maximum ${r.max}, got ${shown(v)}`);
      }
      if (r.categories && !r.categories.has(String(v))) {
        problems.push(`${at}: not one of the data contract's categories, got ${shown(v)}`);
      }
      if (r.regex && !r.regex.test(String(v)))
        problems.push(`${at}: does not match the data contract's pattern, got ${shown(v)}`);
    }
  }
  if (problems.length > 0) {
    const text = problems.slice(0, MAX_PROBLEMS).join('; ');
    throw new HttpError(400, problems.length > MAX_PROBLEMS ? `${text}; ... (more problems)` : text);
  }
}
