/**
 * Process entry of the `quality-gates` binary: wires `main` to the real process.
 * @module
 */
import { main } from './main.js';

const io = {
  stdout: (text: string) => process.stdout.write(text),
  stderr: (text: string) => process.stderr.write(text),
  env: process.env,
  stderrIsTTY: process.stderr.isTTY,
};

main(process.argv.slice(2), io).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`quality-gates: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
