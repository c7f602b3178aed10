// @ts-check
/**
 * The baseline of the webhook benchmarks: a Probot app whose handlers do nothing, run as plain
 * JavaScript — as the app under test runs its compiled build — so that neither carries the
 * TypeScript loader (a thread of its own and ≈ 30 MB).
 *
 * `node bench/probot-noop.js middleware`: Probot's `createNodeMiddleware` on a bare HTTP server on a
 * free port (env `PRIVATE_KEY`, `WEBHOOK_SECRET`); prints `READY <port>`.
 * `node bench/probot-noop.js run`: Probot's own server (`run`), configured by the environment as
 * `probot run` is; it logs the port it listens on.
 */
import http from 'node:http';
import { createNodeMiddleware, createProbot, run } from 'probot';

/** The events quality-gates subscribes to. */
const EVENTS = /** @type {const} */ (['pull_request', 'push', 'check_suite', 'check_run']);

/** @param {import('probot').Probot} app */
const noop = (app) => {
  app.on([...EVENTS], async () => undefined);
};

if (process.argv[2] === 'run') {
  await run(noop, { env: process.env });
} else {
  const probot = createProbot({ env: { APP_ID: '1', PRIVATE_KEY: process.env.PRIVATE_KEY ?? '', WEBHOOK_SECRET: process.env.WEBHOOK_SECRET ?? '', LOG_LEVEL: 'info' } });
  await probot.ready();
  const middleware = await createNodeMiddleware(noop, { probot });
  const server = http.createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`READY ${String(typeof address === 'object' && address !== null ? address.port : 0)}\n`);
  });
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}
