/**
 * A defensive reader of zip archives from untrusted sources (workflow artifacts): it reads the
 * central directory, checks every entry (names, types, counts, sizes, compression ratio) before
 * inflating anything, and inflates with node's zlib under a hard output limit per entry, so a zip
 * bomb that lies about its sizes cannot make it allocate or spin past the declared (and capped)
 * size. CRC-32 is verified. Stored (0) and deflated (8) entries are supported, zip64 sizes and
 * offsets included; encrypted entries, symlinks and other special files are rejected.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { ModelgateError } from '../errors.js';

/** A zip archive that is malformed, unsafe or over a limit. */
export class ZipError extends ModelgateError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** Limits applied while reading an archive. */
export interface ZipLimits {
  /** Most entries (files and folders). */
  maxFiles: number;
  /** Most uncompressed bytes in total. */
  maxBytes: number;
  /** Largest uncompressed/compressed ratio of an entry bigger than {@link ZipLimits.ratioFloor}. */
  maxRatio: number;
  /** Entries up to this many uncompressed bytes are exempt from the ratio check. */
  ratioFloor: number;
}

/** One checked entry of the central directory. */
export interface ZipEntry {
  /** The normalised relative path (`/`-separated, no `.` or `..`, no trailing `/`). */
  name: string;
  /** Whether the entry is a folder. */
  directory: boolean;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's local header. */
  offset: number;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

function u16(b: Uint8Array, i: number): number {
  if (i + 2 > b.length) throw new ZipError('truncated zip archive');
  return b[i]! | (b[i + 1]! << 8);
}

function u32(b: Uint8Array, i: number): number {
  if (i + 4 > b.length) throw new ZipError('truncated zip archive');
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

function u64(b: Uint8Array, i: number): number {
  const low = u32(b, i);
  const high = u32(b, i + 4);
  if (high >= 0x200000) throw new ZipError('zip64 value out of range');
  return high * 0x100000000 + low;
}

/**
 * Checks and normalises an entry name: relative, `/`-separated, no `..`, no drive letters, no
 * backslashes or control characters. Throws {@link ZipError} naming the entry.
 */
export function safeEntryName(raw: string): { name: string; directory: boolean } {
  const shown = JSON.stringify(raw.slice(0, 200));
  if (raw === '') throw new ZipError('a zip entry has an empty name');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(raw))
    throw new ZipError(`zip entry ${shown}: backslashes and control characters are not allowed`);
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw))
    throw new ZipError(`zip entry ${shown}: absolute paths are not allowed`);
  const directory = raw.endsWith('/');
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) throw new ZipError(`zip entry ${shown}: ".." is not allowed`);
  if (parts.length === 0) throw new ZipError(`zip entry ${shown}: empty path`);
  return { name: parts.join('/'), directory };
}

function findEocd(zip: Uint8Array): number {
  const min = Math.max(0, zip.length - 22 - 0xffff);
  for (let i = zip.length - 22; i >= min; i--) {
    if (u32(zip, i) === EOCD) return i;
  }
  throw new ZipError('not a zip archive (no end of central directory record)');
}

function zip64Extra(
  extra: Uint8Array,
  wants: { size: boolean; compressed: boolean; offset: boolean },
): { size?: number; compressed?: number; offset?: number } {
  let i = 0;
  while (i + 4 <= extra.length) {
    const id = u16(extra, i);
    const len = u16(extra, i + 2);
    if (id === 0x0001) {
      const out: { size?: number; compressed?: number; offset?: number } = {};
      let j = i + 4;
      const field = extra.subarray(0, i + 4 + len);
      if (wants.size) {
        out.size = u64(field, j);
        j += 8;
      }
      if (wants.compressed) {
        out.compressed = u64(field, j);
        j += 8;
      }
      if (wants.offset) out.offset = u64(field, j);
      return out;
    }
    i += 4 + len;
  }
  throw new ZipError('zip64 sizes announced but no zip64 extra field found');
}

/**
 * Reads and checks the central directory: entry count, names (see {@link safeEntryName}), file
 * types (regular files and folders only), duplicates, encryption, methods, declared sizes against
 * `maxBytes` and compression ratios against `maxRatio`. Inflates nothing.
 */
export function readZipDirectory(zip: Uint8Array, limits: ZipLimits): ZipEntry[] {
  const eocd = findEocd(zip);
  if (u16(zip, eocd + 4) !== 0 || u16(zip, eocd + 6) !== 0)
    throw new ZipError('multi-disk zip archives are not supported');
  let count = u16(zip, eocd + 10);
  let cdOffset = u32(zip, eocd + 16);
  if (eocd >= 20 && u32(zip, eocd - 20) === EOCD64_LOCATOR) {
    const at = u64(zip, eocd - 20 + 8);
    if (u32(zip, at) !== EOCD64) throw new ZipError('bad zip64 end of central directory record');
    count = u64(zip, at + 32);
    cdOffset = u64(zip, at + 48);
  }
  if (count > limits.maxFiles)
    throw new ZipError(`the archive has ${count} entries, more than the limit of ${limits.maxFiles}`);
  const entries: ZipEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (u32(zip, p) !== CENTRAL) throw new ZipError('corrupt zip central directory');
    const madeBy = u16(zip, p + 4) >> 8;
    const flags = u16(zip, p + 8);
    const method = u16(zip, p + 10);
    const crc = u32(zip, p + 16);
    let compressedSize = u32(zip, p + 20);
    let size = u32(zip, p + 24);
    const nameLen = u16(zip, p + 28);
    const extraLen = u16(zip, p + 30);
    const commentLen = u16(zip, p + 32);
    const external = u32(zip, p + 38);
    let offset = u32(zip, p + 42);
    const nameBytes = zip.subarray(p + 46, p + 46 + nameLen);
    if (nameBytes.length !== nameLen) throw new ZipError('truncated zip archive');
    const raw = new TextDecoder('utf-8', { fatal: false }).decode(nameBytes);
    const extra = zip.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
    if (size === 0xffffffff || compressedSize === 0xffffffff || offset === 0xffffffff) {
      const z = zip64Extra(extra, {
        size: size === 0xffffffff,
        compressed: compressedSize === 0xffffffff,
        offset: offset === 0xffffffff,
      });
      size = z.size ?? size;
      compressedSize = z.compressed ?? compressedSize;
      offset = z.offset ?? offset;
    }
    p += 46 + nameLen + extraLen + commentLen;
    const { name, directory: slash } = safeEntryName(raw);
    const shown = JSON.stringify(name);
    if (flags & 1) throw new ZipError(`zip entry ${shown}: encrypted entries are not supported`);
    // Unix "made by" keeps the file mode in the high half of the external attributes.
    const mode = madeBy === 3 ? external >>> 16 : 0;
    const type = mode & S_IFMT;
    if (type !== 0 && type !== S_IFREG && type !== S_IFDIR)
      throw new ZipError(
        `zip entry ${shown}: ${type === 0o120000 ? 'symbolic links are' : 'special files are'} not allowed`,
      );
    const directory = slash || type === S_IFDIR;
    if (!directory && method !== 0 && method !== 8)
      throw new ZipError(`zip entry ${shown}: compression method ${method} is not supported`);
    const key = name.toLowerCase();
    if (seen.has(key)) throw new ZipError(`zip entry ${shown} appears more than once`);
    seen.add(key);
    total += size;
    if (total > limits.maxBytes)
      throw new ZipError(
        `the archive holds more than ${limits.maxBytes} bytes uncompressed (limit); at entry ${shown}`,
      );
    if (size > limits.ratioFloor && size / Math.max(1, compressedSize) > limits.maxRatio)
      throw new ZipError(
        `zip entry ${shown}: compression ratio ${Math.round(size / Math.max(1, compressedSize))}:1 is over the limit of ${limits.maxRatio}:1 (zip bomb?)`,
      );
    entries.push({ name, directory, method, crc, compressedSize, size, offset });
  }
  return entries;
}

/** The uncompressed bytes of one checked entry; throws {@link ZipError} when they do not match the directory. */
export function inflateEntry(zip: Uint8Array, entry: ZipEntry): Uint8Array {
  const shown = JSON.stringify(entry.name);
  if (u32(zip, entry.offset) !== LOCAL) throw new ZipError(`zip entry ${shown}: bad local header`);
  const start = entry.offset + 30 + u16(zip, entry.offset + 26) + u16(zip, entry.offset + 28);
  const end = start + entry.compressedSize;
  if (end > zip.length) throw new ZipError(`zip entry ${shown}: data runs past the end of the archive`);
  const raw = zip.subarray(start, end);
  let data: Uint8Array;
  if (entry.method === 0) {
    data = raw;
  } else {
    try {
      data = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ZipError(
        code === 'ERR_BUFFER_TOO_LARGE'
          ? `zip entry ${shown}: inflates past its declared size of ${entry.size} bytes (zip bomb?)`
          : `zip entry ${shown}: corrupt deflate data (${(e as Error).message})`,
      );
    }
  }
  if (data.length !== entry.size)
    throw new ZipError(
      `zip entry ${shown}: ${data.length} bytes, but the directory declares ${entry.size} bytes`,
    );
  if (crc32(data) >>> 0 !== entry.crc) throw new ZipError(`zip entry ${shown}: CRC-32 mismatch`);
  return data;
}
