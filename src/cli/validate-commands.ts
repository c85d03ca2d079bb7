/** `modelgate validate`: check a data file against its data contract, or infer a contract from the data. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { loadProfile, profileFile } from '../drift/profile.js';
import { UsageError } from '../errors.js';
import {
  contractToYaml,
  inferContract,
  loadContract,
  renderValidationJson,
  renderValidationMarkdown,
  validateFile,
} from '../validate/index.js';
import { type CommandSpec, numberOption, stringOption } from './args.js';

const str = stringOption;

/** Exit code of `modelgate validate` when the data breaks its contract. */
export const VALIDATION_EXIT_CODE = 4;

export const validateCommand: CommandSpec = {
  name: 'validate',
  summary:
    'Check a data file against its data contract (streaming), or propose a contract from the data (--infer).',
  usage:
    'modelgate validate --data <file> --contract <data.contract.yml> [--reference <profile.json|file>] [--json | --markdown]\n       modelgate validate --infer --data <file> [--label <col>] [--out <data.contract.yml>]',
  options: {
    data: {
      type: 'string',
      value: '<file>',
      description: 'Data to check (CSV, JSONL, Parquet)',
      required: true,
    },
    contract: {
      type: 'string',
      value: '<file>',
      description: 'The data contract',
      default: 'data.contract.yml',
    },
    reference: {
      type: 'string',
      value: '<file>',
      description: 'Reference profile.json or data, for statistical expectations',
    },
    infer: { type: 'boolean', description: 'Propose a contract from the data instead of checking' },
    label: {
      type: 'string',
      value: '<col>',
      description: 'With --infer: the label column (class balance bounds)',
    },
    out: {
      type: 'string',
      value: '<file>',
      description: 'With --infer: where to write the contract (default stdout)',
    },
    examples: {
      type: 'string',
      value: '<n>',
      description: 'Example row numbers per violation',
      default: '5',
    },
    json: { type: 'boolean', description: 'Print the report as JSON' },
    markdown: { type: 'boolean', description: 'Print the report as markdown (the "Data checks" section)' },
  },
  details: `Exit codes: 0 the data meets its contract (warnings allowed), ${VALIDATION_EXIT_CODE} contract violations, 2 bad input. See docs/validation.md.`,
  async run(args, io) {
    const data = resolve(io.cwd, str(args, 'data')!);
    if (args.infer) {
      const profile = await profileFile(data);
      const contract = inferContract(profile, str(args, 'label') ? { label: str(args, 'label')! } : {});
      const text = contractToYaml(contract);
      const out = str(args, 'out');
      if (out) {
        await mkdir(dirname(resolve(io.cwd, out)), { recursive: true });
        await writeFile(resolve(io.cwd, out), text);
        io.err(`wrote ${out}: review it, then commit it\n`);
      } else io.out(text);
      return 0;
    }
    if (args.json && args.markdown) throw new UsageError('give --json or --markdown, not both');
    const contract = await loadContract(resolve(io.cwd, str(args, 'contract') ?? 'data.contract.yml'));
    const ref = str(args, 'reference');
    const reference = ref
      ? /\.json$/i.test(ref)
        ? await loadProfile(resolve(io.cwd, ref))
        : await profileFile(resolve(io.cwd, ref))
      : undefined;
    const report = await validateFile(data, contract, {
      ...(reference ? { reference } : {}),
      maxExamples: numberOption(args, 'examples', 5, { integer: true, min: 0, max: 100 }),
    });
    if (args.json) io.out(`${renderValidationJson(report).trimEnd()}\n`);
    else io.out(`${renderValidationMarkdown(report).trimEnd()}\n`);
    return report.ok ? 0 : VALIDATION_EXIT_CODE;
  },
};
