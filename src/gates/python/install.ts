/**
 * The Python dependency install as the engine sees it: `runGates` runs it once before the first gate
 * when the coverage toolchain applies, and fails the coverage gate with pip's output when it fails.
 * @module
 */
import type { Config } from '../../config/schema.js';
import { preparePythonEnvironment, PythonInstallError } from '../../workspace/python-install.js';
import type { DependencyInstall, GateContext, InstallOutcome } from '../types.js';
import { isPythonRepo } from './detect.js';

/** The virtual environment every Python checkout gets (creating an empty one takes milliseconds). */
export const pythonInstall: DependencyInstall = {
  key: 'python',
  needed: (dir: string, config: Config) => isPythonRepo(dir, config),
  async run(ctx: GateContext): Promise<InstallOutcome> {
    try {
      const env = await preparePythonEnvironment(ctx);
      return { ok: true, output: '', cached: env.source === 'cache', tool: 'pip', refused: env.refused };
    } catch (error) {
      if (error instanceof PythonInstallError) return { ok: false, output: `${error.message}\n${error.output}`, tool: 'pip' };
      throw error;
    }
  },
};
