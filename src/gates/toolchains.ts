/**
 * The one registry of toolchains. Adding a tool means writing its module and listing it here; the
 * engine never names a tool anywhere else.
 * @module
 */
import { c8Toolchain } from './js/c8.js';
import { eslintToolchain } from './js/eslint.js';
import { jestToolchain } from './js/jest.js';
import { tsdocToolchain } from './js/tsdoc.js';
import { typedocToolchain } from './js/typedoc.js';
import { vitestToolchain } from './js/vitest.js';
import { PYTHON_TOOLCHAINS } from './python/index.js';
import type { Toolchain } from './types.js';

/** JavaScript/TypeScript toolchains, in the order they run within their gate. */
export const JS_TOOLCHAINS: readonly Toolchain[] = [
  eslintToolchain,
  jestToolchain,
  vitestToolchain,
  c8Toolchain,
  tsdocToolchain,
  typedocToolchain,
];

/** Every toolchain the engine knows; each gate runs those of its gate whose `detect` says they apply. */
export const TOOLCHAINS: readonly Toolchain[] = [...JS_TOOLCHAINS, ...PYTHON_TOOLCHAINS];
