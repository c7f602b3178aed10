import { describe, it, expect } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  DOCS_END_MARKER,
  DOCS_START_MARKER,
  JSON_SCHEMA_PATH,
  configJsonSchema,
  keyRows,
  renderKeyTables,
  replaceGenerated,
  serializeJsonSchema,
  type JsonSchemaNode,
} from '../../src/config/json-schema.js';
import { APP_ROOT } from '../../src/paths.js';

const read = (file: string): Promise<string> => readFile(path.join(APP_ROOT, file), 'utf8');

describe('the generated JSON Schema', () => {
  it('is committed exactly as npm run schema writes it', async () => {
    expect(await read(JSON_SCHEMA_PATH)).toBe(serializeJsonSchema(configJsonSchema()));
  });

  it('describes the input side: keys with defaults are optional and carry their default', () => {
    const schema = configJsonSchema() as JsonSchemaNode & { required?: string[]; additionalProperties?: boolean };
    expect(schema.required ?? []).toEqual([]);
    expect(schema.additionalProperties).toBe(false);
    const lint = schema.properties?.lint;
    expect(lint?.properties?.max_warnings).toMatchObject({ type: 'integer', minimum: 0, default: 10 });
    expect(lint?.properties?.max_warnings?.maximum).toBeUndefined();
    expect(lint?.properties?.max_warnings?.description).toMatch(/warnings allowed/);
  });

  it('documents every key with a description', () => {
    const rows = keyRows(configJsonSchema() as JsonSchemaNode);
    expect(rows.filter((row) => row.description === '').map((row) => row.path)).toEqual([]);
    expect(rows.map((row) => row.path)).toEqual(expect.arrayContaining(['lint.max_errors', 'deploy.dockerhub.source_type']));
  });
});

describe('docs/configuration.md', () => {
  it('carries the key tables exactly as npm run schema writes them', async () => {
    const docs = await read('docs/configuration.md');
    expect(replaceGenerated(docs, renderKeyTables(configJsonSchema() as JsonSchemaNode))).toBe(docs);
  });

  it('mentions every key path of the schema', async () => {
    const docs = await read('docs/configuration.md');
    const missing = keyRows(configJsonSchema() as JsonSchemaNode)
      .map((row) => row.path)
      .filter((keyPath) => !docs.includes(`\`${keyPath}\``));
    expect(missing).toEqual([]);
  });

  it('says which lint codes count as errors and which as warnings', async () => {
    const docs = await read('docs/configuration.md');
    expect(docs).toMatch(/severity 2/);
    expect(docs).toMatch(/severity 1/);
    expect(docs).toMatch(/`E`.*`F`.*`C9`/);
    expect(docs).toMatch(/`W`/);
  });
});

describe('renderKeyTables', () => {
  const schema: JsonSchemaNode = {
    type: 'object',
    properties: {
      mode: { type: 'string', enum: ['a', 'b'], default: 'a', description: 'Pick | choose.' },
      nested: {
        type: 'object',
        description: 'A section.',
        properties: {
          count: { type: 'integer', minimum: 1, description: 'How many.' },
          ratio: { type: 'number', maximum: 5, default: 2, description: 'How much.' },
          names: { type: 'array', items: { type: 'string' }, description: 'Which.' },
          env: { type: 'string', pattern: '^[A-Z]+$', minLength: 1, description: 'Where.' },
        },
      },
    },
  };

  it.each([
    ['| `mode` | `a` \\| `b` | `a` | Pick \\| choose. |'],
    ['| `nested.count` | integer (≥ 1) | — | How many. |'],
    ['| `nested.ratio` | number (≤ 5) | `2` | How much. |'],
    ['| `nested.names` | list of string | — | Which. |'],
    ['| `nested.env` | string (non-empty, env var name) | — | Where. |'],
    ['### `nested`\n\nA section.\n\n'],
  ])('renders %s', (expected) => {
    expect(renderKeyTables(schema)).toContain(expected);
  });
});

describe('replaceGenerated', () => {
  it('replaces only the text between the markers', () => {
    const doc = `intro\n${DOCS_START_MARKER}\nold\n${DOCS_END_MARKER}\noutro\n`;
    expect(replaceGenerated(doc, 'new')).toBe(`intro\n${DOCS_START_MARKER}\n\nnew\n\n${DOCS_END_MARKER}\noutro\n`);
  });

  it('refuses a document without markers rather than lose hand-written text', () => {
    expect(() => replaceGenerated('no markers', 'new')).toThrow(/lacks the markers/);
  });
});
