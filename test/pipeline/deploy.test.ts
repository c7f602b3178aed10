import { describe, expect, it } from '@jest/globals';
import { deployNotes, deploymentsPageUrl } from '../../src/pipeline/deploy.js';

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
