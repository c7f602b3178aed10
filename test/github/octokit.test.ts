import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Probot } from 'probot';
import { installationAuth } from '../../src/github/check-run-outbox.js';
import { AppOctokit } from '../../src/github/octokit.js';
import type { Octokit } from '../../src/github/types.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { throwawayKey } from '../support/app-process.js';

describe('AppOctokit', () => {
  let github: FakeGitHub;
  let probot: Probot;
  beforeAll(async () => {
    github = await startFakeGitHub();
    probot = new Probot({ appId: 1, privateKey: throwawayKey(), secret: 's', baseUrl: `http://${github.host}/api/v3`, Octokit: AppOctokit, logLevel: 'fatal' });
  });
  afterAll(() => github.close());

  it('asks the GitHub Enterprise host, not api.github.com, for an installation token requested directly', async () => {
    const auth = await installationAuth((await probot.auth(7)) as unknown as Octokit);
    expect(auth.baseUrl).toBe(`http://${github.host}/api/v3`);
    expect(auth.token).toBe('ghs_fake_7');
    expect(auth.userAgent).toMatch(/probot/);
    expect(github.requestsTo('POST', /^\/app\/installations\/7\/access_tokens$/)).toHaveLength(1);
  });

  it('shares the token cache with the requests Probot authenticates itself', async () => {
    const octokit = (await probot.auth(8)) as unknown as Octokit;
    await octokit.rest.checks.create({ owner: 'o', repo: 'r', name: 'x', head_sha: 'a'.repeat(40) });
    await installationAuth((await probot.auth(8)) as unknown as Octokit);
    expect(github.requestsTo('POST', /^\/app\/installations\/8\/access_tokens$/)).toHaveLength(1);
  });

  it('gets an installation token through the app\'s own Octokit, from the same cache and host', async () => {
    const app = (await probot.auth()) as unknown as Octokit;
    const auth = await installationAuth(app, 9);
    expect(auth).toMatchObject({ baseUrl: `http://${github.host}/api/v3`, token: 'ghs_fake_9' });
    await (((await probot.auth(9)) as unknown as Octokit).rest.checks.create({ owner: 'o', repo: 'r', name: 'x', head_sha: 'b'.repeat(40) }));
    await installationAuth(app, 9);
    expect(github.requestsTo('POST', /^\/app\/installations\/9\/access_tokens$/)).toHaveLength(1);
  });
});
