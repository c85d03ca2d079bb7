/**
 * The KServe v2 / Open Inference Protocol (REST) of `modelgate serve`, pure parts: route parsing,
 * zod schemas of the infer request, the conversion of its columnar tensors to the rows the
 * `:predict` path scores, and the metadata and infer responses.
 *
 * Tensors map to a model's signature one column each:
 * - numeric inputs are `FP64` in the metadata (JSON numbers are doubles); requests may also send
 *   `FP32`, `FP16` or any `INT*` / `UINT*` datatype (integers checked against the type's range);
 * - categorical inputs are `BYTES` (strings); `BOOL` and the numeric datatypes are accepted too, as
 *   the `:predict` path accepts booleans and numbers for categories;
 * - the signature's id column (when it has one) may be sent as an extra input, any datatype;
 * - a nullable input may be left out, or hold JSON `null` values (a modelgate extension: the
 *   protocol has no missing values), both scored as missing.
 *
 * Outputs: binary -> `score` (P(positive), `FP64`); multiclass -> one `proba_<class>` (`FP64`) per
 * class and `prediction` (`BYTES`, the most probable class); regression -> `prediction` (`FP64`).
 * Every tensor has shape `[n]` (an input may also be `[n, 1]`). Binary tensor data (the binary
 * extension) is not supported.
 */
import { z } from 'zod';
import type { Row } from '../data/types.js';
import { describeValue } from '../errors.js';
import { formatSemver, parseSemver } from '../registry/semver.js';
import type { ModelSignature } from '../train/saved-model.js';
import { HttpError } from './http-errors.js';
import type { RowOutput } from './http-types.js';
import type { PredictRequestShape } from './validate-request.js';

/** The tensor datatypes of the protocol that requests may use (the binary extension's are not). */
export const V2_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;

/** A tensor datatype of {@link V2_DATATYPES}. */
export type V2Datatype = (typeof V2_DATATYPES)[number];

/** Integer datatypes and their inclusive ranges (64-bit ones: JSON's safe integers). */
const INTEGER_RANGES: Partial<Record<V2Datatype, [number, number]>> = {
  UINT8: [0, 255],
  UINT16: [0, 65_535],
  UINT32: [0, 4_294_967_295],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
  INT8: [-128, 127],
  INT16: [-32_768, 32_767],
  INT32: [-2_147_483_648, 2_147_483_647],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

const isNumericDatatype = (d: V2Datatype): boolean => d !== 'BOOL' && d !== 'BYTES';

/** One input tensor of an infer request. */
export const InferInputSchema = z.strictObject({
  name: z.string().min(1, 'expected a non-empty input name'),
  shape: z.array(z.number().int().nonnegative()).min(1, 'expected a shape such as [n] or [n, 1]'),
  datatype: z.enum(V2_DATATYPES),
  parameters: z.record(z.string(), z.unknown()).optional(),
  data: z.array(z.unknown()),
});

/** One requested output of an infer request. */
export const InferRequestedOutputSchema = z.strictObject({
  name: z.string().min(1, 'expected a non-empty output name'),
  parameters: z.record(z.string(), z.unknown()).optional(),
});

/** The body of `POST /v2/models/<name>[/versions/<version>]/infer`. */
export const InferRequestSchema = z.strictObject({
  id: z.string().max(200).optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  inputs: z.array(InferInputSchema).min(1, 'expected at least one input tensor'),
  outputs: z.array(InferRequestedOutputSchema).optional(),
});

/** A parsed infer request. */
export type InferRequest = z.infer<typeof InferRequestSchema>;

/** An infer request whose tensors are consistent: each input's data flattened, `n` rows. */
export interface ParsedInferRequest {
  /** The request id, echoed in the response. */
  id?: string;
  /** Inputs with their flattened data (`n` values each). */
  inputs: { name: string; datatype: V2Datatype; data: unknown[] }[];
  /** Names of the requested outputs (all when absent). */
  outputs?: string[];
  /** Rows (the batch size shared by every input). */
  n: number;
}

/** A tensor's metadata. */
export interface TensorMetadata {
  /** Tensor name. */
  name: string;
  /** Datatype. */
  datatype: V2Datatype;
  /** Shape; `-1` is the batch dimension. */
  shape: number[];
}

/** The answer of `GET /v2/models/<name>[/versions/<version>]`. */
export interface V2ModelMetadata {
  /** Model name. */
  name: string;
  /** The versions served (stable first, then the canary). */
  versions: string[];
  /** Always `modelgate`. */
  platform: 'modelgate';
  /** One tensor per signature input (and the id column when the signature has one). */
  inputs: TensorMetadata[];
  /** The output tensors of the model's task. */
  outputs: TensorMetadata[];
}

/** One output tensor of an infer response. */
export interface V2OutputTensor extends TensorMetadata {
  /** One value per row (non-finite numbers are sent as JSON null). */
  data: (number | string | null)[];
}

/** The answer of an infer request. */
export interface V2InferResponse {
  /** Model name. */
  model_name: string;
  /** The version that scored the request. */
  model_version: string;
  /** The request's id, when it had one. */
  id?: string;
  /** The output tensors (the requested ones, in the request's order, else all). */
  outputs: V2OutputTensor[];
}

/** A KServe v2 route. */
export type V2Route =
  | { kind: 'server-metadata' }
  | { kind: 'live' }
  | { kind: 'ready' }
  | { kind: 'model-metadata' | 'model-ready' | 'infer'; name: string; version?: string };

/** Parses a path under `/v2` (without the query). Throws a 404 {@link HttpError} for unknown routes. */
export function parseV2Route(path: string): V2Route {
  if (path === '/v2' || path === '/v2/') return { kind: 'server-metadata' };
  if (path === '/v2/health/live') return { kind: 'live' };
  if (path === '/v2/health/ready') return { kind: 'ready' };
  const prefix = '/v2/models/';
  if (!path.startsWith(prefix)) throw new HttpError(404, `no route ${path}`);
  const segments = path.slice(prefix.length).split('/');
  const decode = (s: string, what: string): string => {
    let text: string;
    try {
      text = decodeURIComponent(s);
    } catch {
      throw new HttpError(400, `bad ${what} ${JSON.stringify(s)} in the path`);
    }
    if (text === '') throw new HttpError(404, `no ${what} in the path ${path}`);
    return text;
  };
  const name = decode(segments[0] ?? '', 'model name');
  let rest = segments.slice(1);
  let version: string | undefined;
  if (rest[0] === 'versions') {
    version = decode(rest[1] ?? '', 'model version');
    rest = rest.slice(2);
  }
  const base = version === undefined ? { name } : { name, version };
  if (rest.length === 0) return { kind: 'model-metadata', ...base };
  if (rest.length === 1 && rest[0] === 'ready') return { kind: 'model-ready', ...base };
  if (rest.length === 1 && rest[0] === 'infer') return { kind: 'infer', ...base };
  throw new HttpError(404, `no route ${path}`);
}

/** A path version (`X.Y.Z` or `vX.Y.Z`) as `X.Y.Z`; null when it is not a version. */
export function normalisePathVersion(version: string): string | null {
  const v = parseSemver(version.trim());
  return v ? formatSemver(v) : null;
}

/** The input tensors of a signature (numeric `FP64`, categorical `BYTES`, the id column `BYTES`). */
export function inputTensors(signature: ModelSignature): TensorMetadata[] {
  const tensors: TensorMetadata[] = signature.inputs.map((i) => ({
    name: i.name,
    datatype: i.type === 'numeric' ? 'FP64' : 'BYTES',
    shape: [-1],
  }));
  if (signature.id) tensors.push({ name: signature.id, datatype: 'BYTES', shape: [-1] });
  return tensors;
}

/** The class keys of a multiclass signature (`class_<i>` names when the signature has none). */
function classesOf(signature: ModelSignature, width: number): string[] {
  const classes = signature.output.classes ?? [];
  return classes.length >= width
    ? classes
    : Array.from({ length: width }, (_, j) => classes[j] ?? `class_${j}`);
}

/** The output tensors of a signature's task (see the module doc). */
export function outputTensors(signature: ModelSignature): TensorMetadata[] {
  const task = signature.output.task;
  if (task === 'binary') return [{ name: 'score', datatype: 'FP64', shape: [-1] }];
  if (task === 'regression') return [{ name: 'prediction', datatype: 'FP64', shape: [-1] }];
  const classes = signature.output.classes ?? [];
  return [
    ...classes.map((c): TensorMetadata => ({ name: `proba_${c}`, datatype: 'FP64', shape: [-1] })),
    { name: 'prediction', datatype: 'BYTES', shape: [-1] },
  ];
}

/** The model metadata answer. */
export function modelMetadata(name: string, versions: string[], signature: ModelSignature): V2ModelMetadata {
  return {
    name,
    versions,
    platform: 'modelgate',
    inputs: inputTensors(signature),
    outputs: outputTensors(signature),
  };
}

/** `inputs[1]` or `inputs[1] ("age")`, when the body names the tensor. */
function inputLabel(body: unknown, index: number): string {
  const inputs = (body as { inputs?: unknown } | null)?.inputs;
  const name = Array.isArray(inputs) ? (inputs[index] as { name?: unknown } | null)?.name : undefined;
  return typeof name === 'string' && name !== ''
    ? `inputs[${index}] (${JSON.stringify(name)})`
    : `inputs[${index}]`;
}

/** The value at a zod issue path, or undefined. */
function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = body;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** Formats zod issues as `inputs[0] ("age").datatype: <message> (got <value>)`. */
function formatIssues(body: unknown, issues: readonly z.core.$ZodIssue[]): string {
  const shown = issues.slice(0, 5).map((issue) => {
    const path = issue.path;
    let where = '';
    for (let i = 0; i < path.length; i++) {
      const key = path[i]!;
      if (i === 1 && path[0] === 'inputs' && typeof key === 'number') where = inputLabel(body, key);
      else if (typeof key === 'number') where += `[${key}]`;
      else where += where === '' ? String(key) : `.${String(key)}`;
    }
    const value = path.length > 0 ? valueAt(body, path) : undefined;
    const got =
      value === undefined || issue.code === 'unrecognized_keys' ? '' : ` (got ${describeValue(value)})`;
    return `${where === '' ? 'request' : where}: ${issue.message}${got}`;
  });
  return issues.length > 5 ? `${shown.join('; ')}; ... (more problems)` : shown.join('; ');
}

/** Flattens nested (row-major) tensor data one level per extra dimension. */
function flatten(data: unknown[]): unknown[] {
  return data.some(Array.isArray) ? (data.flat(Number.POSITIVE_INFINITY) as unknown[]) : data;
}

/**
 * Checks an infer body (zod) and the consistency of its tensors, without the model: each shape is
 * `[n]` or `[n, 1]` with the same `n` for every input, each input's data holds `n` values (flat or
 * nested), names are unique, no binary data. Throws a {@link HttpError}: 400 naming the input and
 * the problem, 413 for more than `maxInstances` rows.
 */
export function parseInferRequest(body: unknown, maxInstances: number): ParsedInferRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, `expected a JSON object with "inputs", got ${describeValue(body)}`);
  }
  const parsed = InferRequestSchema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, formatIssues(body, parsed.error.issues));
  const request = parsed.data;
  const seen = new Set<string>();
  let n = -1;
  let first = '';
  const inputs: ParsedInferRequest['inputs'] = [];
  for (const [i, input] of request.inputs.entries()) {
    const at = inputLabel(body, i);
    if (seen.has(input.name))
      throw new HttpError(400, `${at}: input ${JSON.stringify(input.name)} sent twice`);
    seen.add(input.name);
    if (input.parameters && Object.hasOwn(input.parameters, 'binary_data_size')) {
      throw new HttpError(400, `${at}: binary tensor data is not supported; send the values in "data"`);
    }
    const shape = input.shape;
    if (shape.length > 2 || (shape.length === 2 && shape[1] !== 1)) {
      throw new HttpError(
        400,
        `${at}.shape: expected [n] or [n, 1] (one column per input), got ${describeValue(shape)}`,
      );
    }
    const rows = shape[0]!;
    if (n === -1) {
      n = rows;
      first = at;
    } else if (rows !== n) {
      throw new HttpError(
        400,
        `${at}.shape: batch size ${rows} differs from ${first}'s ${n}; every input needs the same number of rows`,
      );
    }
    const data = flatten(input.data);
    if (data.length !== rows) {
      throw new HttpError(
        400,
        `${at}.data: ${data.length} value${data.length === 1 ? '' : 's'} for shape ${describeValue(shape)} (expected ${rows})`,
      );
    }
    inputs.push({ name: input.name, datatype: input.datatype, data });
  }
  if (n === 0) throw new HttpError(400, 'inputs: batch size 0, nothing to predict');
  if (n > maxInstances) {
    throw new HttpError(
      413,
      `too many rows: ${n} in one request, at most ${maxInstances}; split the request`,
    );
  }
  const result: ParsedInferRequest = { inputs, n };
  if (request.id !== undefined) result.id = request.id;
  if (request.outputs) result.outputs = request.outputs.map((o) => o.name);
  return result;
}

/** Why `value` does not fit `datatype`, or null when it does. */
function datatypeProblem(value: unknown, datatype: V2Datatype): string | null {
  if (datatype === 'BOOL') return typeof value === 'boolean' ? null : 'expected a boolean (BOOL)';
  if (datatype === 'BYTES') return typeof value === 'string' ? null : 'expected a string (BYTES)';
  if (typeof value !== 'number' || !Number.isFinite(value)) return `expected a number (${datatype})`;
  const range = INTEGER_RANGES[datatype];
  if (range && (!Number.isInteger(value) || value < range[0] || value > range[1])) {
    return `expected an integer in [${range[0]}, ${range[1]}] (${datatype})`;
  }
  return null;
}

/**
 * Converts a parsed infer request to the rows of the `:predict` path (then validated by
 * `validateInstances` like any predict request): checks every input against the signature (known
 * name, a datatype that fits the input's type, values of that datatype, null only where nullable),
 * that every required input is present and that the requested outputs exist. Throws a 400
 * {@link HttpError} naming the input and the problem.
 */
export function inferRows(signature: ModelSignature, request: ParsedInferRequest): PredictRequestShape {
  const byName = new Map(signature.inputs.map((i) => [i.name, i]));
  const expected = inputTensors(signature)
    .map((t) => t.name)
    .join(', ');
  for (const [i, input] of request.inputs.entries()) {
    const at = `inputs[${i}] (${JSON.stringify(input.name)})`;
    const spec = byName.get(input.name);
    if (!spec && input.name !== signature.id) {
      throw new HttpError(400, `${at}: unknown input; the model's inputs are ${expected}`);
    }
    if (spec?.type === 'numeric' && !isNumericDatatype(input.datatype)) {
      throw new HttpError(
        400,
        `${at}.datatype: ${input.datatype} does not fit a numeric input; send FP64 (or FP32, FP16, INT*, UINT*)`,
      );
    }
    const nullable = spec ? spec.nullable : true;
    for (let r = 0; r < input.data.length; r++) {
      const v = input.data[r];
      if (v === null) {
        if (nullable) continue;
        throw new HttpError(400, `${at}.data[${r}]: null, but the input is not nullable`);
      }
      const problem = datatypeProblem(v, input.datatype);
      if (problem) throw new HttpError(400, `${at}.data[${r}]: ${problem}, got ${describeValue(v)}`);
    }
  }
  const sent = new Set(request.inputs.map((t) => t.name));
  const missing = signature.inputs.filter((s) => !s.nullable && !sent.has(s.name)).map((s) => s.name);
  if (missing.length > 0) {
    throw new HttpError(
      400,
      `inputs: missing required input${missing.length > 1 ? 's' : ''} ${missing.map((m) => JSON.stringify(m)).join(', ')} (the model's inputs are ${expected})`,
    );
  }
  if (request.outputs) {
    const known = outputTensors(signature).map((t) => t.name);
    for (const [i, name] of request.outputs.entries()) {
      if (!known.includes(name)) {
        throw new HttpError(
          400,
          `outputs[${i}].name: unknown output ${JSON.stringify(name)}; the model's outputs are ${known.join(', ')}`,
        );
      }
    }
  }
  const rows: Row[] = new Array(request.n);
  for (let r = 0; r < request.n; r++) {
    const row: Record<string, unknown> = {};
    for (const input of request.inputs) row[input.name] = input.data[r];
    rows[r] = row as Row;
  }
  return { format: 'columnar', instances: rows };
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** The infer response for the per-row outputs of the `:predict` path. */
export function inferResponse(
  signature: ModelSignature,
  outputs: readonly RowOutput[],
  meta: { name: string; version: string; id?: string; requested?: string[] },
): V2InferResponse {
  const n = outputs.length;
  const shape = [n];
  let tensors: V2OutputTensor[];
  const task = signature.output.task;
  if (task === 'binary' || task === 'regression') {
    tensors = [
      {
        name: task === 'binary' ? 'score' : 'prediction',
        datatype: 'FP64',
        shape,
        data: outputs.map((o) => finiteOrNull(o as number)),
      },
    ];
  } else {
    const width = n > 0 ? (outputs[0] as number[]).length : (signature.output.classes?.length ?? 0);
    const classes = classesOf(signature, width);
    tensors = classes.slice(0, width).map((c, j) => ({
      name: `proba_${c}`,
      datatype: 'FP64',
      shape,
      data: outputs.map((o) => finiteOrNull((o as number[])[j]!)),
    }));
    tensors.push({
      name: 'prediction',
      datatype: 'BYTES',
      shape,
      data: outputs.map((o) => {
        const p = o as number[];
        let best = -1;
        for (let j = 0; j < p.length; j++)
          if (Number.isFinite(p[j]) && (best === -1 || p[j]! > p[best]!)) best = j;
        return best === -1 ? null : classes[best]!;
      }),
    });
  }
  if (meta.requested) {
    const byName = new Map(tensors.map((t) => [t.name, t]));
    tensors = meta.requested.map((r) => byName.get(r)).filter((t): t is V2OutputTensor => t !== undefined);
  }
  const response: V2InferResponse = { model_name: meta.name, model_version: meta.version, outputs: tensors };
  if (meta.id !== undefined) response.id = meta.id;
  return response;
}
