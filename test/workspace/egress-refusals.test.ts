import { describe, expect, it } from '@jest/globals';
import { refusalAdvice, refusalsOf } from '../../src/workspace/egress-refusals.js';
import type { SandboxResult } from '../../src/sandbox/types.js';

const base: SandboxResult = { exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false, aborted: false, outputTruncated: false, droppedBytes: 0, durationMs: 1 };

describe('refusalsOf', () => {
  it('turns each refused connection into one sentence, logs it with its phase, and drops repeats', () => {
    const logged: unknown[] = [];
    const log = { info: () => undefined, warn: (fields: unknown) => logged.push(fields), error: () => undefined, debug: () => undefined };
    const refusal = { host: '169.254.169.254', port: 80, reason: 'a link-local address' };
    const lines = refusalsOf([{ ...base, egress: { refused: [refusal, refusal], refusedCount: 7, allowed: 3 } }, base], log as never, 'Python install');
    expect(lines).toEqual(['the Python install tried to reach 169.254.169.254:80: refused (a link-local address)', '… and 5 more refused connections']);
    expect(logged).toEqual([{ ...refusal, phase: 'Python install' }, { ...refusal, phase: 'Python install' }]);
  });

  it('writes IPv6 hosts in brackets', () => {
    expect(refusalsOf([{ ...base, egress: { refused: [{ host: '::1', port: 22, reason: 'r' }], refusedCount: 1, allowed: 0 } }])).toEqual(['the install tried to reach [::1]:22: refused (r)']);
  });
});

describe('refusalAdvice', () => {
  it('says what was refused and names QG_INSTALL_ALLOW_HOSTS, and nothing without refusals', () => {
    expect(refusalAdvice([])).toBe('');
    const advice = refusalAdvice(['the install tried to reach example.com:443: refused (not a package registry)']);
    expect(advice).toContain('  - the install tried to reach example.com:443: refused (not a package registry)');
    expect(advice).toContain('QG_INSTALL_ALLOW_HOSTS');
  });
});
