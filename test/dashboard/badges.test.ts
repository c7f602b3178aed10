import { describe, expect, it } from '@jest/globals';
import { badgeText, renderBadge } from '../../src/dashboard/badges.js';
import type { HistoryGate, HistorySummary } from '../../src/store/history.js';

function runWith(gate: HistoryGate): HistorySummary {
  return { id: 1, jobId: 'j', owner: 'o', repo: 'r', sha: 'a'.repeat(40), trigger: 'push', finishedAt: 0, durationMs: 0, onDefaultBranch: true, phases: {}, gates: [gate], fromCache: false };
}

describe('badge text', () => {
  it.each([
    ['coverage', 'success', { lines_pct: 84.56 }, '84.6%', 'brightgreen'],
    ['coverage', 'failure', { lines_pct: 41 }, '41%', 'red'],
    ['coverage', 'failure', {}, 'failure', 'red'],
    ['docs', 'success', { documented_pct: 100 }, '100% documented', 'brightgreen'],
    ['docs', 'failure', {}, 'failure', 'red'],
    ['lint', 'success', { errors: 0, warnings: 0 }, 'clean', 'brightgreen'],
    ['lint', 'failure', { errors: 1, warnings: 0 }, '1 error', 'red'],
    ['lint', 'failure', { errors: 3, warnings: 1 }, '3 errors, 1 warning', 'red'],
    ['lint', 'success', { errors: 0, warnings: 5 }, '5 warnings', 'brightgreen'],
    ['lint', 'failure', { errors: 'x' }, 'failure', 'red'],
    ['lint', 'skipped', {}, 'disabled', 'lightgrey'],
    ['docs', 'neutral', {}, 'n/a', 'lightgrey'],
  ] as const)('%s %s %j reads "%s" in %s', (gate, conclusion, metrics, message, color) => {
    expect(badgeText(gate, runWith({ gate, conclusion, title: '', metrics }))).toEqual({ message, color });
  });

  it('reads "unknown" in grey before the first run, or when the gate did not run', () => {
    expect(badgeText('coverage', undefined)).toEqual({ message: 'unknown', color: 'lightgrey' });
    expect(badgeText('docs', runWith({ gate: 'lint', conclusion: 'success', title: '', metrics: {} }))).toEqual({ message: 'unknown', color: 'lightgrey' });
    expect(renderBadge('lint', undefined)).toContain('<title>lint: unknown</title>');
  });
});
