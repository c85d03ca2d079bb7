/**
 * JSON Schema export of the config files, generated from the zod schemas so the two never disagree.
 * Editors (VS Code's YAML extension) validate `.github/modelgate.yml` and `model.yml` with them.
 */
import { z } from 'zod';
import { DataContractSchema } from '../validate/contract.js';
import { ModelConfigSchema } from './model-config.js';
import { RepoConfigSchema } from './repo-config.js';
import { RunRecordSchema } from './run-record.js';

/** The JSON Schema documents modelgate publishes, keyed by file name under `schemas/`. */
export function jsonSchemas(): Record<string, unknown> {
  const make = (schema: z.ZodType, id: string, title: string, io: 'input' | 'output') => ({
    $id: `https://modelgate.dev/schemas/${id}`,
    title,
    ...(z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
      string,
      unknown
    >),
  });
  return {
    'modelgate.schema.json': make(
      RepoConfigSchema,
      'modelgate.schema.json',
      '.github/modelgate.yml',
      'input',
    ),
    'model.schema.json': make(ModelConfigSchema, 'model.schema.json', 'models/<name>/model.yml', 'input'),
    'run.schema.json': make(
      RunRecordSchema,
      'run.schema.json',
      'run.json (a training + evaluation run)',
      'output',
    ),
    'data-contract.schema.json': make(
      DataContractSchema,
      'data-contract.schema.json',
      'data.contract.yml (a data contract)',
      'input',
    ),
  };
}
