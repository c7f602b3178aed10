/**
 * The webhook route: checks the request, reads and verifies the signed body, hands the parsed
 * delivery to the app and turns the outcome into the HTTP answer GitHub records.
 *
 * It replaces Probot's `createNodeMiddleware` on the server (Probot still provides the setup flow,
 * authentication, Octokit and the logger) for one reason, measured in docs/benchmarks.md: Probot
 * builds a context and an installation Octokit for every delivery before any handler runs, and keeps
 * them, with the parsed payload, until the handler's promise settles. Our answer waits for the job's
 * commit, so under load all of it outlived young-generation collections and was copied into the old
 * generation, and those collections set the webhook's tail latency. Here only the job waits for the
 * commit. The answers follow `@octokit/webhooks`' own (400 bad signature or JSON, 404 wrong method,
 * 415 content type), and the signature check is its `verify`.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { verify } from '@octokit/webhooks-methods';
import { readBody } from '../http-body.js';
import type { Logger } from '../gates/types.js';
import type { WebhookEvent } from './events.js';
import { WebhookError, withFields } from './app.js';

/** Probot's default webhook path. */
export const DEFAULT_WEBHOOK_PATH = '/api/github/webhooks';

/** GitHub caps webhook payloads at 25 MB; a larger body is not from GitHub. */
export const MAX_BODY_BYTES = 25 * 1024 * 1024;

/**
 * How long a delivery may wait for its job to be stored before it is answered 503: GitHub gives up
 * after 10 s and records a timeout, which nobody redelivers automatically.
 */
export const ANSWER_WITHIN_MS = 9_000;

/** What the receiver needs. */
export interface WebhookReceiverOptions {
  /** The route (`WEBHOOK_PATH`, default {@link DEFAULT_WEBHOOK_PATH}). */
  path?: string;
  /** The GitHub App's webhook secret. */
  secret: string;
  /**
   * Takes a verified delivery; settles when it may be answered, rejecting with a {@link WebhookError}
   * for a 4xx/5xx answer. Must not keep `event` once it has returned its promise (see `receiveDelivery`).
   */
  receive(event: WebhookEvent, log: Logger): Promise<void>;
  /** The server's logger. */
  log: Logger;
  /** Largest body accepted (default {@link MAX_BODY_BYTES}). */
  maxBodyBytes?: number;
  /** Answer 503 if the delivery is not stored by then (default {@link ANSWER_WITHIN_MS}). */
  answerWithinMs?: number;
  /**
   * Called once per answer on the webhook path, with the time from the request's arrival (metrics).
   * `event` is one of `events` or `other`: the header is the sender's to choose, and a metric label
   * must not take unbounded values.
   */
  onAnswered?(event: string, status: number, seconds: number): void;
  /** The event names reported as themselves to `onAnswered`. */
  events?: readonly string[];
}

/** A request answered with `status` before it reached the app. */
class Refused extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const JSON_CONTENT_TYPE = /^\s*application\/json\s*(?:;|$)/iu;
const REQUIRED_HEADERS = ['x-github-event', 'x-hub-signature-256', 'x-github-delivery'] as const;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function pathOf(url: string | undefined): string {
  const end = url?.indexOf('?') ?? -1;
  const path = end === -1 ? (url ?? '') : (url ?? '').slice(0, end);
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function answer(res: ServerResponse, status: number, body: string, contentType = 'application/json'): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': contentType }).end(body);
}

function refusal(res: ServerResponse, status: number, message: string): void {
  answer(res, status, JSON.stringify({ error: message }));
}

/**
 * Reads, verifies and parses the delivery and hands it on. The body and the parsed payload live only
 * in this function's frame, which has ended by the time the returned promise is awaited.
 */
async function accept(req: IncomingMessage, options: WebhookReceiverOptions, log: Logger): Promise<void> {
  const name = header(req, 'x-github-event') ?? '';
  const id = header(req, 'x-github-delivery') ?? '';
  const signature = header(req, 'x-hub-signature-256') ?? '';
  const maxBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const body = await readBody(req, maxBytes);
  if (body === undefined) throw new Refused(413, `Payload larger than ${String(maxBytes)} bytes`);
  const verified = body.length > 0 && (await verify(options.secret, body, signature).catch(() => false));
  if (!verified) throw new Refused(400, 'signature does not match event payload and secret');
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    throw new Refused(400, 'Invalid JSON');
  }
  return options.receive({ name, id, payload }, log);
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WebhookError('The job store did not answer in time: the delivery may not be stored; redeliver it', 503)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Creates the route. The returned function answers requests for the webhook path and returns `true`;
 * for any other path it returns `false` without touching the response.
 * @param options Path, secret, the app's `receive`, and limits.
 */
export function createWebhookReceiver(options: WebhookReceiverOptions): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const route = pathOf(options.path ?? DEFAULT_WEBHOOK_PATH);
  const known = new Set(options.events ?? []);
  return async (req, res) => {
    if (pathOf(req.url) !== route) return false;
    const arrived = performance.now();
    res.once('finish', () => {
      const event = header(req, 'x-github-event') ?? '';
      options.onAnswered?.(known.has(event) ? event : 'other', res.statusCode, (performance.now() - arrived) / 1000);
    });
    if (req.method !== 'POST') {
      refusal(res, 404, `Unknown route: ${String(req.method)} ${route}`);
      return true;
    }
    if (!JSON_CONTENT_TYPE.test(header(req, 'content-type') ?? '')) {
      refusal(res, 415, 'Unsupported "Content-Type" header value. Must be "application/json"');
      return true;
    }
    const missing = REQUIRED_HEADERS.filter((name) => header(req, name) === undefined);
    if (missing.length > 0) {
      refusal(res, 400, `Required headers missing: ${missing.join(', ')}`);
      return true;
    }
    const log = withFields(options.log, { deliveryId: header(req, 'x-github-delivery'), event: header(req, 'x-github-event') });
    try {
      await within(accept(req, options, log), options.answerWithinMs ?? ANSWER_WITHIN_MS);
      answer(res, 200, 'ok\n', 'text/plain');
    } catch (error) {
      if (error instanceof Refused || error instanceof WebhookError) {
        if (error instanceof Refused) log.warn({ status: error.status, reason: error.message }, error.status === 400 && error.message.startsWith('signature') ? 'webhook refused: check that WEBHOOK_SECRET is the GitHub App\'s webhook secret' : 'webhook refused');
        refusal(res, error.status, error.message);
      } else {
        log.warn({ err: error }, 'webhook failed');
        refusal(res, 500, 'The delivery could not be handled');
      }
    }
    return true;
  };
}
