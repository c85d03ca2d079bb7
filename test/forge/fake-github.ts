/**
 * A tiny recording HTTP server for the Octokit forge tests: every request is recorded (method,
 * path, query, headers, raw body) and answered by the test's route table. Routes are matched on
 * `METHOD /path` with `:name` segments.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A recorded request. */
export interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The body parsed as JSON when it is JSON. */
  json: unknown;
}

/** A reply: JSON (`json`) or raw bytes (`body`), with a status and headers. */
export interface Reply {
  status?: number;
  headers?: Record<string, string | undefined>;
  json?: unknown;
  body?: Buffer | string;
  /** Send `body` in several chunks without a content-length. */
  chunked?: boolean;
}

/** A route handler: gets the request and the `:name` parameters. */
export type Handler = (
  req: Recorded,
  params: Record<string, string>,
  fake: FakeGitHub,
) => Reply | Promise<Reply>;

/** A running fake. */
export interface FakeGitHub {
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  requests: Recorded[];
  /** Adds or replaces a route (`'GET /api/v3/repos/:owner/:repo/issues'`). */
  route(key: string, handler: Handler): void;
  close(): Promise<void>;
}

function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/');
  const s = path.split('/');
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i]!.startsWith(':')) params[p[i]!.slice(1)] = decodeURIComponent(s[i]!);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(reply.headers ?? {})) if (v !== undefined) headers[k] = v;
  let body: Buffer | undefined;
  if (reply.json !== undefined) {
    body = Buffer.from(JSON.stringify(reply.json));
    headers['content-type'] ??= 'application/json; charset=utf-8';
  } else if (reply.body !== undefined) body = Buffer.from(reply.body);
  if (reply.chunked && body) {
    res.writeHead(reply.status ?? 200, headers);
    const third = Math.ceil(body.length / 3);
    res.write(body.subarray(0, third));
    res.write(body.subarray(third, 2 * third));
    res.end(body.subarray(2 * third));
    return;
  }
  if (body) headers['content-length'] = String(body.length);
  res.writeHead(reply.status ?? 200, headers);
  res.end(body);
}

/** Starts a fake on 127.0.0.1, port 0. */
export async function startFakeGitHub(): Promise<FakeGitHub> {
  const routes = new Map<string, Handler>();
  const requests: Recorded[] = [];
  const fake: FakeGitHub = {
    origin: '',
    requests,
    route: (key, handler) => routes.set(key, handler),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = await readAll(req);
    let json: unknown;
    try {
      json = body.length ? JSON.parse(body.toString('utf8')) : undefined;
    } catch {
      json = undefined;
    }
    const recorded: Recorded = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
      json,
    };
    requests.push(recorded);
    for (const [key, handler] of routes) {
      const [method, pattern] = key.split(' ') as [string, string];
      const params = method === recorded.method ? match(pattern, recorded.path) : null;
      if (!params) continue;
      try {
        send(res, await handler(recorded, params, fake));
      } catch (error) {
        send(res, { status: 500, json: { message: String(error) } });
      }
      return;
    }
    send(res, { status: 404, json: { message: 'Not Found', documentation_url: 'https://docs.example' } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
