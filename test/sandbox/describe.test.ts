import { describe, expect, it } from '@jest/globals';
import { describeSandboxFailure } from '../../src/sandbox/describe.js';
import type { SandboxLimits, SandboxResult } from '../../src/sandbox/types.js';

const limits: SandboxLimits = { timeoutMs: 600_000, memoryMb: 2048, maxProcesses: 256, maxOutputBytes: 4 << 20 };
const ran: SandboxResult = {
  exitCode: 1,
  signal: null,
  stdout: '',
  stderr: '',
  timedOut: false,
  aborted: false,
  outputTruncated: false,
  droppedBytes: 0,
  durationMs: 10,
};

describe('describeSandboxFailure', () => {
  const cases: [string, Partial<SandboxResult>, string | undefined][] = [
    ['a command that simply failed', {}, undefined],
    ['a timeout', { timedOut: true, exitCode: null, signal: 'SIGTERM' }, 'killed after the 600 s time limit (sandbox.timeout)'],
    ['an abort', { aborted: true, exitCode: null }, 'aborted: a newer run superseded this one'],
    ['an OOM kill seen by the cgroup', { oomKilled: true, exitCode: 137 }, 'killed: out of memory (sandbox.memory_mb = 2048)'],
    ['V8 running out of heap', { exitCode: 134, stderr: 'FATAL ERROR: JavaScript heap out of memory' }, 'ran out of memory (sandbox.memory_mb = 2048)'],
    ['Node 24 refusing a Buffer at the data limit', { exitCode: 1, stderr: "  code: 'ERR_MEMORY_ALLOCATION_FAILED'" }, 'ran out of memory (sandbox.memory_mb = 2048)'],
    ['the process limit seen by the cgroup', { processLimitHit: true }, 'could not start more processes (sandbox.max_processes = 256)'],
    ['a refused fork', { stderr: 'sh: 1: Cannot fork' }, 'could not start more processes (sandbox.max_processes = 256)'],
    ['a kill by another signal', { exitCode: null, signal: 'SIGSEGV' }, 'killed by SIGSEGV'],
    ['a SIGKILL passed on by bubblewrap as exit code 137', { exitCode: 137 }, 'killed by SIGKILL'],
    ['cut output', { exitCode: 0, outputTruncated: true, droppedBytes: 312 * 1024 * 1024 }, 'output cut: 312 MB dropped (sandbox.max_output_mb)'],
    ['a little cut output', { exitCode: 0, outputTruncated: true, droppedBytes: 100 }, 'output cut: 100 bytes dropped (sandbox.max_output_mb)'],
    [
      'a timeout after cut output',
      { timedOut: true, outputTruncated: true, droppedBytes: 2 * 1024 * 1024 },
      'killed after the 600 s time limit (sandbox.timeout); output cut: 2 MB dropped (sandbox.max_output_mb)',
    ],
  ];
  it.each(cases)('describes %s', (_name, result, expected) => {
    expect(describeSandboxFailure({ ...ran, ...result }, limits)).toBe(expected);
  });
});
