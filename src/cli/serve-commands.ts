/**
 * `modelgate serve` (the model server, from the local registry or a GitHub repository's releases)
 * and `modelgate deploy` (drive its admin API, mirror each step into Deployments, watch a canary).
 */
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { Forge, NewDeployment, NewDeploymentStatus } from '../forge/forge.js';
import { MemoryForge } from '../forge/memory-forge.js';
import { LocalRegistry } from '../registry/local-registry.js';
import { adminClient } from '../serve/admin-client.js';
import { type DeployOutcome, promoteCanary } from '../serve/deploy-flow.js';
import { ModelManager } from '../serve/model-manager.js';
import { PredictionLog } from '../serve/prediction-log.js';
import { type RegistrySource, registryLoader } from '../serve/registry-loader.js';
import { createServer } from '../serve/server.js';
import { deployAndWatch } from '../serve/watch-canary.js';
import { type CliIo, type CommandSpec, numberOption, type ParsedArgs, stringOption } from './args.js';

const str = stringOption;

/** The environment variable holding the admin API token (never a flag: flags show in process lists). */
export const ADMIN_TOKEN_ENV = 'MODELGATE_ADMIN_TOKEN';

/** Parses `name` or `name@version` (`@v1.2.0`, `@1.2.0`, `@latest`). */
export function parseModelSpec(spec: string): { name: string; version: string } {
  const at = spec.indexOf('@');
  if (at < 0) return { name: spec, version: 'latest' };
  return { name: spec.slice(0, at), version: spec.slice(at + 1).replace(/^v(?=\d)/, '') || 'latest' };
}

/**
 * Everything `serve` starts, so the demo and tests can run it in-process and stop it. Versions come
 * from `source` (any registry, e.g. a GithubRegistry) or else the local registry folder `registry`.
 */
export async function startServing(options: {
  registry?: string;
  source?: RegistrySource;
  models: { name: string; version: string }[];
  port: number;
  host: string;
  adminToken?: string;
  logDir?: string | null;
  maxBatch?: number;
  maxWaitMs?: number;
  maxBodyBytes?: number;
  onEvent?: (line: string) => void;
}) {
  const registry = options.source ?? new LocalRegistry(options.registry ?? '.modelgate');
  const say = options.onEvent ?? (() => {});
  const manager = new ModelManager({
    loader: registryLoader(registry),
    onEvent: (e) => {
      if (e.type === 'rollback')
        say(`rollback ${e.name}: ${e.version} -> ${e.serving ?? 'none'} (${e.reason})`);
      else if (e.type === 'deploy' || e.type === 'promote' || e.type === 'canary')
        say(`${e.type} ${JSON.stringify(e)}`);
    },
  });
  for (const m of options.models) {
    const status = await manager.deploy(m.name, m.version);
    say(`serving ${m.name} ${status.stable?.version ?? '?'}`);
  }
  const log = options.logDir ? new PredictionLog({ dir: options.logDir }) : null;
  const server = createServer({
    manager,
    ...(options.adminToken ? { adminToken: options.adminToken } : {}),
    ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
    batch: {
      ...(options.maxBatch ? { maxBatch: options.maxBatch } : {}),
      ...(options.maxWaitMs !== undefined ? { maxWaitMs: options.maxWaitMs } : {}),
    },
    ...(log ? { log: (e) => void log.writeRequest({ ...e, instances: e.inputs }) } : {}),
  });
  const address = await server.listen(options.port, options.host);
  return {
    url: `http://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`,
    manager,
    log,
    async close() {
      await server.close();
      manager.close();
      await log?.close();
    },
  };
}

async function modelsToServe(
  args: ParsedArgs,
  registryDir: string,
  github?: { spec: string; models(): Promise<string[]> },
): Promise<{ name: string; version: string }[]> {
  const given = (args.model as string[] | undefined) ?? [];
  if (given.length > 0) return given.map(parseModelSpec);
  if (github) {
    const names = await github.models();
    if (names.length === 0)
      throw new UsageError(
        `no model releases (tags <model>@vX.Y.Z) in ${github.spec}; release one or pass --model <name>@<version>`,
      );
    return names.map((name) => ({ name, version: 'latest' }));
  }
  const { readdir } = await import('node:fs/promises');
  let names: string[] = [];
  try {
    names = (await readdir(resolve(registryDir, 'models'))).filter((n) => !n.startsWith('.'));
  } catch {
    names = [];
  }
  if (names.length === 0)
    throw new UsageError(
      `no models in the registry ${registryDir}; register one or pass --model <name>@<version>`,
    );
  return names.map((name) => ({ name, version: 'latest' }));
}

export const serveCommand: CommandSpec = {
  name: 'serve',
  summary:
    "Serve registered model versions over TensorFlow Serving's REST API (hot swap, canary, metrics, prediction log).",
  usage:
    'modelgate serve [--registry <dir> | --github <owner/repo> [--cache-dir <dir>]] [--model <name>[@<version>]]... [--port 8501] [--host 127.0.0.1] [--log-dir <dir> | --no-log]',
  options: {
    registry: { type: 'string', value: '<dir>', description: 'Local registry', default: '.modelgate' },
    github: {
      type: 'string',
      value: '<owner/repo>',
      description:
        'Serve the model releases of this GitHub repository (token from GITHUB_TOKEN or GH_TOKEN, API from GITHUB_API_URL)',
    },
    'cache-dir': {
      type: 'string',
      value: '<dir>',
      description: 'Where GitHub release assets are downloaded',
      default: '.modelgate/cache/<owner>/<repo>',
    },
    model: {
      type: 'string',
      value: '<name>[@<version>]',
      description: 'Model to serve',
      multiple: true,
      default: 'every registered model, latest',
    },
    port: { type: 'string', value: '<n>', description: 'Port', default: '8501' },
    host: { type: 'string', value: '<addr>', description: 'Address to listen on', default: '127.0.0.1' },
    'log-dir': {
      type: 'string',
      value: '<dir>',
      description: 'Prediction log folder',
      default: '.modelgate/logs',
    },
    'no-log': { type: 'boolean', description: 'Do not write the prediction log' },
    'max-batch': { type: 'string', value: '<n>', description: 'Micro-batch size (rows)', default: '64' },
    'max-wait-ms': {
      type: 'string',
      value: '<ms>',
      description: 'Micro-batch wait while a batch runs',
      default: '2',
    },
    'max-body-bytes': { type: 'string', value: '<n>', description: 'Request body limit', default: '1048576' },
  },
  details: `The admin API (/admin/...) is exposed only when ${ADMIN_TOKEN_ENV} is set (bearer token).\nSIGINT/SIGTERM drain in-flight requests and exit. See docs/serve.md.`,
  async run(args, io) {
    const registry = resolve(io.cwd, str(args, 'registry') ?? '.modelgate');
    const token = io.env[ADMIN_TOKEN_ENV];
    const repoSpec = str(args, 'github');
    if (repoSpec && str(args, 'registry')) throw new UsageError('give --registry or --github, not both');
    if (!repoSpec && str(args, 'cache-dir')) throw new UsageError('--cache-dir needs --github <owner/repo>');
    let source: (RegistrySource & { models(): Promise<string[]> }) | undefined;
    if (repoSpec) {
      const { defaultGithubCache, githubRegistry } = await import('../serve/github-source.js');
      const cacheDir = resolve(
        io.cwd,
        str(args, 'cache-dir') ?? defaultGithubCache(join('.modelgate', 'cache'), repoSpec),
      );
      source = githubRegistry(repoSpec, io.env, cacheDir, (line) => io.err(`modelgate serve: ${line}\n`));
      io.err(`modelgate serve: versions from the releases of ${repoSpec} (cache ${cacheDir})\n`);
    }
    const serving = await startServing({
      registry,
      ...(source ? { source } : {}),
      models: await modelsToServe(
        args,
        registry,
        source && repoSpec ? { spec: repoSpec, models: () => source.models() } : undefined,
      ),
      port: numberOption(args, 'port', 8501, { integer: true, min: 0, max: 65535 }),
      host: str(args, 'host') ?? '127.0.0.1',
      ...(token ? { adminToken: token } : {}),
      logDir: args['no-log'] ? null : resolve(io.cwd, str(args, 'log-dir') ?? '.modelgate/logs'),
      maxBatch: numberOption(args, 'max-batch', 64, { integer: true, min: 1, max: 65536 }),
      maxWaitMs: numberOption(args, 'max-wait-ms', 2, { min: 0, max: 1000 }),
      maxBodyBytes: numberOption(args, 'max-body-bytes', 1 << 20, { integer: true, min: 1024 }),
      onEvent: (line) => io.err(`modelgate serve: ${line}\n`),
    });
    io.out(`modelgate serve: listening on ${serving.url}${token ? ' (admin API enabled)' : ''}\n`);
    await waitForSignal();
    io.err('modelgate serve: draining\n');
    await serving.close();
    return 0;
  },
};

function waitForSignal(): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * A forge that prints each deployment status as it is written
 * (`deployment <environment> <ref>: <state> - <description>`), delegating everything to `forge`.
 */
export function printingForge(forge: Forge, io: CliIo): Forge {
  const seen = new Map<number, { environment: string; ref: string }>();
  return new Proxy(forge, {
    get(target, prop, receiver) {
      if (prop === 'createDeployment') {
        return async (d: NewDeployment) => {
          const out = await target.createDeployment(d);
          seen.set(out.id, { environment: out.environment, ref: out.ref });
          return out;
        };
      }
      if (prop === 'createDeploymentStatus') {
        return async (id: number, status: NewDeploymentStatus) => {
          await target.createDeploymentStatus(id, status);
          const d = seen.get(id);
          io.out(
            `deployment ${d?.environment ?? `#${id}`} ${d?.ref ?? ''}: ${status.state} - ${status.description}\n`,
          );
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Runs one deploy step, printing the deployment statuses it mirrors into `forge` (in memory by
 * default; a GitHub repository's Deployments with `deploy --github`). With `watchSeconds`, a canary
 * is then watched and an automatic rollback recorded on its Deployment. True when the step succeeded
 * (and the watched canary was not rolled back).
 */
export async function runDeploy(
  options: {
    url: string;
    token: string;
    model: string;
    version: string;
    canary?: number;
    promote?: boolean;
    environment?: string;
    /** Watch a canary this many seconds. */
    watchSeconds?: number;
    /** Poll interval while watching (default 2000 ms). */
    watchIntervalMs?: number;
  },
  io: CliIo,
  forge: Forge = new MemoryForge(),
): Promise<boolean> {
  const admin = { url: options.url, token: options.token };
  const printing = printingForge(forge, io);
  const base = {
    forge: printing,
    admin,
    model: options.model,
    version: options.version,
    environment: options.environment ?? 'production',
  };
  const outcome: DeployOutcome = options.promote
    ? await promoteCanary(base)
    : await deployAndWatch({
        ...base,
        ...(options.canary !== undefined ? { canary: options.canary } : {}),
        ...(options.watchSeconds ? { watchSeconds: options.watchSeconds } : {}),
        ...(options.watchIntervalMs !== undefined ? { watchIntervalMs: options.watchIntervalMs } : {}),
        log: (line) => io.err(`modelgate deploy: ${line}\n`),
      });
  if (outcome.status) {
    const st = outcome.status;
    io.out(
      `${st.name}: stable ${st.stable?.version ?? 'none'}${st.canary ? `, canary ${st.canary.version} at ${st.canary.weight}%` : ''}\n`,
    );
  }
  return outcome.state === 'success';
}

export const deployCommand: CommandSpec = {
  name: 'deploy',
  summary: 'Deploy a version to a model server (hot swap, canary, promote, rollback) through its admin API.',
  usage:
    'modelgate deploy --url <server> --model <name> --version <X.Y.Z> [--canary <percent> [--watch <seconds>] | --promote | --rollback] [--environment production] [--github <owner/repo>]',
  options: {
    url: { type: 'string', value: '<url>', description: 'Model server base URL', required: true },
    model: { type: 'string', value: '<name>', description: 'Model name', required: true },
    version: { type: 'string', value: '<X.Y.Z>', description: 'Version to deploy or promote' },
    canary: {
      type: 'string',
      value: '<percent>',
      description: 'Route this share of traffic to the version (1-100)',
    },
    promote: { type: 'boolean', description: 'Make the canary the stable version' },
    rollback: { type: 'boolean', description: 'Drop the canary, or return to the previous stable version' },
    environment: {
      type: 'string',
      value: '<name>',
      description: 'Deployment environment',
      default: 'production',
    },
    watch: {
      type: 'string',
      value: '<seconds>',
      description:
        "With --canary: poll the server this long and record an automatic rollback on the canary's Deployment",
    },
    github: {
      type: 'string',
      value: '<owner/repo>',
      description:
        'Record the steps as GitHub Deployments of this repository (token from GITHUB_TOKEN or GH_TOKEN)',
      default: 'printed only',
    },
  },
  details: `The admin token is read from ${ADMIN_TOKEN_ENV}. Exit code 1 when the rollout fails or the watched canary is rolled back.`,
  async run(args, io) {
    const token = io.env[ADMIN_TOKEN_ENV];
    if (!token) throw new UsageError(`${ADMIN_TOKEN_ENV} is not set: the admin API needs its bearer token`);
    const chosen = [args.canary !== undefined, Boolean(args.promote), Boolean(args.rollback)].filter(
      Boolean,
    ).length;
    if (chosen > 1) throw new UsageError('give at most one of --canary, --promote, --rollback');
    const url = str(args, 'url')!;
    const model = str(args, 'model')!;
    if (args.rollback) {
      const st = await adminClient({ url, token }, model).rollback('requested from the command line');
      io.out(
        `${st.name}: stable ${st.stable?.version ?? 'none'}${st.canary ? `, canary ${st.canary.version}` : ''}\n`,
      );
      return 0;
    }
    const version = str(args, 'version');
    if (!version) throw new UsageError('missing required option --version');
    if (args.watch !== undefined && args.canary === undefined)
      throw new UsageError('--watch watches a canary: give it with --canary <percent>');
    const repoSpec = str(args, 'github');
    const forge = repoSpec
      ? (await import('../serve/github-source.js')).githubForge(repoSpec, io.env)
      : new MemoryForge();
    const ok = await runDeploy(
      {
        url,
        token,
        model,
        version: version.replace(/^v(?=\d)/, ''),
        ...(args.canary !== undefined
          ? { canary: numberOption(args, 'canary', 0, { min: 1, max: 100 }) }
          : {}),
        promote: Boolean(args.promote),
        environment: str(args, 'environment') ?? 'production',
        ...(args.watch !== undefined
          ? { watchSeconds: numberOption(args, 'watch', 0, { min: 1, max: 86_400 }) }
          : {}),
      },
      io,
      forge,
    );
    return ok ? 0 : 1;
  },
};
