import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCardContext,
  bundledTemplatesDir,
  loadCardTemplate,
  REPOSITORY_TEMPLATE_DIR,
  renderCard,
  resolveTemplate,
} from '../../src/card/index.js';
import { ConfigError } from '../../src/errors.js';
import { ZERO_WIDTH_SPACE } from '../../src/report/escape.js';
import { loadFixture, NOW } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
let repo: string;

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'modelgate-card-'));
  await mkdir(join(repo, REPOSITORY_TEMPLATE_DIR), { recursive: true });
  await writeFile(
    join(repo, REPOSITORY_TEMPLATE_DIR, 'default.md'),
    '# Our card for {{model.name}}\n\nApprover: {{audit.approver_label}}\n',
  );
});

afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

/** Renders `template` for the fixture, returning the thrown error (or failing when none is thrown). */
function renderError(template: string, templateFile = 'card.md'): ConfigError {
  const { run, model } = loadFixture();
  try {
    renderCard({ format: 'markdown', run, model, template, templateFile, now: NOW });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected an error');
}

describe('resolveTemplate', () => {
  it('finds the bundled templates next to package.json', async () => {
    expect(bundledTemplatesDir()).toBe(join(ROOT, 'model-card-templates'));
    expect(await resolveTemplate({ format: 'markdown' })).toBe(
      readFileSync(join(ROOT, 'model-card-templates', 'default.md'), 'utf8'),
    );
    expect(await resolveTemplate({ format: 'huggingface' })).toBe(
      readFileSync(join(ROOT, 'model-card-templates', 'huggingface.md'), 'utf8'),
    );
  });

  it('finds them from the compiled dist/src/card/ too', () => {
    const compiled = pathToFileURL(join(ROOT, 'dist', 'src', 'card', 'templates.js')).href;
    expect(bundledTemplatesDir(compiled)).toBe(join(ROOT, 'model-card-templates'));
  });

  it("uses the repository's override when it exists, the bundled one otherwise", async () => {
    const md = await loadCardTemplate({ format: 'markdown', repoRoot: repo });
    expect(md.source).toBe('repository');
    expect(md.file).toBe(join(repo, REPOSITORY_TEMPLATE_DIR, 'default.md'));
    const hf = await loadCardTemplate({ format: 'huggingface', repoRoot: repo });
    expect(hf.source).toBe('bundled');

    const { run, model } = loadFixture();
    const card = renderCard({ format: 'markdown', run, model, template: md.text, templateFile: md.file });
    expect(card).toBe('# Our card for risk\n\nApprover: not yet approved\n');
  });

  it('lets an explicit template win over the repository override', async () => {
    const file = join(repo, 'explicit.md');
    await writeFile(file, 'explicit {{model.name}}\n');
    const loaded = await loadCardTemplate({ format: 'markdown', repoRoot: repo, templatePath: file });
    expect(loaded).toEqual({ text: 'explicit {{model.name}}\n', file, source: 'explicit' });
  });

  it('fails clearly when an explicit template is missing', async () => {
    const file = join(repo, 'nope', 'card.md');
    const err = await resolveTemplate({ format: 'markdown', templatePath: file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain(`${file}: model card template not found`);
    expect((err as ConfigError).issues[0]).toMatchObject({ file });
  });
});

describe('template errors', () => {
  it('names the file and line of a Handlebars syntax error', () => {
    const err = renderError('# Card\n\n{{#if model.name}}\nunclosed\n', 'templates/broken.md');
    expect(err.issues[0]).toMatchObject({ file: 'templates/broken.md', line: 5 });
    expect(err.message).toMatch(/templates\/broken\.md:5: template syntax error/);
  });

  it('names the line of mismatched blocks', () => {
    const err = renderError('a\n{{#if x}}\n{{/each}}\n');
    expect(err.issues[0]).toMatchObject({ file: 'card.md', line: 2 });
    expect(err.message).toContain("if doesn't match each");
  });

  it('rejects unknown helpers and partials before rendering, with the line', () => {
    const unknown = renderError('ok\n\n{{shout model.name}}\n');
    expect(unknown.message).toContain('card.md:3: unknown helper "shout"');
    const partial = renderError('{{> header}}\n');
    expect(partial.message).toContain('card.md:1: partials');
    const inline = renderError('x\n{{#*inline "p"}}y{{/inline}}\n');
    expect(inline.message).toContain('card.md:2: decorators');
    const proto = renderError('{{constructor model}}\n');
    expect(proto.message).toContain('card.md:1: unknown helper "constructor"');
  });

  it('names a printed field that does not exist, with the line', () => {
    const bare = renderError('line one\n{{model.nmae}}\n');
    expect(bare.issues[0]).toMatchObject({ file: 'card.md', line: 2 });
    expect(bare.message).toContain('card.md:2: template error: "model.nmae" is not defined');
    const helper = renderError('a\nb\n  {{code modle.name}}\n');
    expect(helper.message).toContain('card.md:3: template error: "modle.name" is not defined');
    const nested = renderError('{{#each metrics.rows}}\n{{num vaule}}\n{{/each}}\n');
    expect(nested.message).toContain('card.md:2: template error: "vaule" is not defined');
  });

  it('names the inline template when no file is given', () => {
    const { run, model } = loadFixture();
    expect(() => renderCard({ format: 'markdown', run, model, template: '{{#if}}' })).toThrow(
      /<inline template>/,
    );
  });
});

describe('escaping in user templates', () => {
  const { run, model } = loadFixture();
  const context = buildCardContext({
    run,
    model: { ...model, description: '<b>bold</b> | @team *x*' },
    now: NOW,
  });
  const render = (template: string) => renderCard({ format: 'markdown', context, template });

  it('markdown-escapes a bare {{value}} and the output of non-escaping helpers', () => {
    expect(render('{{model.description}}')).toBe(
      `&lt;b&gt;bold&lt;/b&gt; \\| @${ZERO_WIDTH_SPACE}team \\*x\\*\n`,
    );
    expect(render('{{lookup model "description"}}')).toBe(render('{{model.description}}'));
    expect(render('{{#each model.owners}}{{this}};{{/each}}')).toBe(
      `@${ZERO_WIDTH_SPACE}acme/risk-modelling;jdoe;\n`,
    );
  });

  it('uses the escaping helpers as they are, and triple-stash raw', () => {
    expect(render('{{code model.description}}')).toBe('`<b>bold</b> | @team *x*`\n');
    expect(render('{{codeCell model.description}}')).toBe('`<b>bold</b> \\| @team *x*`\n');
    expect(render('{{yaml model.description}}')).toBe('"<b>bold</b> | @team *x*"\n');
    expect(render('{{{model.description}}}')).toBe('<b>bold</b> | @team *x*\n');
  });

  it('offers number, list and comparison helpers', () => {
    expect(render('{{num 0.123456}} {{num 0.5 digits=2}} {{num null}} {{int 20000}} {{bytes 1134854}}')).toBe(
      '0.1235 0.50 n/a 20,000 1.1 MB\n',
    );
    expect(render('{{join model.owners " / "}}')).toBe(`@${ZERO_WIDTH_SPACE}acme/risk-modelling / jdoe\n`);
    expect(render('{{join model.owners code=true}}')).toBe('`@acme/risk-modelling`, `jdoe`\n');
    expect(
      render('{{#if (eq model.task "binary")}}yes{{/if}}{{#if (ne model.task "binary")}}no{{/if}}'),
    ).toBe('yes\n');
  });
});
