/**
 * Typed errors. Every user-facing failure is a {@link ModelgateError}: the CLI prints its message
 * (no stack trace) and exits with its `exitCode`. Anything else is a bug and is reported as such.
 */

/** Base class for expected failures; `exitCode` is what the CLI exits with. */
export class ModelgateError extends Error {
  /** Process exit code the CLI uses for this error (1 failure, 2 usage or input error). */
  readonly exitCode: number;
  constructor(message: string, exitCode = 1, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Wrong command-line usage: unknown flag, missing argument. Exit code 2. */
export class UsageError extends ModelgateError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** Where in a file a problem is: the file, the 1-based line when known, the field path and the value. */
export interface Location {
  /** The file, as the user named it. */
  file: string;
  /** 1-based line, when known. */
  line?: number;
  /** 1-based column, when known. */
  column?: number;
  /** Dotted field path, e.g. `trainer.learning_rate` or `models[0].name`. */
  field?: string;
}

/** One problem found in a config file or artifact. */
export interface ConfigIssue extends Location {
  /** What is wrong, in words. */
  message: string;
  /** The offending value, when there is one. */
  value?: unknown;
}

/** Formats an issue as `file:line:col field: message (got value)`. */
export function formatIssue(issue: ConfigIssue): string {
  let where = issue.file;
  if (issue.line !== undefined) where += `:${issue.line}`;
  if (issue.line !== undefined && issue.column !== undefined) where += `:${issue.column}`;
  const field = issue.field ? ` ${issue.field}:` : '';
  const got = issue.value === undefined ? '' : ` (got ${describeValue(issue.value)})`;
  return `${where}:${field} ${issue.message}${got}`;
}

/** A short, single-line rendering of a value for error messages. */
export function describeValue(value: unknown): string {
  let s: string;
  try {
    s = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    s = String(value);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** An invalid config file or artifact (YAML/JSON syntax or schema). Exit code 2. */
export class ConfigError extends ModelgateError {
  /** Every problem found, each with file, line, field and value. */
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    const head =
      issues.length === 1 ? 'Invalid configuration' : `Invalid configuration (${issues.length} problems)`;
    super(`${head}:\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`, 2);
    this.issues = issues;
  }
}

/** Bad input data: unreadable file, bad row, unknown column, wrong type. Exit code 2. */
export class DataError extends ModelgateError {
  /** Where the problem is, when known (file, 1-based line/row, column as `field`). */
  readonly location: Location | undefined;
  constructor(message: string, location?: Location) {
    const where = location
      ? `${location.file}${location.line !== undefined ? `:${location.line}` : ''}${location.field ? ` column "${location.field}"` : ''}: `
      : '';
    super(`${where}${message}`, 2);
    this.location = location;
  }
}

/** Training or a training command failed. Exit code 1. */
export class TrainError extends ModelgateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 1, options);
  }
}

/** A registry operation failed (version exists, not found). Exit code 1. */
export class RegistryError extends ModelgateError {
  constructor(message: string) {
    super(message, 1);
  }
}
