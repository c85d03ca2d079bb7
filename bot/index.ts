/**
 * The modelgate GitHub App (Probot). Thin: each subscribed webhook event goes to its use case in
 * `src/pr/` through the route table (`bot/handlers/`), with an `OctokitForge` over the event's
 * installation token. See docs/app.md for the events, permissions and run modes.
 *
 * `modelgateApp` is the app function for `probot run` / `run()`; {@link createModelgateApp} makes
 * one with options (limits, workflow names, admin token, a delivery callback).
 */
import type { ApplicationFunction, Context, Probot } from 'probot';
import type { AppLog } from '../src/pr/app-deps.js';
import { DEFAULT_ASSET_CACHE_BYTES, ReleaseAssetCache } from '../src/registry/github-registry.js';
import { DeliveryError, handleDelivery } from './deliver.js';
import { EVENT_ACTIONS } from './handlers/index.js';
import { KeyedLock } from './keyed-lock.js';
import { type ModelgateAppOptions, parseAppId } from './options.js';

export type { DeliveryReport, ModelgateAppOptions } from './options.js';

interface PinoLike {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Probot's (pino) logger as the use cases' {@link AppLog}. */
export function appLogOf(log: PinoLike): AppLog {
  return {
    info: (message) => log.info(message),
    warn: (message) => log.warn(message),
    error: (message) => log.error(message),
  };
}

/**
 * Makes the App function. Each delivery answers 200 once handled (bad config, bad artifacts and
 * refused approvals are handled: they end up on check runs and comments); an unexpected failure
 * (GitHub unreachable, a bug) throws, so Probot answers 500 and the delivery can be redelivered,
 * which is safe: every handler is idempotent.
 */
export function createModelgateApp(options: ModelgateAppOptions = {}): ApplicationFunction {
  return (app: Probot) => {
    // One lock per App instance: events of one repository run one at a time in this process.
    const lock = new KeyedLock();
    // One baseline cache per App instance (one GitHub host), shared by its deliveries.
    const assetCache =
      options.assetCache ??
      (options.assetCacheBytes === 0
        ? null
        : new ReleaseAssetCache(options.assetCacheBytes ?? DEFAULT_ASSET_CACHE_BYTES));
    // Probot's event names are a union of literals; ours come from the route table.
    app.on(EVENT_ACTIONS as Parameters<Probot['on']>[0], async (context: Context) => {
      // Only this App's check runs are trusted: its id from the options, else Probot's `APP_ID`
      // (read per delivery: the setup flow writes it after the App started).
      const appId = options.appId ?? parseAppId(process.env.APP_ID);
      const report = await handleDelivery(
        { id: context.id, name: context.name, payload: context.payload },
        {
          octokit: context.octokit,
          log: appLogOf(context.log),
          options: appId === undefined ? options : { ...options, appId },
          lock,
          assetCache,
        },
      );
      if (!report) return;
      const { result } = report;
      const line = `${report.event} ${report.repository} (${report.id}): ${result.summary}`;
      if (result.error) {
        context.log.error(`${line}: ${result.error}`);
        throw new DeliveryError(`${report.event}: ${result.error}`, 500);
      }
      context.log.info(line);
    });
  };
}

/** The App with default options (for `probot run` and `run(modelgateApp)`). */
export const modelgateApp: ApplicationFunction = createModelgateApp();
