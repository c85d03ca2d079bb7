/**
 * The GitHub port: every read or write modelgate does on GitHub goes through this interface, so
 * the App, the Actions and the CLI share one set of use cases, and tests (and the local demo) run
 * them against an in-memory or folder-backed forge. The Octokit implementation lives next to it.
 *
 * This first slice covers issues and workflow dispatch (drift monitoring); comments, check runs,
 * releases, tags, deployments and artifacts join it as the App and the Actions need them.
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
}
