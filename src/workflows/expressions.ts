/**
 * Just enough of the GitHub Actions expression language for security checks: find the `${{ }}`
 * spans in a string and the context paths (`github.event.issue.title`) each one reads. Not an
 * evaluator: string literals are skipped, function names are not paths, and index expressions
 * become `*` (or the key, when it is a string literal).
 */

/** One `${{ ... }}` span inside a string. */
export interface ExpressionSpan {
  /** The whole span, `${{` and `}}` included. */
  text: string;
  /** What is between the braces, trimmed. */
  inner: string;
  /** Offset of `${{` in the string. */
  index: number;
}

/**
 * Finds every `${{ ... }}` span in a string. `}}` inside a single-quoted string literal does not
 * close the span; an unterminated span ends the search (actionlint reports it).
 */
export function findExpressions(value: string): ExpressionSpan[] {
  const spans: ExpressionSpan[] = [];
  let from = 0;
  for (;;) {
    const start = value.indexOf('${{', from);
    if (start < 0) return spans;
    let i = start + 3;
    let inString = false;
    let end = -1;
    while (i < value.length) {
      const c = value[i];
      if (inString) {
        if (c === "'") {
          if (value[i + 1] === "'") i++;
          else inString = false;
        }
      } else if (c === "'") inString = true;
      else if (c === '}' && value[i + 1] === '}') {
        end = i + 2;
        break;
      }
      i++;
    }
    if (end < 0) return spans;
    const text = value.slice(start, end);
    spans.push({ text, inner: text.slice(3, -2).trim(), index: start });
    from = end;
  }
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_-]/;

/**
 * The context paths an expression reads, lower-cased, e.g. `contains(github.event.pull_request.labels.*.name, 'x')`
 * gives `['github.event.pull_request.labels.*.name']`. `a['b'][0]` reads as `a.b.*`.
 */
export function contextPaths(expression: string): string[] {
  const paths: string[] = [];
  const s = expression;
  let i = 0;
  const readIdent = (): string => {
    const begin = i;
    while (i < s.length && IDENT_PART.test(s[i]!)) i++;
    return s.slice(begin, i);
  };
  while (i < s.length) {
    const c = s[i]!;
    if (c === "'") {
      i++;
      while (i < s.length) {
        if (s[i] === "'" && s[i + 1] === "'") i += 2;
        else if (s[i] === "'") break;
        else i++;
      }
      i++;
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < s.length && /[0-9A-Za-z_.]/.test(s[i]!)) i++;
      continue;
    }
    if (!IDENT_START.test(c)) {
      i++;
      continue;
    }
    const segments = [readIdent()];
    for (;;) {
      let j = i;
      while (j < s.length && /\s/.test(s[j]!)) j++;
      if (s[j] === '.') {
        j++;
        while (j < s.length && /\s/.test(s[j]!)) j++;
        if (s[j] === '*') {
          segments.push('*');
          i = j + 1;
          continue;
        }
        if (j < s.length && IDENT_START.test(s[j]!)) {
          i = j;
          segments.push(readIdent());
          continue;
        }
        i = j;
        break;
      }
      if (s[j] === '[') {
        const close = matchingBracket(s, j);
        const key = s.slice(j + 1, close < 0 ? s.length : close).trim();
        const literal = /^'((?:[^']|'')*)'$/.exec(key);
        segments.push(literal ? literal[1]!.replace(/''/g, "'") : '*');
        // Paths inside the index (`a[github.head_ref]`) are reads too.
        if (!literal) paths.push(...contextPaths(key));
        i = close < 0 ? s.length : close + 1;
        continue;
      }
      // A function call (`contains(`) is not a path; its arguments are scanned on.
      if (s[j] === '(' && segments.length === 1) {
        segments.length = 0;
        i = j;
      }
      break;
    }
    if (segments.length > 0) {
      const first = segments[0]!.toLowerCase();
      if (first !== 'true' && first !== 'false' && first !== 'null') {
        paths.push(segments.map((p) => p.toLowerCase()).join('.'));
      }
    }
  }
  return paths;
}

function matchingBracket(s: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      if (c === "'") {
        if (s[i + 1] === "'") i++;
        else inString = false;
      }
    } else if (c === "'") inString = true;
    else if (c === '[') depth++;
    else if (c === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/**
 * Whether `path` is covered by `pattern` (both dotted, `*` matches one segment on either side) or
 * is a prefix of it: reading `github.event.pull_request` whole (e.g. `toJSON(...)`) exposes its title.
 */
export function pathMatches(path: string, pattern: string): boolean {
  const p = path.split('.');
  const q = pattern.split('.');
  const n = Math.min(p.length, q.length);
  for (let k = 0; k < n; k++) {
    if (p[k] !== q[k] && p[k] !== '*' && q[k] !== '*') return false;
  }
  return true;
}
