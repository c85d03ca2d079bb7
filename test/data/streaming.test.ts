import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { fingerprint, readRowBatches, readRows } from '../../src/data/index.js';
import { useTempDir } from './helpers.js';

const tmp = useTempDir();

const TARGET_BYTES = 200 * 1024 * 1024;

/** Writes a ~200 MB, 10-column CSV through a stream (never held in memory); returns its row count. */
async function writeBigCsv(path: string): Promise<number> {
  const out = createWriteStream(path);
  out.write('id,a,b,c,d,e,f,g,h,label\n');
  let rows = 0;
  let bytes = 0;
  while (bytes < TARGET_BYTES) {
    let chunk = '';
    for (let k = 0; k < 5000; k++, rows++) {
      const r = rows;
      chunk += `${r},${r % 97},${(r % 1000) / 8},${r * 3},${(r % 13) - 6},0.${r % 10007},${r % 2},${r % 5},${r % 11},"cat ${r % 50}"\n`;
    }
    bytes += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

describe('streaming', () => {
  it('reads a ~200 MB CSV with memory far below the file size', async () => {
    const p = tmp.path('big.csv');
    const expected = await writeBigCsv(p);
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
    const growth = peak - before;
    // Bounded by a chunk plus the garbage between collections, not by the file.
    expect(growth).toBeLessThan(size / 4);

    // The batch reader and the one-pass fingerprint are bounded the same way.
    let batched = 0;
    for await (const batch of readRowBatches(p, 8192, { columns: ['id', 'label'] })) {
      batched += batch.length;
      if (batched % 81_920 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    expect(batched).toBe(expected);
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
