/**
 * The shape of modelgate's `actions/<name>/action.yml` files: GitHub's action metadata, narrowed to
 * the house conventions (a JavaScript action on `node24` running its bundle `dist/index.js`,
 * kebab-case inputs and outputs, each with a description). GitHub's own parser checks the general
 * format; this schema checks the conventions.
 */
import { z } from 'zod';
import { parseYaml } from '../config/load.js';

const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** A map whose keys must be kebab-case; a bad key is reported at its own path. */
function kebabRecord<T extends z.ZodType>(value: T, what: string) {
  return z.record(z.string(), value).superRefine((record, ctx) => {
    for (const key of Object.keys(record)) {
      if (!KEBAB.test(key)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `${what} names are kebab-case`, input: key });
      }
    }
  });
}

/** One input of an action. */
export const ActionInputSchema = z
  .object({
    description: z.string().min(1),
    required: z.boolean().optional(),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    deprecationMessage: z.string().optional(),
  })
  .strict();

/** One output of a JavaScript action. */
export const ActionOutputSchema = z.object({ description: z.string().min(1) }).strict();

/** The colours GitHub Marketplace accepts for `branding.color`. */
export const BRANDING_COLORS = [
  'white',
  'black',
  'yellow',
  'blue',
  'green',
  'orange',
  'red',
  'purple',
  'gray-dark',
] as const;

/** A modelgate action's `action.yml`. */
export const ActionMetadataSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().min(1),
    author: z.string().optional(),
    inputs: kebabRecord(ActionInputSchema, 'input').optional(),
    outputs: kebabRecord(ActionOutputSchema, 'output').optional(),
    runs: z
      .object({
        using: z.literal('node24'),
        main: z.literal('dist/index.js'),
        pre: z.string().optional(),
        'pre-if': z.string().optional(),
        post: z.string().optional(),
        'post-if': z.string().optional(),
      })
      .strict(),
    branding: z
      .object({ icon: z.string().min(1), color: z.enum(BRANDING_COLORS) })
      .strict()
      .optional(),
  })
  .strict();

/** A parsed action.yml. */
export type ActionMetadata = z.infer<typeof ActionMetadataSchema>;

/**
 * Parses and validates an action.yml. Throws ConfigError naming the file, line, field and value.
 * @param text the YAML
 * @param file the file name used in messages
 */
export function parseActionMetadata(text: string, file: string): ActionMetadata {
  return parseYaml(text, file, ActionMetadataSchema);
}
