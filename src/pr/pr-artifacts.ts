/**
 * Finding and fetching a pull request's run artifacts through the {@link Forge}: by workflow run
 * (the `workflow_run` event), or by head commit (later events: reviews, merges, commands), then
 * downloading under the size cap and extracting safely ({@link readRunArtifact}).
 */
import { join } from 'node:path';
import type { RunRecord } from '../config/run-record.js';
import type { Forge, ForgeArtifact } from '../forge/forge.js';
import type { AppLimits } from './app-deps.js';
import { ArtifactError, artifactName, modelOfArtifact, readRunArtifact } from './run-artifact.js';

/** A run artifact and the workflow run it belongs to. */
export interface LocatedArtifact {
  runId: number;
  artifact: ForgeArtifact;
}

/** The run artifacts of a workflow run by model (the newest when a name repeats). */
export async function runArtifactsOf(forge: Forge, runId: number): Promise<Map<string, ForgeArtifact>> {
  const out = new Map<string, ForgeArtifact>();
  for (const artifact of await forge.listRunArtifacts(runId)) {
    const model = modelOfArtifact(artifact.name);
    if (model === null) continue;
    const seen = out.get(model);
    if (!seen || artifact.id > seen.id) out.set(model, artifact);
  }
  return out;
}

/**
 * The model's run artifact for a head commit: from `preferredRunId` when it has one, else from the
 * newest workflow run of the commit that has it. null when none is found.
 */
export async function findArtifactForCommit(
  forge: Forge,
  headSha: string,
  model: string,
  preferredRunId?: number | null,
): Promise<LocatedArtifact | null> {
  if (preferredRunId) {
    const artifact = (await runArtifactsOf(forge, preferredRunId)).get(model);
    if (artifact) return { runId: preferredRunId, artifact };
  }
  for (const run of await forge.listWorkflowRunsForCommit(headSha)) {
    if (run.id === preferredRunId) continue;
    const artifact = (await runArtifactsOf(forge, run.id)).get(model);
    if (artifact) return { runId: run.id, artifact };
  }
  return null;
}

/**
 * Downloads a run artifact (refusing expired ones and those over the byte limit before
 * downloading) and extracts it into `<scratch>/<model>-<id>`, validated for `headSha`.
 * Throws {@link ArtifactError} with a message fit for a check run.
 */
export async function fetchRunArtifact(
  forge: Forge,
  artifact: ForgeArtifact,
  options: { scratch: string; model: string; headSha: string; limits: AppLimits },
): Promise<{ dir: string; run: RunRecord }> {
  const label = artifactName(options.model);
  if (artifact.expired) throw new ArtifactError(`${label}: the artifact has expired`);
  if (artifact.size > options.limits.artifactBytes)
    throw new ArtifactError(
      `${label}: the artifact is ${artifact.size} bytes, more than the limit of ${options.limits.artifactBytes}`,
    );
  let zip: Uint8Array;
  try {
    zip = await forge.downloadArtifact(artifact.id, options.limits.artifactBytes);
  } catch (e) {
    throw new ArtifactError(`${label}: download failed: ${(e as Error).message}`);
  }
  return readRunArtifact(zip, {
    destDir: join(options.scratch, `${options.model}-${artifact.id}`),
    maxBytes: options.limits.artifactBytes,
    maxFiles: options.limits.artifactFiles,
    maxRatio: options.limits.artifactRatio,
    expectedSha: options.headSha,
    expectedModel: options.model,
    label,
  });
}
