/** The action.yml convention schema: what it accepts and how it names what is wrong. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parseActionMetadata } from '../../src/workflows/action-metadata.js';

const GOOD = `name: modelgate train
description: Train a model.
inputs:
  model:
    description: Model name.
    required: true
  timeout-minutes:
    description: Limit.
    default: 60
outputs:
  run-dir:
    description: Run folder.
runs:
  using: node24
  main: dist/index.js
branding:
  icon: cpu
  color: purple
`;

function issueOf(text: string): string {
  try {
    parseActionMetadata(text, 'actions/x/action.yml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseActionMetadata', () => {
  it('accepts a node24 action with described kebab-case inputs and outputs', () => {
    const meta = parseActionMetadata(GOOD, 'actions/train/action.yml');
    expect(Object.keys(meta.inputs ?? {})).toEqual(['model', 'timeout-minutes']);
    expect(meta.runs.using).toBe('node24');
  });

  it('rejects another runtime, another entry point and snake_case names, naming file, line and field', () => {
    expect(issueOf(GOOD.replace('node24', 'node20'))).toMatch(/actions\/x\/action\.yml:14.*runs\.using/);
    expect(issueOf(GOOD.replace('dist/index.js', 'main.js'))).toMatch(/runs\.main/);
    expect(issueOf(GOOD.replace('  run-dir:', '  run_dir:'))).toMatch(/kebab-case/);
  });

  it('rejects an input without a description, an unknown key and a colour the Marketplace lacks', () => {
    expect(issueOf(GOOD.replace('    description: Model name.\n', ''))).toMatch(/inputs\.model\.description/);
    expect(issueOf(GOOD.replace('name: modelgate train', 'name: x\nautor: me'))).toMatch(/autor/);
    expect(issueOf(GOOD.replace('color: purple', 'color: pink'))).toMatch(/branding\.color/);
  });
});
