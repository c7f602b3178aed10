import { describe, expect, it } from '@jest/globals';
import { NO_PROGRESS, seconds, terminalProgress } from '../../src/cli/progress.js';

/** Carriage return and erase-line, as a terminal progress redraws. */
const CLEAR_LINE = '\r\u001b[K';

/** What a terminal shows of a written line: the text after its last redraw. */
function afterLastRedraw(line: string): string {
  const last = line.lastIndexOf(CLEAR_LINE);
  return last === -1 ? line : line.slice(last + CLEAR_LINE.length);
}

/** A terminal progress on a clock the test moves, and what it wrote. */
function captured() {
  let now = 1_000;
  const written: string[] = [];
  const progress = terminalProgress({ write: (text) => written.push(text), now: () => now, timer: false });
  return { progress, written, advance: (ms: number) => (now += ms), text: () => written.join('') };
}

describe('terminalProgress', () => {
  it('redraws the current step with its elapsed seconds and the total', () => {
    const { progress, advance, written } = captured();
    progress.step('installing dependencies (npm)');
    advance(2_500);
    progress.update('installing dependencies with pnpm (pnpm install)');
    progress.redraw();
    expect(written.at(-1)?.startsWith(CLEAR_LINE)).toBe(true);
    expect(afterLastRedraw(written.at(-1) ?? '')).toMatch(/^\S installing dependencies with pnpm \(pnpm install\) 2\.5s \(total 2\.5s\)$/);
  });

  it('leaves one line per finished step, with its result and time, and clears the status line', () => {
    const { progress, advance, text } = captured();
    progress.step('copying /repo');
    advance(100);
    progress.finish('23 files');
    progress.step('lint gate');
    advance(1_200);
    progress.finish('failure, 2 errors', false);
    progress.step('coverage gate');
    advance(3_000);
    progress.close();
    const lines = text().split('\n').map(afterLastRedraw);
    expect(lines).toEqual(['✔ copying /repo: 23 files in 0.1s', '✖ lint gate: failure, 2 errors in 1.2s', '✔ coverage gate: done in 3.0s', '']);
  });

  it('prints a log line above the status line and draws the status line again', () => {
    const { progress, text } = captured();
    progress.step('lint gate');
    progress.print('[info] something');
    expect(text()).toContain(`${CLEAR_LINE}[info] something\n⠋ lint gate`);
  });

  it('writes nothing once closed, and the silent progress writes nothing at all', () => {
    const { progress, written } = captured();
    progress.close();
    progress.update('x');
    progress.redraw();
    progress.finish('done');
    expect(written).toEqual([]);
    expect(() => {
      NO_PROGRESS.step('a');
      NO_PROGRESS.close();
    }).not.toThrow();
    expect(seconds(61_250)).toBe('61.3s');
  });
});
