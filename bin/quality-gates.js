#!/usr/bin/env node
// Entry point of the `quality-gates` command: runs the TypeScript sources through tsx, so a checkout
// needs no build step (the same code runs in the CLI, the app and the tests).
import './register.js';

await import('../src/cli/index.ts');
