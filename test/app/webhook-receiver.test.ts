import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookError } from '../../src/app/app.js';
import type { WebhookEvent } from '../../src/app/events.js';
import { createWebhookReceiver } from '../../src/app/webhook-receiver.js';
import type { Logger } from '../../src/gates/types.js';
import { deliver, sign } from '../support/webhooks.js';

const SECRET = 'receiver-secret';

/** What the route handed to `receive`, and what `receive` should do next. */
interface Recorder {
  events: WebhookEvent[];
  lines: { obj: object; msg?: string }[];
  next: (event: WebhookEvent) => Promise<void>;
  answers: [string, number][];
}

/** Raw POST, for headers `deliver` always sets. */
function post(url: string, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('createWebhookReceiver', () => {
  let server: Server;
  let url: string;
  const recorder: Recorder = { events: [], lines: [], next: () => Promise.resolve(), answers: [] };
  beforeAll(async () => {
    const log: Logger = {
      info: (obj, msg) => recorder.lines.push({ obj, ...(msg === undefined ? {} : { msg }) }),
      warn: (obj, msg) => recorder.lines.push({ obj, ...(msg === undefined ? {} : { msg }) }),
      debug: () => undefined,
    };
    const receiver = createWebhookReceiver({
      secret: SECRET,
      log,
      maxBodyBytes: 64 * 1024,
      answerWithinMs: 300,
      events: ['pull_request', 'push'],
      onAnswered: (event, status, seconds) => {
        expect(seconds).toBeGreaterThanOrEqual(0);
        recorder.answers.push([event, status]);
      },
      receive: (event, eventLog) => {
        recorder.events.push(event);
        eventLog.info({ seen: true }, 'received');
        return recorder.next(event);
      },
    });
    server = createServer((req, res) => void receiver(req, res).then((handled) => handled || res.writeHead(418).end('elsewhere')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    recorder.events = [];
    recorder.lines = [];
    recorder.answers = [];
    recorder.next = () => Promise.resolve();
  });

  it('hands a signed delivery over parsed, with its name and id, and answers 200 once receive settles', async () => {
    let release: () => void = () => undefined;
    recorder.next = () => new Promise<void>((resolve) => (release = resolve));
    const answering = deliver(url, 'pull_request', { action: 'opened', number: 7 }, SECRET, { id: 'delivery-1' });
    for (let i = 0; i < 100 && recorder.events.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(recorder.events).toEqual([{ name: 'pull_request', id: 'delivery-1', payload: { action: 'opened', number: 7 } }]);
    release();
    const answer = await answering;
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('ok\n');
    expect(recorder.lines).toContainEqual({ obj: { deliveryId: 'delivery-1', event: 'pull_request', seen: true }, msg: 'received' });
  });

  it('accepts the path with a trailing slash or a query string', async () => {
    const body = '{"zen":"x"}';
    const headers = { 'content-type': 'application/json; charset=utf-8', 'x-github-event': 'ping', 'x-github-delivery': 'd', 'x-hub-signature-256': sign(body, SECRET) };
    expect((await post(url, '/api/github/webhooks/?x=1', headers, body)).status).toBe(200);
    expect(recorder.events).toHaveLength(1);
  });

  it('answers 400 to a wrong signature without handing anything over, and logs why', async () => {
    const answer = await deliver(url, 'pull_request', { action: 'opened' }, SECRET, { signature: `sha256=${'0'.repeat(64)}` });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ error: expect.stringMatching(/signature does not match/) });
    expect(recorder.events).toEqual([]);
    expect(recorder.lines.map((l) => l.msg)).toContainEqual(expect.stringContaining('WEBHOOK_SECRET'));
  });

  it('answers 400 to a correctly signed body that is not JSON', async () => {
    const answer = await deliver(url, 'push', undefined, SECRET, { rawBody: '{"ref": ' });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('Invalid JSON');
    expect(recorder.events).toEqual([]);
  });

  it('answers 400 naming the webhook headers that are missing', async () => {
    const answer = await post(url, '/api/github/webhooks', { 'content-type': 'application/json', 'x-github-event': 'push' }, '{}');
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('x-hub-signature-256, x-github-delivery');
  });

  it('answers 415 to a body that is not declared as JSON', async () => {
    const body = 'payload=%7B%7D';
    const answer = await post(url, '/api/github/webhooks', { 'content-type': 'application/x-www-form-urlencoded', 'x-github-event': 'push', 'x-github-delivery': 'd', 'x-hub-signature-256': sign(body, SECRET) }, body);
    expect(answer.status).toBe(415);
    expect(recorder.events).toEqual([]);
  });

  it('answers 404 to another method on the webhook path, and leaves other paths to the server', async () => {
    const get = await fetch(`${url}/api/github/webhooks`);
    expect(get.status).toBe(404);
    expect(await get.text()).toContain('Unknown route: GET');
    const elsewhere = await fetch(`${url}/healthz`);
    expect(elsewhere.status).toBe(418);
  });

  it('answers 413 to a body larger than the limit, declared or streamed', async () => {
    const big = JSON.stringify({ blob: 'x'.repeat(70 * 1024) });
    expect((await deliver(url, 'push', undefined, SECRET, { rawBody: big })).status).toBe(413);
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/api/github/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'd', 'x-hub-signature-256': sign(big, SECRET), 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < big.length; i += 8192) req.write(big.slice(i, i + 8192));
      req.end();
    });
    expect(chunked).toBe(413);
    expect(recorder.events).toEqual([]);
  });

  it('answers with the status of a WebhookError, and 500 for any other failure', async () => {
    recorder.next = () => Promise.reject(new WebhookError('Malformed push payload: no after', 422));
    const refused = await deliver(url, 'push', { ref: 'x' }, SECRET);
    expect(refused.status).toBe(422);
    expect(JSON.parse(refused.body)).toEqual({ error: 'Malformed push payload: no after' });
    recorder.next = () => Promise.reject(new TypeError('boom'));
    const failed = await deliver(url, 'push', { ref: 'x' }, SECRET);
    expect(failed.status).toBe(500);
    expect(failed.body).not.toContain('boom');
    expect(recorder.lines.map((l) => l.msg)).toContain('webhook failed');
  });

  it('answers 503 when the delivery is not stored in time, so GitHub records a failure rather than a timeout', async () => {
    recorder.next = () => new Promise<void>(() => undefined);
    const answer = await deliver(url, 'push', { ref: 'x' }, SECRET);
    expect(answer.status).toBe(503);
    expect(answer.body).toContain('redeliver');
  });

  it('reports every answer with its status, naming only the events it knows (a header cannot grow the metric labels)', async () => {
    await deliver(url, 'pull_request', { action: 'opened' }, SECRET);
    await deliver(url, 'push', { ref: 'x' }, SECRET, { signature: 'sha256=00' });
    await deliver(url, 'random-event-name-1234', { a: 1 }, SECRET);
    for (let i = 0; i < 50 && recorder.answers.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(recorder.answers).toEqual([
      ['pull_request', 200],
      ['push', 400],
      ['other', 200],
    ]);
  });
});
