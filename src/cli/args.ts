/**
 * Small command-line plumbing on top of `node:util` parseArgs: per-command option specs, `--help`
 * text generated from them, and usage errors (exit code 2) that name the bad flag or value.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';

/** One option of a command. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Help text. */
  description: string;
  /** Placeholder in help, e.g. `<file>`. */
  value?: string;
  /** Required option. */
  required?: boolean;
  /** May repeat (collected into an array). */
  multiple?: boolean;
  /** Allowed values. */
  choices?: readonly string[];
  /** Default shown in help (applied by the handler). */
  default?: string;
  short?: string;
}

/** A command: name, summary, options and the handler that runs it. */
export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  /** Extra help text (examples). */
  details?: string;
  run: (args: ParsedArgs, io: CliIo) => Promise<number>;
}

/** Parsed option values. */
export type ParsedArgs = Record<string, string | boolean | string[] | undefined> & { _: string[] };

/** Where the CLI writes: injectable for tests. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether stderr is a terminal (progress bars). */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Renders a command's `--help`. */
export function commandHelp(cmd: CommandSpec): string {
  const lines = [`Usage: ${cmd.usage}`, '', cmd.summary, ''];
  const entries = Object.entries(cmd.options);
  if (entries.length > 0) {
    lines.push('Options:');
    for (const [name, o] of entries) {
      const flag = `  ${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? '<value>'}` : ''}`;
      const extra = [
        o.required ? 'required' : '',
        o.choices ? `one of: ${o.choices.join(', ')}` : '',
        o.default !== undefined ? `default: ${o.default}` : '',
        o.multiple ? 'repeatable' : '',
      ]
        .filter(Boolean)
        .join('; ');
      lines.push(`${flag.padEnd(34)} ${o.description}${extra ? ` (${extra})` : ''}`);
    }
    lines.push(`${'  -h, --help'.padEnd(34)} Show this help`);
  }
  if (cmd.details) lines.push('', cmd.details);
  return `${lines.join('\n')}\n`;
}

/** Parses a command's arguments; unknown flags, missing required options and bad choices are UsageErrors. */
export function parseCommandArgs(cmd: CommandSpec, argv: string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, o] of Object.entries(cmd.options)) {
    options[name] = {
      type: o.type,
      ...(o.multiple ? { multiple: true } : {}),
      ...(o.short ? { short: o.short } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(
      `${(e as Error).message.replace(/\. To specify.*$/s, '')}\nRun \`modelgate ${cmd.name} --help\` for usage.`,
    );
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values.help) return { ...values, _: parsed.positionals };
  for (const [name, o] of Object.entries(cmd.options)) {
    const v = values[name];
    if (o.required && (v === undefined || v === '')) {
      throw new UsageError(
        `missing required option --${name}\nRun \`modelgate ${cmd.name} --help\` for usage.`,
      );
    }
    if (o.choices && v !== undefined) {
      for (const item of Array.isArray(v) ? v : [v]) {
        if (!o.choices.includes(String(item))) {
          throw new UsageError(
            `--${name} must be one of ${o.choices.join(', ')} (got ${JSON.stringify(item)})`,
          );
        }
      }
    }
  }
  return { ...values, _: parsed.positionals };
}

/** A string option's value, or undefined when it was not given. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args[name];
  return typeof v === 'string' ? v : undefined;
}

/** Reads a numeric option, with a UsageError naming the flag when it is not a number in range. */
export function numberOption(
  args: ParsedArgs,
  name: string,
  fallback: number,
  opts: { min?: number; max?: number; integer?: boolean } = {},
): number {
  const raw = args[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  const bad =
    typeof raw !== 'string' ||
    raw.trim() === '' ||
    !Number.isFinite(n) ||
    (opts.integer && !Number.isInteger(n)) ||
    (opts.min !== undefined && n < opts.min) ||
    (opts.max !== undefined && n > opts.max);
  if (bad) {
    const range = [
      opts.integer ? 'an integer' : 'a number',
      opts.min !== undefined ? `>= ${opts.min}` : '',
      opts.max !== undefined ? `<= ${opts.max}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    throw new UsageError(`--${name} must be ${range} (got ${JSON.stringify(raw)})`);
  }
  return n;
}
