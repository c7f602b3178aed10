import { describe, expect, it } from '@jest/globals';
import {
  failureCause,
  missingSecurityOptions,
  parseConfinement,
  readConfinement,
  SandboxUnavailableError,
  type Confinement,
} from '../../src/sandbox/unavailable.js';

/** What bubblewrap printed in each situation (Debian bookworm's bwrap 0.8, Docker 20.10's defaults). */
const MISSING = '`bwrap … true` ended with 127: cannot start /nonexistent/bwrap: spawn /nonexistent/bwrap ENOENT';
const SECCOMP = "`bwrap … true` ended with 1: bwrap: No permissions to create a new namespace, likely because the kernel does not allow non-privileged user namespaces. On e.g. debian this can be enabled with 'sysctl kernel.unprivileged_userns_clone=1'.";
const MASKED_PROC = "`bwrap … true` ended with 1: bwrap: Can't mount proc on /newroot/proc: Operation not permitted";

const UNREACHABLE = '`bwrap … true` ended with 1: bwrap: Can\'t find source path /root/qg/node_modules: Permission denied';

const DOCKER_DEFAULTS: Confinement = { seccompFilter: true, maskedProc: true, apparmorProfile: 'docker-default (enforce)' };
const HOST: Confinement = { seccompFilter: false, maskedProc: false };

describe('the cause the sandbox error names', () => {
  it.each([
    [MISSING, 'missing'],
    [SECCOMP, 'namespaces'],
    ['bwrap: setting up uid map: Permission denied', 'namespaces'],
    ['bwrap: Creating new namespace failed: No space left on device', 'namespaces'],
    [MASKED_PROC, 'mounts'],
    [UNREACHABLE, 'unreachable'],
    ['bwrap: Failed to make / slave: Permission denied', 'mounts'],
    ['`bwrap … true` ended with SIGSEGV: (no output)', 'unknown'],
  ])('classifies %j as %s', (detail, cause) => {
    expect(failureCause(detail)).toBe(cause);
  });

  it('names every option Docker\'s defaults take away, once namespaces were refused', () => {
    expect(missingSecurityOptions('namespaces', DOCKER_DEFAULTS)).toEqual(['seccomp=unconfined', 'apparmor=unconfined', 'systempaths=unconfined']);
    expect(missingSecurityOptions('namespaces', { seccompFilter: true, maskedProc: true })).toEqual(['seccomp=unconfined', 'systempaths=unconfined']);
  });

  it('leaves seccomp out when the namespaces were created and a mount failed later', () => {
    expect(missingSecurityOptions('mounts', { seccompFilter: true, maskedProc: true })).toEqual(['systempaths=unconfined']);
  });

  it('names no option when bubblewrap is missing or the process is not confined', () => {
    expect(missingSecurityOptions('missing', DOCKER_DEFAULTS)).toEqual([]);
    expect(missingSecurityOptions('namespaces', HOST)).toEqual([]);
  });
});

describe('SandboxUnavailableError', () => {
  it('tells to install bubblewrap when it is missing, and nothing about container options', () => {
    const error = new SandboxUnavailableError(MISSING, undefined, DOCKER_DEFAULTS);
    expect(error.reason).toBe('missing');
    expect(error.message).toContain('bubblewrap is not installed (or QG_BWRAP names no program): install it (`apt-get install bubblewrap`');
    expect(error.message).not.toContain('--security-opt');
  });

  it('tells a root install under a folder the sandbox user cannot traverse where to put the app', () => {
    const error = new SandboxUnavailableError(UNREACHABLE, undefined, { seccompFilter: true, maskedProc: false });
    expect(error.reason).toBe('unreachable');
    expect(error.missingOptions).toEqual([]);
    expect(error.message).toContain('cannot reach the app\'s own folder: install or clone the app where every user can traverse the folders above it (not under /root');
    expect(error.message).not.toContain('--security-opt');
  });

  it('tells a container exactly which --security-opt flags it lacks', () => {
    const error = new SandboxUnavailableError(SECCOMP, undefined, { seccompFilter: true, maskedProc: true });
    expect(error.name).toBe('SandboxUnavailableError');
    expect(error.missingOptions).toEqual(['seccomp=unconfined', 'systempaths=unconfined']);
    expect(error.message).toContain('this container refuses user namespaces or mounts: run it with --security-opt seccomp=unconfined --security-opt systempaths=unconfined (');
    expect(error.message).not.toContain('apparmor=unconfined');
    expect(error.message).not.toContain('apt-get install');
  });

  it('tells a host that refuses user namespaces which kernel settings allow them', () => {
    const error = new SandboxUnavailableError(SECCOMP, undefined, HOST);
    expect(error.message).toContain('the kernel refuses unprivileged user namespaces: allow them (`sysctl -w kernel.unprivileged_userns_clone=1`');
  });

  it('keeps the probe\'s own words and the unsafe way out', () => {
    const error = new SandboxUnavailableError(MASKED_PROC, { cause: new Error('probe') }, HOST);
    expect(error.message).toContain("Can't mount proc on /newroot/proc");
    expect(error.message).toContain('--security-opt apparmor=unconfined --security-opt systempaths=unconfined');
    expect(error.message).toContain('set QG_SANDBOX=off to run repository code WITHOUT a sandbox (unsafe)');
    expect(error.cause).toEqual(new Error('probe'));
  });

  it('falls back to every instruction when the cause is not recognised', () => {
    const error = new SandboxUnavailableError('`bwrap … true` ended with SIGSEGV: (no output)', undefined, HOST);
    expect(error.message).toMatch(/apt-get install bubblewrap[\s\S]*seccomp=unconfined --security-opt apparmor=unconfined --security-opt systempaths=unconfined/);
  });
});

describe('reading the confinement', () => {
  it('finds Docker\'s seccomp filter, AppArmor profile and masked /proc', () => {
    const status = 'Name:\tnode\nSeccomp:\t2\nSeccomp_filters:\t1\n';
    const mountinfo = [
      '600 550 0:60 / / rw,relatime - overlay overlay rw',
      '601 600 0:63 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw',
      '620 601 0:5 /null /proc/kcore rw,nosuid - devtmpfs udev rw',
    ].join('\n');
    expect(parseConfinement(status, mountinfo, 'docker-default (enforce)\n')).toEqual(DOCKER_DEFAULTS);
  });

  it('finds nothing for an unconfined process', () => {
    const mountinfo = '601 600 0:63 / /proc rw,nosuid - proc proc rw';
    expect(parseConfinement('Seccomp:\t0\n', mountinfo, 'unconfined\n')).toEqual(HOST);
    expect(parseConfinement('', '', '')).toEqual(HOST);
  });

  it('reads this process\'s confinement from /proc', () => {
    const confinement = readConfinement();
    expect(typeof confinement.seccompFilter).toBe('boolean');
    expect(typeof confinement.maskedProc).toBe('boolean');
  });
});
