/**
 * The deploy flow against a real HTTP admin endpoint (a small stand-in server on loopback): every
 * step mirrored into GitHub Deployments and statuses through the in-memory forge.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryForge } from '../../src/forge/memory-forge.js';
import { deployVersion, mirrorRollback, promoteCanary } from '../../src/serve/deploy-flow.js';

let server: Server;
let url: string;
const calls: { path: string; auth: string | undefined; body: unknown }[] = [];
const TOKEN = 'secret-token';

beforeAll(async () => {
  server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const body = data ? JSON.parse(data) : null;
      calls.push({ path: req.url ?? '', auth: req.headers.authorization, body });
      res.setHeader('content-type', 'application/json');
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        res.statusCode = 401;
        res.end(JSON.stringify({ error: 'unauthorised' }));
        return;
      }
      if ((body as { version?: string } | null)?.version === '9.9.9') {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: 'risk@v9.9.9 not found in the registry' }));
        return;
      }
      res.end(
        JSON.stringify({ name: 'risk', stable: { version: '1.0.0', state: 'AVAILABLE' }, canary: null }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

describe('deploy flow', () => {
  it('deploys a version: Deployment, in_progress, admin call with the token, success', async () => {
    const forge = new MemoryForge();
    const out = await deployVersion({ forge, admin: { url, token: TOKEN }, model: 'risk', version: '1.0.0' });
    expect(out.state).toBe('success');
    expect(calls.at(-1)).toMatchObject({
      path: '/admin/models/risk/deploy',
      auth: `Bearer ${TOKEN}`,
      body: { version: '1.0.0' },
    });
    expect(forge.deployments[0]).toMatchObject({
      ref: 'risk@v1.0.0',
      environment: 'production',
      production: true,
      transient: false,
    });
    expect(forge.deploymentStatuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(forge.deploymentStatuses[1]).toMatchObject({ environmentUrl: url, description: 'serving 1.0.0' });
  });

  it('a canary gets its own transient environment; promote marks it inactive', async () => {
    const forge = new MemoryForge();
    const canary = await deployVersion({
      forge,
      admin: { url, token: TOKEN },
      model: 'risk',
      version: '1.1.0',
      canary: 10,
    });
    expect(calls.at(-1)).toMatchObject({
      path: '/admin/models/risk/canary',
      body: { version: '1.1.0', weight: 10 },
    });
    expect(forge.deployments[0]).toMatchObject({
      environment: 'production-canary',
      transient: true,
      payload: { canary: 10 },
    });
    const promoted = await promoteCanary({
      forge,
      admin: { url, token: TOKEN },
      model: 'risk',
      version: '1.1.0',
      canaryDeploymentId: canary.deploymentId,
    });
    expect(promoted.state).toBe('success');
    expect(calls.at(-1)!.path).toBe('/admin/models/risk/promote');
    expect(
      forge.deploymentStatuses.filter((s) => s.deploymentId === canary.deploymentId).map((s) => s.state),
    ).toEqual(['in_progress', 'success', 'inactive']);
    await mirrorRollback(forge, canary.deploymentId, 'error rate 0.31 > 0.05');
    expect(forge.deploymentStatuses.at(-1)).toMatchObject({
      state: 'failure',
      description: 'rolled back automatically: error rate 0.31 > 0.05',
    });
  });

  it('records failures with the server message, a wrong token and an unreachable server', async () => {
    const forge = new MemoryForge();
    const missing = await deployVersion({
      forge,
      admin: { url, token: TOKEN },
      model: 'risk',
      version: '9.9.9',
    });
    expect(missing).toMatchObject({ state: 'failure' });
    expect(missing.error).toContain('HTTP 404: risk@v9.9.9 not found');
    const denied = await deployVersion({
      forge,
      admin: { url, token: 'wrong' },
      model: 'risk',
      version: '1.0.0',
    });
    expect(denied.error).toContain('HTTP 401');
    const down = await deployVersion({
      forge,
      admin: { url: 'http://127.0.0.1:1', token: TOKEN, timeoutMs: 2000 },
      model: 'risk',
      version: '1.0.0',
    });
    expect(down.error).toContain('cannot reach');
    expect(forge.deploymentStatuses.filter((s) => s.state === 'failure')).toHaveLength(3);
  });
});
