/**
 * The server side of `bench/serve-throughput.ts`, run in its own process so that the server and
 * the load generator (autocannon, in the bench process) never share an event loop.
 *
 *   node node_modules/tsx/dist/cli.mjs bench/serve-child.ts --mode bare
 *   node node_modules/tsx/dist/cli.mjs bench/serve-child.ts --mode modelgate --registry <dir>
 *        [--model risk] [--version 1.0.0] [--backend auto] [--keep-previous yes|no]
 *
 * - `bare`: a plain `node:http` server (keep-alive on) that reads the request body and answers the
 *   constant `{"predictions":[0.5]}`: the ceiling of an HTTP server in Node on this machine.
 * - `modelgate`: the model server as `modelgate serve` builds it: a {@link ModelManager} over
 *   `registryLoader(new LocalRegistry(<dir>))`, `createServer` with the default micro-batching and
 *   the admin API (bearer token from the environment variable `SERVE_BENCH_ADMIN_TOKEN`), the
 *   given version deployed before it listens.
 *
 * Both listen on 127.0.0.1, port 0, and print JSON lines on stdout: `{"type":"ready","port":N,...}`
 * once listening, `{"type":"event","event":{...}}` for each model manager event. They shut down
 * (drain, close, exit 0) on SIGTERM, SIGINT, or when stdin ends, so a bench that dies never leaves
 * one running.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback;
}

const say = (message: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(message)}\n`);

/** Registers the shutdown triggers; `close` runs once. */
function onShutdown(close: () => Promise<void>): void {
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    // Never hang: a drain that takes too long is cut.
    const force = setTimeout(() => process.exit(0), 5_000);
    force.unref();
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('serve-child: shutdown failed:', err);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}

const CONSTANT = Buffer.from('{"predictions":[0.5]}');

async function bare(): Promise<void> {
  const server = http.createServer({ keepAlive: true }, (req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': CONSTANT.length });
      res.end(CONSTANT);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  onShutdown(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  );
  say({ type: 'ready', mode: 'bare', port: (server.address() as AddressInfo).port, pid: process.pid });
}

async function modelgate(): Promise<void> {
  // Imported here so that the bare server does not load TensorFlow.js.
  const [{ LocalRegistry }, { ModelManager }, { registryLoader }, { createServer }, { selectBackend }] =
    await Promise.all([
      import('../src/registry/local-registry.js'),
      import('../src/serve/model-manager.js'),
      import('../src/serve/registry-loader.js'),
      import('../src/serve/server.js'),
      import('../src/train/backend.js'),
    ]);
  const registryDir = arg('registry', '');
  if (registryDir === '') throw new Error('--registry <dir> is required in modelgate mode');
  const name = arg('model', 'risk');
  const version = arg('version', '1.0.0');
  const keepPrevious = arg('keep-previous', 'yes') !== 'no';
  const token = process.env.SERVE_BENCH_ADMIN_TOKEN ?? '';
  if (token === '') throw new Error('SERVE_BENCH_ADMIN_TOKEN is not set');

  const backend = await selectBackend(arg('backend', 'auto') as 'auto');
  const manager = new ModelManager({
    loader: registryLoader(new LocalRegistry(registryDir), { backend }),
    keepPrevious,
    onEvent: (event) => say({ type: 'event', event }),
  });
  await manager.deploy(name, version);
  const server = createServer({ manager, adminToken: token });
  const { port } = await server.listen(0, '127.0.0.1');
  onShutdown(async () => {
    await server.close();
    manager.close();
  });
  say({ type: 'ready', mode: 'modelgate', port, pid: process.pid, backend: backend.name, keepPrevious });
}

const mode = arg('mode', '');
const main = mode === 'bare' ? bare : mode === 'modelgate' ? modelgate : null;
if (!main) {
  console.error('serve-child: --mode bare|modelgate is required');
  process.exit(2);
}
main().catch((err: unknown) => {
  console.error('serve-child: setup failed:', err);
  process.exit(1);
});
