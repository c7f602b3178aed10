/**
 * `npm run bench [-- NAME ...]`: runs the benchmarks one after another and prints their tables.
 * Each benchmark is a module under bench/ exporting `main()`; none is a timed test.
 * @module
 */

/** Benchmarks by name, in the order they run. */
const BENCHES: Record<string, string> = {
  sandbox: './sandbox.js',
  egress: './egress.js',
  engine: './engine.js',
  queue: './queue.js',
  app: './app.js',
  deploy: './deploy.js',
  'webhook-ack': './webhook-ack.js',
  'pipeline-deploy': './pipeline-deploy.js',
  'lint-python': './lint-python.js',
  dashboard: './dashboard.js',
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}\n`);
  process.exit(2);
}
for (const [name, file] of Object.entries(BENCHES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  process.stdout.write(`\n## ${name}\n\n`);
  const bench = (await import(file)) as { main(): Promise<void> };
  await bench.main();
}
