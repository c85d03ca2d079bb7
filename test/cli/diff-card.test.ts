/**
 * `modelgate diff` and `modelgate card` through the CLI on real run folders trained from the
 * example: JSON shape, markdown marker, HTML file, baseline resolution, card formats, usage errors.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CliIo } from '../../src/cli/args.js';
import { main } from '../../src/cli.js';
import { writeRows } from '../../src/data/write-rows.js';
import { RISK_COLUMNS, riskRows } from '../../src/demo/risk-data.js';

let tmp: string;
let baseline: string;
let candidate: string;

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, env: {}, cwd };
  return { io: value, out: () => out.join(''), err: () => err.join('') };
}

const MODEL = `name: risk
task: binary
seed: 7
data:
  train: train.csv
  eval: eval.csv
  label: claim
  id: policy_id
  slices: [gender]
trainer:
  hidden: [HIDDEN]
  epochs: 3
  importance: { enabled: false }
`;

const REPO = `models:
  - name: risk
    path: model
    metrics:
      - name: roc_auc
        max_regression: 0.5
        required: true
    approvers: ['@acme/risk']
`;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'modelgate-diff-'));
  const { writeFile, mkdir } = await import('node:fs/promises');
  await mkdir(join(tmp, 'model'), { recursive: true });
  await mkdir(join(tmp, '.github'), { recursive: true });
  await writeFile(join(tmp, '.github', 'modelgate.yml'), REPO);
  await writeRows(join(tmp, 'model', 'train.csv'), riskRows({ rows: 1500, seed: 1 }), RISK_COLUMNS);
  await writeRows(
    join(tmp, 'model', 'eval.csv'),
    riskRows({ rows: 600, seed: 2, firstId: 5000 }),
    RISK_COLUMNS,
  );
  for (const [name, hidden] of [
    ['baseline', '8'],
    ['candidate', '16, 8'],
  ] as const) {
    await writeFile(join(tmp, 'model', 'model.yml'), MODEL.replace('HIDDEN', hidden));
    const r = io(tmp);
    const code = await main(['train', '--model', 'model/model.yml', '--out', `runs/${name}`], r.io);
    expect(code, r.err()).toBe(0);
  }
  baseline = join(tmp, 'runs', 'baseline');
  candidate = join(tmp, 'runs', 'candidate');
  const reg = io(tmp);
  expect(await main(['register', '--run', 'runs/baseline'], reg.io), reg.err()).toBe(0);
}, 120_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('modelgate diff', () => {
  it('--json has the documented shape, with bootstrap CIs and the gate verdict', async () => {
    const r = io(tmp);
    const code = await main(
      ['diff', '--baseline', baseline, '--candidate', candidate, '--resamples', '200', '--json'],
      r.io,
    );
    expect(code, r.err()).toBe(0);
    const j = JSON.parse(r.out());
    expect(Object.keys(j)).toEqual(
      expect.arrayContaining([
        'verdict',
        'reasons',
        'metrics',
        'params',
        'data',
        'bump',
        'fairness',
        'environment',
      ]),
    );
    expect(['pass', 'needs-approval', 'fail']).toContain(j.verdict);
    const auc = j.metrics.find(
      (m: { name: string; slice: unknown }) => m.name === 'roc_auc' && m.slice === null,
    );
    expect(auc).toMatchObject({ direction: 'higher', status: expect.any(String) });
    expect(auc.delta).toBeCloseTo(auc.candidate - auc.baseline, 12);
    expect(auc.ci).toHaveLength(2);
    expect(auc.ci[0]).toBeLessThanOrEqual(auc.ci[1]);
    expect(j.metrics.some((m: { slice: { column: string } | null }) => m.slice?.column === 'gender')).toBe(
      true,
    );
    expect(j.params).toContainEqual({
      path: 'trainer.hidden',
      kind: 'changed',
      baseline: [8],
      candidate: [16, 8],
    });
    expect(j.bootstrap).toMatchObject({ resamples: 200, pairing: 'id', paired: 600 });
  });

  it('resolves --baseline latest from the registry and gates with the repository rules', async () => {
    const r = io(tmp);
    expect(
      await main(['diff', '--candidate', candidate, '--resamples', '100', '--json'], r.io),
      r.err(),
    ).toBe(0);
    const j = JSON.parse(r.out());
    expect(j.baseline.version).toBe('1.0.0');
    expect(j.reasons.every((x: { code: string }) => x.code !== 'missing-required-metric')).toBe(true);
  });

  it('--markdown prints one sticky section naming the approvers; --html writes a file', async () => {
    const r = io(tmp);
    const html = join(tmp, 'out', 'report.html');
    const code = await main(
      [
        'diff',
        '--baseline',
        'risk@v1.0.0',
        '--candidate',
        `${candidate}/run.json`,
        '--resamples',
        '100',
        '--markdown',
        '--html',
        html,
      ],
      r.io,
    );
    expect(code, r.err()).toBe(0);
    const md = r.out();
    expect(md.match(/<!-- modelgate:report:risk -->/g)).toHaveLength(1);
    expect(md).toContain('<summary>Model card</summary>');
    const page = await readFile(html, 'utf8');
    expect(page).toMatch(/^<!DOCTYPE html>/i);
    expect(page).toContain('<svg');
  });

  it('a first model (--baseline none) passes with every metric new', async () => {
    const r = io(tmp);
    expect(
      await main(['diff', '--baseline', 'none', '--candidate', candidate, '--json'], r.io),
      r.err(),
    ).toBe(0);
    const j = JSON.parse(r.out());
    expect(j.baseline).toBeNull();
    expect(
      j.metrics
        .filter((m: { slice: unknown }) => m.slice === null)
        .every((m: { status: string }) => m.status === 'new'),
    ).toBe(true);
    expect(j.reasons.map((x: { code: string }) => x.code)).toContain('first-model');
  });

  it('usage errors exit 2 without a stack trace', async () => {
    for (const args of [
      ['diff'],
      ['diff', '--candidate', join(tmp, 'nope')],
      ['diff', '--candidate', candidate, '--baseline', 'risk@v9.9.9'],
      ['diff', '--candidate', candidate, '--json', '--markdown'],
    ]) {
      const r = io(tmp);
      const code = await main(args, r.io);
      expect(code, `${args.join(' ')}: ${r.err()}`).not.toBe(0);
      expect(r.err()).not.toMatch(/\n\s+at /);
    }
  });
});

describe('modelgate register', () => {
  it('stores the model card, rendered with the version, in the version folder', async () => {
    const card = await readFile(join(tmp, '.modelgate', 'models', 'risk', '1.0.0', 'model-card.md'), 'utf8');
    expect(card).toContain('1.0.0');
    expect(card.toLowerCase()).toContain('intended use');
  });
});

describe('modelgate card', () => {
  it('renders the markdown card with the Mitchell et al. sections', async () => {
    const r = io(tmp);
    expect(await main(['card', '--run', candidate, '--version', '1.1.0'], r.io), r.err()).toBe(0);
    for (const h of [
      'Model details',
      'Intended use',
      'Factors',
      'Metrics',
      'Evaluation data',
      'Training data',
      'Quantitative analyses',
      'Ethical considerations',
      'Caveats and recommendations',
    ]) {
      expect(r.out().toLowerCase()).toContain(h.toLowerCase());
    }
    expect(r.out()).toContain('1.1.0');
  });

  it('renders the Hugging Face card whose front matter parses, to a file', async () => {
    const r = io(tmp);
    const out = join(tmp, 'out', 'README.md');
    expect(
      await main(['card', '--run', candidate, '--format', 'huggingface', '--out', out], r.io),
      r.err(),
    ).toBe(0);
    const text = await readFile(out, 'utf8');
    const front = parse(text.split(/^---$/m)[1]!);
    expect(front['model-index'][0].results[0].metrics.length).toBeGreaterThan(3);
  });

  it('a missing template is a clear error', async () => {
    const r = io(tmp);
    expect(await main(['card', '--run', candidate, '--template', 'missing.md'], r.io)).toBe(2);
    expect(r.err()).toContain('missing.md');
  });
});
