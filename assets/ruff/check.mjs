// Runs ruff's WebAssembly build (@astral-sh/ruff-wasm-nodejs) inside the sandbox, over the files the
// engine planned (src/gates/python/ruff/): one ruff Workspace per distinct settings object, each file
// read from the checkout and checked as a string. The build has no file system access of its own, so
// the engine decides paths (excludes, per-file settings) and this script only lints.
//
// Usage: node check.mjs <app node_modules> <job.json> <result.json>
//   job.json:    { "workspaces": [settings, ...], "files": [{ "path": "pkg/a.py", "workspace": 0 }, ...] }
//   result.json: { "version": "0.x.y", "diagnostics": [{ path, code, message, row, column, endRow, endColumn }] }
// A settings object ruff rejects is written as { "version", "settingsError": { "workspace", "message" } }.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [nodeModules, jobFile, resultFile] = process.argv.slice(2);
if (!nodeModules || !jobFile || !resultFile) {
  process.stderr.write('usage: node check.mjs <node_modules> <job.json> <result.json>\n');
  process.exit(2);
}

const require = createRequire(path.join(nodeModules, 'noop.js'));
const { Workspace, PositionEncoding } = require('@astral-sh/ruff-wasm-nodejs');
const version = Workspace.version();
const job = JSON.parse(readFileSync(jobFile, 'utf8'));

const workspaces = new Map();
function workspace(index) {
  let found = workspaces.get(index);
  if (found === undefined) {
    // Columns in characters (UTF-32 code points), as ruff's own reports count them.
    found = new Workspace(job.workspaces[index], PositionEncoding.Utf32);
    workspaces.set(index, found);
  }
  return found;
}

const diagnostics = [];
for (const file of job.files) {
  let ws;
  try {
    ws = workspace(file.workspace);
  } catch (error) {
    const message = String(error instanceof Error ? error.message : error).replace(/^Error: /, '');
    writeFileSync(resultFile, JSON.stringify({ version, settingsError: { workspace: file.workspace, message } }));
    process.exit(0);
  }
  // ruff reads sources as UTF-8 and ignores a byte-order mark.
  const source = readFileSync(file.path, 'utf8').replace(/^\uFEFF/, '');
  for (const d of ws.check(source)) {
    diagnostics.push({
      path: file.path,
      code: d.code ?? 'invalid-syntax',
      message: d.message,
      row: d.start_location.row,
      column: d.start_location.column,
      endRow: d.end_location.row,
      endColumn: d.end_location.column,
    });
  }
}
writeFileSync(resultFile, JSON.stringify({ version, diagnostics }));
