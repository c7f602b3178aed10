/**
 * Python toolchains: ruff or flake8 (lint, whichever the repository is configured for), coverage.py +
 * pytest (coverage), docstrings and Sphinx (docs). Each detects a Python checkout by its files (see
 * `detect.ts`); Sphinx only with `docs.build: sphinx`.
 * @module
 */
import type { Toolchain } from '../types.js';
import { createCoveragePyToolchain } from './coveragepy.js';
import { createDocstringsToolchain } from './docstrings.js';
import { createFlake8Toolchain } from './flake8.js';
import { ruffToolchain } from './ruff/index.js';
import { createSphinxToolchain } from './sphinx.js';

export { isPythonRepo } from './detect.js';

/** Every Python toolchain, registered by `src/gates/toolchains.ts`. */
export const PYTHON_TOOLCHAINS: Toolchain[] = [
  ruffToolchain,
  createFlake8Toolchain(),
  createCoveragePyToolchain(),
  createDocstringsToolchain(),
  createSphinxToolchain(),
];
