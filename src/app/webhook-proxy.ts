/**
 * Development only: `WEBHOOK_PROXY_URL` forwards the deliveries of a smee.io channel to this server,
 * as `probot run` does, so the app can be tried from a laptop that GitHub cannot reach. smee-client is
 * a development dependency (the Docker image does not have it): without it the app says so and runs
 * without the proxy.
 * @module
 */
import type { Logger } from '../gates/types.js';

/** How long to wait for the channel before starting without it. */
export const PROXY_CONNECT_TIMEOUT_MS = 10_000;

/** A running proxy. */
export interface WebhookProxy {
  /** Stops forwarding and closes the channel. */
  close(): Promise<void>;
}

/** Where the proxy connects and where it forwards to. */
export interface WebhookProxyOptions {
  /** The smee.io channel (`WEBHOOK_PROXY_URL`). */
  source: string;
  /** This server's webhook URL. */
  target: string;
  /** Progress and failures. */
  log: Logger;
  /** Give up connecting after this long (default {@link PROXY_CONNECT_TIMEOUT_MS}). */
  connectTimeoutMs?: number;
}

interface SmeeClientLike {
  start(): Promise<unknown>;
  stop(): Promise<void>;
}

type SmeeClientClass = new (options: {
  source: string;
  target: string;
  logger: Pick<Console, 'info' | 'error'>;
  maxConnectionTimeout?: number;
}) => SmeeClientLike;

/**
 * Connects to the channel and forwards its deliveries; resolves to `undefined` (after a warning) when
 * smee-client is not installed or the channel cannot be reached — the server runs on without it.
 * @param options Channel, target and logger.
 */
export async function startWebhookProxy(options: WebhookProxyOptions): Promise<WebhookProxy | undefined> {
  let SmeeClient: SmeeClientClass;
  try {
    ({ SmeeClient } = (await import('smee-client')) as unknown as { SmeeClient: SmeeClientClass });
  } catch {
    options.log.warn({ proxy: options.source }, 'WEBHOOK_PROXY_URL is set but smee-client is not installed (a development dependency): run `npm install` without --omit=dev');
    return undefined;
  }
  const client = new SmeeClient({
    source: options.source,
    target: options.target,
    maxConnectionTimeout: options.connectTimeoutMs ?? PROXY_CONNECT_TIMEOUT_MS,
    logger: {
      info: (message: unknown) => options.log.debug({ proxy: options.source }, String(message)),
      error: (message: unknown) => options.log.warn({ proxy: options.source, err: message }, 'webhook proxy error'),
    },
  });
  try {
    await client.start();
  } catch (error) {
    options.log.warn({ proxy: options.source, err: error }, 'could not connect to the webhook proxy channel; running without it');
    await client.stop();
    return undefined;
  }
  options.log.info({ proxy: options.source, target: options.target }, 'forwarding webhooks from the proxy channel');
  return { close: () => client.stop() };
}
