/**
 * The GitHub port: every read or write modelgate does on GitHub goes through this interface, so
 * the App, the Actions and the CLI share one set of use cases, and tests (and the local demo) run
 * them against an in-memory or folder-backed forge. The Octokit implementation lives next to it.
 *
 * This slice covers issues and workflow dispatch (drift monitoring) and deployments (serving);
 * comments, check runs, releases, tags and artifacts join it as the App and the Actions need them.
 */

/** An issue as modelgate sees it. */
export interface ForgeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  /** Web address, when the forge has one. */
  url?: string;
}

/** What a new issue needs. */
export interface NewIssue {
  title: string;
  body: string;
  labels: string[];
}

/** Fields to change on an issue. */
export interface IssuePatch {
  title?: string;
  body?: string;
  state?: 'open' | 'closed';
  labels?: string[];
}

/** A `workflow_dispatch` request. */
export interface WorkflowDispatch {
  /** Workflow file name (e.g. `retrain.yml`) or id. */
  workflow: string;
  /** Branch or tag to run on. */
  ref: string;
  /** Workflow inputs (strings, as GitHub takes them). */
  inputs: Record<string, string>;
}

/** A new GitHub Deployment: what ran where. */
export interface NewDeployment {
  /** Git ref deployed (the version tag, e.g. `risk@v1.2.0`). */
  ref: string;
  /** Environment name, e.g. `staging`, `production`. */
  environment: string;
  description: string;
  /** Free data kept with the deployment (model, version, canary weight). */
  payload: Record<string, unknown>;
  /** Whether this environment is production (GitHub's `production_environment`). */
  production?: boolean;
  /** Whether the deployment is short-lived (a canary). */
  transient?: boolean;
}

/** A deployment as modelgate sees it. */
export interface ForgeDeployment {
  id: number;
  ref: string;
  environment: string;
  description: string;
  payload: Record<string, unknown>;
}

/** GitHub's deployment status states. */
export type DeploymentState = 'queued' | 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

/** A deployment status update. */
export interface NewDeploymentStatus {
  state: DeploymentState;
  description: string;
  /** Where the deployed model answers (the server's URL). */
  environmentUrl?: string;
  /** Where to read more (a run log). */
  logUrl?: string;
}

/** The GitHub port. Implementations: `MemoryForge` (tests, local runs); Octokit (the App and the Actions). */
export interface Forge {
  /**
   * The most recently updated issue whose body contains `marker` (a hidden sticky marker such as
   * `<!-- modelgate:drift:risk@1.2.0 -->`), open or closed; null when none exists.
   */
  findIssueByMarker(marker: string): Promise<ForgeIssue | null>;
  /** Opens an issue. */
  createIssue(issue: NewIssue): Promise<ForgeIssue>;
  /** Changes an issue (body, state, labels). */
  updateIssue(number: number, patch: IssuePatch): Promise<ForgeIssue>;
  /** Adds a comment to an issue. */
  addIssueComment(number: number, body: string): Promise<void>;
  /** Starts a workflow run by `workflow_dispatch`. */
  dispatchWorkflow(dispatch: WorkflowDispatch): Promise<void>;
  /** Creates a Deployment (what runs where). */
  createDeployment(deployment: NewDeployment): Promise<ForgeDeployment>;
  /** Adds a status to a Deployment (in progress, success, failure, inactive). */
  createDeploymentStatus(deploymentId: number, status: NewDeploymentStatus): Promise<void>;
}
