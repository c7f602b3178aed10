/**
 * The install phase against a hostile repository: its lifecycle script gets no route to the host, the
 * host's network, the metadata service or the Internet, and no DNS; the egress proxy refuses every
 * non-registry destination and names it; the real install from the registry still works. Run as root
 * (the sandbox drops to an unprivileged uid) and as an unprivileged user (the sandbox keeps that uid).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { APP_ROOT } from '../../src/paths.js';
import { blockingFolder } from '../../src/sandbox/app-mirror.js';
import { runHostileInstall, type HostileInstallOutcome, type Targets } from './support/hostile-install.js';

const run = promisify(execFile);
const UNPRIVILEGED_UID = 65534;

let listener: net.Server;
let redisLike: net.Server;
let listenerConnections = 0;
let redisBytes = 0;
let targets: Targets;

function listen(server: net.Server): Promise<number> {
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done((server.address() as net.AddressInfo).port)));
}

beforeAll(async () => {
  listener = net.createServer((socket) => {
    listenerConnections += 1;
    socket.destroy();
  });
  redisLike = net.createServer((socket) => {
    socket.on('data', (chunk: Buffer) => (redisBytes += chunk.length));
    socket.write('+OK\r\n');
  });
  targets = { listenerPort: await listen(listener), redisPort: await listen(redisLike) };
});

afterAll(async () => {
  await new Promise((done) => listener.close(done));
  await new Promise((done) => redisLike.close(done));
});

function expectContained(outcome: HostileInstallOutcome): void {
  expect(outcome.output).not.toContain('quality-gates could not');
  expect(outcome.ok).toBe(true);
  expect(outcome.installed).toBe(true);
  // Direct connections: the sandbox's own loopback has nothing listening, everything else has no route.
  expect(outcome.probe).toMatchObject({
    directListener: 'ECONNREFUSED',
    directRedis: 'ECONNREFUSED',
    directMetadata: 'ENETUNREACH',
    directPrivate: 'ENETUNREACH',
    directPublic: 'ENETUNREACH',
    proxyListenerLiteral: 403,
    proxyNameToLoopback: 403,
    proxyMetadata: 403,
    proxyMetadataPlain: 403,
    proxyPrivate: 403,
    proxyOutside: 403,
  });
  // No resolver inside: names are the proxy's business.
  expect(['EAI_AGAIN', 'ENOTFOUND']).toContain(outcome.probe.dns);
  expect(outcome.refused).toEqual(
    expect.arrayContaining([
      `the install tried to reach 127.0.0.1:${String(targets.listenerPort)}: refused (an IP address (a loopback address), not a registry name)`,
      `the install tried to reach localhost:${String(targets.redisPort)}: refused (it resolves to 127.0.0.1, a loopback address)`,
      'the install tried to reach 169.254.169.254:80: refused (an IP address (a link-local address (cloud metadata lives there)), not a registry name)',
      'the install tried to reach 10.0.0.1:443: refused (an IP address (a private address), not a registry name)',
      'the install tried to reach example.com:443: refused (not a package registry)',
    ]),
  );
}

describe('a hostile install script', () => {
  it('as root: reaches nothing but the registry, every attempt refused and named, and the install succeeds', async () => {
    const outcome = await runHostileInstall(targets);
    expectContained(outcome);
    expect(listenerConnections).toBe(0);
    expect(redisBytes).toBe(0);
  });

  // The unprivileged run loads this checkout's sources as that user: a checkout it cannot reach (under /root) cannot host it.
  const reachable = blockingFolder(APP_ROOT, UNPRIVILEGED_UID, UNPRIVILEGED_UID) === undefined;
  if (!reachable) console.warn(`the unprivileged egress test is skipped: uid ${String(UNPRIVILEGED_UID)} cannot reach ${APP_ROOT}`);
  (reachable ? it : it.skip)('as an unprivileged user: the same', async () => {
    const script = path.join(APP_ROOT, 'test', 'sandbox', 'support', 'hostile-install.ts');
    const { stdout } = await run(
      'setpriv',
      [`--reuid=${String(UNPRIVILEGED_UID)}`, `--regid=${String(UNPRIVILEGED_UID)}`, '--clear-groups', process.execPath, '--import', path.join(APP_ROOT, 'bin', 'register.js'), script, JSON.stringify(targets)],
      { cwd: '/', env: { ...process.env, HOME: '/tmp', NODE_OPTIONS: '' }, maxBuffer: 16 * 1024 * 1024 },
    );
    const outcome = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as HostileInstallOutcome;
    expect(outcome.uid).toBe(UNPRIVILEGED_UID);
    expectContained(outcome);
    expect(listenerConnections).toBe(0);
    expect(redisBytes).toBe(0);
  });
});
