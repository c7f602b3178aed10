import { describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startWebhookProxy } from '../../src/app/webhook-proxy.js';
import type { Logger } from '../../src/gates/types.js';

function recordingLog(): { log: Logger; warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, log: { info: () => undefined, debug: () => undefined, warn: (_obj, msg) => warnings.push(msg ?? '') } };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('startWebhookProxy', () => {
  it('runs on without the proxy, and says why, when the channel cannot be reached', async () => {
    const { log, warnings } = recordingLog();
    const port = await closedPort();
    const proxy = await startWebhookProxy({ source: `http://127.0.0.1:${String(port)}/channel`, target: 'http://127.0.0.1:1/api/github/webhooks', log, connectTimeoutMs: 2_000 });
    expect(proxy).toBeUndefined();
    expect(warnings).toContain('could not connect to the webhook proxy channel; running without it');
  });
});
