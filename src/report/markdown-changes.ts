/**
 * The change blocks of the markdown report: parameters, data, environment, and the model card.
 */
import type { ColumnSchema } from '../data/types.js';
import type { DataDelta, ParamChange } from '../diff/types.js';
import { codeSpan, escapeMarkdown, escapeTableCell, guardMarkers, shorten, tableCode } from './escape.js';
import type { ReportContext } from './markdown-context.js';
import {
  formatCount,
  formatCountDelta,
  markdownTable,
  omissionNote,
  plural,
  shortHash,
  valueText,
} from './markdown-format.js';
import { groupDigits, type ReportBlock } from './truncate.js';

/** Parameter changes listed before any truncation. */
const MAX_PARAMS = 1_000;
/** Parameter changes kept by the `params-long` stage. */
const MAX_PARAMS_REDUCED = 20;
/** Parameter lists longer than this are collapsed in `<details>`. */
const COLLAPSE_PARAMS = 10;
/** Columns named per kind of schema change. */
const MAX_SCHEMA_COLUMNS = 30;
/** Environment fields named by the `environment` stage. */
const MAX_ENV_FIELDS = 10;

function paramLine(p: ParamChange): string {
  const path = codeSpan(shorten(p.path, 120));
  if (p.kind === 'added') return `- ${path}: added ${codeSpan(valueText(p.candidate, 80, true))}`;
  if (p.kind === 'removed') return `- ${path}: removed (was ${codeSpan(valueText(p.baseline, 80, true))})`;
  return `- ${path}: ${codeSpan(valueText(p.baseline, 80, true))} → ${codeSpan(valueText(p.candidate, 80, true))}`;
}

/**
 * Parameter changes as `path: old → new` lines, collapsed in `<details>` above 10. Reduced by
 * `params-long` to the first 20 and by `params` to their count. Empty when nothing changed.
 */
export function paramsBlock(ctx: ReportContext): ReportBlock {
  const params = ctx.diff.params;
  if (params.length === 0) return { id: 'params', text: '' };
  const title = `#### Parameters: ${plural(params.length, 'change')}`;
  const render = (max: number) => {
    const kept = params.slice(0, max);
    let list = kept.map(paramLine).join('\n');
    const omitted = params.length - kept.length;
    if (omitted > 0)
      list += `\n\n${omissionNote(`${plural(omitted, 'more parameter change')} omitted`, ctx.see)}`;
    if (params.length > COLLAPSE_PARAMS) {
      list = `<details>\n<summary>${plural(params.length, 'parameter')} changed</summary>\n\n${list}\n\n</details>`;
    }
    return `${title}\n\n${list}`;
  };
  return {
    id: 'params',
    text: render(MAX_PARAMS),
    reductions: [
      { stage: 'params-long', render: () => render(MAX_PARAMS_REDUCED) },
      {
        stage: 'params',
        render: () =>
          `${title}\n\n${omissionNote(`list of ${plural(params.length, 'parameter change')} omitted`, ctx.see)}`,
      },
    ],
  };
}

function describeColumn(c: ColumnSchema): string {
  return `${codeSpan(shorten(c.name, 80))} (${escapeMarkdown(c.type)}${c.nullable ? ', nullable' : ''})`;
}

function namedList<T>(items: readonly T[], show: (item: T) => string): string {
  const shown = items.slice(0, MAX_SCHEMA_COLUMNS).map(show);
  if (items.length > MAX_SCHEMA_COLUMNS)
    shown.push(`and ${groupDigits(items.length - MAX_SCHEMA_COLUMNS)} more`);
  return shown.join(', ');
}

function schemaDetails(d: DataDelta): string | null {
  const { added, removed, changed } = d.schema;
  const parts: string[] = [];
  if (added.length > 0) parts.push(`added ${namedList(added, describeColumn)}`);
  if (removed.length > 0) parts.push(`removed ${namedList(removed, describeColumn)}`);
  if (changed.length > 0) {
    parts.push(
      `changed ${namedList(
        changed,
        (c) =>
          `${codeSpan(shorten(c.name, 80))}: ${escapeMarkdown(c.baseline.type)}${c.baseline.nullable ? ' nullable' : ''} → ${escapeMarkdown(c.candidate.type)}${c.candidate.nullable ? ' nullable' : ''}`,
      )}`,
    );
  }
  return parts.length > 0 ? `- ${escapeMarkdown(d.split)}: ${parts.join('; ')}` : null;
}

function schemaCounts(d: DataDelta): string {
  const { added, removed, changed } = d.schema;
  if (added.length + removed.length + changed.length === 0) return 'same';
  const parts: string[] = [];
  if (added.length > 0) parts.push(`+${groupDigits(added.length)}`);
  if (removed.length > 0) parts.push(`−${groupDigits(removed.length)}`);
  if (changed.length > 0) parts.push(`~${groupDigits(changed.length)}`);
  return `${parts.join(' ')} columns`;
}

function sidePair(
  d: DataDelta,
  pick: (side: NonNullable<DataDelta['baseline']>) => string,
  show: (text: string) => string,
): string {
  const b = d.baseline ? pick(d.baseline) : null;
  const c = d.candidate ? pick(d.candidate) : null;
  if (b === null && c === null) return '–';
  if (b === null) return `new: ${show(c!)}`;
  if (c === null) return `removed: ${show(b)}`;
  return b === c ? show(c) : `${show(b)} → ${show(c)}`;
}

function rowsCell(d: DataDelta): string {
  const b = d.baseline?.rows;
  const c = d.candidate?.rows;
  if (b === undefined || c === undefined) return formatCount(c ?? b);
  if (b === c) return formatCount(c);
  const delta = d.rowsDelta ?? c - b;
  return `${formatCount(b)} → ${formatCount(c)} (${formatCountDelta(delta)})`;
}

/**
 * Data changes: per changed dataset its path, short content hash, rows (with the delta) and schema
 * change counts, then the schema changes by column. Reduced by `data-schema` to the table. One
 * line when no dataset changed.
 */
export function dataBlock(ctx: ReportContext): ReportBlock {
  const changed = ctx.diff.data.filter(
    (d) => d.changed || d.schema.added.length + d.schema.removed.length + d.schema.changed.length > 0,
  );
  if (ctx.diff.data.length === 0) return { id: 'data', text: '' };
  if (changed.length === 0 || !ctx.hasBaseline) {
    const summary = ctx.diff.data
      .map(
        (d) =>
          `${escapeMarkdown(d.split)} ${d.candidate ? `${codeSpan(shortHash(d.candidate.hash))}, ${formatCount(d.candidate.rows)} rows` : 'missing'}`,
      )
      .join('; ');
    return { id: 'data', text: `**Data${ctx.hasBaseline ? ' unchanged' : ''}:** ${summary}.` };
  }
  const table = markdownTable(
    ['split', 'path', 'hash', 'rows', 'schema'],
    changed.map((d) => [
      escapeTableCell(d.split),
      sidePair(d, (s) => shorten(s.path, 120), tableCode),
      sidePair(d, (s) => shortHash(s.hash), tableCode),
      rowsCell(d),
      schemaCounts(d),
    ]),
    ['left', 'left', 'left', 'right', 'left'],
  );
  const details = changed.map(schemaDetails).filter((l): l is string => l !== null);
  const head = `#### Data\n\n${table}`;
  if (details.length === 0) return { id: 'data', text: head };
  return {
    id: 'data',
    text: `${head}\n\n${details.join('\n')}`,
    reductions: [
      {
        stage: 'data-schema',
        render: () => `${head}\n\n${omissionNote('schema changes by column omitted', ctx.see)}`,
      },
    ],
  };
}

/**
 * Environment changes (backend, GPU, node, runner, ...) as field | baseline | candidate. Reduced
 * by `environment` to a line naming the fields. Empty when nothing changed.
 */
export function environmentBlock(ctx: ReportContext): ReportBlock {
  const env = ctx.diff.environment;
  if (env.length === 0) return { id: 'environment', text: '' };
  const table = markdownTable(
    ['field', 'baseline', 'candidate'],
    env.map((e) => [
      tableCode(shorten(e.field, 60)),
      tableCode(valueText(e.baseline)),
      tableCode(valueText(e.candidate)),
    ]),
  );
  const fields = env.slice(0, MAX_ENV_FIELDS).map((e) => codeSpan(shorten(e.field, 40)));
  if (env.length > MAX_ENV_FIELDS) fields.push(`and ${groupDigits(env.length - MAX_ENV_FIELDS)} more`);
  return {
    id: 'environment',
    text: `#### Environment\n\n${table}`,
    reductions: [
      {
        stage: 'environment',
        render: () => omissionNote(`environment changes (${fields.join(', ')}) omitted`, ctx.see),
      },
    ],
  };
}

/**
 * The model card (markdown already escaped by its renderer) in a collapsed
 * `<details><summary>Model card</summary>`, with any sticky-marker look-alike neutralised. Reduced
 * by `card` to a line. Empty without a card.
 */
export function cardBlock(ctx: ReportContext, card: string | undefined): ReportBlock {
  if (card === undefined || card.trim() === '') return { id: 'card', text: '' };
  return {
    id: 'card',
    text: `<details>\n<summary>Model card</summary>\n\n${guardMarkers(card.trim())}\n\n</details>`,
    reductions: [
      {
        stage: 'card',
        render: () =>
          omissionNote(
            `model card omitted (${groupDigits(card.length)} characters); it ships with the release`,
            ctx.see,
          ),
      },
    ],
  };
}
