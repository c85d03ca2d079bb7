/**
 * A client of the model server's admin API (`/admin/models/<name>/...`, bearer token), used by the
 * deploy flow, the `deploy` CLI command and later the `deploy` action and the App. Errors name the
 * operation, the URL and the server's message.
 */
import { ModelgateError } from '../errors.js';
import type { ModelStatus } from './types.js';

/** Where the admin API is and how to authenticate. */
export interface AdminEndpoint {
  /** The server's base URL, e.g. `http://127.0.0.1:8501`. */
  url: string;
  /** The admin bearer token. */
  token: string;
  /** Request timeout in milliseconds (default 60 s: a deploy loads and warms a model). */
  timeoutMs?: number;
}

/** An admin API call failed. */
export class AdminApiError extends ModelgateError {
  /** HTTP status, or 0 when the server could not be reached. */
  readonly status: number;
  constructor(message: string, status: number) {
    super(message, 1);
    this.status = status;
  }
}

async function call(endpoint: AdminEndpoint, path: string, body: unknown): Promise<ModelStatus> {
  const url = `${endpoint.url.replace(/\/+$/, '')}${path}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${endpoint.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
      signal: AbortSignal.timeout(endpoint.timeoutMs ?? 60_000),
    });
  } catch (e) {
    throw new AdminApiError(`admin API ${path}: cannot reach ${url}: ${(e as Error).message}`, 0);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  if (!res.ok) {
    const message = (json as { error?: string } | null)?.error ?? text.slice(0, 200);
    throw new AdminApiError(`admin API ${path}: HTTP ${res.status}: ${message}`, res.status);
  }
  return json as ModelStatus;
}

/** The admin operations of one model on one server. */
export function adminClient(endpoint: AdminEndpoint, model: string) {
  const base = `/admin/models/${encodeURIComponent(model)}`;
  return {
    /** Hot swaps the stable version. */
    deploy: (version: string) => call(endpoint, `${base}/deploy`, { version }),
    /** Routes `weight`% of traffic to `version` (0 removes the canary). */
    canary: (version: string, weight: number) => call(endpoint, `${base}/canary`, { version, weight }),
    /** Makes the canary the stable version. */
    promote: () => call(endpoint, `${base}/promote`, {}),
    /** Drops the canary, or returns to the previous stable version. */
    rollback: (reason?: string) => call(endpoint, `${base}/rollback`, reason ? { reason } : {}),
  };
}
