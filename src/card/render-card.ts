/**
 * {@link renderCard}: a model card as text, from a {@link CardContext} (or the inputs to build one)
 * and a template (the bundled one for the format unless given).
 */
import { buildCardContext, type CardInputs } from './build-context.js';
import { compileCardTemplate } from './compile-template.js';
import { bundledTemplate, type CardFormat } from './templates.js';
import type { CardContext } from './types.js';

/** How to render a card: the format, the template, and either a built context or its inputs. */
export type RenderCardOptions = {
  /** `markdown` (GitHub) or `huggingface` (YAML front matter + markdown). */
  format: CardFormat;
  /** Template text; default the bundled template of `format` (see `loadCardTemplate` for overrides). */
  template?: string;
  /** The file the template came from, named in errors (default `<inline template>` when `template` is given). */
  templateFile?: string;
} & ({ context: CardContext } | CardInputs);

/**
 * Renders a model card. Runs of blank lines left by template blocks are collapsed to one and the
 * card ends with a single newline. Template problems are `ConfigError`s naming the template file and line.
 */
export function renderCard(options: RenderCardOptions): string {
  const context = 'context' in options ? options.context : buildCardContext(options);
  const { text, file } =
    options.template !== undefined
      ? { text: options.template, file: options.templateFile ?? '<inline template>' }
      : bundledTemplate(options.format);
  const out = compileCardTemplate(text, file)(context);
  return `${out
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
