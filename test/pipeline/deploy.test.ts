import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deployNotes, deploymentsPageUrl } from '../../src/pipeline/deploy.js';
import { runJob } from '../../src/pipeline/run-job.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { fixture } from '../e2e/helpers.js';
import { jobFor, pipelineDeps, stubGates } from './helpers.js';

describe('deploy lines of the check summary', () => {
  it('links the repository deployments page on github.com or on GitHub Enterprise', () => {
    expect(deploymentsPageUrl({}, 'acme', 'site', 'production')).toBe('https://github.com/acme/site/deployments/production');
    expect(deploymentsPageUrl({ GHE_HOST: 'ghe.example.org' }, 'acme', 'site', 'staging eu')).toBe(
      'https://ghe.example.org/acme/site/deployments/staging%20eu',
    );
    expect(deploymentsPageUrl({ GHE_HOST: 'localhost:8080', GHE_PROTOCOL: 'http' }, 'a', 'b', 'c')).toBe('http://localhost:8080/a/b/deployments/c');
  });

  it('names each target, its status, the linked Deployment and the time from the push', () => {
    const lines = deployNotes(
      {
        failed: false,
        records: [
          { target: 'dockerhub', status: 'success', message: 'trigger accepted (202)', deploymentId: 7, pushToTriggerMs: 420, attempts: 1, dryRun: false, durationMs: 30 },
          { target: 'webhook', status: 'success', message: 'would POST to $DEPLOY_WEBHOOK_URL', attempts: 0, dryRun: true, durationMs: 0 },
        ],
      },
      'https://github.com/acme/site/deployments/production',
    );
    expect(lines[0]).toBe(
      '**Deploy dockerhub:** success — trigger accepted (202) ([Deployment 7](https://github.com/acme/site/deployments/production)), 420 ms after the push',
    );
    expect(lines[1]).toBe('**Deploy webhook:** success (dry run) — would POST to $DEPLOY_WEBHOOK_URL');
  });
});

describe('deploy variables through a whole job', () => {
  let github: FakeGitHub;
  beforeAll(async () => {
    github = await startFakeGitHub();
  });
  afterAll(async () => {
    await github.close();
  });
  const sha = (n: number) => String(n).padStart(40, 'd');
  const push = { trigger: 'push' as const, ref: 'refs/heads/main' };

  it("fails every check naming the key when the config names the app's private key as the signing secret", async () => {
    github.addCommit(sha(1), fixture('js-pass'));
    github.setFile('o', 'own-key', 'main', '.github/quality-gates.yml', 'deploy:\n  webhook:\n    secret_env: PRIVATE_KEY\n');
    const gates = stubGates();
    const deps = await pipelineDeps(github, { runGates: gates.run });
    await runJob(jobFor(sha(1), { repo: 'own-key', ...push }), deps, new AbortController().signal);
    const runs = github.runsFor(sha(1));
    expect(runs.map((r) => r.conclusion)).toEqual(['failure', 'failure', 'failure']);
    expect(runs[0]?.output.summary).toContain("deploy.webhook.secret_env: PRIVATE_KEY is the app's own secret and cannot be used");
    expect(gates.calls).toHaveLength(0);
    expect(github.deployments).toHaveLength(0);
  });

  it('says in the check summary which variable a push may not use, and how to bind it', async () => {
    github.addCommit(sha(2), fixture('js-pass'));
    github.setFile('o', 'web', 'main', '.github/quality-gates.yml', 'deploy:\n  dockerhub: { trigger_url_env: API_HUB_URL }\n  dry_run: true\n');
    const deps = await pipelineDeps(github, { runGates: stubGates().run });
    await runJob(jobFor(sha(2), { repo: 'web', ...push }), { ...deps, env: { QG_DEPLOY_BINDINGS: 'o/api:API_*' } }, new AbortController().signal);
    const runs = github.runsFor(sha(2));
    expect(runs.map((r) => r.conclusion)).toEqual(['success', 'success', 'success']);
    expect(runs[0]?.output.summary).toContain(
      '**Deploy dockerhub:** failure (dry run) — dry run: would refuse: API_HUB_URL is not bound to o/web: add "o/web:API_HUB_URL" to QG_DEPLOY_BINDINGS',
    );
  });
});
