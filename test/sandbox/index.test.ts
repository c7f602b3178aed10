import { describe, expect, it } from '@jest/globals';
import { defaultConfig } from '../../src/config/schema.js';
import {
  BubblewrapSandbox,
  createSandbox,
  DEFAULT_LIMITS,
  DirectSandbox,
  limitsFromConfig,
  resolveMode,
  SandboxUnavailableError,
} from '../../src/sandbox/index.js';
import { DEFAULT_SANDBOX_UID, sandboxIdentity } from '../../src/sandbox/identity.js';

describe('choosing the sandbox', () => {
  it('uses bubblewrap by default and when asked', () => {
    expect(resolveMode({ env: {} })).toBe('auto');
    expect(resolveMode({ env: { QG_SANDBOX: 'bubblewrap' } })).toBe('bubblewrap');
    expect(resolveMode({ env: { QG_SANDBOX: 'off' }, mode: 'bubblewrap' })).toBe('bubblewrap');
  });

  it('turns isolation off only for an explicit QG_SANDBOX=off or none', () => {
    expect(resolveMode({ env: { QG_SANDBOX: 'off' } })).toBe('none');
    expect(resolveMode({ env: { QG_SANDBOX: 'NONE' } })).toBe('none');
  });

  it('rejects a QG_SANDBOX value it does not understand', () => {
    expect(() => resolveMode({ env: { QG_SANDBOX: 'maybe' } })).toThrow(/QG_SANDBOX=maybe is not understood/);
  });

  it('creates the unsafe direct sandbox when turned off', async () => {
    const sandbox = await createSandbox({ env: { QG_SANDBOX: 'off' } });
    expect(sandbox).toBeInstanceOf(DirectSandbox);
    expect(sandbox.kind).toBe('none');
  });

  it('creates a working bubblewrap sandbox when bubblewrap works here', async () => {
    const sandbox = await createSandbox({ env: {} });
    expect(sandbox).toBeInstanceOf(BubblewrapSandbox);
  });

  it('leaves cgroups out when QG_SANDBOX_CGROUPS=off', async () => {
    const sandbox = await createSandbox({ env: { QG_SANDBOX_CGROUPS: 'off' } });
    expect(sandbox instanceof BubblewrapSandbox && sandbox.usesCgroups).toBe(false);
  });

  it('refuses with instructions when bubblewrap is missing', async () => {
    const attempt = createSandbox({ env: { QG_BWRAP: '/nonexistent/bwrap' } });
    await expect(attempt).rejects.toBeInstanceOf(SandboxUnavailableError);
    await expect(attempt).rejects.toThrow(/apt-get install bubblewrap[\s\S]*QG_SANDBOX=off/);
  });
});

describe('limits', () => {
  it('converts the sandbox config to limits', () => {
    expect(limitsFromConfig({ timeout: 30, memory_mb: 512, max_processes: 64, max_output_mb: 0.5 })).toEqual({
      timeoutMs: 30_000,
      memoryMb: 512,
      maxProcesses: 64,
      maxOutputBytes: 524_288,
    });
  });

  it('takes its defaults from the config schema', () => {
    expect(DEFAULT_LIMITS).toEqual(limitsFromConfig(defaultConfig().sandbox));
  });
});

describe('sandboxIdentity', () => {
  it('keeps the app user when not root', () => {
    expect(sandboxIdentity({}, 1000)).toBeUndefined();
  });

  it('switches root to nobody by default, or to QG_SANDBOX_UID/GID', () => {
    expect(sandboxIdentity({}, 0)).toEqual({ uid: DEFAULT_SANDBOX_UID, gid: DEFAULT_SANDBOX_UID });
    expect(sandboxIdentity({ QG_SANDBOX_UID: '1500' }, 0)).toEqual({ uid: 1500, gid: 1500 });
    expect(sandboxIdentity({ QG_SANDBOX_UID: '1500', QG_SANDBOX_GID: '1600' }, 0)).toEqual({ uid: 1500, gid: 1600 });
  });

  it('refuses uid 0 or garbage as the sandbox user', () => {
    expect(() => sandboxIdentity({ QG_SANDBOX_UID: '0' }, 0)).toThrow(/not a valid non-root numeric id/);
    expect(() => sandboxIdentity({ QG_SANDBOX_UID: 'nobody' }, 0)).toThrow(/QG_SANDBOX_UID=nobody/);
  });
});
