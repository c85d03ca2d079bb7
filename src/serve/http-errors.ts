/**
 * The error the HTTP layer answers with: a status code and a message, sent as TensorFlow
 * Serving's error body `{"error": "<message>"}`.
 */
import { ModelgateError } from '../errors.js';

/** A request that cannot be served: `status` is the HTTP status, `message` goes to the client. */
export class HttpError extends ModelgateError {
  /** HTTP status code (4xx client error, 5xx server error). */
  readonly status: number;
  /** Extra response headers (`Allow` on 405, `WWW-Authenticate` on 401). */
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message, status < 500 ? 2 : 1);
    this.status = status;
    this.headers = headers;
  }
}
