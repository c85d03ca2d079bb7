/**
 * GitHub's official OpenAPI description (`@octokit/openapi`, api.github.com) as a request matcher and
 * validator for the GitHub test double: every request the code under test sends is matched to an
 * operation (method + path template) and checked (path and query parameters, JSON body); the double's
 * own responses are checked against the operation's response schema so the double stays honest.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/** An OpenAPI parameter (path, query or header), after `$ref` resolution. */
export interface SpecParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
  'x-multi-segment'?: boolean;
}

/** A JSON Schema as the spec writes it (OpenAPI 3.0 dialect). */
export type JsonSchema = Record<string, unknown>;

interface SpecReference {
  $ref: string;
}

interface SpecMediaType {
  schema?: JsonSchema;
}

interface SpecResponse {
  content?: Record<string, SpecMediaType>;
}

interface SpecOperation {
  operationId: string;
  parameters?: (SpecParameter | SpecReference)[];
  requestBody?: { required?: boolean; content: Record<string, SpecMediaType> };
  responses: Record<string, SpecResponse | SpecReference>;
}

interface SpecDocument {
  openapi: string;
  paths: Record<string, Record<string, SpecOperation | unknown>>;
  components: {
    schemas: Record<string, JsonSchema>;
    parameters: Record<string, SpecParameter>;
    responses: Record<string, SpecResponse>;
  };
}

/** One operation of the spec: its method, path template and resolved parameters. */
export interface SpecOperationInfo {
  /** Upper-case HTTP method. */
  method: string;
  /** The spec's path template, e.g. `/repos/{owner}/{repo}/releases/tags/{tag}`. */
  template: string;
  /** GitHub's operation id, e.g. `repos/get-release-by-tag`. */
  operationId: string;
  /** Path and query parameters with `$ref`s resolved. */
  parameters: SpecParameter[];
  /** Whether the operation takes a request body, and in which media types. */
  bodyMediaTypes: string[];
  /** Whether the body is required. */
  bodyRequired: boolean;
  /** Status codes the spec documents for the operation. */
  statuses: string[];
}

/** A request matched to an operation, with its decoded path parameters. */
export interface RouteMatch {
  operation: SpecOperationInfo;
  params: Record<string, string>;
}

/** What a violation is about. */
export type ViolationKind =
  | 'unknown-route'
  | 'unserved-route'
  | 'path-param'
  | 'query-param'
  | 'body'
  | 'unknown-property'
  | 'auth'
  | 'response'
  | 'double-error';

/** One departure from GitHub's OpenAPI description, by the client (request) or by the double (response). */
export interface Violation {
  kind: ViolationKind;
  method: string;
  /** The request path as received (without the GHES `/api/v3` or `/uploads` prefix). */
  path: string;
  /** The matched operation, when there was one. */
  operationId?: string;
  /** JSON pointer into the body (or `query/<name>`, `path/<name>`). */
  pointer: string;
  message: string;
}

/** A request to check against the spec. */
export interface RequestToCheck {
  method: string;
  /** Path without query string, as received (percent-encoded), e.g. `/repos/o/r/contents/a%2Fb.txt`. */
  path: string;
  query: URLSearchParams;
  /** Lower-case media type of the body (`application/json`), or undefined when there is no body. */
  contentType?: string;
  /** Parsed JSON body (when contentType is JSON), or undefined. */
  body?: unknown;
  /** Whether any body bytes were sent. */
  hasBody: boolean;
}

/** The outcome of checking a request: the operation (when one matched) and every violation. */
export interface RequestCheck {
  match: RouteMatch | null;
  violations: Violation[];
}

interface CompiledRoute {
  operation: SpecOperationInfo;
  regex: RegExp;
  names: string[];
  /** Literal segments, left to right, as 1 (literal) or 0 (parameter): the most literal route wins. */
  rank: number[];
}

const SPEC_ID = 'https://github-double.test/api.github.com.json';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Where the spec file lives (resolved through node's module resolution, not a fixed path). */
export function specFilePath(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@octokit/openapi/package.json');
  return pkg.replace(/package\.json$/, 'generated/api.github.com.json');
}

function isRef(value: unknown): value is SpecReference {
  return typeof value === 'object' && value !== null && typeof (value as SpecReference).$ref === 'string';
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const leniently = {
  'date-time': (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.test(s),
  date: (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s),
  // GitHub itself sends "" for unset URLs (deployment status target_url, log_url, environment_url).
  uri: (s: string) => s === '' || /^[a-z][a-z0-9+.-]*:\S*$/i.test(s),
  'uri-template': (s: string) => /^[a-z][a-z0-9+.-]*:\S*$/i.test(s) || s.startsWith('/'),
  email: (s: string) => /^[^\s@]+@[^\s@]+$/.test(s),
} satisfies Record<string, (s: string) => boolean>;

/** GitHub's REST description, compiled for matching and (lazily, per operation) for validation. */
export class GitHubSpec {
  /** Milliseconds spent reading and parsing the spec file. */
  readonly loadMs: number;
  /** Milliseconds spent preparing the component schemas for ajv (`nullable` rewrite, registration). */
  readonly prepareMs: number;
  /** The OpenAPI version string of the document. */
  readonly openapiVersion: string;
  private readonly doc: SpecDocument;
  private readonly routes = new Map<string, CompiledRoute[]>();
  private readonly byOperationId = new Map<string, SpecOperationInfo>();
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(doc: SpecDocument, loadMs: number) {
    this.doc = doc;
    this.loadMs = loadMs;
    this.openapiVersion = doc.openapi;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
    for (const name of ['int64', 'int32', 'double', 'repo.nwo', 'binary', 'timestamp']) {
      this.ajv.addFormat(name, true);
    }
    for (const [name, check] of Object.entries(leniently)) this.ajv.addFormat(name, check);
    const started = performance.now();
    rewriteNullable(doc.components.schemas);
    rewriteNullable(doc.components.responses);
    // Only the reusable parts: operation schemas are compiled on first use, with their refs pointed here.
    this.ajv.addSchema({
      $id: SPEC_ID,
      components: { schemas: doc.components.schemas, responses: doc.components.responses },
    });
    this.prepareMs = performance.now() - started;
    this.compileRoutes();
  }

  /** Every operation, by id. */
  operation(operationId: string): SpecOperationInfo | undefined {
    return this.byOperationId.get(operationId);
  }

  /** Number of operations in the spec. */
  get operationCount(): number {
    return this.byOperationId.size;
  }

  private resolveParameter(p: SpecParameter | SpecReference): SpecParameter {
    if (!isRef(p)) return p;
    const name = p.$ref.split('/').pop() ?? '';
    const resolved = this.doc.components.parameters[name];
    if (!resolved) throw new OpenApiSpecError(`unresolved parameter ${p.$ref}`);
    return resolved;
  }

  private compileRoutes(): void {
    for (const [template, item] of Object.entries(this.doc.paths)) {
      for (const method of HTTP_METHODS) {
        const op = (item as Record<string, SpecOperation | undefined>)[method];
        if (!op || typeof op !== 'object' || !op.operationId) continue;
        const parameters = (op.parameters ?? []).map((p) => this.resolveParameter(p));
        const info: SpecOperationInfo = {
          method: method.toUpperCase(),
          template,
          operationId: op.operationId,
          parameters,
          bodyMediaTypes: Object.keys(op.requestBody?.content ?? {}),
          bodyRequired: op.requestBody?.required === true,
          statuses: Object.keys(op.responses),
        };
        this.byOperationId.set(info.operationId, info);
        const names: string[] = [];
        const rank: number[] = [];
        const parts = template
          .split('/')
          .slice(1)
          .map((segment) => {
            let literal = true;
            const source = segment.replace(/\{([^}]+)\}|[^{]+/g, (whole, name?: string) => {
              if (!name) return escapeRegex(whole);
              literal = false;
              names.push(name);
              const multi = parameters.some(
                (p) => p.in === 'path' && p.name === name && p['x-multi-segment'],
              );
              return multi ? '(.+?)' : '([^/]+)';
            });
            rank.push(literal ? 1 : 0);
            return source;
          });
        const regex = new RegExp(`^/${parts.join('/')}/?$`);
        const list = this.routes.get(info.method) ?? [];
        list.push({ operation: info, regex, names, rank });
        this.routes.set(info.method, list);
      }
    }
  }

  /**
   * The operation a request path belongs to (percent-encoded path, no query), or null. When several
   * templates match, the one with literal segments earliest wins (`releases/latest` over `releases/{id}`).
   */
  match(method: string, path: string): RouteMatch | null {
    const candidates = this.routes.get(method.toUpperCase()) ?? [];
    let best: { route: CompiledRoute; groups: string[] } | null = null;
    for (const route of candidates) {
      const m = route.regex.exec(path);
      if (!m) continue;
      if (!best || compareRank(route.rank, best.route.rank) > 0) best = { route, groups: m.slice(1) };
    }
    if (!best) return null;
    const params: Record<string, string> = {};
    best.route.names.forEach((name, i) => {
      params[name] = safeDecode(best.groups[i] ?? '');
    });
    return { operation: best.route.operation, params };
  }

  /** Matches a request and checks its parameters and body; an unknown route is itself a violation. */
  checkRequest(request: RequestToCheck): RequestCheck {
    const match = this.match(request.method, request.path);
    const base = { method: request.method.toUpperCase(), path: request.path };
    if (!match) {
      return {
        match: null,
        violations: [
          {
            ...base,
            kind: 'unknown-route',
            pointer: '',
            message: 'no operation in GitHub’s OpenAPI description matches this method and path',
          },
        ],
      };
    }
    const violations: Violation[] = [];
    const at = { ...base, operationId: match.operation.operationId };
    for (const p of match.operation.parameters) {
      if (p.in === 'path') {
        const value = match.params[p.name];
        const problem = value === undefined ? 'is missing' : checkScalar(value, p.schema);
        if (problem)
          violations.push({ ...at, kind: 'path-param', pointer: `path/${p.name}`, message: problem });
      } else if (p.in === 'query') {
        const values = request.query.getAll(p.name);
        if (values.length === 0) {
          if (p.required)
            violations.push({
              ...at,
              kind: 'query-param',
              pointer: `query/${p.name}`,
              message: 'is required',
            });
          continue;
        }
        for (const value of values) {
          const problem = checkScalar(value, p.schema);
          if (problem)
            violations.push({ ...at, kind: 'query-param', pointer: `query/${p.name}`, message: problem });
        }
      }
    }
    const known = new Set(match.operation.parameters.filter((p) => p.in === 'query').map((p) => p.name));
    for (const name of new Set(request.query.keys())) {
      if (!known.has(name)) {
        violations.push({
          ...at,
          kind: 'query-param',
          pointer: `query/${name}`,
          message: `is not a parameter of ${match.operation.operationId} (GitHub ignores it)`,
        });
      }
    }
    violations.push(...this.checkBody(request, match, at));
    return { match, violations };
  }

  private checkBody(
    request: RequestToCheck,
    match: RouteMatch,
    at: { method: string; path: string; operationId: string },
  ): Violation[] {
    const op = match.operation;
    const v = (message: string, pointer = ''): Violation => ({ ...at, kind: 'body', pointer, message });
    if (op.bodyMediaTypes.length === 0) {
      const empty =
        !request.hasBody ||
        (typeof request.body === 'object' &&
          request.body !== null &&
          Object.keys(request.body as object).length === 0);
      return empty ? [] : [v(`${op.operationId} takes no request body`)];
    }
    if (!request.hasBody) return op.bodyRequired ? [v('request body is required')] : [];
    const wantsJson = op.bodyMediaTypes.includes('application/json');
    if (!wantsJson) return []; // binary uploads (application/octet-stream, */*): nothing to check
    if (request.contentType !== 'application/json') {
      return [v(`content-type must be application/json, got ${request.contentType ?? 'none'}`)];
    }
    const schema = this.requestSchema(op);
    if (!schema) return [];
    const validate = this.validator(`req ${op.operationId}`, schema);
    const out: Violation[] = [];
    if (!validate(request.body)) {
      for (const e of dedupeErrors(validate.errors ?? [])) out.push(v(describeError(e), e.instancePath));
    }
    const unknown = unknownTopLevelProperties(schema, request.body, (s) => this.deref(s));
    for (const name of unknown) {
      out.push({
        ...at,
        kind: 'unknown-property',
        pointer: `/${name}`,
        message: `is not a property of ${op.operationId}'s body (GitHub ignores it)`,
      });
    }
    return out;
  }

  /**
   * Checks a JSON response body the double produced against the operation's schema for `status`
   * (statuses the spec does not document for the operation are not checked).
   */
  checkResponse(match: RouteMatch, status: number, body: unknown): Violation[] {
    const op = match.operation;
    const key = String(status);
    const schema = this.responseFor(op, key)?.content?.['application/json']?.schema;
    if (!schema) return [];
    const validate = this.validator(`res ${op.operationId} ${key}`, schema);
    if (validate(body)) return [];
    return dedupeErrors(validate.errors ?? []).map((e) => ({
      kind: 'response' as const,
      method: op.method,
      path: op.template,
      operationId: op.operationId,
      pointer: e.instancePath,
      message: `the double's ${status} response ${describeError(e)}`,
    }));
  }

  private rawOperation(op: SpecOperationInfo): SpecOperation {
    return this.doc.paths[op.template]?.[op.method.toLowerCase()] as SpecOperation;
  }

  private responseFor(op: SpecOperationInfo, status: string): SpecResponse | undefined {
    const raw = this.rawOperation(op).responses[status];
    if (!raw) return undefined;
    if (isRef(raw)) return this.doc.components.responses[raw.$ref.split('/').pop() ?? ''];
    return raw;
  }

  private requestSchema(op: SpecOperationInfo): JsonSchema | undefined {
    return this.rawOperation(op).requestBody?.content['application/json']?.schema;
  }

  private deref(schema: JsonSchema): JsonSchema {
    let s = schema;
    for (let i = 0; i < 10 && isRef(s); i++) {
      const name = (s as unknown as SpecReference).$ref.split('/').pop() ?? '';
      s = this.doc.components.schemas[name] ?? {};
    }
    return s;
  }

  /** Compiles (once per key) a copy of an operation's schema whose `#/components/...` refs point at the spec. */
  private validator(key: string, schema: JsonSchema): ValidateFunction {
    const cached = this.validators.get(key);
    if (cached) return cached;
    const copy = structuredClone(schema);
    rewriteNullable(copy);
    pointRefsAtSpec(copy);
    let fn: ValidateFunction;
    try {
      fn = this.ajv.compile(copy);
    } catch (error) {
      throw new OpenApiSpecError(`cannot compile the schema of ${key}: ${(error as Error).message}`);
    }
    this.validators.set(key, fn);
    return fn;
  }
}

function pointRefsAtSpec(node: unknown): void {
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const item of node) pointRefsAtSpec(item);
    return;
  }
  const obj = node as Record<string, unknown>;
  if (typeof obj.$ref === 'string' && obj.$ref.startsWith('#/')) obj.$ref = `${SPEC_ID}${obj.$ref}`;
  for (const value of Object.values(obj)) pointRefsAtSpec(value);
}

/**
 * OpenAPI 3.0's `nullable: true` without a `type` (next to `$ref`, `allOf`, `anyOf`, ...) is not
 * something ajv accepts: rewrite it in place to `anyOf: [<the schema>, { type: 'null' }]`; and a
 * nullable `enum` gets `null` among its values (ajv does not add it).
 */
function rewriteNullable(node: unknown): void {
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const item of node) rewriteNullable(item);
    return;
  }
  const obj = node as Record<string, unknown>;
  for (const value of Object.values(obj)) rewriteNullable(value);
  if (obj.nullable === true && Array.isArray(obj.enum) && !obj.enum.includes(null))
    obj.enum = [...obj.enum, null];
  if (obj.nullable === true && obj.type === undefined) {
    const inner: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (k !== 'nullable' && k !== 'description' && k !== 'example' && k !== 'title') inner[k] = v;
      if (k !== 'description' && k !== 'title') delete obj[k];
    }
    obj.anyOf = [inner, { type: 'null' }];
  }
}

function compareRank(a: number[], b: number[]): number {
  const literalsA = a.reduce((s, x) => s + x, 0);
  const literalsB = b.reduce((s, x) => s + x, 0);
  if (literalsA !== literalsB) return literalsA - literalsB;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Checks one string parameter value against its (scalar) schema; returns the problem or null. */
function checkScalar(value: string, schema: JsonSchema | undefined): string | null {
  if (!schema) return null;
  const type = schema.type;
  if (type === 'integer' && !/^-?\d+$/.test(value)) return `must be an integer, got '${value}'`;
  if (type === 'number' && !Number.isFinite(Number(value))) return `must be a number, got '${value}'`;
  if (type === 'boolean' && value !== 'true' && value !== 'false')
    return `must be true or false, got '${value}'`;
  if (Array.isArray(schema.enum) && !schema.enum.map(String).includes(value)) {
    return `must be one of ${schema.enum.map((x) => `'${String(x)}'`).join(', ')}, got '${value}'`;
  }
  if (type === 'integer' || type === 'number') {
    const n = Number(value);
    if (typeof schema.minimum === 'number' && n < schema.minimum) return `must be >= ${schema.minimum}`;
    if (typeof schema.maximum === 'number' && n > schema.maximum) return `must be <= ${schema.maximum}`;
  }
  return null;
}

/** Removes duplicates, and the summary errors of `anyOf`/`oneOf` when the branches said more. */
function dedupeErrors(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  const out: ErrorObject[] = [];
  for (const e of errors) {
    const key = `${e.instancePath}|${describeError(e)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  const precise = out.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf');
  return precise.length > 0 ? precise : out;
}

function describeError(e: ErrorObject): string {
  if (e.keyword === 'enum') {
    const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues ?? [];
    return `must be one of ${allowed.map((x) => JSON.stringify(x)).join(', ')}`;
  }
  if (e.keyword === 'required') {
    return `must have property '${(e.params as { missingProperty: string }).missingProperty}'`;
  }
  if (e.keyword === 'additionalProperties') {
    return `has unknown property '${(e.params as { additionalProperty: string }).additionalProperty}'`;
  }
  return e.message ?? e.keyword;
}

/**
 * Top-level body properties no branch of the schema declares (schemas without `additionalProperties: false`
 * accept them, and GitHub ignores them: they are almost always a client's typo).
 */
function unknownTopLevelProperties(
  schema: JsonSchema,
  body: unknown,
  deref: (s: JsonSchema) => JsonSchema,
): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [];
  const known = new Set<string>();
  let open = false;
  const visit = (raw: JsonSchema, depth: number): void => {
    if (depth > 5) return;
    const s = deref(raw);
    if (
      s.type !== undefined &&
      s.type !== 'object' &&
      !(Array.isArray(s.type) && s.type.includes('object'))
    ) {
      return;
    }
    const props = s.properties as Record<string, unknown> | undefined;
    const branches = ['allOf', 'anyOf', 'oneOf'].flatMap((k) => (s[k] as JsonSchema[] | undefined) ?? []);
    if (depth === 0 && !props && branches.length === 0) open = true;
    if (depth === 0 && s.additionalProperties !== undefined && s.additionalProperties !== false) open = true;
    for (const name of Object.keys(props ?? {})) known.add(name);
    for (const b of branches) visit(b, depth + 1);
  };
  visit(schema, 0);
  if (open) return [];
  return Object.keys(body).filter((k) => !known.has(k));
}

/** The spec file could not be used (a broken `$ref`, a schema ajv cannot compile). */
export class OpenApiSpecError extends Error {
  constructor(message: string) {
    super(`OpenAPI: ${message}`);
    this.name = 'OpenApiSpecError';
  }
}

let cached: GitHubSpec | undefined;

/** GitHub's api.github.com description, read and prepared once per process (well under a second). */
export function loadGitHubSpec(): GitHubSpec {
  if (cached) return cached;
  const started = performance.now();
  const doc = JSON.parse(readFileSync(specFilePath(), 'utf8')) as SpecDocument;
  const loadMs = performance.now() - started;
  cached = new GitHubSpec(doc, loadMs);
  return cached;
}

/** One violation as one line: `POST /repos/o/r/check-runs (checks/create) /status: ...`. */
export function formatViolation(v: Violation): string {
  const op = v.operationId ? ` (${v.operationId})` : '';
  const pointer = v.pointer ? ` ${v.pointer}` : v.kind === 'body' || v.kind === 'response' ? ' (body)' : '';
  return `[${v.kind}] ${v.method} ${v.path}${op}${pointer}: ${v.message}`;
}
