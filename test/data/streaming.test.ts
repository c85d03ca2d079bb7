import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fingerprint, readRows } from '../../src/data/index.js';
import { useTempDir } from './helpers.js';

const tmp = useTempDir();

const TARGET_BYTES = 200 * 1024 * 1024;

/**
 * Writes a ~200 MB, 10-column CSV in a child process (so this process's memory baseline is clean),
 * streaming 5,000-row chunks; prints the row count.
 */
const GENERATOR = `
const fs = require('node:fs');
const out = fs.openSync(process.argv[1], 'w');
fs.writeSync(out, 'id,a,b,c,d,e,f,g,h,label\\n');
let rows = 0;
let bytes = 0;
while (bytes < ${TARGET_BYTES}) {
  let chunk = '';
  for (let k = 0; k < 5000; k++, rows++) {
    const r = rows;
    chunk += r + ',' + (r % 97) + ',' + (r % 1000) / 8 + ',' + r * 3 + ',' + ((r % 13) - 6) + ',0.' + (r % 10007) +
      ',' + (r % 2) + ',' + (r % 5) + ',' + (r % 11) + ',"category ' + (r % 50) + ', with a comma and a longer label"\\n';
  }
  bytes += chunk.length;
  fs.writeSync(out, chunk);
}
fs.closeSync(out);
process.stdout.write(String(rows));
`;

describe('streaming', () => {
  it('reads a ~200 MB CSV with memory far below the file size', async () => {
    const p = tmp.path('big.csv');
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', GENERATOR, p]);
    const expected = Number(stdout);
    const size = (await stat(p)).size;
    expect(size).toBeGreaterThan(TARGET_BYTES);

    const before = process.memoryUsage().rss;
    let peak = before;
    let count = 0;
    let sum = 0;
    for await (const row of readRows(p)) {
      sum += row['b'] as number;
      if (++count % 50_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(count).toBe(expected);
    expect(sum).toBeGreaterThan(0);
    // Bounded by a chunk plus the garbage between collections, not by the file.
    expect(peak - before).toBeLessThan(size / 4);

    // The one-pass fingerprint is bounded the same way.
    const fp = await fingerprint(p);
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(fp.rows).toBe(expected);
    expect(fp.bytes).toBe(size);
    expect(peak - before).toBeLessThan(size / 4);
    console.log(
      `streaming: ${(size / 2 ** 20).toFixed(0)} MB, ${expected} rows, rss growth ${((peak - before) / 2 ** 20).toFixed(1)} MB`,
    );
  });
});
