// @ts-check
/**
 * Body of the check-run thread started by `check-run-outbox.ts`: creates the `queued` check runs of
 * stored jobs with plain keep-alive HTTP requests, away from the event loop that answers webhooks.
 * Plain JavaScript on Node's built-ins only, so the thread starts without the TypeScript loader
 * (≈ 2 MB and 50 ms instead of ≈ 10 MB and 400 ms).
 *
 * Messages in: arrays of `{ id, request }` (see `QueuedCheckRunsRequest`). Messages out: arrays of
 * `{ id, ids, errors }`, ids by check name for the runs created, one line per run that could not be
 * created.
 *
 * The web thread counts the webhook requests it is answering, and those that have arrived, in shared
 * memory (`workerData.gauge`); a job's runs wait for a quiet moment — nothing being answered and
 * nothing arriving for `quietMs` — or until `maxHoldMs` passed. On a machine with few cores a burst
 * of deliveries is thus answered first and its checks follow: GitHub waits for the answer, not for a
 * check that appears a few hundred milliseconds later.
 */
import { readlinkSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * @typedef {{ baseUrl: string, token: string, userAgent: string, owner: string, repo: string,
 *   headSha: string, externalId: string, names: string[], detailsUrl?: string }} Request
 * @typedef {{ concurrency: number, maxAttempts: number, requestTimeoutMs: number, baseDelayMs: number,
 *   maxWaitMs: number, maxHoldMs: number, maxBusyHoldMs: number, busyInflight: number, quietMs: number,
 *   nice: number, gauge?: SharedArrayBuffer }} Settings
 * @typedef {{ status: number, headers: http.IncomingHttpHeaders, body: string }} Answer
 */

/** @type {Settings} */
const settings = workerData;

// Linux keeps a nice value per thread: this one yields the CPU to the thread answering webhooks.
// `/proc/thread-self` names this thread's id; elsewhere the thread keeps the process's priority.
try {
  const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(threadId) && threadId > 0) os.setPriority(threadId, settings.nice);
} catch {
  // Not Linux, or no /proc: the quiet-moment wait below still keeps the work behind the answers.
}
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: settings.concurrency * 3 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: settings.concurrency * 3 }),
};

/** `[requests being answered, requests arrived]`, written by the web thread. */
const gauge = settings.gauge === undefined ? undefined : new Int32Array(settings.gauge);

/** An answer or a network failure that is worth another attempt after `waitMs`. */
class Retryable extends Error {
  /**
   * @param {string} message
   * @param {number} waitMs
   */
  constructor(message, waitMs) {
    super(message);
    this.waitMs = waitMs;
  }
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The arrival count at the last quiet moment found: until it changes, the moment still holds. */
let quietAt = -1;

/**
 * Resolves once no request is being answered and none arrived for `quietMs`; or, after `maxHoldMs`
 * from `since`, once no more than `busyInflight` requests are being answered (at a steady rate there
 * may never be a quiet moment, but in a burst hundreds are, and the answers must come first); and in
 * any case after `maxBusyHoldMs`.
 */
async function quietMoment(/** @type {number} */ since) {
  if (gauge === undefined) return;
  let arrived = Atomics.load(gauge, 1);
  if (arrived === quietAt && Atomics.load(gauge, 0) === 0) return;
  for (;;) {
    const held = Date.now() - since;
    const inflight = Atomics.load(gauge, 0);
    if (held >= settings.maxBusyHoldMs || (held >= settings.maxHoldMs && inflight <= settings.busyInflight)) return;
    await sleep(settings.quietMs);
    const now = Atomics.load(gauge, 1);
    if (now === arrived && Atomics.load(gauge, 0) === 0) {
      quietAt = now;
      return;
    }
    arrived = now;
  }
}

/**
 * @param {URL} url
 * @param {Record<string, string>} headers
 * @param {string} body
 * @returns {Promise<Answer>}
 */
function post(url, headers, body) {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method: 'POST', headers, agent: agents[url.protocol === 'https:' ? 'https:' : 'http:'] }, (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(settings.requestTimeoutMs, () => req.destroy(new Error(`no answer within ${String(settings.requestTimeoutMs)} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * How long GitHub asks us to wait before trying again, when it answers with a rate limit: 429, or
 * 403 with `retry-after` or an exhausted primary limit. Undefined for any other answer.
 * @param {Answer} answer
 */
function rateLimitWait(answer) {
  if (answer.status !== 429 && answer.status !== 403) return undefined;
  const retryAfter = Number(answer.headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter * 1000;
  if (answer.headers['x-ratelimit-remaining'] === '0') {
    const reset = Number(answer.headers['x-ratelimit-reset']) * 1000;
    if (Number.isFinite(reset)) return Math.max(0, reset - Date.now());
  }
  // GitHub's documented advice for a secondary limit without either header: wait at least a minute.
  return answer.status === 429 || /secondary rate limit/i.test(answer.body) ? 60_000 : undefined;
}

/** @param {Answer} answer */
function reason(answer) {
  try {
    const message = JSON.parse(answer.body).message;
    if (typeof message === 'string') return `GitHub answered ${String(answer.status)}: ${message}`;
  } catch {
    // Not JSON: the status says enough.
  }
  return `GitHub answered ${String(answer.status)}`;
}

/**
 * Creates one check run; retries network failures, 5xx answers and rate limits with backoff.
 * @param {Request} request
 * @param {string} name
 * @returns {Promise<number>}
 */
async function createOne(request, name) {
  const url = new URL(`${request.baseUrl.replace(/\/$/, '')}/repos/${encodeURIComponent(request.owner)}/${encodeURIComponent(request.repo)}/check-runs`);
  const body = JSON.stringify({
    name,
    head_sha: request.headSha,
    status: 'queued',
    external_id: request.externalId,
    ...(request.detailsUrl ? { details_url: request.detailsUrl } : {}),
  });
  const headers = {
    accept: 'application/vnd.github+json',
    authorization: `token ${request.token}`,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': request.userAgent,
    'x-github-api-version': '2022-11-28',
  };
  for (let attempt = 1; ; attempt++) {
    try {
      const answer = await post(url, headers, body).catch((/** @type {unknown} */ error) => {
        throw new Retryable(error instanceof Error ? error.message : String(error), 0);
      });
      if (answer.status === 201 || answer.status === 200) {
        const id = JSON.parse(answer.body).id;
        if (typeof id !== 'number') throw new Error('GitHub created the check run but its answer has no id');
        return id;
      }
      const wait = rateLimitWait(answer);
      if (wait !== undefined) throw new Retryable(reason(answer), Math.min(wait, settings.maxWaitMs));
      if (answer.status >= 500) throw new Retryable(reason(answer), 0);
      throw new Error(reason(answer));
    } catch (error) {
      if (!(error instanceof Retryable) || attempt >= settings.maxAttempts) throw error;
      const backoff = settings.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random());
      await sleep(Math.max(error.waitMs, backoff));
    }
  }
}

/**
 * Creates every check run of a request; one failing run does not stop the others.
 * @param {Request} request
 */
async function createAll(request) {
  /** @type {Record<string, number>} */
  const ids = {};
  /** @type {string[]} */
  const errors = [];
  await Promise.all(
    request.names.map(async (name) => {
      try {
        ids[name] = await createOne(request, name);
      } catch (error) {
        errors.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }),
  );
  return { ids, errors };
}

/** @type {{ id: number, ids: Record<string, number>, errors: string[] }[]} */
let answers = [];

/** Answers go back in one message per event-loop turn: each message costs the web thread a wake-up. */
function answer(/** @type {{ id: number, ids: Record<string, number>, errors: string[] }} */ outcome) {
  if (answers.length === 0) {
    setImmediate(() => {
      parentPort?.postMessage(answers);
      answers = [];
    });
  }
  answers.push(outcome);
}

/** @type {{ id: number, request: Request, receivedAt: number }[]} */
const waiting = [];
let active = 0;
let holding = false;

/** Starts waiting jobs, up to `concurrency` at once, each after a quiet moment (one wait at a time). */
async function pump() {
  if (holding) return;
  holding = true;
  try {
    while (active < settings.concurrency && waiting.length > 0) {
      const head = waiting[0];
      if (head === undefined) break;
      await quietMoment(head.receivedAt);
      const next = waiting.shift();
      if (next === undefined) break;
      active += 1;
      void createAll(next.request).then((result) => {
        active -= 1;
        answer({ id: next.id, ...result });
        void pump();
      });
    }
  } finally {
    holding = false;
  }
}

parentPort?.on('message', (/** @type {{ id: number, request: Request }[]} */ batch) => {
  const receivedAt = Date.now();
  for (const message of batch) waiting.push({ ...message, receivedAt });
  void pump();
});
