/**
 * The dashboard loaded on its first request: badge-maker, d3 and the session libraries hold ≈ 6 MB of
 * heap that a web process answering only webhooks would carry, and every major garbage collection
 * would mark (the same reason BullMQ is loaded only with Redis; docs/architecture.md).
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DASHBOARD_PREFIX } from './paths.js';

/** A Node request handler that returns true when it answered. */
export type LazyHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * A handler that answers only paths under `/quality-gates`, loading the real one on the first such request.
 * @param load Imports and builds the dashboard's handler.
 */
export function lazyDashboard(load: () => Promise<LazyHandler>): LazyHandler {
  let handler: Promise<LazyHandler> | undefined;
  return async (req, res) => {
    if (!(req.url ?? '').startsWith(DASHBOARD_PREFIX)) return false;
    handler ??= load();
    return (await handler)(req, res);
  };
}
