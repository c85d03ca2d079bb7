/**
 * Where a model card template comes from. In order: an explicit file (`--template`), the
 * repository's override `.github/model-card-templates/<file>`, else the template bundled with
 * modelgate in its `model-card-templates/` folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, ModelgateError } from '../errors.js';

/** The card formats: GitHub-readable markdown, or a Hugging Face model card (YAML front matter + markdown). */
export type CardFormat = 'markdown' | 'huggingface';

/** The template file of each format, in the bundled folder and in a repository override folder. */
export const TEMPLATE_FILES: Readonly<Record<CardFormat, string>> = {
  markdown: 'default.md',
  huggingface: 'huggingface.md',
};

/** A repository's template override folder, relative to its root. */
export const REPOSITORY_TEMPLATE_DIR = '.github/model-card-templates';

/** Where a template was found. */
export type TemplateSource = 'explicit' | 'repository' | 'bundled';

/** A template's text and the file it came from (named in errors). */
export interface LoadedTemplate {
  /** The template text. */
  text: string;
  /** The file it was read from. */
  file: string;
  /** Which rule found it. */
  source: TemplateSource;
}

/** How to find a template. */
export interface TemplateQuery {
  /** The card format. */
  format: CardFormat;
  /** Repository root, to look for `.github/model-card-templates/<file>`. */
  repoRoot?: string;
  /** An explicit template file; it must exist. */
  templatePath?: string;
}

/**
 * The bundled `model-card-templates/` folder: the folder next to the package's package.json, found by
 * walking up from this module (so it works from `src/card/` and from the compiled `dist/src/card/`).
 */
export function bundledTemplatesDir(moduleUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'model-card-templates');
    const parent = dirname(dir);
    if (parent === dir) {
      throw new ModelgateError(
        `cannot find the bundled model-card-templates/ folder: no package.json above ${fileURLToPath(moduleUrl)}`,
      );
    }
    dir = parent;
  }
}

const bundledCache = new Map<CardFormat, LoadedTemplate>();

/** The bundled template of a format (read once, then cached). */
export function bundledTemplate(format: CardFormat): LoadedTemplate {
  const cached = bundledCache.get(format);
  if (cached) return cached;
  const file = join(bundledTemplatesDir(), TEMPLATE_FILES[format]);
  const loaded: LoadedTemplate = { text: readFileSync(file, 'utf8'), file, source: 'bundled' };
  bundledCache.set(format, loaded);
  return loaded;
}

function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Finds and reads the template for a card: `templatePath` when given (a missing file is a
 * {@link ConfigError} naming it), else `<repoRoot>/.github/model-card-templates/<file>` when it
 * exists, else the bundled template.
 */
export async function loadCardTemplate(query: TemplateQuery): Promise<LoadedTemplate> {
  if (query.templatePath !== undefined) {
    try {
      return {
        text: await readFile(query.templatePath, 'utf8'),
        file: query.templatePath,
        source: 'explicit',
      };
    } catch (err) {
      const message = isNotFound(err)
        ? 'model card template not found'
        : `cannot read the model card template: ${(err as Error).message}`;
      throw new ConfigError([{ file: query.templatePath, message }]);
    }
  }
  if (query.repoRoot !== undefined) {
    const file = join(query.repoRoot, REPOSITORY_TEMPLATE_DIR, TEMPLATE_FILES[query.format]);
    try {
      return { text: await readFile(file, 'utf8'), file, source: 'repository' };
    } catch (err) {
      if (!isNotFound(err)) {
        throw new ConfigError([
          { file, message: `cannot read the model card template: ${(err as Error).message}` },
        ]);
      }
    }
  }
  return bundledTemplate(query.format);
}

/** The template text for a card, found as {@link loadCardTemplate} does. */
export async function resolveTemplate(query: TemplateQuery): Promise<string> {
  return (await loadCardTemplate(query)).text;
}
