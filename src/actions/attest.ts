/**
 * Artifact attestation of a release: SLSA build provenance for every asset of a model release,
 * signed with the runner's OIDC identity through `@actions/attest` (what `actions/attest-build-provenance`
 * does), so `gh attestation verify model.zip -R <owner>/<repo>` proves which workflow run built it.
 * The subject list is a pure function of the asset bytes; the attestation runs only where the runner
 * can mint an OIDC token (`permissions: id-token: write` sets `ACTIONS_ID_TOKEN_REQUEST_URL`).
 */
import { createHash } from 'node:crypto';
import { ModelgateError } from '../errors.js';

/** An in-toto subject: an artifact's name and its sha256 digest (hex). */
export interface AttestationSubject {
  name: string;
  digest: { sha256: string };
}

/** A file to attest: its name as users download it and its bytes. */
export interface AttestedFile {
  name: string;
  data: Uint8Array;
}

/** The sha256 of bytes, lower-case hex. */
export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The attestation subjects of a release: one per asset (`model.zip`, `run.json`, ...), named
 * `<tag>/<asset>` so that subjects of different models and versions never share a name, with the
 * sha256 of its bytes; sorted by name. Duplicate names are an error.
 */
export function attestationSubjects(tag: string, files: readonly AttestedFile[]): AttestationSubject[] {
  const seen = new Set<string>();
  const subjects: AttestationSubject[] = [];
  for (const file of files) {
    if (seen.has(file.name))
      throw new AttestationError(`attestation: asset "${file.name}" of ${tag} is listed twice`);
    seen.add(file.name);
    subjects.push({ name: `${tag}/${file.name}`, digest: { sha256: sha256Hex(file.data) } });
  }
  return subjects.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Why an attestation was skipped, or null when the runner can attest. */
export function attestationSkipReason(enabled: boolean, env: NodeJS.ProcessEnv): string | null {
  if (!enabled) return 'attestation disabled (input attest: false)';
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN)
    return (
      'attestation skipped: the runner provides no OIDC token ' +
      '(give the job `permissions: id-token: write` and `attestations: write`, or set attest: false)'
    );
  return null;
}

/** An attestation could not be made (the assets were released; re-run to attest). */
export class AttestationError extends ModelgateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 1, options);
  }
}

/** What an attestation produced. */
export interface AttestationOutcome {
  /** The attestation id GitHub stored, when it answered with one. */
  attestationId?: string;
  /** The transparency-log entry (public repositories). */
  tlogId?: string;
  subjects: AttestationSubject[];
}

/** The function that signs and stores an attestation (`@actions/attest`'s `attestProvenance`). */
export type AttestProvenance = (options: {
  subjects: AttestationSubject[];
  token: string;
}) => Promise<{ attestationID?: string; tlogID?: string }>;

/**
 * Attests build provenance for `subjects` with `@actions/attest` (loaded on demand, so runs that
 * skip attestation never load sigstore). `attest` replaces the signer in tests.
 */
export async function attestSubjects(
  subjects: AttestationSubject[],
  token: string,
  attest?: AttestProvenance,
): Promise<AttestationOutcome> {
  if (subjects.length === 0) throw new AttestationError('attestation: no assets to attest');
  const sign: AttestProvenance =
    attest ?? (async (options) => (await import('@actions/attest')).attestProvenance(options));
  try {
    const out = await sign({ subjects, token });
    return {
      subjects,
      ...(out.attestationID ? { attestationId: out.attestationID } : {}),
      ...(out.tlogID ? { tlogId: out.tlogID } : {}),
    };
  } catch (e) {
    throw new AttestationError(
      `attestation of ${subjects.length} asset(s) failed: ${(e as Error).message} ` +
        '(the release is published; re-run the job to attest, or set attest: false)',
      { cause: e },
    );
  }
}
