/**
 * The committed actions: each action.yml passes GitHub's own action parser (@actions/workflow-parser)
 * and declares exactly the inputs (names, required, defaults) of its zod schema and the outputs of the
 * contract; and each committed dist/ equals a fresh build byte for byte ("dist rebuilt in CI must
 * equal what is committed").
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as WorkflowParser from '@actions/workflow-parser';
import type * as ActionParser from '@actions/workflow-parser/actions/index';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionNames, buildActions, MAX_DIST_BYTES } from '../../scripts/build-actions.js';
import { ACTION_INPUTS, ACTION_OUTPUTS, type ActionName } from '../../src/actions/inputs.js';
import { inputNames } from '../../src/actions/runtime.js';
import { ROOT } from './helpers.js';

const names = await actionNames(ROOT);
let out: string;
let parser: Pick<typeof WorkflowParser, 'NoOperationTraceWriter'> &
  Pick<typeof ActionParser, 'parseAction' | 'convertActionTemplate'>;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'modelgate-dist-'));
  // @actions/workflow-parser imports its JSON schemas without import attributes, which Node refuses:
  // bundle it (JSON inlined) into a temporary module and import that.
  const bundled = await build({
    stdin: {
      contents:
        "export { NoOperationTraceWriter } from '@actions/workflow-parser';\n" +
        "export { parseAction, convertActionTemplate } from '@actions/workflow-parser/actions/index';\n",
      resolveDir: ROOT,
      loader: 'js',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'silent',
  });
  const file = join(out, 'workflow-parser.mjs');
  await writeFile(file, bundled.outputFiles[0]!.contents);
  parser = await import(pathToFileURL(file).href);
});
afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

async function files(dir: string): Promise<string[]> {
  const list: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else list.push(relative(dir, join(d, e.name)).split(sep).join('/'));
    }
  };
  await walk(dir);
  return list.sort();
}

/** What a schema field gives for an unset input: a default (as action.yml spells it), required, or nothing. */
function schemaDefault(name: ActionName, input: string): { required: boolean; value: string | undefined } {
  const schema = ACTION_INPUTS[name];
  const object = 'shape' in schema ? schema : schema.in;
  const field = (
    object.shape as Record<string, { safeParse(v: unknown): { success: boolean; data?: unknown } }>
  )[input]!;
  const parsed = field.safeParse(undefined);
  if (!parsed.success) return { required: true, value: undefined };
  return { required: false, value: parsed.data === undefined ? undefined : String(parsed.data) };
}

describe('the actions', () => {
  it('are all there: train, evaluate, report, release, deploy, drift', () => {
    expect(names).toEqual(expect.arrayContaining(Object.keys(ACTION_INPUTS)));
  });

  describe.each(names)('%s/action.yml', (name) => {
    it('passes GitHub’s action parser and matches its input schema and outputs', async () => {
      const file = `actions/${name}/action.yml`;
      const parsed = parser.parseAction(
        { name: file, content: await readFile(join(ROOT, file), 'utf8') },
        new parser.NoOperationTraceWriter(),
      );
      expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([]);
      const action = parser.convertActionTemplate(parsed.context, parsed.value!);
      expect(action.runs).toMatchObject({ using: 'node24', main: 'dist/index.js' });
      expect(action.name).toMatch(/^modelgate /);
      expect(action.description.length).toBeGreaterThan(20);
      expect(action.author).toBeTruthy();
      expect(action.branding?.icon).toBeTruthy();
      expect(action.branding?.color).toBeTruthy();

      // Actions outside the six of the contract (e.g. the App's Actions mode) own their inputs.
      if (!(name in ACTION_INPUTS)) return;
      const key = name as ActionName;
      const declared = (action.inputs ?? []).map((i) => i.id);
      expect(declared.sort()).toEqual(inputNames(ACTION_INPUTS[key]).sort());
      for (const input of action.inputs ?? []) {
        expect(input.description, `${name}.${input.id} description`).toBeTruthy();
        const expected = schemaDefault(key, input.id);
        const ymlDefault = input.default?.toString();
        if (ymlDefault?.includes('${{')) {
          // A runner-side default (the workflow token): the schema itself has none.
          expect(expected.value, `${name}.${input.id}`).toBeUndefined();
          continue;
        }
        expect(ymlDefault ?? undefined, `${name}.${input.id} default`).toBe(expected.value);
        expect(Boolean(input.required), `${name}.${input.id} required`).toBe(expected.required);
      }
      expect((action.outputs ?? []).map((o) => o.id).sort()).toEqual([...ACTION_OUTPUTS[key]].sort());
      for (const output of action.outputs ?? []) expect(output.description).toBeTruthy();
    });
  });

  it('are documented: every input and output in its section of docs/actions.md', async () => {
    const doc = await readFile(join(ROOT, 'docs', 'actions.md'), 'utf8');
    for (const [name, schema] of Object.entries(ACTION_INPUTS)) {
      const start = doc.indexOf(`\n## ${name}\n`);
      expect(start, `docs/actions.md has a "## ${name}" section`).toBeGreaterThan(0);
      const end = doc.indexOf('\n## ', start + 1);
      const section = doc.slice(start, end < 0 ? undefined : end);
      for (const input of inputNames(schema))
        expect(section, `${name} input ${input}`).toContain(`| \`${input}\` |`);
      for (const output of ACTION_OUTPUTS[name as ActionName])
        expect(section, `${name} output ${output}`).toContain(`| \`${output}\` |`);
    }
  });

  it('have committed bundles equal to a fresh build, each under 15 MB', async () => {
    const built = await buildActions({ root: ROOT, outRoot: join(out, 'build'), names });
    for (const b of built) {
      const committed = join(ROOT, 'actions', b.name, 'dist');
      expect(existsSync(committed), `actions/${b.name}/dist is committed`).toBe(true);
      expect(await files(committed), `actions/${b.name}/dist files`).toEqual(b.files);
      for (const f of b.files) {
        const fresh = await readFile(join(b.dist, f));
        const mine = await readFile(join(committed, f));
        expect(mine.equals(fresh), `actions/${b.name}/dist/${f} is stale: run npm run build:actions`).toBe(
          true,
        );
      }
      expect(b.distBytes).toBeLessThan(MAX_DIST_BYTES);
      expect(JSON.parse(await readFile(join(committed, 'package.json'), 'utf8'))).toEqual({ type: 'module' });
    }
  });

  it('never bundle the native TensorFlow add-ons, and carry the wasm binaries where tfjs is bundled', async () => {
    for (const name of ['train', 'evaluate']) {
      const dist = join(ROOT, 'actions', name, 'dist');
      const js = await readFile(join(dist, 'index.js'), 'utf8');
      expect(js).not.toContain('tfjs_binding');
      expect(existsSync(join(dist, 'tfjs-backend-wasm-simd.wasm'))).toBe(true);
      // Deterministic: no absolute paths of the build machine.
      expect(js).not.toContain(ROOT);
    }
  });
});
