/** Shared set-up of the sandbox tests: a real sandbox and a workspace holding a fixture repository. */
import { cp, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { APP_ROOT } from '../../src/paths.js';
import { createWorkspace, handOver, type Workspace } from '../../src/workspace/workspace.js';

/** Root of the fixture repositories. */
export const FIXTURES = path.join(APP_ROOT, 'test', 'fixtures', 'repos');

/** Gives a tree to the sandbox's user, as the tarball extraction does. */
export const chownTree = (dir: string): Promise<void> => handOver(dir);

/** A fresh workspace holding a copy of a fixture repository. */
export async function fixtureWorkspace(name: string, root: string): Promise<Workspace> {
  const workspace = await createWorkspace(root);
  await cp(path.join(FIXTURES, name), workspace.dir, { recursive: true });
  await chownTree(workspace.dir);
  return workspace;
}

/** Host processes whose working directory is inside `dir` (what a contained command must not leave). */
export async function processesIn(dir: string): Promise<number[]> {
  const found: number[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
    if (cwd === dir || cwd.startsWith(dir + path.sep)) found.push(Number(pid));
  }
  return found;
}

/** The `ATTACK {json}` line the hostile fixture prints. */
export function attackOutput(stdout: string): Record<string, unknown> {
  const line = stdout.split('\n').find((text) => text.startsWith('ATTACK '));
  if (line === undefined) throw new Error(`no ATTACK line in output:\n${stdout.slice(0, 2000)}`);
  return (JSON.parse(line.slice('ATTACK '.length)) as { seen: Record<string, unknown> }).seen;
}
