import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadYamlFile, ModelConfigSchema, parseYaml, RepoConfigSchema } from '../../src/config/index.js';
import { jsonSchemas } from '../../src/config/json-schema.js';
import { REPO_ROOT } from '../cli/helpers.js';

const SCHEMAS = join(REPO_ROOT, 'schemas');
const EXAMPLE = join(REPO_ROOT, 'examples', 'risk-scoring');
const exampleModels = () =>
  readdirSync(join(EXAMPLE, 'models')).map((name) => join(EXAMPLE, 'models', name, 'model.yml'));

describe('schemas/*.json', () => {
  it('are fresh: equal to what jsonSchemas() generates from the zod schemas', () => {
    const generated = jsonSchemas();
    const stale = 'schemas/ is stale: run `npm run schemas` and commit the result';
    expect(
      readdirSync(SCHEMAS)
        .filter((f) => f.endsWith('.json'))
        .sort(),
      stale,
    ).toEqual(Object.keys(generated).sort());
    for (const [name, schema] of Object.entries(generated)) {
      const committed = readFileSync(join(SCHEMAS, name), 'utf8');
      expect(committed, `schemas/${name} is stale: run \`npm run schemas\` and commit the result`).toBe(
        `${JSON.stringify(schema, null, 2)}\n`,
      );
    }
  });

  it('describe the config files (ids, draft, key properties)', () => {
    const s = jsonSchemas() as Record<string, Record<string, unknown>>;
    const model = s['model.schema.json']!;
    expect(model['$id']).toBe('https://modelgate.dev/schemas/model.schema.json');
    expect(model['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(model['required']).toEqual(expect.arrayContaining(['name', 'task', 'data']));
    expect(model['additionalProperties']).toBe(false);
    expect(Object.keys(model['properties'] as object)).toEqual(
      expect.arrayContaining(['trainer', 'command', 'data', 'threshold']),
    );
    const repo = s['modelgate.schema.json']!;
    expect(repo['required']).toEqual(['models']);
    const run = s['run.schema.json']!;
    expect(run['required']).toEqual(expect.arrayContaining(['schema_version', 'id', 'metrics', 'status']));
  });
});

describe('the example repository', () => {
  it('.github/modelgate.yml parses', async () => {
    const repo = await loadYamlFile(join(EXAMPLE, '.github', 'modelgate.yml'), RepoConfigSchema);
    expect(repo.models.map((m) => m.name)).toEqual(['risk', 'risk-torch']);
    for (const m of repo.models) expect(existsSync(join(EXAMPLE, m.path, 'model.yml')), m.path).toBe(true);
  });

  it('every models/*/model.yml parses, named as its folder', async () => {
    const files = exampleModels();
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) {
      const m = await loadYamlFile(file, ModelConfigSchema);
      expect(m.name).toBe(file.split(/[\\/]/).at(-2));
      expect(Boolean(m.trainer) !== Boolean(m.command)).toBe(true);
    }
  });

  it('validates against the JSON Schemas (ajv)', async () => {
    const mod = (await import('ajv/dist/2020.js')) as unknown as { default: new (o: object) => AjvLike };
    const ajv = new mod.default({ strict: false, allErrors: true });
    const schemas = jsonSchemas();
    const check = (schemaName: string, file: string) => {
      const validate = ajv.compile(schemas[schemaName] as object);
      const ok = validate(parse(readFileSync(file, 'utf8')));
      expect(ok, `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    };
    check('modelgate.schema.json', join(EXAMPLE, '.github', 'modelgate.yml'));
    for (const file of exampleModels()) check('model.schema.json', file);
    check('data-contract.schema.json', join(EXAMPLE, 'models', 'risk', 'data.contract.yml'));
    // And the schema rejects a typo, like zod does.
    const validate = ajv.compile(schemas['model.schema.json'] as object);
    expect(validate({ name: 'a', task: 'binary', data: { train: 'x', label: 'y' }, tresh: 1 })).toBe(false);
  });
});

describe('docs/config.md', () => {
  const blocks = [
    ...readFileSync(join(REPO_ROOT, 'docs', 'config.md'), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g),
  ].map((m) => m[1]!);
  it('every YAML example is valid for the schema it documents', () => {
    expect(blocks.length).toBe(3);
    const [model, command, repo] = blocks as [string, string, string];
    expect(() => parseYaml(model, 'docs/config.md (model.yml)', ModelConfigSchema)).not.toThrow();
    expect(() => parseYaml(command, 'docs/config.md (command mode)', ModelConfigSchema)).not.toThrow();
    expect(() => parseYaml(repo, 'docs/config.md (modelgate.yml)', RepoConfigSchema)).not.toThrow();
  });
});

interface AjvLike {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown };
}
