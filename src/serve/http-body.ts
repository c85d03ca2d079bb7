/**
 * Request bodies and responses of the model server: JSON bodies read under a size limit (413 as
 * soon as the limit is passed, without buffering the rest), content-type checks (415), and JSON /
 * error responses in TensorFlow Serving's `{"error": "..."}` shape.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http-errors.js';

/** Default body limit: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** How long a connection whose body was refused may keep sending (discarded) before it is cut. */
const REFUSED_BODY_GRACE_MS = 1000;

/**
 * Checks that the request declares a JSON body: `application/json`, optionally with a UTF-8
 * charset. A request without a `Content-Type` is read as JSON. Throws a 415 {@link HttpError}.
 */
export function checkJsonContentType(req: IncomingMessage): void {
  const header = req.headers['content-type'];
  if (header === undefined || header.trim() === '') return;
  const [type = '', ...params] = header.split(';');
  const media = type.trim().toLowerCase();
  if (media !== 'application/json') {
    throw new HttpError(415, `unsupported content type ${JSON.stringify(header)}: send application/json`);
  }
  for (const param of params) {
    const [key = '', value = ''] = param.split('=');
    if (key.trim().toLowerCase() !== 'charset') continue;
    const charset = value.trim().replace(/^"|"$/g, '').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') {
      throw new HttpError(415, `unsupported charset ${JSON.stringify(charset)}: send UTF-8 JSON`);
    }
  }
}

/**
 * After refusing a body, stops reading it: the rest is discarded as it arrives (never buffered),
 * so the client can read the answer, and the connection is cut if the body has not ended within
 * a short grace period. (Closing at once would reset the connection under a client still sending,
 * and the client could lose the answer.)
 */
export function refuseBody(req: IncomingMessage): void {
  if (req.complete) return;
  req.removeAllListeners('data');
  req.resume();
  const socket = req.socket;
  const timer = setTimeout(() => {
    if (!req.complete) socket.destroy();
  }, REFUSED_BODY_GRACE_MS);
  timer.unref();
  req.once('end', () => clearTimeout(timer));
  socket.once('close', () => clearTimeout(timer));
}

/**
 * Reads the whole body, at most `limit` bytes: a declared `Content-Length` over the limit is
 * refused before reading anything, a streamed body as soon as it passes the limit (413). A
 * client that goes away mid-body rejects with a 400 (nobody reads the answer).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    return Promise.reject(tooLarge(Number(declared), limit));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: HttpError | null) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (err) reject(err);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        finish(tooLarge(null, limit));
      } else chunks.push(chunk);
    };
    const onEnd = () => finish(null);
    const onError = (err: Error) => finish(new HttpError(400, `request body: ${err.message}`));
    const onClose = () => finish(new HttpError(400, 'request body: the client closed the connection'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function tooLarge(declared: number | null, limit: number): HttpError {
  const what =
    declared === null ? 'request body is larger than' : `request body of ${declared} bytes is over`;
  return new HttpError(413, `${what} the limit of ${limit} bytes`);
}

/** Parses a JSON body (UTF-8, an optional BOM); malformed JSON is a 400 naming the problem. */
export function parseJson(body: Buffer): unknown {
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new HttpError(400, 'empty request body: expected JSON');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `malformed JSON: ${(err as Error).message}`);
  }
}

/** Sends a JSON response (unless the client is gone). */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** Sends a plain-text response (unless the client is gone). */
export function sendText(res: ServerResponse, status: number, body: string, contentType: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Sends `{"error": message}` with the error's status and headers. */
export function sendError(res: ServerResponse, err: HttpError, headers: Record<string, string> = {}): void {
  sendJson(res, err.status, { error: err.message }, { ...err.headers, ...headers });
}
