#!/usr/bin/env node
// Entry point of the `quality-gates` command. Runs the compiled JavaScript in dist/ when it is a build
// of the sources as they are now (`npm run build`; the Docker image and `npm start` build first), and
// otherwise the TypeScript sources through tsx, so a checkout needs no build step to run or test.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { COMPILED_ENTRY, isBuildCurrent } from './build-stamp.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (isBuildCurrent(root)) {
  await import(pathToFileURL(path.join(root, COMPILED_ENTRY)).href);
} else {
  await import('./register.js');
  await import('../src/cli/index.ts');
}
