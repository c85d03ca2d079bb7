/** The actions' runner I/O: inputs, event, context, outputs, summary and the failure wrapper. */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  DeployInputsSchema,
  DriftInputsSchema,
  EvaluateInputsSchema,
  ReportInputsSchema,
  TrainInputsSchema,
} from '../../src/actions/inputs.js';
import { bundledWasmDir, resolveFrom, WASM_FILES } from '../../src/actions/module-importer.js';
import {
  ActionContextError,
  ActionInputError,
  actionContext,
  appendSummary,
  failureMessage,
  formatOutput,
  inputVariable,
  pullRequestOf,
  readEvent,
  readInputs,
  requireGitHub,
  runAction,
  SUMMARY_LIMIT_BYTES,
  setOutputs,
  workspacePath,
} from '../../src/actions/runtime.js';
import { ConfigError } from '../../src/errors.js';
import { parseOutputFile, ROOT, webhookExample } from './helpers.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'modelgate-runtime-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('inputs', () => {
  it('names variables as the runner does: upper case, dashes kept, spaces as underscores', () => {
    expect(inputVariable('run-dir')).toBe('INPUT_RUN-DIR');
    expect(inputVariable('timeout-minutes')).toBe('INPUT_TIMEOUT-MINUTES');
    expect(inputVariable('my input')).toBe('INPUT_MY_INPUT');
  });

  it('reads, trims and applies defaults and derived defaults', () => {
    const inputs = readInputs(TrainInputsSchema, {
      INPUT_MODEL: '  risk\n',
      'INPUT_TIMEOUT-MINUTES': '30',
      INPUT_UPLOAD: 'False',
      INPUT_DATA: '',
    });
    expect(inputs).toEqual({
      model: 'risk',
      config: '.github/modelgate.yml',
      backend: 'auto',
      output: '.modelgate/runs/risk',
      'timeout-minutes': 30,
      upload: false,
    });
  });

  it('ignores variables of other casing or names (GitHub upper-cases them)', () => {
    const inputs = readInputs(EvaluateInputsSchema, {
      'INPUT_RUN-DIR': 'runs/a',
      INPUT_RUN_DIR: 'wrong',
      'input_run-dir': 'wrong',
    });
    expect(inputs['run-dir']).toBe('runs/a');
  });

  it('names every bad input, its variable and the value', () => {
    let error: unknown;
    try {
      readInputs(TrainInputsSchema, {
        INPUT_BACKEND: 'gpu',
        INPUT_UPLOAD: 'yes',
        'INPUT_TIMEOUT-MINUTES': '1.5',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ActionInputError);
    const e = error as ActionInputError;
    expect(e.issues.map((i) => i.input).sort()).toEqual(['backend', 'model', 'timeout-minutes', 'upload']);
    expect(e.message).toMatch(/input "model" \(INPUT_MODEL\): is required but was not set/);
    expect(e.message).toMatch(/input "backend" \(INPUT_BACKEND\): .*\(got "gpu"\)/);
    expect(e.message).toMatch(/input "upload" \(INPUT_UPLOAD\): must be true or false.*\(got "yes"\)/);
    expect(e.message).toMatch(
      /input "timeout-minutes" \(INPUT_TIMEOUT-MINUTES\): must be a whole number \(got "1.5"\)/,
    );
    expect(e.exitCode).toBe(2);
  });

  it('rejects invalid model names and reads comma lists', () => {
    expect(() => readInputs(TrainInputsSchema, { INPUT_MODEL: 'Risk Model' })).toThrow(/INPUT_MODEL/);
    const report = readInputs(ReportInputsSchema, { INPUT_MODELS: 'risk, churn\nfraud', INPUT_TOKEN: 't' });
    expect(report.runs).toEqual([
      { model: 'risk', dir: '.modelgate/runs/risk' },
      { model: 'churn', dir: '.modelgate/runs/churn' },
      { model: 'fraud', dir: '.modelgate/runs/fraud' },
    ]);
    // Neither model nor models: report every run folder under run-dir.
    expect(readInputs(ReportInputsSchema, { INPUT_TOKEN: 't' }).runs).toEqual([]);
    expect(() =>
      readInputs(ReportInputsSchema, { INPUT_MODEL: 'risk', INPUT_MODELS: 'a', INPUT_TOKEN: 't' }),
    ).toThrow(/not both/);
  });

  it('masks token inputs as soon as they are read, before validation can print them', () => {
    const writes: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      expect(() =>
        readInputs(DeployInputsSchema, {
          INPUT_MODEL: 'risk',
          INPUT_TOKEN: ' ghs_abc ',
          'INPUT_ADMIN-TOKEN': 's3cret',
          INPUT_CANARY: '150',
        }),
      ).toThrow(/input "canary" \(INPUT_CANARY\): must be at most 100/);
    } finally {
      spy.mockRestore();
    }
    expect(writes.sort()).toEqual(['::add-mask::ghs_abc\n', '::add-mask::s3cret\n']);
  });

  it('drift derives its report folder from the model', () => {
    const d = readInputs(DriftInputsSchema, { INPUT_MODEL: 'risk', INPUT_VERSION: 'v1.2.3' });
    expect(d.output).toBe('.modelgate/drift/risk');
    expect(d.version).toBe('1.2.3');
    expect(d['open-issue']).toBe(true);
  });

  it('accepts every YAML 1.2 boolean spelling core.getBooleanInput accepts, and nothing else', () => {
    const schema = z.object({ flag: TrainInputsSchema.in.shape.upload });
    for (const [text, value] of [
      ['true', true],
      ['True', true],
      ['TRUE', true],
      ['false', false],
      ['False', false],
      ['FALSE', false],
    ] as const) {
      expect(readInputs(schema, { INPUT_FLAG: text }).flag).toBe(value);
    }
    fc.assert(
      fc.property(fc.string(), (s) => {
        const t = s.trim();
        fc.pre(t !== '' && !['true', 'True', 'TRUE', 'false', 'False', 'FALSE'].includes(t));
        expect(() => readInputs(schema, { INPUT_FLAG: s })).toThrow(ActionInputError);
      }),
    );
  });
});

describe('outputs and summary', () => {
  it('writes heredoc outputs that parse back exactly, whatever the value', async () => {
    const file = join(tmp, 'output-prop');
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string({ unit: 'binary' }), async (a, b) => {
        await writeFile(file, '');
        setOutputs({ first: a, 'second-one': b }, { GITHUB_OUTPUT: file });
        expect(parseOutputFile(await readFile(file, 'utf8'))).toEqual({ first: a, 'second-one': b });
      }),
      { numRuns: 50 },
    );
  });

  it('refuses a value containing its delimiter and bad names', () => {
    expect(() => formatOutput('x', 'a\nEOF\nb', 'EOF')).toThrow(/delimiter/);
    expect(() => formatOutput('bad name', 'v')).toThrow(/invalid output name/);
    expect(formatOutput('metrics', '{"a":1}', 'D')).toBe('metrics<<D\n{"a":1}\nD\n');
  });

  it('appends to the step summary and cuts it at 1 MiB', async () => {
    const file = join(tmp, 'summary.md');
    await writeFile(file, '');
    appendSummary('# one', { GITHUB_STEP_SUMMARY: file });
    appendSummary('two\n', { GITHUB_STEP_SUMMARY: file });
    expect(await readFile(file, 'utf8')).toBe('# one\ntwo\n');
    const big = 'é'.repeat(SUMMARY_LIMIT_BYTES);
    const written = appendSummary(big, { GITHUB_STEP_SUMMARY: join(tmp, 'big.md') });
    expect(Buffer.byteLength(written)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    expect(written).toMatch(/summary cut at GitHub’s 1 MiB limit/);
    expect(written).not.toContain('\uFFFD');
  });
});

describe('event and context', () => {
  it('reads a real pull_request payload and its head commit', async () => {
    const payload = webhookExample('pull_request', (p) => p.action === 'synchronize');
    const file = join(tmp, 'event.json');
    await writeFile(file, JSON.stringify(payload));
    const event = readEvent({ GITHUB_EVENT_PATH: file });
    const pr = payload.pull_request as { number: number; head: { sha: string } };
    expect(pullRequestOf(event)).toEqual({ number: pr.number, headSha: pr.head.sha });
    expect(pullRequestOf(webhookExample('workflow_dispatch'))).toBeNull();
    expect(readEvent({})).toEqual({});
  });

  it('names a missing or broken event file', async () => {
    expect(() => readEvent({ GITHUB_EVENT_PATH: join(tmp, 'nope.json') })).toThrow(
      /cannot read the event payload GITHUB_EVENT_PATH=.*nope\.json/,
    );
    await writeFile(join(tmp, 'bad.json'), '{"a":');
    expect(() => readEvent({ GITHUB_EVENT_PATH: join(tmp, 'bad.json') })).toThrow(/bad\.json .* is not JSON/);
    await writeFile(join(tmp, 'list.json'), '[]');
    expect(() => readEvent({ GITHUB_EVENT_PATH: join(tmp, 'list.json') })).toThrow(/not a JSON object/);
  });

  it('reads the context from the runner variables, API URL included', () => {
    const ctx = actionContext({
      GITHUB_REPOSITORY: 'acme/models',
      GITHUB_SHA: 'abc',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_SERVER_URL: 'https://ghe.example/',
      GITHUB_API_URL: 'https://ghe.example/api/v3/',
      GITHUB_RUN_ID: '77',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_WORKSPACE: tmp,
      GITHUB_EVENT_NAME: 'pull_request',
    });
    expect(ctx).toMatchObject({
      owner: 'acme',
      repo: 'models',
      sha: 'abc',
      apiUrl: 'https://ghe.example/api/v3',
      runId: 77,
      runAttempt: 2,
      runUrl: 'https://ghe.example/acme/models/actions/runs/77',
      workspace: tmp,
      eventName: 'pull_request',
    });
    expect(requireGitHub(ctx)).toEqual({
      owner: 'acme',
      repo: 'models',
      apiUrl: 'https://ghe.example/api/v3',
    });
  });

  it('never assumes api.github.com: a missing GITHUB_API_URL is an error', () => {
    const ctx = actionContext({ GITHUB_REPOSITORY: 'acme/models' });
    expect(ctx.apiUrl).toBeNull();
    expect(() => requireGitHub(ctx)).toThrow(ActionContextError);
    expect(() => requireGitHub(ctx)).toThrow(/GITHUB_API_URL is not set/);
    expect(() => requireGitHub(actionContext({ GITHUB_API_URL: 'http://x' }))).toThrow(
      /GITHUB_REPOSITORY is not set/,
    );
  });

  it('keeps written folders inside the workspace', () => {
    expect(workspacePath(tmp, 'output', 'runs/a', 'write')).toBe(join(tmp, 'runs', 'a'));
    expect(() => workspacePath(tmp, 'output', '../elsewhere', 'write')).toThrow(
      /INPUT_OUTPUT.*inside the workspace/,
    );
    expect(() => workspacePath(tmp, 'output', '/etc', 'write')).toThrow(ActionInputError);
    expect(workspacePath(tmp, 'current', '/data/log')).toBe('/data/log');
    expect(() => workspacePath(tmp, 'data', 'a\0b')).toThrow(/NUL/);
  });
});

describe('runAction', () => {
  it('turns an error into a failed step with exit code 1 and logs the time taken', async () => {
    const writes: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    const before = process.exitCode;
    try {
      const code = await runAction(
        'demo',
        async () => {
          throw new ConfigError([
            { file: 'cfg.yml', line: 3, field: 'models[0].name', message: 'bad', value: 'X' },
          ]);
        },
        { exit: false },
      );
      expect(code).toBe(1);
      expect(process.exitCode).toBe(1);
      const ok = await runAction('demo', async () => {}, { exit: false });
      expect(ok).toBe(0);
    } finally {
      spy.mockRestore();
      process.exitCode = before;
    }
    const log = writes.join('');
    expect(log).toMatch(
      /::error::modelgate demo: Invalid configuration:%0A {2}cfg\.yml:3: models\[0\]\.name: bad \(got "X"\)/,
    );
    expect(log).toMatch(/modelgate demo: failed after \d+\.\d+ s/);
    expect(log).toMatch(/modelgate demo: done in \d+\.\d+ s/);
  });

  it('shows a bug with where it happened', () => {
    const message = failureMessage(new TypeError('x is undefined'));
    expect(message).toMatch(/^TypeError: x is undefined\n\s+at /);
    expect(failureMessage('plain')).toBe('plain');
  });
});

describe('module importer (how the bundle loads tfjs)', () => {
  it('points the wasm backend at binaries beside the bundle only when all are there', async () => {
    expect(bundledWasmDir(pathToFileURL(join(ROOT, 'src', 'actions', 'module-importer.ts')).href)).toBeNull();
    const dir = join(tmp, 'fake-dist');
    await mkdir(dir);
    for (const f of WASM_FILES.slice(0, 2)) await writeFile(join(dir, f), '');
    const url = pathToFileURL(join(dir, 'index.js')).href;
    expect(bundledWasmDir(url)).toBeNull();
    await writeFile(join(dir, WASM_FILES[2]), '');
    expect(bundledWasmDir(url)).toBe(`${dir}/`);
  });

  it('resolves packages from a folder or reports them missing', () => {
    expect(resolveFrom(ROOT, '@tensorflow/tfjs')).toMatch(/node_modules[\\/]@tensorflow[\\/]tfjs[\\/]/);
    expect(resolveFrom(tmp, '@tensorflow/tfjs-node-gpu')).toBeNull();
  });
});
