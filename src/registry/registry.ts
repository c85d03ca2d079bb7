/**
 * The registry port: where model versions live. The local folder registry implements it now; the
 * GitHub releases registry (tags + releases) implements the same interface.
 */
import type { MetricMap } from '../config/run-record.js';
import type { Bump } from './semver.js';

/** One registered model version. */
export interface ModelVersion {
  /** Model name. */
  model: string;
  /** `X.Y.Z`. */
  version: string;
  /** `<model>@vX.Y.Z`. */
  tag: string;
  /** ISO 8601 registration time. */
  created_at: string;
  /** The run that produced it. */
  run_id: string;
  /** Git commit of the run, when known. */
  git_sha: string | null;
  /** Overall metrics of the run, for quick listing. */
  metrics: MetricMap;
  /** Who approved it, when a gate needed approval. */
  approver?: string;
  /** Free-text release notes. */
  notes?: string;
}

/** Options when registering a version. */
export interface RegisterOptions {
  /** Explicit version `X.Y.Z`; default: the next by `bump`. */
  version?: string;
  /** Bump from the latest version (default minor; the first version is 1.0.0). */
  bump?: Bump;
  /** Approver to record. */
  approver?: string;
  /** Notes to record. */
  notes?: string;
  /** The commit to tag (the GitHub registry needs it: versions are tags on a commit). */
  sha?: string;
  /** Pull-request labels that choose the bump (`model:major|minor|patch`; the GitHub registry). */
  labels?: readonly string[];
  /**
   * Extra files for the version folder (e.g. the model card rendered with the decided version),
   * written before the version becomes visible. Keys are file names inside the folder.
   */
  extraFiles?: (entry: ModelVersion) => Promise<Record<string, string>>;
}

/** Where model versions live. */
export interface Registry {
  /** All versions of a model, newest first. */
  list(model: string): Promise<ModelVersion[]>;
  /** The newest version, or null when none is registered. */
  latest(model: string): Promise<ModelVersion | null>;
  /** One version, or null when it does not exist. */
  get(model: string, version: string): Promise<ModelVersion | null>;
  /** Registers the run folder (run.json, model/, predictions) as a new version. Fails if the version exists. */
  register(runDir: string, options?: RegisterOptions): Promise<ModelVersion>;
  /** A local folder holding the version's files (run.json, model/, ...), downloading if needed. */
  materialise(model: string, version: string): Promise<string>;
}
