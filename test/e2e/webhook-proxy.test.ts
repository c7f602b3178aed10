import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OWNER, shaOf, startE2E, type E2E } from './helpers.js';
import { WEBHOOK_SECRET } from '../support/app-process.js';
import { pullRequestPayload, sign } from '../support/webhooks.js';

/** A smee.io-like channel: an event stream that relays each delivery as smee does (headers and body in one message). */
function startChannel(): Promise<{ url: string; server: Server; listeners: Set<ServerResponse>; relay(message: object): void }> {
  const listeners = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(': ready\n\n');
    listeners.add(res);
    req.on('close', () => listeners.delete(res));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/channel`;
      resolve({ url, server, listeners, relay: (message) => listeners.forEach((res) => res.write(`data: ${JSON.stringify(message)}\n\n`)) });
    });
  });
}

describe('WEBHOOK_PROXY_URL (smee.io channel, development)', () => {
  let e2e: E2E;
  let channel: Awaited<ReturnType<typeof startChannel>>;
  beforeAll(async () => {
    channel = await startChannel();
    e2e = await startE2E({ QG_WORKERS: '0', QG_REDELIVER: '0', WEBHOOK_PROXY_URL: channel.url });
  });
  afterAll(async () => {
    await e2e.stop();
    channel.server.closeAllConnections();
    await new Promise((resolve) => channel.server.close(resolve));
  });

  it('connects to the channel at start and stores the deliveries it relays, checking their signature', async () => {
    // The server listens first, then connects to the channel.
    for (let i = 0; i < 200 && !e2e.app.output().includes('forwarding webhooks from the proxy channel'); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(channel.listeners.size).toBe(1);
    const sha = shaOf('proxied');
    const body = pullRequestPayload({ owner: OWNER, repo: 'proxied', number: 3, sha, baseSha: shaOf('base') });
    channel.relay({ 'x-github-event': 'pull_request', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': sign(JSON.stringify(body), WEBHOOK_SECRET), host: 'smee.io', body, query: {}, timestamp: Date.now() });
    const forged = pullRequestPayload({ owner: OWNER, repo: 'proxied', number: 4, sha: shaOf('forged'), baseSha: shaOf('base') });
    channel.relay({ 'x-github-event': 'pull_request', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': sign('{}', WEBHOOK_SECRET), body: forged, query: {} });
    for (let i = 0; i < 200 && e2e.github.runsFor(sha).length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(e2e.github.runsFor(sha).map((run) => run.status)).toEqual(['queued', 'queued', 'queued']);
    const health = (await (await fetch(`${e2e.app.url}/healthz`)).json()) as { jobs: Record<string, number> };
    expect(Object.values(health.jobs).reduce((a, b) => a + b, 0)).toBe(1);
    expect(e2e.github.runsFor(shaOf('forged'))).toEqual([]);
  });
});
