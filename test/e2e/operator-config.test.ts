/**
 * An operator's typo in the app's own settings: the app still starts (webhooks are stored, nothing is
 * lost), says at once what is wrong, and does nothing unsafe with it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startE2E, type E2E } from './helpers.js';

interface Health {
  sandbox: { available: boolean; reason?: string };
}

describe('malformed operator settings', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ QG_WORKERS: '0', QG_REDELIVER: '0', QG_DEPLOY_BINDINGS: 'no colon here', QG_INSTALL_ALLOW_HOSTS: 'ftp://files.example' });
  });
  afterAll(async () => {
    await e2e.stop();
  });

  it('starts, logs the unreadable deploy bindings, and reports the bad install allowlist as the sandbox being unavailable', async () => {
    let body: Health | undefined;
    for (let i = 0; i < 50 && body?.sandbox.reason?.includes('QG_INSTALL') !== true; i += 1) {
      body = (await (await fetch(`${e2e.app.url}/healthz`)).json()) as Health;
      await new Promise((done) => setTimeout(done, 100));
    }
    expect(body?.sandbox.available).toBe(false);
    expect(body?.sandbox.reason).toContain('QG_INSTALL_ALLOW_HOSTS: "ftp://files.example" must be an http:// or https:// URL');
    expect(e2e.app.output()).toContain('deploy bindings cannot be read');
    expect(e2e.app.output()).toContain('no colon here');
  });
});
