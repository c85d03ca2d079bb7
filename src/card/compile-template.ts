/**
 * Compiling card templates safely. Handlebars escapes `{{value}}` for HTML, which is wrong for
 * markdown, so templates are compiled with `noEscape` and the parsed template is rewritten first:
 * every double-stash `{{value}}` (or `{{helper ...}}` whose helper is not a card escaping helper) is
 * wrapped in the `md` helper, so text from model.yml or the data is always markdown-escaped unless a
 * template deliberately prints it raw with triple-stash `{{{value}}}` or picks another escaper
 * (`code`, `yaml`, ...). Unknown helpers and partials are rejected before rendering, printing a field
 * that does not exist is an error (the context has every field, null when unknown), and every error
 * names the template file and line.
 */
import Handlebars from 'handlebars';
import { ConfigError } from '../errors.js';
import { CARD_HELPERS, SAFE_OUTPUT_HELPERS } from './helpers.js';

/** A compiled card template: renders a context to text. */
export type CardTemplate = (context: unknown) => string;

type Ast = hbs.AST.Program;
type Node = hbs.AST.Node;
type Expr = hbs.AST.Expression;

let instance: typeof Handlebars | undefined;

/** The Handlebars environment with the card helpers registered (created once). */
export function cardHandlebars(): typeof Handlebars {
  if (!instance) {
    const hb = Handlebars.create();
    for (const [name, fn] of Object.entries(CARD_HELPERS)) hb.registerHelper(name, fn);
    instance = hb;
  }
  return instance;
}

function problem(file: string, message: string, line?: number): ConfigError {
  return new ConfigError([line === undefined ? { file, message } : { file, line, message }]);
}

/** The simple name of a helper call's path (`md` in `{{md x}}`), or null for paths like `a.b`, `this`, `@x`. */
function helperName(path: Node): string | null {
  if (path.type !== 'PathExpression') return null;
  const p = path as hbs.AST.PathExpression;
  return !p.data && p.depth === 0 && p.parts.length === 1 && !/^(this|\.)/.test(p.original)
    ? (p.parts[0] ?? null)
    : null;
}

/** Rewrites the AST in place (see the module comment); throws on unknown helpers and partials. */
function secure(node: Node | null | undefined, file: string, helpers: Record<string, unknown>): void {
  if (!node || typeof node !== 'object') return;
  const line = node.loc?.start.line;
  switch (node.type) {
    case 'PartialStatement':
    case 'PartialBlockStatement':
      throw problem(file, 'partials ({{> name}}) are not supported in model card templates', line);
    case 'Decorator':
    case 'DecoratorBlock':
      throw problem(file, 'decorators ({{* name}}) are not supported in model card templates', line);
    case 'MustacheStatement':
    case 'SubExpression':
    case 'BlockStatement': {
      const call = node as hbs.AST.MustacheStatement;
      const name = helperName(call.path);
      const isCall = call.params.length > 0 || (call.hash?.pairs.length ?? 0) > 0;
      if (isCall && name !== null && !Object.hasOwn(helpers, name)) {
        throw problem(file, `unknown helper "${name}"`, line);
      }
      for (const p of call.params) secure(p, file, helpers);
      for (const pair of call.hash?.pairs ?? []) secure(pair.value, file, helpers);
      if (node.type === 'BlockStatement') {
        const block = node as hbs.AST.BlockStatement;
        secure(block.program, file, helpers);
        secure(block.inverse, file, helpers);
      }
      if (node.type === 'MustacheStatement' && call.escaped) wrapInMarkdown(call, name, isCall, helpers);
      nameField(call);
      return;
    }
    case 'Program':
      for (const child of (node as Ast).body) secure(child, file, helpers);
      return;
    default:
      return;
  }
}

/** Turns `{{x}}` into `{{md x}}` and `{{helper a}}` into `{{md (helper a)}}` unless `helper` is a safe one. */
function wrapInMarkdown(
  call: hbs.AST.MustacheStatement,
  name: string | null,
  isCall: boolean,
  helpers: Record<string, unknown>,
): void {
  call.escaped = false;
  if (isCall && name !== null && SAFE_OUTPUT_HELPERS.has(name)) return;
  const loc = call.loc;
  const inner: Expr =
    isCall || (name !== null && Object.hasOwn(helpers, name))
      ? ({
          type: 'SubExpression',
          path: call.path,
          params: call.params,
          hash: call.hash,
          loc,
        } as hbs.AST.SubExpression)
      : (call.path as Expr);
  const md: hbs.AST.PathExpression = {
    type: 'PathExpression',
    data: false,
    depth: 0,
    parts: ['md'],
    original: 'md',
    loc,
  };
  call.path = md;
  call.params = [inner];
  (call as { hash?: hbs.AST.Hash }).hash = undefined;
}

/** Passes the printed path's text to a printing helper (`_field`), so an undefined value is reported by name. */
function nameField(call: hbs.AST.MustacheStatement): void {
  const name = helperName(call.path);
  const first = call.params[0];
  if (name === null || !SAFE_OUTPUT_HELPERS.has(name) || first?.type !== 'PathExpression') return;
  const original = (first as hbs.AST.PathExpression).original;
  const loc = call.loc;
  const pair: hbs.AST.HashPair = {
    type: 'HashPair',
    key: '_field',
    value: { type: 'StringLiteral', value: original, original, loc } as hbs.AST.StringLiteral,
    loc,
  };
  if (call.hash) call.hash.pairs.push(pair);
  else (call as { hash?: hbs.AST.Hash }).hash = { type: 'Hash', pairs: [pair], loc };
}

/** The 1-based line of a Handlebars error: its `lineNumber`, or "on line N" in a parse error. */
function errorLine(err: unknown): number | undefined {
  const e = err as { lineNumber?: unknown; message?: unknown } | null;
  if (typeof e?.lineNumber === 'number') return e.lineNumber;
  const m = /on line (\d+)/.exec(String(e?.message ?? ''));
  return m ? Number(m[1]) : undefined;
}

/** A Handlebars error message without its location suffix and parser context, on one line. */
function errorMessage(err: unknown): string {
  const lines = String((err as Error | null)?.message ?? err)
    .split('\n')
    .filter((l) => l.trim() !== '');
  const expecting = lines.find((l) => /^Expecting /.test(l));
  const first = (lines[0] ?? 'unknown error')
    .replace(/ - \d+:\d+$/, '')
    .replace(/^Parse error on line \d+:?$/, 'parse error');
  return expecting ? `${first}: ${expecting}` : first;
}

const cache = new Map<string, CardTemplate>();
const CACHE_SIZE = 16;

/**
 * Parses, secures and compiles a card template (cached by file and text). A syntax error, an unknown
 * helper or a partial is a {@link ConfigError} naming `file` and the line; errors while rendering
 * (e.g. printing a field that does not exist) name them too.
 */
export function compileCardTemplate(text: string, file: string): CardTemplate {
  const key = `${file}\u0000${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const hb = cardHandlebars();
  let ast: Ast;
  try {
    ast = hb.parse(text);
  } catch (err) {
    throw problem(file, `template syntax error: ${errorMessage(err)}`, errorLine(err));
  }
  secure(ast, file, hb.helpers as Record<string, unknown>);
  let compiled: HandlebarsTemplateDelegate;
  try {
    compiled = hb.compile(ast, { noEscape: true });
  } catch (err) {
    throw problem(file, `template error: ${errorMessage(err)}`, errorLine(err));
  }
  const template: CardTemplate = (context) => {
    try {
      return compiled(context);
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw problem(file, `template error: ${errorMessage(err)}`, errorLine(err));
    }
  };
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(key, template);
  return template;
}
