/**
 * Reading config files and artifacts through their zod schemas, with errors that name the file,
 * the line (YAML) and the field path and value. This is the only place files meet schemas.
 */
import { readFile } from 'node:fs/promises';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors.js';

/** Formats a zod path like `models[0].metrics[2].name`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

function zodIssues(
  file: string,
  error: z.ZodError,
  input: unknown,
  lineOf?: (path: PropertyKey[]) => number | undefined,
) {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    let path = issue.path as PropertyKey[];
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const p = [...path, key];
        issues.push({
          file,
          line: lineOf?.(p),
          field: formatPath(p),
          message: 'unknown field (check the spelling; see the JSON Schema in schemas/)',
        });
      }
      continue;
    }
    if (
      issue.code === 'invalid_union' &&
      'errors' in issue &&
      Array.isArray(issue.errors) &&
      issue.errors[0]?.[0]
    ) {
      // Report the problem of the branch that came closest (fewest issues; the first on a tie): it
      // is usually the intended shape (`{"roc_auc": "high"}` is a flat metrics map, not `{metrics}`).
      const closest = issue.errors
        .filter((branch) => branch.length > 0)
        .reduce((best, branch) => (branch.length < best.length ? branch : best));
      const inner = closest[0]!;
      path = [...path, ...(inner.path as PropertyKey[])];
      message = inner.message;
    }
    const value = valueAt(input, path);
    if (value === undefined && /received undefined/.test(message)) message = 'required field is missing';
    issues.push({ file, line: lineOf?.(path), field: formatPath(path) || '(root)', message, value });
  }
  return issues;
}

/**
 * Parses YAML text against a schema. Throws {@link ConfigError} naming file, line, field and value.
 * @param text the YAML source
 * @param file the file name used in messages
 */
export function parseYaml<S extends z.ZodType>(text: string, file: string, schema: S): z.output<S> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { file, line: pos.line, column: pos.col, message: `YAML syntax: ${e.message.split('\n')[0]}` };
      }),
    );
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const lineOf = (path: PropertyKey[]): number | undefined => {
    // Walk up the path until a node with a position is found (a missing key points at its parent).
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      if (n === 0 && isNode(doc.contents) && doc.contents.range)
        return lineCounter.linePos(doc.contents.range[0]).line;
    }
    return undefined;
  };
  throw new ConfigError(zodIssues(file, result.error, data, lineOf));
}

/** The offset of the first JSON syntax error in `text` (undefined when there is none or it is too deep). */
function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const fail = (): never => {
    throw new SyntaxAt(i);
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r'))
      i++;
  };
  const string = () => {
    i++; // the opening quote
    for (;;) {
      if (i >= text.length || text.charCodeAt(i) < 0x20) fail();
      const c = text[i];
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const esc = text[i + 1];
        if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else if (esc !== undefined && esc !== 'u' && '"\\/bfnrt'.includes(esc)) i += 2;
        else {
          i++;
          fail();
        }
      } else i++;
    }
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') fail();
          string();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) {
          i++;
          return;
        } else fail();
      }
    }
    if (c === '"') {
      string();
      return;
    }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) fail();
    i += m![0].length;
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return undefined;
  } catch (e) {
    if (e instanceof SyntaxAt) return Math.min(e.offset, text.length);
    return undefined; // too deeply nested to scan
  }
}

class SyntaxAt {
  constructor(readonly offset: number) {}
}

/**
 * Parses JSON text against a schema. Throws {@link ConfigError} naming the file, field and value.
 * @param text the JSON source
 * @param file the file name used in messages
 */
export function parseJson<S extends z.ZodType>(text: string, file: string, schema: S): z.output<S> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // Some engines' messages carry no position ("Unexpected token '}', "<the whole text>" is not
    // valid JSON"): locate the error ourselves, and never echo the file back.
    const msg = (e as Error).message.replace(/, ".*" is not valid JSON$/s, '');
    const pos = /position (\d+)/.exec(msg);
    const offset = pos ? Number(pos[1]) : jsonErrorOffset(text);
    const line = offset === undefined ? undefined : text.slice(0, offset).split('\n').length;
    throw new ConfigError([{ file, line, message: `JSON syntax: ${msg}` }]);
  }
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw new ConfigError(zodIssues(file, result.error, data));
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a folder, expected a file'
          : (e as Error).message;
    throw new ConfigError([{ file, message: why }]);
  }
}

/** Reads and validates a YAML file. Throws {@link ConfigError} on a missing file, bad syntax or bad content. */
export async function loadYamlFile<S extends z.ZodType>(file: string, schema: S): Promise<z.output<S>> {
  return parseYaml(await readText(file), file, schema);
}

/** Reads and validates a JSON file. Throws {@link ConfigError} on a missing file, bad syntax or bad content. */
export async function loadJsonFile<S extends z.ZodType>(file: string, schema: S): Promise<z.output<S>> {
  return parseJson(await readText(file), file, schema);
}
