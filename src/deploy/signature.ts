/**
 * The signature scheme of deploy webhooks and of the agent's callback, the same in both directions:
 * `X-Quality-Gates-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`. The delivery id and the
 * timestamp travel in headers for routing and logs, and inside the body, where the signature covers
 * them; a receiver trusts the body's copies only. Comparison is in constant time.
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying `sha256=<hex>`. Node lower-cases incoming header names. */
export const SIGNATURE_HEADER = 'x-quality-gates-signature-256';
/** Header carrying the delivery id (the push's `X-GitHub-Delivery`). */
export const DELIVERY_HEADER = 'x-quality-gates-delivery';
/** Header carrying the unix time (seconds) the request was signed. */
export const TIMESTAMP_HEADER = 'x-quality-gates-timestamp';

/**
 * Largest clock difference accepted between signer and receiver (5 minutes, the window Slack and
 * Stripe use for the same scheme); also how long a receiver must remember delivery ids.
 */
export const DEFAULT_MAX_SKEW_SECONDS = 300;

const SIGNATURE_FORMAT = /^sha256=([0-9a-f]{64})$/;

/** `sha256=<hex HMAC-SHA256 of body>`. */
export function sign(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Whether `signature` is `body` signed with `secret`, compared in constant time. */
export function verifySignature(body: string, signature: string | undefined, secret: string): boolean {
  const given = SIGNATURE_FORMAT.exec(signature?.trim().toLowerCase() ?? '')?.[1];
  if (given === undefined) return false;
  const expected = createHmac('sha256', secret).update(body, 'utf8').digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

/** The three headers of a signed request (plus the JSON content type). */
export function signedHeaders(body: string, secret: string, deliveryId: string, timestamp: number): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'quality-gates',
    [SIGNATURE_HEADER]: sign(body, secret),
    [DELIVERY_HEADER]: deliveryId,
    [TIMESTAMP_HEADER]: String(timestamp),
  };
}

/** Incoming headers as Node gives them. */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

/** A request that passed {@link verifySignedRequest}. */
export interface VerifiedRequest {
  /** Always true. */
  ok: true;
  /** The parsed body. */
  body: Record<string, unknown>;
  /** The signed delivery id. */
  deliveryId: string;
  /** The signed unix time, seconds. */
  timestamp: number;
}

/** A refused request: 401 for a bad signature or a stale timestamp, 400 for a malformed one. */
export interface RefusedRequest {
  /** Always false. */
  ok: false;
  /** HTTP status to answer. */
  status: 400 | 401;
  /** Why, safe to send back (holds no secret). */
  reason: string;
}

/**
 * Checks signature (first, so that nothing of an unsigned body is parsed), body shape, header/body
 * agreement and clock skew.
 */
export function verifySignedRequest(
  rawBody: string,
  headers: IncomingHeaders,
  secret: string,
  options: { maxSkewSeconds?: number; now?: number } = {},
): VerifiedRequest | RefusedRequest {
  const header = (name: string) => {
    const value = headers[name] ?? headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  };
  if (!verifySignature(rawBody, header(SIGNATURE_HEADER), secret)) {
    return { ok: false, status: 401, reason: 'signature does not match' };
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { ok: false, status: 400, reason: 'body is not JSON' };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, status: 400, reason: 'body is not a JSON object' };
  }
  const record = body as Record<string, unknown>;
  const deliveryId = record.delivery_id;
  const timestamp = record.timestamp;
  if (typeof deliveryId !== 'string' || deliveryId === '' || typeof timestamp !== 'number' || !Number.isInteger(timestamp)) {
    return { ok: false, status: 400, reason: 'body lacks delivery_id or an integer timestamp' };
  }
  if (header(DELIVERY_HEADER) !== deliveryId || header(TIMESTAMP_HEADER) !== String(timestamp)) {
    return { ok: false, status: 400, reason: 'delivery or timestamp header disagrees with the signed body' };
  }
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const maxSkew = options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS;
  if (Math.abs(now - timestamp) > maxSkew) {
    return { ok: false, status: 401, reason: `timestamp is more than ${maxSkew} s away from this server's clock` };
  }
  return { ok: true, body: record, deliveryId, timestamp };
}
