/**
 * The bot's own pieces: the route table (events the manifest subscribes to), the per-key lock, the
 * time bounds of a delivery (a handler that hangs is given up; a GitHub request that never answers
 * times out) and the payload's repository and installation.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { handleDelivery, installationOf, repositoryOf } from '../../bot/deliver.js';
import { EVENT_ACTIONS, routeFor, SUBSCRIBED_EVENTS } from '../../bot/handlers/index.js';
import { KeyedLock } from '../../bot/keyed-lock.js';
import { ConcurrencyGroup, fetchWithRetry, fetchWithTimeout } from '../../bot/probot-octokit.js';
import { tempDir } from './harness.js';

const silent = { info() {}, warn() {}, error() {} };

describe('routes', () => {
  it('routes each handled event and action to one use case, and the manifest subscribes to them', () => {
    expect(routeFor('pull_request', 'opened')?.name).toBe('pull_request');
    expect(routeFor('pull_request', 'closed')?.name).toBe('pull_request.merged');
    expect(routeFor('workflow_run', 'completed')?.name).toBe('workflow_run');
    expect(routeFor('workflow_run', 'requested')).toBeNull();
    expect(routeFor('issues', 'labeled')?.name).toBe('issues.labeled');
    expect(routeFor('star', 'created')).toBeNull();
    expect(new Set(EVENT_ACTIONS).size).toBe(EVENT_ACTIONS.length);
    const manifest = parse(
      readFileSync(fileURLToPath(new URL('../../app.yml', import.meta.url)), 'utf8'),
    ) as {
      default_events: string[];
      default_permissions: Record<string, string>;
    };
    expect([...manifest.default_events].sort()).toEqual([...SUBSCRIBED_EVENTS].sort());
    expect(manifest.default_permissions).toMatchObject({
      checks: 'write',
      pull_requests: 'write',
      issues: 'write',
      contents: 'write',
      deployments: 'write',
      actions: 'write',
      members: 'read',
      metadata: 'read',
    });
  });

  it('reads the repository and installation of a payload, refusing odd names', () => {
    expect(repositoryOf({ repository: { full_name: 'acme/models' } })).toEqual({
      owner: 'acme',
      repo: 'models',
      fullName: 'acme/models',
    });
    expect(repositoryOf({ repository: { full_name: 'acme/../x' } })).toBeNull();
    expect(repositoryOf({ repository: { full_name: 'acme/x?y' } })).toBeNull();
    expect(repositoryOf({})).toBeNull();
    expect(installationOf({ installation: { id: 7 } })).toBe(7);
    expect(installationOf({ installation: { id: '7' } })).toBeNull();
  });
});

describe('KeyedLock', () => {
  it('runs work under one key in order and other keys concurrently', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    let releaseA!: () => void;
    const gate = new Promise<void>((resolve) => {
      releaseA = resolve;
    });
    const a = lock.run('repo-1', async () => {
      log.push('a start');
      await gate;
      log.push('a end');
      return 'a';
    });
    const b = lock.run('repo-1', async () => {
      log.push('b');
      return 'b';
    });
    const c = lock.run('repo-2', async () => {
      log.push('c');
      return 'c';
    });
    expect(await c).toBe('c');
    expect(log).toEqual(['a start', 'c']);
    releaseA();
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(log).toEqual(['a start', 'c', 'a end', 'b']);
    // a failure does not block the key
    await expect(lock.run('repo-1', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lock.run('repo-1', async () => 'after')).toBe('after');
    expect(lock.size).toBe(0);
  });
});

describe('time bounds', () => {
  it('gives up a delivery whose handler hangs', async () => {
    const workDir = await tempDir();
    const never = { request: () => new Promise<never>(() => {}) };
    const started = performance.now();
    const report = await handleDelivery(
      {
        id: 'd1',
        name: 'pull_request',
        payload: {
          action: 'opened',
          number: 1,
          pull_request: {
            number: 1,
            user: { login: 'alice' },
            head: { sha: 'a'.repeat(40), ref: 'f' },
            base: { ref: 'main' },
          },
          repository: { full_name: 'acme/models' },
        },
      },
      { octokit: never, log: silent, options: { workDir, limits: { deadlineMs: 50 }, graceMs: 50 } },
    );
    expect(performance.now() - started).toBeLessThan(5000);
    expect(report?.result.error).toMatch(/did not finish within 100 ms/);
  });

  it('aborts a GitHub request that never answers', async () => {
    const server: Server = createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const timed = fetchWithTimeout(100);
      await expect(timed(url)).rejects.toThrow(/timeout|aborted/i);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('retries and concurrency', () => {
  it('retries a repeatable request after a 5xx or a dropped connection, never a POST', async () => {
    const seen: string[] = [];
    let failures = 0;
    const server: Server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.url === '/drop' && failures++ === 0) {
        req.socket.destroy();
        return;
      }
      if (req.url === '/flaky' && failures++ < 2) {
        res.writeHead(502).end('bad gateway');
        return;
      }
      if (req.url === '/down') {
        res.writeHead(503).end('unavailable');
        return;
      }
      res.writeHead(200).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const retrying = fetchWithRetry(fetch, 3, 1);
      expect((await retrying(`${origin}/flaky`)).status).toBe(200);
      expect(seen.filter((s) => s === 'GET /flaky')).toHaveLength(3);
      failures = 0;
      expect((await retrying(`${origin}/drop`, { method: 'PATCH', body: '{}' })).status).toBe(200);
      expect(seen.filter((s) => s === 'PATCH /drop')).toHaveLength(2);
      expect((await retrying(`${origin}/down`, { method: 'POST', body: '{}' })).status).toBe(503);
      expect(seen.filter((s) => s === 'POST /down')).toHaveLength(1);
      expect((await retrying(`${origin}/down`)).status).toBe(503);
      expect(seen.filter((s) => s === 'GET /down')).toHaveLength(4);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('keeps at most N jobs in flight per key, in order, and forgets idle keys', async () => {
    const group = new ConcurrencyGroup(2);
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    const job = async (i: unknown) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(i as number);
      active--;
      return i;
    };
    const results = await Promise.all(
      [0, 1, 2, 3, 4].map((i) => group.key('installation-1').schedule({}, job, i)),
    );
    expect(results).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(group.size).toBe(0);
  });
});
