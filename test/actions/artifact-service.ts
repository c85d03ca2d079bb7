/**
 * A stand-in for the runner's artifact service, enough for `@actions/artifact`'s upload: the Twirp
 * `ArtifactService` (CreateArtifact -> a signed upload URL on this server, FinalizeArtifact -> an id)
 * and the Azure Blob block upload it streams the zip to (Put Block, Put Block List). Real HTTP on
 * 127.0.0.1, port 0. The committed zips are kept for the test to open.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One uploaded artifact. */
export interface UploadedArtifact {
  id: number;
  name: string;
  /** The zip's bytes (the committed blocks in order). */
  bytes: Uint8Array;
  /** What FinalizeArtifact reported. */
  size: number;
  hash: string | null;
  /** The workflow run / job backend ids from the runtime token. */
  runBackendId: string;
  jobBackendId: string;
}

/** A running artifact service. */
export interface ArtifactService {
  /** `ACTIONS_RESULTS_URL`. */
  url: string;
  /** An `ACTIONS_RUNTIME_TOKEN` (a JWT with the Actions.Results scope the library reads). */
  token: string;
  artifacts: UploadedArtifact[];
  close(): Promise<void>;
}

const body = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

const b64url = (s: string) => Buffer.from(s).toString('base64url');

/** Starts the service; names in `taken` answer CreateArtifact with 409 (already exists). */
export async function startArtifactService(options: { taken?: string[] } = {}): Promise<ArtifactService> {
  const runBackendId = randomUUID();
  const jobBackendId = randomUUID();
  const artifacts: UploadedArtifact[] = [];
  const pending = new Map<string, { name: string; blocks: Map<string, Buffer>; committed: Buffer | null }>();
  let nextId = 1000;
  let origin = '';
  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', origin);
      const data = await body(req);
      const twirp = /^\/twirp\/github\.actions\.results\.api\.v1\.ArtifactService\/(\w+)$/.exec(url.pathname);
      if (twirp && req.method === 'POST') {
        const msg = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
        const name = String(msg.name);
        if (
          msg.workflow_run_backend_id !== runBackendId ||
          msg.workflow_job_run_backend_id !== jobBackendId
        ) {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ code: 'invalid_argument', msg: 'backend ids do not match the token' }));
          return;
        }
        if (twirp[1] === 'CreateArtifact') {
          if (options.taken?.includes(name)) {
            res.writeHead(409, { 'content-type': 'application/json' });
            res.end(
              JSON.stringify({
                code: 'already_exists',
                msg: 'an artifact with this name already exists on the workflow run',
              }),
            );
            return;
          }
          const key = randomUUID();
          pending.set(key, { name, blocks: new Map(), committed: null });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              ok: true,
              signed_upload_url: `${origin}/devstoreaccount1/artifacts/${key}/${name}.zip?sig=test`,
            }),
          );
          return;
        }
        if (twirp[1] === 'FinalizeArtifact') {
          const entry = [...pending.values()].find((p) => p.name === name && p.committed);
          if (!entry) {
            res.writeHead(404, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ code: 'not_found', msg: 'nothing uploaded' }));
            return;
          }
          const id = nextId++;
          artifacts.push({
            id,
            name,
            bytes: new Uint8Array(entry.committed!),
            size: Number(msg.size),
            hash: (msg.hash as string | undefined) ?? null,
            runBackendId,
            jobBackendId,
          });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: true, artifact_id: String(id) }));
          return;
        }
      }
      const blob = /^\/devstoreaccount1\/artifacts\/([0-9a-f-]+)\//.exec(url.pathname);
      const entry = blob ? pending.get(blob[1]!) : undefined;
      if (entry && req.method === 'PUT' && url.searchParams.get('sig') === 'test') {
        const headers = {
          etag: '"0x1"',
          'last-modified': new Date(0).toUTCString(),
          'x-ms-request-id': randomUUID(),
          'x-ms-version': '2021-12-02',
          'x-ms-request-server-encrypted': 'true',
        };
        if (url.searchParams.get('comp') === 'block') {
          entry.blocks.set(url.searchParams.get('blockid') ?? '', data);
          res.writeHead(201, headers);
          res.end();
          return;
        }
        if (url.searchParams.get('comp') === 'blocklist') {
          const ids = [...data.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)</g)].map(
            (m) => m[1]!,
          );
          entry.committed = Buffer.concat(ids.map((id) => entry.blocks.get(id) ?? Buffer.alloc(0)));
          res.writeHead(201, headers);
          res.end();
          return;
        }
        // A single-shot upload (Put Blob).
        entry.committed = data;
        res.writeHead(201, headers);
        res.end();
        return;
      }
      res.writeHead(404);
      res.end();
    } catch (e) {
      res.writeHead(500);
      res.end(String(e));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const token = [
    b64url(JSON.stringify({ alg: 'none', typ: 'JWT' })),
    b64url(JSON.stringify({ scp: `Actions.GenericRead Actions.Results:${runBackendId}:${jobBackendId}` })),
    'sig',
  ].join('.');
  return {
    url: `${origin}/`,
    token,
    artifacts,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
