/**
 * Finding a Python tool before running it, so that a missing Debian package is named in the failing
 * check instead of surfacing as a crash. Running itself goes through `runTool` (`src/gates/exec.ts`).
 * @module
 */
import { access, chown, constants, stat } from 'node:fs/promises';
import path from 'node:path';
import { reportDir } from '../exec.js';
import { ToolError } from '../types.js';

/**
 * The sandbox's PATH (see `baseEnvironment` in `src/sandbox/direct.ts`); the bubblewrap sandbox binds the
 * host's `/usr` read-only, so a program found here on the host is the one the sandbox runs.
 */
export const SANDBOX_PATH_DIRS = ['/usr/local/bin', '/usr/bin', '/bin'] as const;

/** Absolute path of `program` as the sandbox would resolve it, or undefined when it is not installed. */
export async function findProgram(program: string): Promise<string | undefined> {
  const candidates = path.isAbsolute(program) ? [program] : SANDBOX_PATH_DIRS.map((dir) => path.join(dir, program));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here: try the next directory
    }
  }
  return undefined;
}

/** The program's absolute path; throws a `missing` ToolError naming the Debian package when it is not installed. */
export async function requireProgram(program: string, tool: string, debianPackage: string): Promise<string> {
  const found = await findProgram(program);
  if (found === undefined) {
    throw new ToolError(
      `${tool} is not installed on the machine running the gates: install it with \`apt-get install -y ${debianPackage}\`.`,
      { reason: 'missing' },
    );
  }
  return found;
}

/**
 * The engine's report folder, owned like the checkout: when the app runs as root, `reportDir` creates
 * it as root, and the sandbox's unprivileged user could not write its reports there.
 */
export async function writableReportDir(dir: string): Promise<string> {
  const out = await reportDir(dir);
  const owner = await stat(dir);
  if (process.geteuid?.() === 0) await chown(out, owner.uid, owner.gid);
  return out;
}
