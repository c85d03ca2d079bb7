/**
 * Repository path globs as `.github/modelgate.yml` `paths:` uses them: `*` and `?` stay within one
 * path segment, `**` spans any number of segments, `{a,b}` alternatives, `[abc]` classes. A pattern
 * without glob characters names a file or a folder (everything under it matches).
 */

const GLOB_CHARS = /[*?{[]/;

/** Normalises a repository path: forward slashes, no leading `./` or `/`, no trailing `/`. */
export function normalizeRepoPath(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/^(?:\.\/)+/, '')
    .replace(/^\/+/, '')
    .replace(/\/+$/, '');
}

/** Compiles a glob to an anchored regular expression over normalised paths. */
export function globToRegExp(glob: string): RegExp {
  const g = normalizeRepoPath(glob);
  let out = '';
  let braces = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*') {
      if (g[i + 1] === '*') {
        const atStart = i === 0 || g[i - 1] === '/';
        const atEnd = i + 2 === g.length || g[i + 2] === '/';
        if (atStart && atEnd) {
          // `**/` matches zero or more whole segments; a final `**` matches everything below.
          if (i + 2 === g.length) out += '.*';
          else {
            out += '(?:[^/]+/)*';
            i++;
          }
          i++;
          continue;
        }
        i++;
      }
      out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = g.indexOf(']', i + 1);
      if (close < 0) out += '\\[';
      else {
        const body = g
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = close;
      }
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else out += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}${')'.repeat(braces)}$`);
}

/** Whether a repository path matches a glob (or is the named file, or lies under the named folder). */
export function matchesRepoGlob(path: string, glob: string): boolean {
  const p = normalizeRepoPath(path);
  const g = normalizeRepoPath(glob);
  if (!GLOB_CHARS.test(g)) return p === g || p.startsWith(`${g}/`);
  return globToRegExp(g).test(p);
}
