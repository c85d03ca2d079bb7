/**
 * The zod schema of `profile.json`, with the cross-field checks that make a corrupted file an error
 * naming the field (counts that do not add up, unsorted buckets, registers of the wrong size) rather
 * than a wrong drift verdict later.
 */

import { z } from 'zod';
import { decodeRegisters } from './hll.js';
import type { Profile } from './profile-types.js';
import { compareValues } from './sketch-categories.js';

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const positiveCount = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

const BucketArraysSchema = z
  .object({ index: z.array(z.number().int()), count: z.array(positiveCount) })
  .strict()
  .superRefine((b, ctx) => {
    if (b.index.length !== b.count.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['count'],
        message: `must have as many entries as index (${b.index.length}), has ${b.count.length}`,
      });
    }
    for (let i = 1; i < b.index.length; i++) {
      if (b.index[i]! <= b.index[i - 1]!) {
        ctx.addIssue({ code: 'custom', path: ['index', i], message: 'bucket indices must increase' });
        return;
      }
    }
  });

const QuantileSketchSchema = z
  .object({
    alpha: z.number().min(0.0001).max(0.05),
    zero: count,
    positive: BucketArraysSchema,
    negative: BucketArraysSchema,
  })
  .strict();

const NumericProfileSchema = z
  .object({
    count,
    mean: z.number().nullable(),
    m2: z.number().min(0).nullable(),
    min: z.number().nullable(),
    max: z.number().nullable(),
    sketch: QuantileSketchSchema,
  })
  .strict();

const CategoryProfileSchema = z
  .object({
    values: z.array(z.union([z.number(), z.string().min(1), z.boolean()])),
    counts: z.array(positiveCount),
    other: count,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.values.length !== c.counts.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['counts'],
        message: `must have as many entries as values (${c.values.length}), has ${c.counts.length}`,
      });
    }
    for (let i = 1; i < c.values.length; i++) {
      if (compareValues(c.values[i - 1]!, c.values[i]!) >= 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['values', i],
          message: 'values must be distinct and sorted (numbers, then false, true, then strings)',
        });
        return;
      }
    }
  });

const ColumnProfileSchema = z
  .object({
    name: z.string(),
    type: z.enum(['numeric', 'categorical']),
    type_from: z.enum(['data', 'option']),
    count,
    missing: count,
    numeric: NumericProfileSchema,
    categories: CategoryProfileSchema,
    hll: z.string(),
  })
  .strict();

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** The schema of `profile.json` (`format: 'modelgate-profile'`, `version: 1`). */
export const ProfileSchema = z
  .object({
    format: z.literal('modelgate-profile'),
    version: z.literal(1),
    rows: count,
    created_at: z.string(),
    source: z.string().optional(),
    hash: z.string().optional(),
    settings: z
      .object({
        alpha: z.number().min(0.0001).max(0.05),
        max_buckets: z
          .number()
          .int()
          .min(64)
          .max(1 << 20),
        category_cap: z.number().int().min(1).max(1_000_000),
        hll_precision: z.number().int().min(12).max(14),
      })
      .strict(),
    columns: z.array(ColumnProfileSchema),
  })
  .strict()
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.columns.forEach((col, i) => {
      const at = (...path: (string | number)[]) => ['columns', i, ...path];
      const issue = (path: (string | number)[], message: string) =>
        ctx.addIssue({ code: 'custom', path: at(...path), message });
      if (seen.has(col.name)) issue(['name'], 'duplicate column name');
      seen.add(col.name);
      if (col.count + col.missing !== p.rows) {
        issue(['missing'], `count + missing must equal rows (${p.rows}), is ${col.count + col.missing}`);
      }
      const num = col.numeric;
      const sk = num.sketch;
      if (sk.alpha !== p.settings.alpha) issue(['numeric', 'sketch', 'alpha'], 'must equal settings.alpha');
      const inSketch = sk.zero + sum(sk.positive.count) + sum(sk.negative.count);
      if (inSketch !== num.count) {
        issue(['numeric', 'count'], `must equal the sketch's total (${inSketch})`);
      }
      if (num.count > col.count) issue(['numeric', 'count'], 'exceeds the column count');
      if ((num.count === 0) !== (num.min === null) || (num.count === 0) !== (num.max === null)) {
        issue(['numeric', 'min'], 'min and max must be numbers exactly when count > 0');
      } else if (num.min !== null && num.max !== null && num.min > num.max) {
        issue(['numeric', 'max'], 'must be >= min');
      }
      for (const sign of ['positive', 'negative'] as const) {
        const idx = sk[sign].index;
        if (idx.length > 0 && idx[idx.length - 1]! - idx[0]! >= p.settings.max_buckets) {
          issue(['numeric', 'sketch', sign, 'index'], `spans more than settings.max_buckets buckets`);
        }
      }
      const cats = col.categories;
      const kept = sum(cats.counts);
      if (kept + cats.other !== col.count) {
        issue(['categories', 'other'], `counts + other must equal the column count (${col.count})`);
      }
      if (cats.values.length > p.settings.category_cap) {
        issue(['categories', 'values'], 'more values than settings.category_cap');
      } else if (cats.other > 0 && cats.values.length < p.settings.category_cap) {
        issue(['categories', 'other'], 'values are counted as other only once category_cap values are kept');
      }
      if (!decodeRegisters(col.hll, p.settings.hll_precision)) {
        issue(['hll'], `must be base64 of 2^${p.settings.hll_precision} valid HyperLogLog registers`);
      }
      if (col.type_from === 'data') {
        const derived = col.count > num.count ? 'categorical' : 'numeric';
        if (col.type !== derived) issue(['type'], `must be "${derived}" for these counts (type_from "data")`);
      }
    });
  }) satisfies z.ZodType<Profile>;
