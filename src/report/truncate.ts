/**
 * Fitting a report under GitHub's comment size limit by dropping its least important parts first.
 *
 * A report is built from blocks (a table, a list, a `<details>`, a chart: each a complete piece of
 * markdown). A block may offer shorter forms, each tied to a truncation stage and carrying its own
 * "… N rows omitted" note. When the whole text is too long, the stages of
 * {@link TRUNCATION_ORDER} are applied one after the other, within a stage to the largest blocks
 * first, until the text fits. Nothing is ever cut inside a block, so no table, list or `<details>`
 * is left broken. If every stage is not enough, whole sections (one per model) are reduced to their
 * head (marker, verdict, reasons), and as a last resort dropped from the end with a note.
 *
 * Lengths are JavaScript string lengths (UTF-16 code units), which is how GitHub counts the
 * 65,536-character limit of a comment body.
 */

/** GitHub's limit on the body of an issue or pull-request comment, in characters (UTF-16 code units). */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** The smallest `maxLength` a report accepts: room for the heads of a section and the notes. */
export const MIN_MAX_LENGTH = 1_000;

/**
 * The truncation stages, least important first. Each names the blocks it shortens:
 * 1. `card`: the model card -> one line;
 * 2. `environment`: environment changes -> their count and field names;
 * 3. `learning-curve`: the learning-curve chart and its table -> one line;
 * 4. `slices-quiet`: per-slice tables keep only the groups with a regression;
 * 5. `params-long`: the parameter list keeps its first 20 changes;
 * 6. `slices`: per-slice tables -> one line each (fairness gaps and slice regressions stay);
 * 7. `data-schema`: schema changes of the datasets -> counts;
 * 8. `chart`: the metric chart and its fallback table -> one line;
 * 9. `params`: the parameter list -> its count;
 * 10. `slice-regressions`: the table of regressed slice metrics keeps its first 10 rows;
 * 11. `fairness`: fairness gaps keep those over their limit or widened;
 * 12. `metrics-quiet`: the metric table keeps regressed, gate-related, new, removed and undefined rows;
 * 13. `metrics`: the metric table keeps regressed and gate-related rows (at most 10);
 * 14. `reasons`: the reasons keep the failing and needs-approval ones (at most 10).
 */
export const TRUNCATION_ORDER = [
  'card',
  'environment',
  'learning-curve',
  'slices-quiet',
  'params-long',
  'slices',
  'data-schema',
  'chart',
  'params',
  'slice-regressions',
  'fairness',
  'metrics-quiet',
  'metrics',
  'reasons',
] as const;

/** One truncation stage (see {@link TRUNCATION_ORDER}). */
export type TruncationStage = (typeof TRUNCATION_ORDER)[number];

/** A shorter form of a block, used from its stage on. Its text says what it left out. */
export interface BlockReduction {
  stage: TruncationStage;
  /** The shorter markdown (complete blocks, with an omission note), or '' to drop the block. */
  render: () => string;
}

/** One part of a report: complete markdown (a table, a list, a `<details>`) and its shorter forms. */
export interface ReportBlock {
  /** A stable name (`metrics`, `slices:gender`), for tests and debugging. */
  id: string;
  /** The full markdown; '' for an empty block (skipped). */
  text: string;
  /** Shorter forms, in the order of their stages. */
  reductions?: readonly BlockReduction[];
}

/** One section of a comment (one model): its blocks, and its smallest form. */
export interface ReportSection {
  blocks: readonly ReportBlock[];
  /** The head alone (marker and verdict) with a note that the rest was omitted. */
  minimal: () => string;
}

/** What {@link fitSections} kept. */
export interface FitResult {
  /** The text of each kept section (blocks joined by blank lines). */
  sections: string[];
  /** The stages applied, in order. */
  stages: TruncationStage[];
  /** How many of the kept sections were reduced to their minimal form. */
  minimised: number;
  /** How many sections were dropped from the end. */
  dropped: number;
  /** Whether anything was shortened. */
  truncated: boolean;
}

/** The separator between blocks of a section. */
export const BLOCK_SEPARATOR = '\n\n';

/** Joins the non-empty blocks of a section. */
export function joinBlocks(texts: readonly string[]): string {
  return texts.filter((t) => t !== '').join(BLOCK_SEPARATOR);
}

function sectionLength(texts: readonly string[]): number {
  let total = 0;
  let count = 0;
  for (const t of texts) {
    if (t === '') continue;
    total += t.length;
    count++;
  }
  return total + Math.max(0, count - 1) * BLOCK_SEPARATOR.length;
}

/**
 * Fits sections into `budget` characters, counting `separator.length` between sections and
 * `dropNote(n).length` when `n` sections must be dropped. Applies the stages of
 * {@link TRUNCATION_ORDER} in order (within a stage, to the largest blocks first, and only where the
 * reduction is shorter), stops as soon as the text fits, then minimises sections from the last to
 * the first, then drops sections from the end. The result may still exceed `budget` only when the
 * first section's minimal form alone does.
 */
export function fitSections(
  sections: readonly ReportSection[],
  budget: number,
  separator: string,
  dropNote: (dropped: number) => string,
): FitResult {
  const texts = sections.map((s) => s.blocks.map((b) => b.text));
  const lengths = texts.map(sectionLength);
  const joinedLength = () =>
    lengths.reduce((a, b) => a + b, 0) + Math.max(0, lengths.length - 1) * separator.length;
  let total = joinedLength();
  const stages: TruncationStage[] = [];
  const result = (minimised = 0, dropped = 0): FitResult => ({
    sections: texts.map(joinBlocks),
    stages,
    minimised,
    dropped,
    truncated: stages.length > 0 || minimised > 0 || dropped > 0,
  });
  if (total <= budget) return result();

  for (const stage of TRUNCATION_ORDER) {
    const candidates: { s: number; b: number; render: () => string }[] = [];
    sections.forEach((section, s) => {
      section.blocks.forEach((block, b) => {
        const reduction = block.reductions?.find((r) => r.stage === stage);
        if (reduction) candidates.push({ s, b, render: reduction.render });
      });
    });
    if (candidates.length === 0) continue;
    candidates.sort((x, y) => texts[y.s]![y.b]!.length - texts[x.s]![x.b]!.length);
    let applied = false;
    for (const { s, b, render } of candidates) {
      const shorter = render();
      const row = texts[s]!;
      if (shorter.length >= row[b]!.length) continue;
      row[b] = shorter;
      const before = lengths[s]!;
      lengths[s] = sectionLength(row);
      total += lengths[s]! - before;
      applied = true;
      if (total <= budget) break;
    }
    if (applied) stages.push(stage);
    if (total <= budget) return result();
  }

  let minimised = 0;
  for (let s = sections.length - 1; s >= 0 && total > budget; s--) {
    const minimal = sections[s]!.minimal();
    if (minimal.length >= lengths[s]!) continue;
    texts[s] = [minimal];
    total += minimal.length - lengths[s]!;
    lengths[s] = minimal.length;
    minimised++;
  }
  if (total <= budget) return result(minimised);

  let dropped = 0;
  while (texts.length > 1 && total > budget) {
    texts.pop();
    lengths.pop();
    dropped++;
    total = joinedLength() + separator.length + dropNote(dropped).length;
  }
  // Sections are minimised and dropped from the end, so the dropped ones were minimised first.
  return result(Math.max(0, minimised - dropped), dropped);
}

/** Groups an integer's digits by thousands with commas (`12,345`), independent of the locale. */
export function groupDigits(n: number): string {
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.abs(Math.trunc(n)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * The safety margin kept under a `maxLength`: 1/64 of it, at most 1,024 characters (so the default
 * 65,536 leaves output of at most 64,512 characters).
 */
export function safetyMargin(maxLength: number): number {
  return Math.min(1_024, Math.floor(maxLength / 64));
}

/** Checks a `maxLength` option: an integer of at least {@link MIN_MAX_LENGTH}. */
export function checkMaxLength(maxLength: number): number {
  if (!Number.isInteger(maxLength) || maxLength < MIN_MAX_LENGTH) {
    throw new RangeError(`maxLength must be an integer >= ${MIN_MAX_LENGTH}, got ${maxLength}`);
  }
  return maxLength;
}
