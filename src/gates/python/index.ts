/**
 * Python toolchains: flake8 (lint), coverage.py + pytest (coverage), docstrings (docs).
 * @module
 */
import type { Toolchain } from '../types.js';

/** Every Python toolchain, registered by `src/gates/toolchains.ts`. */
export const PYTHON_TOOLCHAINS: Toolchain[] = [];
