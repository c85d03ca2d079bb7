/**
 * An in-memory {@link Forge}: issues, comments and dispatches kept in arrays. Used by tests and by
 * local runs (the demo); it behaves like GitHub where modelgate relies on it (issue numbers count up,
 * marker search sees open and closed issues, newest first).
 */
import type {
  Forge,
  ForgeDeployment,
  ForgeIssue,
  IssuePatch,
  NewDeployment,
  NewDeploymentStatus,
  NewIssue,
  WorkflowDispatch,
} from './forge.js';

/** A recorded issue comment. */
export interface MemoryComment {
  issue: number;
  body: string;
}

/** The in-memory forge. Its arrays are public so tests can assert on what happened. */
export class MemoryForge implements Forge {
  /** Every issue, in creation order. */
  readonly issues: ForgeIssue[] = [];
  /** Every issue comment, in order. */
  readonly comments: MemoryComment[] = [];
  /** Every workflow dispatch, in order. */
  readonly dispatches: WorkflowDispatch[] = [];
  /** Every deployment, in creation order. */
  readonly deployments: (ForgeDeployment & { production: boolean; transient: boolean })[] = [];
  /** Every deployment status, in order. */
  readonly deploymentStatuses: (NewDeploymentStatus & { deploymentId: number })[] = [];
  private updatedOrder: number[] = [];

  private touch(number: number) {
    this.updatedOrder = [number, ...this.updatedOrder.filter((n) => n !== number)];
  }

  private get(number: number): ForgeIssue {
    const issue = this.issues.find((i) => i.number === number);
    if (!issue) throw new Error(`issue #${number} does not exist`);
    return issue;
  }

  /** {@inheritDoc Forge.findIssueByMarker} */
  async findIssueByMarker(marker: string): Promise<ForgeIssue | null> {
    for (const n of this.updatedOrder) {
      const issue = this.get(n);
      if (issue.body.includes(marker)) return { ...issue, labels: [...issue.labels] };
    }
    return null;
  }

  /** {@inheritDoc Forge.createIssue} */
  async createIssue(input: NewIssue): Promise<ForgeIssue> {
    const issue: ForgeIssue = {
      number: this.issues.length + 1,
      state: 'open',
      ...input,
      labels: [...input.labels],
    };
    this.issues.push(issue);
    this.touch(issue.number);
    return { ...issue };
  }

  /** {@inheritDoc Forge.updateIssue} */
  async updateIssue(number: number, patch: IssuePatch): Promise<ForgeIssue> {
    const issue = this.get(number);
    Object.assign(issue, patch.labels ? { ...patch, labels: [...patch.labels] } : patch);
    this.touch(number);
    return { ...issue };
  }

  /** {@inheritDoc Forge.addIssueComment} */
  async addIssueComment(number: number, body: string): Promise<void> {
    this.get(number);
    this.comments.push({ issue: number, body });
    this.touch(number);
  }

  /** {@inheritDoc Forge.dispatchWorkflow} */
  async dispatchWorkflow(dispatch: WorkflowDispatch): Promise<void> {
    this.dispatches.push({ ...dispatch, inputs: { ...dispatch.inputs } });
  }

  /** {@inheritDoc Forge.createDeployment} */
  async createDeployment(input: NewDeployment): Promise<ForgeDeployment> {
    const deployment = {
      id: this.deployments.length + 1,
      ref: input.ref,
      environment: input.environment,
      description: input.description,
      payload: { ...input.payload },
      production: input.production ?? false,
      transient: input.transient ?? false,
    };
    this.deployments.push(deployment);
    return { ...deployment };
  }

  /** {@inheritDoc Forge.createDeploymentStatus} */
  async createDeploymentStatus(deploymentId: number, status: NewDeploymentStatus): Promise<void> {
    if (!this.deployments.some((d) => d.id === deploymentId))
      throw new Error(`deployment ${deploymentId} does not exist`);
    this.deploymentStatuses.push({ deploymentId, ...status });
  }
}
