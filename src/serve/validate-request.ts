/**
 * Validation of predict requests against a model's signature, before any row reaches the model.
 *
 * The body is TensorFlow Serving's row form `{"instances": [{...}, ...]}` or its columnar form
 * `{"inputs": {"col": [...], ...}}` (`"signature_name"` is accepted and ignored). Each instance
 * must be a JSON object whose fields are the signature's inputs:
 * - every input must be present, except nullable ones (missing values were seen in training):
 *   a missing nullable field is scored as missing (`null`), and so is an explicit `null`;
 * - numeric inputs must be finite JSON numbers (numeric strings and booleans are rejected);
 * - categorical inputs must be strings, numbers or booleans; categories the model did not see in
 *   training are accepted and scored as "other";
 * - any other field is rejected (a typo would otherwise be silently scored as missing), except the
 *   signature's `id` column, which is passed through to the prediction log.
 *
 * Every problem is a {@link HttpError} (400, too many instances 413) whose message names the row
 * and the field, e.g. `instances[3].age: expected a number, got "abc"`.
 */
import type { Row } from '../data/types.js';
import { describeValue } from '../errors.js';
import type { ModelSignature } from '../train/saved-model.js';
import { HttpError } from './http-errors.js';

/** Default most instances per request. */
export const DEFAULT_MAX_INSTANCES = 10_000;

/** How many problems one error message lists at most. */
const MAX_PROBLEMS = 5;

/** The shape of a predict request, before the signature is known. */
export interface PredictRequestShape {
  /** `row`: `instances` (answered with `predictions`); `columnar`: `inputs` (answered with `outputs`). */
  format: 'row' | 'columnar';
  /** One candidate row per instance (not yet validated). */
  instances: unknown[];
}

/** Options of {@link parsePredictRequest}. */
export interface PredictRequestOptions {
  /** Most instances per request (default {@link DEFAULT_MAX_INSTANCES}). */
  maxInstances?: number;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `instances[3].age` or `instances[3]["my field"]`. */
function fieldPath(base: string, field: string): string {
  return IDENTIFIER.test(field) ? `${base}.${field}` : `${base}[${JSON.stringify(field)}]`;
}

function describe(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return describeValue(value);
}

function tooMany(n: number, max: number): HttpError {
  return new HttpError(413, `too many instances: ${n} in one request, at most ${max}; split the request`);
}

/**
 * Checks the top level of a predict body and returns its instances (row form) or the rows built
 * from its columns (columnar form). Throws a {@link HttpError}: 400 for a wrong shape or no
 * instances, 413 for more than `maxInstances`.
 */
export function parsePredictRequest(body: unknown, options: PredictRequestOptions = {}): PredictRequestShape {
  const max = options.maxInstances ?? DEFAULT_MAX_INSTANCES;
  if (!isPlainObject(body)) {
    throw new HttpError(400, `expected a JSON object with "instances", got ${describe(body)}`);
  }
  const extra = Object.keys(body).filter(
    (k) => k !== 'instances' && k !== 'inputs' && k !== 'signature_name',
  );
  if (extra.length > 0) {
    throw new HttpError(
      400,
      `unknown request field${extra.length > 1 ? 's' : ''} ${extra.map((k) => JSON.stringify(k)).join(', ')} (expected "instances" or "inputs")`,
    );
  }
  const hasInstances = Object.hasOwn(body, 'instances');
  const hasInputs = Object.hasOwn(body, 'inputs');
  if (hasInstances && hasInputs) {
    throw new HttpError(400, 'send either "instances" (row form) or "inputs" (columnar form), not both');
  }
  if (!hasInstances && !hasInputs) {
    throw new HttpError(400, 'missing "instances": expected {"instances": [{...}, ...]}');
  }
  if (hasInstances) {
    const instances = body['instances'];
    if (!Array.isArray(instances)) {
      throw new HttpError(400, `instances: expected an array of objects, got ${describe(instances)}`);
    }
    if (instances.length === 0) throw new HttpError(400, 'instances: empty, nothing to predict');
    if (instances.length > max) throw tooMany(instances.length, max);
    return { format: 'row', instances };
  }
  const inputs = body['inputs'];
  // TF Serving also takes a list under "inputs": the instances, row by row.
  if (Array.isArray(inputs)) {
    if (inputs.length === 0) throw new HttpError(400, 'inputs: empty, nothing to predict');
    if (inputs.length > max) throw tooMany(inputs.length, max);
    return { format: 'columnar', instances: inputs };
  }
  if (!isPlainObject(inputs)) {
    throw new HttpError(
      400,
      `inputs: expected an object of columns {"name": [...]}, got ${describe(inputs)}`,
    );
  }
  const columns = Object.entries(inputs);
  if (columns.length === 0) throw new HttpError(400, 'inputs: no columns, nothing to predict');
  let n = -1;
  for (const [name, values] of columns) {
    if (!Array.isArray(values)) {
      throw new HttpError(
        400,
        `${fieldPath('inputs', name)}: expected an array of values (columnar form), got ${describe(values)}`,
      );
    }
    if (n === -1) n = values.length;
    else if (values.length !== n) {
      const lengths = columns.map(([c, v]) => `${c}: ${Array.isArray(v) ? v.length : '?'}`).join(', ');
      throw new HttpError(400, `inputs: columns have different lengths (${lengths})`);
    }
  }
  if (n === 0) throw new HttpError(400, 'inputs: empty columns, nothing to predict');
  if (n > max) throw tooMany(n, max);
  const instances: Row[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row: Record<string, unknown> = {};
    for (const [name, values] of columns) row[name] = (values as unknown[])[i];
    instances[i] = row as Row;
  }
  return { format: 'columnar', instances };
}

interface CompiledInput {
  name: string;
  numeric: boolean;
  nullable: boolean;
}

interface CompiledSignature {
  inputs: CompiledInput[];
  allowed: Set<string>;
  expected: string;
}

const compiled = new WeakMap<ModelSignature, CompiledSignature>();

function compile(signature: ModelSignature): CompiledSignature {
  let c = compiled.get(signature);
  if (!c) {
    const inputs = signature.inputs.map((i) => ({
      name: i.name,
      numeric: i.type === 'numeric',
      nullable: i.nullable,
    }));
    const allowed = new Set(inputs.map((i) => i.name));
    if (signature.id) allowed.add(signature.id);
    const names = [...allowed];
    const expected = names.length > 20 ? `${names.slice(0, 20).join(', ')}, ...` : names.join(', ');
    c = { inputs, allowed, expected };
    compiled.set(signature, c);
  }
  return c;
}

/** The problems of one instance (at most `limit`), each naming the row and the field. */
function rowProblems(
  value: unknown,
  index: number,
  format: PredictRequestShape['format'],
  sig: CompiledSignature,
  idColumn: string | undefined,
  limit: number,
): string[] {
  const problems: string[] = [];
  const base = format === 'row' ? `instances[${index}]` : `inputs[${index}]`;
  const at = (field: string) =>
    format === 'row' ? fieldPath(base, field) : `${fieldPath('inputs', field)}[${index}]`;
  if (!isPlainObject(value)) {
    problems.push(`${base}: expected an object with the model's inputs, got ${describe(value)}`);
    return problems;
  }
  for (const input of sig.inputs) {
    if (problems.length >= limit) return problems;
    if (!Object.hasOwn(value, input.name)) {
      if (input.nullable) value[input.name] = null;
      else {
        problems.push(
          `${at(input.name)}: missing (a required ${input.numeric ? 'numeric' : 'categorical'} input)`,
        );
      }
      continue;
    }
    const v = value[input.name];
    if (v === null) {
      if (!input.nullable) {
        problems.push(
          `${at(input.name)}: expected a ${input.numeric ? 'number' : 'value'}, got null (not nullable)`,
        );
      }
    } else if (input.numeric) {
      if (typeof v !== 'number') problems.push(`${at(input.name)}: expected a number, got ${describe(v)}`);
      else if (!Number.isFinite(v))
        problems.push(`${at(input.name)}: expected a finite number, got ${describe(v)}`);
    } else if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      problems.push(`${at(input.name)}: expected a string, number or boolean, got ${describe(v)}`);
    }
  }
  const keys = Object.keys(value);
  if (keys.length !== sig.inputs.length || keys.some((k) => !sig.allowed.has(k))) {
    const unknown = keys.filter((k) => !sig.allowed.has(k));
    if (unknown.length > 0 && problems.length < limit) {
      problems.push(
        `${base}: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')} (the model's inputs are ${sig.expected})`,
      );
    }
  }
  if (idColumn !== undefined && problems.length < limit && Object.hasOwn(value, idColumn)) {
    const id = value[idColumn];
    if (id !== null && typeof id !== 'string' && typeof id !== 'number' && typeof id !== 'boolean') {
      problems.push(`${at(idColumn)}: expected a string or number id, got ${describe(id)}`);
    }
  }
  return problems;
}

/**
 * Validates instances against the signature and returns them as rows (the same objects; absent
 * nullable inputs are set to `null`). Throws a 400 {@link HttpError} listing up to five problems,
 * each as `instances[i].field: what is wrong, got <value>`.
 */
export function validateInstances(signature: ModelSignature, shape: PredictRequestShape): Row[] {
  const sig = compile(signature);
  const problems: string[] = [];
  const { instances, format } = shape;
  for (let i = 0; i < instances.length; i++) {
    const found = rowProblems(instances[i], i, format, sig, signature.id, MAX_PROBLEMS + 1 - problems.length);
    if (found.length > 0) {
      problems.push(...found);
      if (problems.length > MAX_PROBLEMS) break;
    }
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_PROBLEMS).join('; ');
    throw new HttpError(400, problems.length > MAX_PROBLEMS ? `${shown}; ... (more problems)` : shown);
  }
  return instances as Row[];
}

/** {@link parsePredictRequest} then {@link validateInstances}: the rows of a valid predict body. */
export function validatePredictRequest(
  body: unknown,
  signature: ModelSignature,
  options: PredictRequestOptions = {},
): { format: PredictRequestShape['format']; rows: Row[] } {
  const shape = parsePredictRequest(body, options);
  return { format: shape.format, rows: validateInstances(signature, shape) };
}
