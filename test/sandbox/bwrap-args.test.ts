import { describe, expect, it } from '@jest/globals';
import { buildArgv, codeRangeBytes, detectLayout, inheritedFds, NPROC_BACKSTOP_FACTOR, type BwrapPlan } from '../../src/sandbox/bwrap-args.js';
import type { SandboxCommand } from '../../src/sandbox/types.js';

const command: SandboxCommand = { argv: ['npm', 'test'], cwd: '/w/ws-1', workspace: '/w/ws-1' };
const plan: BwrapPlan = {
  layout: detectLayout(),
  limits: { timeoutMs: 1000, memoryMb: 100, maxProcesses: 50, maxOutputBytes: 1000 },
  cgroupDirs: [],
  disableUserns: true,
  appReadOnly: [{ source: '/app/node_modules', target: '/app/node_modules' }],
  env: { PATH: '/usr/bin', HOME: '/tmp' },
};

/** The value after a flag, e.g. the `--chdir` folder. */
function after(argv: string[], flag: string): string | undefined {
  return argv[argv.indexOf(flag) + 1];
}

describe('buildArgv', () => {
  it('isolates everything and keeps the network off by default', () => {
    const argv = buildArgv(command, plan);
    expect(argv).toEqual(expect.arrayContaining(['--unshare-all', '--unshare-user', '--disable-userns', '--die-with-parent', '--new-session', '--clearenv']));
    expect(after(argv, '--cap-drop')).toBe('ALL');
    expect(argv).not.toContain('--share-net');
    expect(argv).not.toContain('/etc/resolv.conf');
    expect(argv.slice(-3)).toEqual(['--', 'npm', 'test']);
    expect(after(argv, '--chdir')).toBe('/w/ws-1');
  });

  it('gives every command, the install phase too, its own network namespace and no resolver', () => {
    for (const network of [false, true]) {
      const argv = buildArgv({ ...command, network }, plan);
      expect(argv).toContain('--unshare-all');
      expect(argv).not.toContain('--share-net');
      expect(argv).not.toContain('/etc/resolv.conf');
    }
  });

  it('applies the limits with prlimit before anything else when there is no cgroup', () => {
    const argv = buildArgv(command, plan);
    expect(argv[0]).toBe('prlimit');
    expect(argv).toEqual(expect.arrayContaining(['--nproc=50', `--data=${String(100 * 1024 * 1024 + (plan.layout.dataHeadroomBytes ?? 0))}`]));
  });

  it('joins the cgroups first and leaves the process count to the pids cgroup', () => {
    const argv = buildArgv(command, { ...plan, cgroupDirs: ['/cg/pids/x', '/cg/memory/x'], pidsCgroup: true });
    expect(argv.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(argv.slice(3, 7)).toEqual(['qg-sandbox-prelude', '2', '/cg/pids/x', '/cg/memory/x']);
    expect(argv).toContain(`--nproc=${50 * NPROC_BACKSTOP_FACTOR}`);
  });

  it('switches to the unprivileged user when started as root', () => {
    const argv = buildArgv(command, { ...plan, identity: { uid: 65534, gid: 65533 } });
    const setpriv = argv.indexOf('setpriv');
    expect(setpriv).toBeGreaterThan(0);
    expect(setpriv).toBeLessThan(argv.indexOf('bwrap'));
    expect(argv).toEqual(expect.arrayContaining(['--reuid=65534', '--regid=65533', '--clear-groups', '--no-new-privs']));
  });

  it('binds the workspace read-write, the app tools, extra paths and mounts as asked', () => {
    const argv = buildArgv(
      {
        ...command,
        readOnlyPaths: ['/ro'],
        writablePaths: ['/rw'],
        mounts: [
          { source: '/cache/abc', target: '/w/ws-1/node_modules', readOnly: true, scratch: ['.cache'] },
          { source: '/scratch', target: '/w/ws-1/out', readOnly: false },
        ],
      },
      plan,
    );
    const text = argv.join(' ');
    expect(text).toContain('--bind /w/ws-1 /w/ws-1');
    expect(text).toContain('--ro-bind-try /app/node_modules /app/node_modules');
    expect(text).toContain('--ro-bind /ro /ro');
    expect(text).toContain('--bind /rw /rw');
    // The scratch folder's private tmpfs comes after the read-only tree it sits in.
    expect(text).toContain('--ro-bind /cache/abc /w/ws-1/node_modules --perms 0777 --tmpfs /w/ws-1/node_modules/.cache');
    expect(text).toContain('--bind /scratch /w/ws-1/out');
    expect(text).toContain('--ro-bind-data 3 /etc/passwd --ro-bind-data 4 /etc/group');
    // The private /tmp comes before the binds, so a workspace under the host's /tmp stays visible.
    expect(argv.indexOf('--tmpfs')).toBeLessThan(argv.indexOf('/w/ws-1'));
  });

  it('sets exactly the given environment', () => {
    const argv = buildArgv(command, plan);
    const pairs = argv.flatMap((arg, i) => (arg === '--setenv' ? [`${argv[i + 1]}=${argv[i + 2]}`] : []));
    expect(pairs).toEqual(['PATH=/usr/bin', 'HOME=/tmp']);
  });

  it('omits --disable-userns for an old bubblewrap', () => {
    expect(buildArgv(command, { ...plan, disableUserns: false })).not.toContain('--disable-userns');
  });
});

describe('detectLayout', () => {
  it('binds a Node installed outside /usr and puts it first on PATH', () => {
    const layout = detectLayout('/opt/node-v20/bin/node');
    expect(layout.nodeDirs).toEqual(['/opt/node-v20']);
    expect(layout.path.startsWith('/opt/node-v20/bin:')).toBe(true);
  });

  it('needs nothing extra for a Node under /usr', () => {
    const layout = detectLayout('/usr/local/bin/node');
    expect(layout.nodeDirs).toEqual([]);
    expect(layout.path).toBe('/usr/local/bin:/usr/bin:/bin');
  });

  it('recreates the /bin and /lib symlinks of a merged-/usr system', () => {
    const layout = detectLayout();
    expect(layout.topLevel.join(' ')).toMatch(/(--symlink usr\/bin \/bin|--ro-bind \/bin \/bin)/);
  });
});

describe('inherited file descriptors', () => {
  it('closes them before anything runs, with bash when a descriptor is above 9', () => {
    const low = buildArgv(command, { ...plan, closeFds: [7] });
    expect(low.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(low[2]).toContain('exec 7>&-;');
    const high = buildArgv(command, { ...plan, closeFds: [251] });
    expect(high[0]).toBe('/bin/bash');
    expect(high[2]).toContain('exec 251>&-;');
  });

  it('finds only descriptors a child would inherit', () => {
    for (const fd of inheritedFds()) expect(fd).toBeGreaterThanOrEqual(5);
  });
});

describe('codeRangeBytes', () => {
  it("counts V8's writable-and-executable anonymous code range, not files, stacks or small JIT pages", () => {
    const maps = [
      '7f6eda800000-7f6efa580000 rwxp 00000000 00:00 0 ',
      '7f6efa600000-7f6efa700000 rwxp 00000000 00:00 0 ',
      '55d1c0000000-55d1e0000000 rw-p 00000000 00:00 0 ',
      '7f6f00000000-7f6f20000000 rwxp 00000000 08:01 1234 /usr/local/bin/node',
      '7ffd00000000-7ffd20000000 rwxp 00000000 00:00 0 [stack]',
      '',
    ].join('\n');
    expect(codeRangeBytes(maps)).toBe(0x7f6efa580000 - 0x7f6eda800000);
    expect(codeRangeBytes('')).toBe(0);
  });

  it('adds the code range to RLIMIT_DATA on top of memory_mb', () => {
    const argv = buildArgv(command, { ...plan, layout: { ...plan.layout, dataHeadroomBytes: 512 * 1024 * 1024 } });
    expect(argv).toContain(`--data=${String(100 * 1024 * 1024 + 512 * 1024 * 1024)}`);
  });
});
