/**
 * The `modelgate` command. Thin: parses arguments, calls the library, prints results. Exit codes:
 * 0 ok, 1 failure (a training command failed, a registry conflict), 2 usage or input error
 * (bad flags, bad config, bad data). User errors print a clear message, never a stack trace.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type CliIo, type CommandSpec, commandHelp, parseCommandArgs } from './cli/args.js';
import { COMMANDS } from './cli/commands.js';
import { ModelgateError } from './errors.js';
import { modelgateVersion } from './runs/environment.js';

/** Top-level help. */
export function mainHelp(commands: readonly CommandSpec[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'modelgate: train, evaluate, gate, release, serve and monitor ML models from a GitHub repository.',
    '',
    'Usage: modelgate <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    "Run `modelgate <command> --help` for a command's options.",
    'Exit codes: 0 ok, 1 failure, 2 usage or input error, 3 drift found (drift), 4 data contract violations (validate).',
    '',
  ].join('\n');
}

/** Default IO: process streams. */
export function processIo(): CliIo {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(`${modelgateVersion()}\n`);
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.err(`modelgate: unknown command ${JSON.stringify(name)}\n\n${mainHelp()}`);
    return 2;
  }
  try {
    const args = parseCommandArgs(cmd, rest);
    if (args.help) {
      io.out(commandHelp(cmd));
      return 0;
    }
    return await cmd.run(args, io);
  } catch (e) {
    if (e instanceof ModelgateError) {
      io.err(`modelgate ${cmd.name}: ${e.message}\n`);
      return e.exitCode;
    }
    io.err(`modelgate ${cmd.name}: internal error (please report it): ${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}

const invoked = process.argv[1] ? pathToFileURL(resolve(process.argv[1])).href : '';
if (invoked === import.meta.url) {
  process.exitCode = await main(process.argv.slice(2));
}
