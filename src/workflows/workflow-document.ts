/**
 * A workflow file parsed with positions: the YAML tree of the `yaml` package plus helpers to read
 * maps and scalars and to turn any node (or a `${{ }}` span inside a scalar) into a line and column.
 */
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { WorkflowFinding } from './finding.js';

/** A 1-based position in a file. */
export interface Position {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

/** A parsed workflow: its root map and position helpers. */
export interface WorkflowDocument {
  /** The file name used in findings. */
  file: string;
  /** The source text. */
  text: string;
  /** The root mapping. */
  root: YAMLMap;
  /** Resolves aliases (`*anchor`) to the node they point at. */
  resolve(node: unknown): Node | undefined;
  /** Position of a node, or of a source offset. */
  position(at: Node | Pair | number | undefined): Position;
}

/**
 * Parses workflow YAML. Returns the document, or findings (rule `invalid-workflow`) when the text is
 * not YAML or its root is not a mapping; schema problems are left to actionlint and GitHub's parser.
 */
export function parseWorkflowDocument(
  text: string,
  file: string,
): { document: WorkflowDocument | null; findings: WorkflowFinding[] } {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    return {
      document: null,
      findings: doc.errors.map((e) => ({
        rule: 'invalid-workflow' as const,
        file,
        ...at(e.pos[0]),
        message: `not valid YAML: ${e.message.split('\n')[0]}`,
      })),
    };
  }
  if (!isMap(doc.contents)) {
    return {
      document: null,
      findings: [
        {
          rule: 'invalid-workflow',
          file,
          line: 1,
          column: 1,
          message: 'a workflow must be a YAML mapping (with `on:` and `jobs:`)',
        },
      ],
    };
  }
  const resolve = (node: unknown): Node | undefined => {
    if (isAlias(node)) return node.resolve(doc) as Node | undefined;
    return (node ?? undefined) as Node | undefined;
  };
  const position = (target: Node | Pair | number | undefined): Position => {
    if (typeof target === 'number') return at(target);
    const node = isPair(target) ? (target.key as Node) : target;
    const start = node?.range?.[0];
    return start === undefined ? { line: 1, column: 1 } : at(start);
  };
  return { document: { file, text, root: doc.contents, resolve, position }, findings: [] };
}

/** The key of a pair as a string (non-scalar keys give `''`). */
export function keyOf(pair: Pair): string {
  const key = pair.key;
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : '';
}

/** The pair of a map with this key, if present. */
export function pairOf(map: YAMLMap | undefined, key: string): Pair | undefined {
  if (!map) return undefined;
  return map.items.find((p) => keyOf(p) === key);
}

/** The (alias-resolved) value of a map entry. */
export function entryValue(doc: WorkflowDocument, map: YAMLMap | undefined, key: string): Node | undefined {
  return doc.resolve(pairOf(map, key)?.value);
}

/** The node as a map, or undefined. */
export function asMap(node: unknown): YAMLMap | undefined {
  return isMap(node) ? node : undefined;
}

/** The node as a sequence, or undefined. */
export function asSeq(node: unknown): YAMLSeq | undefined {
  return isSeq(node) ? node : undefined;
}

/** The node as a scalar, or undefined. */
export function asScalar(node: unknown): Scalar | undefined {
  return isScalar(node) ? node : undefined;
}

/** The scalar's value as a string (numbers and booleans stringified); undefined for non-scalars. */
export function scalarText(node: unknown): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) return undefined;
  return String(node.value);
}

/**
 * Position of `needle` (a `${{ }}` span taken from the scalar's value) inside the scalar's source,
 * searching from `from` (a source offset); falls back to the scalar's start. Block scalars keep
 * expressions verbatim, so the span is found on its own line.
 */
export function locateInScalar(
  doc: WorkflowDocument,
  scalar: Scalar,
  needle: string,
  from: number,
): { offset: number; next: number } {
  const [start, end] = scalar.range ?? [0, 0];
  const idx = doc.text.slice(0, end).indexOf(needle, Math.max(from, start));
  if (idx < 0) return { offset: start, next: from };
  return { offset: idx, next: idx + needle.length };
}
