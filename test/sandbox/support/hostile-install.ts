/**
 * One hostile install, end to end: a fixture whose `preinstall` tries the host's loopback, a Redis-like
 * port, the metadata service, a private and a public address, DNS, and the egress proxy with IP literals
 * and a name that resolves to 127.0.0.1; then the real `npm ci` from the registry through the proxy.
 * Imported by the test (as root) and run as a program by it under an unprivileged uid, printing JSON.
 */
import { chmod, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_ROOT } from '../../../src/paths.js';
import { createSandbox } from '../../../src/sandbox/index.js';
import { DependencyCache } from '../../../src/workspace/cache.js';
import { installDependencies } from '../../../src/workspace/install.js';
import { handOver } from '../../../src/workspace/workspace.js';

/** Ports of the host's listeners the probe aims at. */
export interface Targets {
  /** A plain TCP listener on the host's 127.0.0.1. */
  listenerPort: number;
  /** A listener that pretends to be Redis on the host's 127.0.0.1. */
  redisPort: number;
}

/** What the test looks at. */
export interface HostileInstallOutcome {
  /** Whether the install succeeded. */
  ok: boolean;
  /** The install's refusal sentences. */
  refused: string[];
  /** What the probe recorded for each attempt. */
  probe: Record<string, string | number>;
  /** Whether the registry dependency arrived. */
  installed: boolean;
  /** The install's output, for failure messages. */
  output: string;
  /** The uid this ran as. */
  uid: number;
}

/** Runs the hostile fixture's install in a fresh workspace. */
export async function runHostileInstall(targets: Targets): Promise<HostileInstallOutcome> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'qg-hostile-install-'));
  try {
    await chmod(root, 0o711);
    const dir = path.join(root, 'checkout');
    await cp(path.join(APP_ROOT, 'test', 'fixtures', 'repos', 'hostile-install'), dir, { recursive: true });
    await writeFile(path.join(dir, 'targets.json'), JSON.stringify(targets));
    await handOver(dir);
    // localhost is allowed by name here, so the proxy's address check is what must stop it.
    const env = { ...process.env, QG_INSTALL_ALLOW_HOSTS: `localhost:${String(targets.redisPort)}` };
    const sandbox = await createSandbox({ mode: 'bubblewrap', env });
    const result = await installDependencies({ dir, sandbox, cache: new DependencyCache(path.join(root, 'cache')) });
    const probe = JSON.parse(await readFile(path.join(dir, 'probe-result.json'), 'utf8').catch(() => '{}')) as Record<string, string | number>;
    const installed = await readFile(path.join(dir, 'node_modules', 'is-number', 'package.json'), 'utf8').then(() => true, () => false);
    return { ok: result.ok, refused: result.refused, probe, installed, output: result.output, uid: process.getuid?.() ?? -1 };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const outcome = await runHostileInstall(JSON.parse(process.argv[2] ?? '{}') as Targets);
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}
