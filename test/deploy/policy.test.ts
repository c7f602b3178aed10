import { describe, it, expect } from '@jest/globals';
import { shouldDeploy } from '../../src/deploy/index.js';
import { DeploySchema } from '../../src/config/schema.js';
import type { Conclusion, GateName, GateResult } from '../../src/gates/types.js';

const config = DeploySchema.parse({ dockerhub: {} });
const result = (gate: GateName, conclusion: Conclusion): GateResult => ({ gate, conclusion, title: '', summary: '', metrics: {}, findings: [] });
const green = [result('lint', 'success'), result('coverage', 'success'), result('docs', 'success')];

describe('shouldDeploy', () => {
  it('deploys a push to the default branch when every gate passed', () => {
    expect(shouldDeploy({ pushRef: 'refs/heads/main', defaultBranch: 'main', deployConfig: config, results: green }).deploy).toBe(true);
  });

  it('does not let skipped or neutral gates block', () => {
    const results = [result('lint', 'success'), result('coverage', 'skipped'), result('docs', 'neutral')];
    expect(shouldDeploy({ pushRef: 'refs/heads/main', defaultBranch: 'main', deployConfig: config, results })).toMatchObject({ deploy: true, reason: expect.stringContaining('lint') });
  });

  it.each<[string, Parameters<typeof shouldDeploy>[0], RegExp]>([
    ['a failing gate', { pushRef: 'refs/heads/main', defaultBranch: 'main', deployConfig: config, results: [result('lint', 'failure'), result('docs', 'cancelled')] }, /lint \(failure\), docs \(cancelled\)/],
    ['another branch', { pushRef: 'refs/heads/dev', defaultBranch: 'main', deployConfig: config, results: green }, /not the deploy branch \(main\)/],
    ['a tag', { pushRef: 'refs/tags/main', defaultBranch: 'main', deployConfig: config, results: green }, /not the deploy branch/],
    ['the default branch when deploy.branch names another', { pushRef: 'refs/heads/main', defaultBranch: 'main', deployConfig: { ...config, branch: 'release' }, results: green }, /\(release\)/],
    ['no deploy section', { pushRef: 'refs/heads/main', defaultBranch: 'main', deployConfig: undefined, results: green }, /no `deploy:`/],
    ['no target', { pushRef: 'refs/heads/main', defaultBranch: 'main', deployConfig: DeploySchema.parse({}), results: green }, /no deploy target/],
    ['no results', { pushRef: 'refs/heads/main', defaultBranch: 'main', deployConfig: config, results: [] }, /no gate results/],
  ])('does not deploy on %s', (_name, input, reason) => {
    const decision = shouldDeploy(input);
    expect(decision.deploy).toBe(false);
    expect(decision.reason).toMatch(reason);
  });
});
