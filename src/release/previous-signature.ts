/**
 * The serving signature of a model's previous release, read from its `model.zip` asset (only the
 * `signature.json` entry is decompressed), so a release can force a major bump when the request
 * contract changed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { loadJsonFile } from '../config/load.js';
import type { RunRecord } from '../config/run-record.js';
import type { Forge, ForgeRelease } from '../forge/forge.js';
import { type ModelSignature, ModelSignatureSchema } from '../train/saved-model.js';
import { MODEL_ZIP, runModelFolder } from './release-assets.js';

/** Largest `model.zip` downloaded only to read the previous signature (64 MiB). */
export const MAX_SIGNATURE_ZIP_BYTES = 64 * 1024 * 1024;

/** The signature of a run folder's model (`<model>/signature.json`), or null when it has none. */
export async function runSignature(runDir: string, run: RunRecord): Promise<ModelSignature | null> {
  const dir = runModelFolder(runDir, run);
  if (!dir || !existsSync(join(dir, 'signature.json'))) return null;
  return (await loadJsonFile(join(dir, 'signature.json'), ModelSignatureSchema)) as ModelSignature;
}

/**
 * The signature inside a release's `model.zip`, or null when the release has no model.zip, it is
 * larger than `maxBytes`, or it holds no valid `signature.json` (nothing to compare: no forced bump).
 */
export async function releaseSignature(
  forge: Forge,
  release: ForgeRelease,
  maxBytes = MAX_SIGNATURE_ZIP_BYTES,
): Promise<ModelSignature | null> {
  const zip = release.assets.find((a) => a.name === MODEL_ZIP);
  if (!zip || zip.size > maxBytes) return null;
  const bytes = await forge.downloadReleaseAsset(zip.id, maxBytes);
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (f) => f.name === 'signature.json' && f.originalSize <= 1024 * 1024 });
  } catch {
    return null;
  }
  const data = files['signature.json'];
  if (!data) return null;
  try {
    const parsed = ModelSignatureSchema.safeParse(JSON.parse(new TextDecoder().decode(data)));
    return parsed.success ? (parsed.data as ModelSignature) : null;
  } catch {
    return null;
  }
}
