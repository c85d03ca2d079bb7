/** Shared fixtures and checks for the model card tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type ModelConfig, ModelConfigSchema } from '../../src/config/model-config.js';
import { type RunRecord, RunRecordSchema } from '../../src/config/run-record.js';
import type { GateResult } from '../../src/diff/types.js';

/** The card fixtures folder. */
export const CARD_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'card');

/** A fixed generation time for reproducible cards. */
export const NOW = new Date('2026-11-27T10:00:00.000Z');

/** The realistic fixture: a binary run with two slice columns (one small group) and its model.yml. */
export function loadFixture(): { run: RunRecord; model: ModelConfig } {
  const run = RunRecordSchema.parse(JSON.parse(readFileSync(join(CARD_FIXTURES, 'run.json'), 'utf8')));
  const model = ModelConfigSchema.parse(parseYaml(readFileSync(join(CARD_FIXTURES, 'model.yml'), 'utf8')));
  return { run, model };
}

/** A gate result that needs approval (roc_auc regressed), optionally approved. */
export function needsApproval(approver?: string): GateResult {
  return {
    verdict: 'needs-approval',
    reasons: [
      {
        level: 'needs-approval',
        code: 'metric-regressed',
        message: 'roc_auc fell by 0.012 (limit 0.01).',
        metric: 'roc_auc',
      },
      { level: 'info', code: 'params-changed', message: 'trainer.hidden changed.' },
    ],
    bump: { bump: 'minor', reason: 'default' },
    ...(approver ? { approver } : {}),
  };
}

/** Hostile strings: each tries to inject HTML, break a table or YAML, or ping people. */
export const HOSTILE = {
  script: '<script>alert(1)</script>',
  img: '<img src=x onerror=alert(1)>',
  everyone: '@everyone',
  cell: 'a|b\nc',
  backticks: 'col`umn``x',
  yaml: '": - [evil] {a: b} # &anchor *alias\n---\nlicense: mit',
} as const;

/** The fixture with hostile text in every user-controlled place (validated by the schemas). */
export function hostileFixture(): { run: RunRecord; model: ModelConfig } {
  const { run, model } = loadFixture();
  const hostileRun = RunRecordSchema.parse({
    ...run,
    git: { ...run.git, branch: `main|${HOSTILE.backticks}` },
    params: { ...run.params, note: `${HOSTILE.cell} ${HOSTILE.yaml}` },
    data: {
      train: {
        ...run.data.train,
        path: `data/${HOSTILE.yaml}.csv`,
        schema: [{ name: HOSTILE.backticks, type: 'string', nullable: false }],
      },
      eval: { ...run.data.eval, path: `data/${HOSTILE.cell}.csv` },
    },
    metrics: {
      ...run.metrics,
      overall: { ...run.metrics.overall, [HOSTILE.yaml]: 0.5, [`${HOSTILE.cell}${HOSTILE.img}`]: 0.25 },
      slices: [
        {
          column: HOSTILE.backticks,
          groups: [
            { value: HOSTILE.cell, count: 40, metrics: { roc_auc: 0.7 } },
            { value: HOSTILE.script, count: 50, metrics: { roc_auc: 0.6 } },
            { value: HOSTILE.everyone, count: 5, metrics: { roc_auc: null } },
            { value: HOSTILE.img, count: 60, metrics: { roc_auc: 0.65 } },
          ],
          gaps: { demographic_parity_difference: 0.1 },
        },
      ],
    },
    importance: [{ feature: HOSTILE.backticks, importance: 0.1, std: 0.01 }],
    environment: { ...run.environment, runner: HOSTILE.img, gpu: { name: HOSTILE.script } },
  });
  const hostileModel: ModelConfig = {
    ...model,
    description: `${HOSTILE.script} ${HOSTILE.img}\n\n# not a heading\n| a | b |\n${HOSTILE.yaml}`,
    owners: [HOSTILE.everyone, '@acme/risk-modelling', HOSTILE.cell],
    intended_use: HOSTILE.script,
    out_of_scope: HOSTILE.cell,
    limitations: HOSTILE.yaml,
    ethical_considerations: `${HOSTILE.everyone} ${HOSTILE.img}`,
  };
  return { run: hostileRun, model: hostileModel };
}

/**
 * Splits a markdown table row into cells the way GitHub's parser (cmark-gfm) does: a backslash and
 * the ASCII punctuation after it are one escaped pair; any other `|` is a cell boundary.
 */
export function tableCells(row: string): string[] {
  const cells: string[] = [];
  let cell = '';
  const text = row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '');
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length && /[!-/:-@[-`{-~]/.test(text[i + 1]!)) {
      cell += c + text[i + 1];
      i++;
    } else if (c === '|') {
      cells.push(cell);
      cell = '';
    } else {
      cell += c;
    }
  }
  cells.push(cell);
  return cells;
}

/** Every markdown table in `text` (runs of lines starting with `|`), as rows of cells. */
export function markdownTables(text: string): string[][][] {
  const tables: string[][][] = [];
  let current: string[][] | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('|')) {
      current ??= [];
      current.push(tableCells(line));
    } else if (current) {
      tables.push(current);
      current = null;
    }
  }
  if (current) tables.push(current);
  return tables;
}

/**
 * The text outside code spans (code spans removed), to look for live markdown or HTML. Backslash
 * escapes are honoured: an escaped backtick does not open a code span.
 */
export function outsideCode(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length && /[!-/:-@[-`{-~]/.test(text[i + 1]!)) {
      out += c + text[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      const fence = /^`+/.exec(text.slice(i))![0];
      const close = new RegExp(`(?<!\`)${fence}(?!\`)`, 'g');
      close.lastIndex = i + fence.length;
      const end = close.exec(text);
      if (end) {
        i = end.index + fence.length;
        continue;
      }
      out += fence;
      i += fence.length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Splits a Hugging Face card into its parsed front matter and its markdown body. */
export function splitCard(card: string): { meta: Record<string, unknown>; body: string } {
  const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(card);
  if (!m) throw new Error(`no front matter in:\n${card.slice(0, 200)}`);
  return { meta: parseYaml(m[1]!) as Record<string, unknown>, body: m[2]! };
}
