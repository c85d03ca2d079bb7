/**
 * Prometheus metrics of the model server (prom-client), on a registry of their own so several
 * servers can run side by side in one process (tests, blue/green).
 *
 * - `modelgate_requests_total{model,version,role,code}`: predict requests by status code;
 * - `modelgate_request_duration_seconds{model,version,role}`: predict latency histogram;
 * - `modelgate_batch_size{model,version}`: rows per `predict` call (micro-batching);
 * - `modelgate_errors_total{model,version,role,kind}`: failed predict requests, `kind` is
 *   `client` (4xx), `predict` (the model failed), `unavailable` (no version deployed) or `internal`;
 * - `modelgate_in_flight_requests`: requests being served (every route).
 *
 * A model name the server does not know is recorded as `model="_unknown"`, so arbitrary URLs cannot
 * blow up the label cardinality; `version` and `role` are empty when no version was chosen.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets in seconds (0.5 ms .. 10 s). */
export const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** Batch size buckets in rows. */
export const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384];

/** Label value of model names the server does not know. */
export const UNKNOWN_MODEL = '_unknown';

/** Kinds of errors counted in `modelgate_errors_total`. */
export type ErrorKind = 'client' | 'predict' | 'unavailable' | 'internal';

/** Labels of one predict request. */
export interface RequestLabels {
  /** Model name (or {@link UNKNOWN_MODEL}). */
  model: string;
  /** Version that served it ('' when none was chosen). */
  version: string;
  /** `stable`, `canary` or '' when none was chosen. */
  role: string;
}

/** The server's metrics. */
export class ServerMetrics {
  /** The registry they are registered on; `/metrics` renders it. */
  readonly registry: Registry;
  private readonly requests: Counter<'model' | 'version' | 'role' | 'code'>;
  private readonly latency: Histogram<'model' | 'version' | 'role'>;
  private readonly batchSize: Histogram<'model' | 'version'>;
  private readonly errors: Counter<'model' | 'version' | 'role' | 'kind'>;
  private readonly inFlight: Gauge;
  /** Label-bound children of the per-request metrics, by model, version and role. */
  private readonly series = new Map<
    string,
    {
      latency: { observe(value: number): void };
      codes: Map<number, { inc(): void }>;
    }
  >();

  /** Registers the metrics on `registry` (default: a new private registry). */
  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    const registers = [registry];
    this.requests = new Counter({
      name: 'modelgate_requests_total',
      help: 'Predict requests, by model, version, role and HTTP status code.',
      labelNames: ['model', 'version', 'role', 'code'],
      registers,
    });
    this.latency = new Histogram({
      name: 'modelgate_request_duration_seconds',
      help: 'Predict request latency in seconds, from arrival to response.',
      labelNames: ['model', 'version', 'role'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.batchSize = new Histogram({
      name: 'modelgate_batch_size',
      help: 'Rows per model predict call (micro-batching).',
      labelNames: ['model', 'version'],
      buckets: BATCH_BUCKETS,
      registers,
    });
    this.errors = new Counter({
      name: 'modelgate_errors_total',
      help: 'Failed predict requests, by kind: client (4xx), predict (the model failed), unavailable, internal.',
      labelNames: ['model', 'version', 'role', 'kind'],
      registers,
    });
    this.inFlight = new Gauge({
      name: 'modelgate_in_flight_requests',
      help: 'HTTP requests being served.',
      registers,
    });
  }

  /**
   * Records one finished predict request; a status >= 400 also counts an error of `kind`
   * (default `client` for 4xx, `internal` for 5xx).
   */
  request(labels: RequestLabels, code: number, seconds: number, kind?: ErrorKind): void {
    const key = `${labels.model}\u0000${labels.version}\u0000${labels.role}`;
    let series = this.series.get(key);
    if (!series) {
      const { model, version, role } = labels;
      series = { latency: this.latency.labels({ model, version, role }), codes: new Map() };
      // Bounded: model names are known ones (or `_unknown`), versions and roles few.
      this.series.set(key, series);
    }
    let counter = series.codes.get(code);
    if (!counter) {
      counter = this.requests.labels({ ...labels, code: String(code) });
      series.codes.set(code, counter);
    }
    counter.inc();
    series.latency.observe(seconds);
    if (code >= 400) {
      this.errors.inc({
        model: labels.model,
        version: labels.version,
        role: labels.role,
        kind: kind ?? (code < 500 ? 'client' : 'internal'),
      });
    }
  }

  /** Records the size of one predict call. */
  batch(model: string, version: string, rows: number): void {
    this.batchSize.observe({ model, version }, rows);
  }

  /** One more request in flight. */
  started(): void {
    this.inFlight.inc();
  }

  /** One request fewer in flight. */
  finished(): void {
    this.inFlight.dec();
  }

  /** The Prometheus text exposition and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
