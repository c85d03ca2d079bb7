/**
 * Webhook events for integration tests: GitHub's published example payloads
 * (`@octokit/webhooks-examples`, api.github.com), adjusted only in ids and names, delivered to a
 * running App as signed HTTP POSTs (`x-hub-signature-256: sha256=<HMAC-SHA256 of the body>`).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { GitHubDoubleSetupError } from './state.js';

/** A webhook payload (loosely typed: tests read and set fields directly). */
export type WebhookPayload = Record<string, unknown> & { action?: string };

interface WebhookDefinition {
  name: string;
  actions: string[];
  examples: WebhookPayload[];
}

let definitions: WebhookDefinition[] | undefined;

function loadDefinitions(): WebhookDefinition[] {
  if (definitions) return definitions;
  const require = createRequire(import.meta.url);
  const file = require.resolve('@octokit/webhooks-examples/api.github.com/index.json');
  definitions = JSON.parse(readFileSync(file, 'utf8')) as WebhookDefinition[];
  return definitions;
}

/** The event names that have examples (`pull_request`, `workflow_run`, ...). */
export function exampleEventNames(): string[] {
  return loadDefinitions().map((d) => d.name);
}

/**
 * A deep copy of GitHub's first example payload for `event` that matches. `event` is an event name
 * (`workflow_run`) or `event.action` (`pull_request.opened`); `predicate` narrows further. Throws
 * when no example matches (naming the actions that have examples).
 */
export function loadExample(event: string, predicate?: (payload: WebhookPayload) => boolean): WebhookPayload {
  const [name, action] = event.split('.') as [string, string | undefined];
  const definition = loadDefinitions().find((d) => d.name === name);
  if (!definition) throw new GitHubDoubleSetupError(`webhooks-examples: no event '${name}'`);
  const found = definition.examples.find(
    (p) => (action === undefined || p.action === action) && (!predicate || predicate(p)),
  );
  if (!found) {
    const actions = [...new Set(definition.examples.map((p) => p.action ?? '(none)'))].join(', ');
    throw new GitHubDoubleSetupError(
      `webhooks-examples: no example of '${event}' matches (examples exist for: ${actions})`,
    );
  }
  return structuredClone(found);
}

/** What {@link adjustExample} changes. */
export interface ExampleAdjustment {
  /** New repository owner login. */
  owner: string;
  /** New repository name. */
  repo: string;
  /** Adds (or replaces) `installation: { id, node_id }`, as GitHub sends to an App. */
  installationId?: number;
  /** New repository id (`repository.id`). */
  repoId?: number;
  /** New `sender.login`. */
  sender?: string;
  /** Replaces `https://api.github.com` in every URL with this base (e.g. the double's URL). */
  apiUrl?: string;
  /** Replaces `https://github.com` in every web URL with this base. */
  webUrl?: string;
  /**
   * Further fields to set, by dotted path (`'pull_request.head.sha': sha`, `'workflow_run.id': 42`),
   * applied last; a path through a missing object throws (a typo must not pass silently).
   */
  set?: Record<string, unknown>;
}

/**
 * A copy of `payload` moved to another repository: the repository's full name, owner login and name
 * are renamed everywhere (objects and URLs), ids and hosts changed as asked; nothing else changes.
 */
export function adjustExample(payload: WebhookPayload, adjust: ExampleAdjustment): WebhookPayload {
  const copy = structuredClone(payload);
  const repository = copy.repository as
    | { full_name?: string; name?: string; owner?: { login?: string } }
    | undefined;
  const fromFull = repository?.full_name;
  const fromOwner = repository?.owner?.login ?? fromFull?.split('/')[0];
  const fromName = repository?.name ?? fromFull?.split('/')[1];
  const toFull = `${adjust.owner}/${adjust.repo}`;
  const sender = (copy.sender as { login?: string } | undefined)?.login;
  const renameString = (s: string): string => {
    let out = s;
    if (fromFull) out = out.split(fromFull).join(toFull);
    if (fromOwner) {
      const owner = escapeRegex(fromOwner);
      out = out.replace(new RegExp(`/(users|orgs)/${owner}(?=[/?{]|$)`, 'g'), `/$1/${adjust.owner}`);
      out = out.replace(
        new RegExp(`^https://github\\.com/${owner}(?=[/?#]|$)`),
        `https://github.com/${adjust.owner}`,
      );
    }
    if (adjust.sender && sender) {
      out = out.replace(
        new RegExp(`/users/${escapeRegex(sender)}(?=[/?{]|$)`, 'g'),
        `/users/${adjust.sender}`,
      );
    }
    if (adjust.apiUrl) out = out.split('https://api.github.com').join(adjust.apiUrl.replace(/\/+$/, ''));
    if (adjust.webUrl) out = out.replace(/https:\/\/github\.com(?=\/|$)/g, adjust.webUrl.replace(/\/+$/, ''));
    return out;
  };
  const walk = (node: unknown, key: string | null, parent: Record<string, unknown> | null): unknown => {
    if (typeof node === 'string') {
      if (parent && key === 'login' && node === fromOwner) return adjust.owner;
      if (parent && key === 'name' && node === fromName && typeof parent.full_name === 'string')
        return adjust.repo;
      if (parent && key === 'label' && fromOwner && node.startsWith(`${fromOwner}:`)) {
        return `${adjust.owner}:${node.slice(fromOwner.length + 1)}`;
      }
      return renameString(node);
    }
    if (Array.isArray(node)) return node.map((item) => walk(item, null, null));
    if (typeof node === 'object' && node !== null) {
      const obj = node as Record<string, unknown>;
      for (const [k, v] of Object.entries(obj)) obj[k] = walk(v, k, obj);
      return obj;
    }
    return node;
  };
  walk(copy, null, null);
  if (adjust.sender && copy.sender && typeof copy.sender === 'object') {
    (copy.sender as Record<string, unknown>).login = adjust.sender;
  }
  if (adjust.repoId !== undefined && copy.repository && typeof copy.repository === 'object') {
    (copy.repository as Record<string, unknown>).id = adjust.repoId;
  }
  if (adjust.installationId !== undefined) {
    copy.installation = {
      id: adjust.installationId,
      node_id: Buffer.from(`Installation:${adjust.installationId}`).toString('base64').replace(/=+$/, ''),
    };
  }
  for (const [path, value] of Object.entries(adjust.set ?? {})) setPath(copy, path, value);
  return copy;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) {
      throw new GitHubDoubleSetupError(
        `adjustExample: '${path}' goes through '${key}', which is not an object in the example`,
      );
    }
    node = next as Record<string, unknown>;
  }
  node[keys.at(-1) ?? ''] = structuredClone(value);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `sha256=<hex HMAC-SHA256 of body with secret>`, GitHub's `x-hub-signature-256` header value. */
export function signWebhook(body: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** A webhook delivery. */
export interface WebhookDelivery {
  /** Event name (`x-github-event`), e.g. `pull_request`. */
  event: string;
  payload: unknown;
  /** The App's webhook secret. */
  secret: string;
  /** Delivery id (`x-github-delivery`); a fresh UUID when omitted. */
  id?: string;
  /** Extra or overriding headers (e.g. a wrong signature, to test rejection). */
  headers?: Record<string, string>;
}

/** What the App answered. */
export interface WebhookResponse {
  status: number;
  body: string;
  /** The delivery id sent. */
  id: string;
}

/** POSTs a signed webhook delivery to `url` (the App's webhook endpoint), as GitHub does. */
export async function deliverWebhook(url: string, delivery: WebhookDelivery): Promise<WebhookResponse> {
  const id = delivery.id ?? randomUUID();
  const body = JSON.stringify(delivery.payload);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/github-double',
      'x-github-event': delivery.event,
      'x-github-delivery': id,
      'x-github-hook-id': '1',
      'x-github-hook-installation-target-type': 'integration',
      'x-hub-signature-256': signWebhook(body, delivery.secret),
      ...delivery.headers,
    },
    body,
  });
  return { status: response.status, body: await response.text(), id };
}
