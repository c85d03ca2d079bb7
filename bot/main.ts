/**
 * `npm run bot`: runs the App as a server.
 *
 * - With `APP_ID` (and `PRIVATE_KEY` or `PRIVATE_KEY_PATH`, `WEBHOOK_SECRET`): the App's Node
 *   middleware (bot/middleware.ts: signature check, 25 MiB body cap, the handlers) on a `node:http`
 *   server at `HOST`:`PORT` (default `0.0.0.0:3000`), webhooks at `WEBHOOK_PATH`, `GET /ping`
 *   answering `PONG` for health checks; `SIGTERM`/`SIGINT` stop it after the deliveries in flight.
 * - Without `APP_ID`, or with `WEBHOOK_PROXY_URL` (a smee.io channel for local development):
 *   Probot's own server (`run`), whose setup page registers the App from `app.yml`.
 *
 * Both read `.env` in the working folder (set variables win), `GHE_HOST`/`GHE_PROTOCOL`, `LOG_LEVEL`
 * and the `MODELGATE_*` settings (bot/options.ts).
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { run } from 'probot';
import { createModelgateApp } from './index.js';
import { createModelgateMiddleware } from './middleware.js';
import { appOptionsFromEnv } from './options.js';
import { modelgateProbotOctokit } from './probot-octokit.js';

// The setup page writes APP_ID, PRIVATE_KEY and WEBHOOK_SECRET to .env; variables already set win.
if (existsSync('.env')) process.loadEnvFile('.env');
const env = process.env;
const options = appOptionsFromEnv(env);

if (!env.APP_ID || env.WEBHOOK_PROXY_URL) {
  await run(createModelgateApp(options), { Octokit: modelgateProbotOctokit(options.client) });
} else {
  const middleware = await createModelgateMiddleware({
    ...options,
    env,
    logLevel: env.LOG_LEVEL === 'silent' ? 'fatal' : (env.LOG_LEVEL ?? 'info'),
  });
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/ping') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('PONG');
      return;
    }
    middleware(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    }).catch((error: unknown) => {
      middleware.probot.log.error(error as Error);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  const port = Number(env.PORT ?? 3000);
  server.listen(port, env.HOST ?? '0.0.0.0', () => {
    const address = server.address() as AddressInfo;
    middleware.probot.log.info(
      `modelgate App listening on http://${address.address}:${address.port}${middleware.webhooksPath}`,
    );
  });
  const stop = () => {
    middleware.probot.log.info('modelgate App stopping');
    server.close(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
