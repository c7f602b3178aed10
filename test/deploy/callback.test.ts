import { describe, it, expect } from '@jest/globals';
import { claimedRepository, handleAgentCallback } from '../../src/deploy/callback.js';
import { signedHeaders } from '../../src/deploy/signature.js';
import { reportBody } from '../../src/deploy/agent/report.js';
import type { AgentJob } from '../../src/deploy/agent/job.js';

const SECRET = 'c'.repeat(32);
const job: AgentJob = { deliveryId: 'd-1', repository: 'acme/site', ref: 'refs/heads/main', sha: 'a'.repeat(40), tree: '', environment: 'production', pushedAtMs: 1_000, deploymentId: 7, callbackUrl: 'http://x/' };

function post(body: object, secret = SECRET) {
  const text = JSON.stringify(body);
  const b = body as { delivery_id: string; timestamp: number };
  return handleAgentCallback(text, signedHeaders(text, secret, b.delivery_id, b.timestamp), SECRET);
}

describe('handleAgentCallback', () => {
  it('reads a success report, with push → live', () => {
    const body = reportBody(job, { ok: true, exitCode: 0, durationMs: 4200, output: 'done' }, 61_000);
    const result = post({ ...body, timestamp: Math.floor(Date.now() / 1000) });
    expect(result).toMatchObject({ deliveryId: 'd-1', deploymentId: 7, owner: 'acme', repo: 'site', state: 'success', pushToLiveMs: 60_000, description: 'deployed by the agent in 4.2 s, push → live 60.0 s' });
  });

  it('keeps the description within GitHub\'s 140 characters', () => {
    const body = reportBody(job, { ok: false, exitCode: 1, durationMs: 10, output: `x\n${'e'.repeat(500)}` });
    const result = post(body);
    expect('description' in result && result.description.length).toBe(140);
  });

  it('says a killed command ended by a signal', () => {
    const result = post(reportBody(job, { ok: false, exitCode: null, durationMs: 10, output: '' }));
    expect(result).toMatchObject({ state: 'failure', exitCode: null, description: 'deploy command exited with a signal' });
  });

  it('marks a deployment a newer one replaced before it ran inactive, keeping failure on the wire for older apps', () => {
    const body = reportBody(job, { ok: false, exitCode: null, durationMs: 0, output: '', reason: 'superseded by bbbbbbbbbbbb before it ran', supersededBy: 'b'.repeat(40) });
    expect(body).toMatchObject({ status: 'failure', superseded_by: 'b'.repeat(40) });
    expect(post(body)).toMatchObject({ state: 'inactive', description: 'superseded by bbbbbbbbbbbb before it ran' });
  });

  it('refuses a forged report', () => {
    const body = reportBody(job, { ok: true, exitCode: 0, durationMs: 1, output: '' });
    expect(post(body, 'f'.repeat(32))).toEqual({ error: 'signature does not match', status: 401 });
  });

  it('refuses a signed report that lacks the deployment', () => {
    const body = reportBody(job, { ok: true, exitCode: 0, durationMs: 1, output: '' });
    expect(post({ ...body, repository: 'acme' })).toMatchObject({ status: 400 });
    expect(post({ ...body, status: 'done' })).toMatchObject({ status: 400 });
  });
});

describe('claimedRepository', () => {
  it('reads owner and repo to choose the secret, and nothing from malformed bodies', () => {
    expect(claimedRepository('{"repository":"acme/site"}')).toEqual({ owner: 'acme', repo: 'site' });
    expect(claimedRepository('{"repository":"acme"}')).toBeUndefined();
    expect(claimedRepository('{"repository":1}')).toBeUndefined();
    expect(claimedRepository('nope')).toBeUndefined();
  });
});
