/** Deterministic zips of a folder and their safe extraction (path traversal, links, bombs, corruption). */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readZipDirectory, safeEntryName } from '../../src/pr/zip-reader.js';
import { ReleaseError } from '../../src/release/release-error.js';
import { unzipToFolder } from '../../src/release/unzip-folder.js';
import { listFolderFiles, zipFolder } from '../../src/release/zip-folder.js';
import { tempDir } from './fixtures.js';

async function sampleFolder(): Promise<string> {
  const dir = await tempDir();
  await mkdir(join(dir, 'sub', 'deeper'), { recursive: true });
  await writeFile(join(dir, 'model.json'), '{"format":"layers-model"}\n');
  await writeFile(
    join(dir, 'weights.bin'),
    Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 256)),
  );
  await writeFile(join(dir, 'sub', 'b.txt'), 'b');
  await writeFile(join(dir, 'sub', 'deeper', 'a.txt'), 'a');
  await writeFile(join(dir, 'B-upper.txt'), 'upper sorts first');
  return dir;
}

const te = new TextEncoder();

describe('zipFolder', () => {
  it('is deterministic: same bytes whatever the file times, sorted entries, round trip', async () => {
    const dir = await sampleFolder();
    const first = await zipFolder(dir);
    await utimes(join(dir, 'model.json'), new Date('2001-05-05'), new Date('2001-05-05'));
    const second = await zipFolder(dir);
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    expect(
      readZipDirectory(first, { maxFiles: 100, maxBytes: 1e9, maxRatio: 1000, ratioFloor: 1e6 }).map(
        (e) => e.name,
      ),
    ).toEqual(['B-upper.txt', 'model.json', 'sub/b.txt', 'sub/deeper/a.txt', 'weights.bin']);
    const out = join(await tempDir(), 'x');
    expect(await unzipToFolder(first, out)).toEqual(await listFolderFiles(dir));
    for (const f of await listFolderFiles(dir)) {
      expect(Buffer.compare(await readFile(join(out, f)), await readFile(join(dir, f))), f).toBe(0);
    }
  });

  it('refuses symbolic links, empty and missing folders', async () => {
    const dir = await sampleFolder();
    await symlink(join(dir, 'model.json'), join(dir, 'link.json'));
    await expect(zipFolder(dir)).rejects.toThrow(/link\.json: symbolic links cannot be released/);
    const empty = await tempDir();
    await expect(zipFolder(empty)).rejects.toThrow(/the folder is empty/);
    await expect(zipFolder(join(empty, 'nope'))).rejects.toThrow(/no such folder to zip/);
    await expect(zipFolder(await sampleFolder(), { maxBytes: 100 })).rejects.toThrow(/more than 100 bytes/);
  });
});

describe('unzipToFolder', () => {
  it.each([
    ['../evil.txt', /model\.zip: zip entry "\.\.\/evil\.txt": "\.\." is not allowed/],
    ['model/../../evil.txt', /"\.\." is not allowed/],
    ['/etc/evil.txt', /absolute paths are not allowed/],
    ['..\\evil.txt', /backslashes and control characters are not allowed/],
    ['C:/evil.txt', /absolute paths are not allowed/],
  ])('rejects the entry %s and writes nothing', async (name, message) => {
    const zip = zipSync({ 'ok.txt': te.encode('fine'), [name]: te.encode('pwned') });
    const root = await tempDir();
    const dest = join(root, 'a', 'b');
    const attempt = unzipToFolder(zip, dest, { label: 'model.zip' });
    await expect(attempt).rejects.toThrow(ReleaseError);
    await expect(attempt).rejects.toThrow(message);
    expect(existsSync(dest)).toBe(false);
    expect(await readdir(root)).toEqual([]);
  });

  it('rejects symbolic links, duplicates, size bombs and too many entries', async () => {
    const dest = join(await tempDir(), 'out');
    const link = zipSync({ link: [te.encode('/etc/passwd'), { os: 3, attrs: (0o120777 << 16) >>> 0 }] });
    await expect(unzipToFolder(link, dest)).rejects.toThrow(
      /zip entry "link": symbolic links are not allowed/,
    );
    const dup = zipSync({ 'a/b.txt': te.encode('1'), 'a/./b.txt': te.encode('2') });
    await expect(unzipToFolder(dup, dest)).rejects.toThrow(/appears more than once/);
    const bomb = zipSync({ 'zeros.bin': new Uint8Array(2_000_000) });
    expect(bomb.length).toBeLessThan(10_000);
    await expect(unzipToFolder(bomb, dest, { maxBytes: 1_000_000 })).rejects.toThrow(
      /more than 1000000 bytes uncompressed \(limit\)/,
    );
    const many = zipSync(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, te.encode('x')])));
    await expect(unzipToFolder(many, dest, { maxEntries: 10 })).rejects.toThrow(
      /20 entries, more than the limit of 10/,
    );
    expect(existsSync(dest)).toBe(false);
  });

  it('detects a corrupted entry (CRC-32) and a file that is not a zip', async () => {
    const data = te.encode('the weights of a model, stored without compression');
    const zip = zipSync({ 'w.bin': [data, { level: 0 }] });
    const at = Buffer.from(zip).indexOf(Buffer.from('weights'));
    zip[at] = zip[at]! ^ 0xff;
    await expect(unzipToFolder(zip, join(await tempDir(), 'o'))).rejects.toThrow(
      /zip entry "w\.bin": CRC-32 mismatch/,
    );
    await expect(unzipToFolder(te.encode('not a zip at all'), join(await tempDir(), 'o'))).rejects.toThrow(
      /not a zip archive/,
    );
  });

  it('normalises harmless names and keeps directory entries', async () => {
    expect(safeEntryName('./a//b/./c.txt').name).toBe('a/b/c.txt');
    const zip = zipSync({ 'empty/': new Uint8Array(0), './x/y.txt': te.encode('y') });
    const dest = join(await tempDir(), 'o');
    expect(await unzipToFolder(zip, dest)).toEqual(['x/y.txt']);
    expect(await readdir(dest)).toEqual(['empty', 'x']);
  });
});
