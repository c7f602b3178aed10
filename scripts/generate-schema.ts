/**
 * `npm run schema`: writes `schema/quality-gates.schema.json` and the key tables of
 * `docs/configuration.md` from the zod schema. A test fails when either is stale.
 * @module
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { APP_ROOT } from '../src/paths.js';
import {
  JSON_SCHEMA_PATH,
  configJsonSchema,
  renderKeyTables,
  replaceGenerated,
  serializeJsonSchema,
  type JsonSchemaNode,
} from '../src/config/json-schema.js';

/** The user documentation whose key tables are generated. */
const DOCS_PATH = 'docs/configuration.md';

async function main(): Promise<void> {
  const schema = configJsonSchema();
  const schemaFile = path.join(APP_ROOT, JSON_SCHEMA_PATH);
  await mkdir(path.dirname(schemaFile), { recursive: true });
  await writeFile(schemaFile, serializeJsonSchema(schema));

  const docsFile = path.join(APP_ROOT, DOCS_PATH);
  const docs = await readFile(docsFile, 'utf8');
  await writeFile(docsFile, replaceGenerated(docs, renderKeyTables(schema as JsonSchemaNode)));
  process.stdout.write(`wrote ${JSON_SCHEMA_PATH} and the key tables of ${DOCS_PATH}\n`);
}

await main();
