/**
 * Data-reader throughput: rows/s reading a 10-column numeric table as CSV, JSONL and Parquet with
 * modelgate's streaming readers, next to peers measured in the same run on the same files:
 * Python's `csv` and `json` modules (rows as dicts of numbers, like ours) and pandas
 * (`read_csv` / `read_json(lines=True)`, which load the whole file). Peers that are not installed
 * are skipped with a message.
 *
 *   npx tsx bench/data-read.ts [--rows 1000000]
 *
 * Numbers are best-of-2 wall time on one core; ratios > 1 mean modelgate is faster.
 */

import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fingerprint, readRowBatches, readRows } from '../src/data/index.js';

const run = promisify(execFile);
const COLUMNS = 'abcdefghij'.split('');

function argRows(): number {
  const at = process.argv.indexOf('--rows');
  const value = at >= 0 ? Number(process.argv[at + 1]) : 1_000_000;
  if (!(Number.isInteger(value) && value > 0)) throw new Error('--rows takes a positive integer');
  return value;
}

/** The value of column `c` in row `r`: integers in some columns, 4-decimal floats in the others. */
function cell(r: number, c: number): number {
  return c % 3 === 0 ? (r * 7 + c) % 1000 : Math.round((((r * 31 + c * 17) % 100_000) / 997) * 1e4) / 1e4;
}

async function writeText(
  path: string,
  header: string,
  n: number,
  line: (r: number) => string,
): Promise<void> {
  const out = createWriteStream(path);
  let buf = header;
  for (let r = 0; r < n; r++) {
    buf += line(r);
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

async function writeParquet(path: string, n: number): Promise<boolean> {
  let writer: typeof import('hyparquet-writer');
  try {
    writer = await import('hyparquet-writer');
  } catch {
    console.log('parquet: hyparquet-writer (devDependency) is not installed; skipping Parquet');
    return false;
  }
  const columnData = COLUMNS.map((name, c) => ({
    name,
    data: Float64Array.from({ length: n }, (_, r) => cell(r, c)),
    type: 'DOUBLE' as const,
  }));
  writer.parquetWriteFile({ filename: path, columnData });
  return true;
}

/** Best of `reps` timings of `fn`, which returns the number of rows it read. */
async function best(reps: number, fn: () => Promise<number>): Promise<{ rows: number; seconds: number }> {
  let seconds = Number.POSITIVE_INFINITY;
  let rows = 0;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    rows = await fn();
    seconds = Math.min(seconds, (performance.now() - t) / 1000);
  }
  return { rows, seconds };
}

async function countRows(path: string): Promise<number> {
  let n = 0;
  for await (const row of readRows(path)) if (row['a'] !== undefined) n++;
  return n;
}

async function countBatches(path: string): Promise<number> {
  let n = 0;
  for await (const batch of readRowBatches(path, 8192)) n += batch.length;
  return n;
}

const PY_PEERS = `
import sys, time, json, csv
kind, path = sys.argv[1], sys.argv[2]
def best(fn):
    out = None
    for _ in range(2):
        t = time.perf_counter(); n = fn(); s = time.perf_counter() - t
        out = (n, s) if out is None or s < out[1] else out
    return out
def py_csv():
    n = 0
    with open(path, newline='') as f:
        r = csv.reader(f); header = next(r)
        for row in r:
            d = dict(zip(header, [float(x) if x else None for x in row])); n += 1
    return n
def py_json():
    n = 0
    with open(path) as f:
        for line in f:
            if line.strip(): json.loads(line); n += 1
    return n
def pandas_csv():
    import pandas as pd
    return len(pd.read_csv(path))
def pandas_json():
    import pandas as pd
    return len(pd.read_json(path, lines=True))
fn = {'csv': py_csv, 'json': py_json, 'pandas_csv': pandas_csv, 'pandas_json': pandas_json}[kind]
try:
    n, s = best(fn)
    print(json.dumps({'rows': n, 'seconds': s}))
except ImportError as e:
    print(json.dumps({'skip': str(e)}))
`;

async function pythonPeer(kind: string, path: string): Promise<{ rows: number; seconds: number } | string> {
  try {
    const { stdout } = await run('/usr/bin/python3', ['-c', PY_PEERS, kind, path], { maxBuffer: 1 << 20 });
    const out = JSON.parse(stdout.trim()) as { rows?: number; seconds?: number; skip?: string };
    if (out.skip) return `skipped (${out.skip})`;
    return { rows: out.rows!, seconds: out.seconds! };
  } catch (err) {
    return `skipped (/usr/bin/python3 unavailable: ${(err as Error).message.split('\n')[0]})`;
  }
}

interface Line {
  format: string;
  reader: string;
  rate: number;
  note?: string;
}

async function main(): Promise<void> {
  const n = argRows();
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-bench-'));
  try {
    const csv = join(dir, 'data.csv');
    const jsonl = join(dir, 'data.jsonl');
    const parquet = join(dir, 'data.parquet');
    console.log(`generating ${n} rows x ${COLUMNS.length} numeric columns ...`);
    await writeText(
      csv,
      `${COLUMNS.join(',')}\n`,
      n,
      (r) => `${COLUMNS.map((_, c) => cell(r, c)).join(',')}\n`,
    );
    await writeText(
      jsonl,
      '',
      n,
      (r) => `${JSON.stringify(Object.fromEntries(COLUMNS.map((name, c) => [name, cell(r, c)])))}\n`,
    );
    const hasParquet = await writeParquet(parquet, n);
    for (const p of [csv, jsonl, ...(hasParquet ? [parquet] : [])]) {
      console.log(`  ${p.split('.').pop()}: ${((await stat(p)).size / 2 ** 20).toFixed(1)} MB`);
    }

    const lines: Line[] = [];
    const ours = async (format: string, path: string): Promise<number> => {
      const rows = await best(2, () => countRows(path));
      const batches = await best(2, () => countBatches(path));
      const fp = await best(2, async () => (await fingerprint(path)).rows);
      for (const [reader, r] of [
        ['modelgate readRows', rows],
        ['modelgate readRowBatches(8192)', batches],
        ['modelgate fingerprint', fp],
      ] as const) {
        if (r.rows !== n) throw new Error(`${format} ${reader}: read ${r.rows} rows, expected ${n}`);
        lines.push({ format, reader, rate: r.rows / r.seconds });
      }
      return rows.rows / rows.seconds;
    };
    const peer = async (format: string, reader: string, kind: string, path: string, base: number) => {
      const r = await pythonPeer(kind, path);
      if (typeof r === 'string') {
        lines.push({ format, reader, rate: Number.NaN, note: r });
        return;
      }
      const rate = r.rows / r.seconds;
      lines.push({ format, reader, rate, note: `modelgate readRows is ${(base / rate).toFixed(2)}x this` });
    };

    const csvRate = await ours('csv', csv);
    await peer('csv', 'python csv module (dict rows, float)', 'csv', csv, csvRate);
    await peer('csv', 'pandas read_csv (whole file, C parser)', 'pandas_csv', csv, csvRate);
    const jsonRate = await ours('jsonl', jsonl);
    await peer('jsonl', 'python json.loads per line', 'json', jsonl, jsonRate);
    await peer('jsonl', 'pandas read_json(lines=True)', 'pandas_json', jsonl, jsonRate);
    if (hasParquet) {
      await ours('parquet', parquet);
      lines.push({
        format: 'parquet',
        reader: 'pandas read_parquet',
        rate: Number.NaN,
        note: 'skipped (needs pyarrow or fastparquet; not measured)',
      });
    }

    console.log(`\nrows/s, ${n} rows, best of 2 (node ${process.version})`);
    for (const l of lines) {
      const rate = Number.isNaN(l.rate) ? '-' : Math.round(l.rate).toLocaleString('en-US');
      console.log(`${l.format.padEnd(8)} ${l.reader.padEnd(40)} ${rate.padStart(11)}  ${l.note ?? ''}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
