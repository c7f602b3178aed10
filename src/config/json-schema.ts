/**
 * Derives the JSON Schema (editor completion) and the key tables of `docs/configuration.md` from the
 * zod schema, so that neither can drift from what the loader accepts. `npm run schema` writes both.
 * @module
 */
import { z } from 'zod';
import { ConfigSchema } from './schema.js';

/** Where the JSON Schema is kept in this repository. */
export const JSON_SCHEMA_PATH = 'schema/quality-gates.schema.json';

/** Marks the start of the generated key tables in `docs/configuration.md`. */
export const DOCS_START_MARKER = '<!-- generated:keys:start (npm run schema) -->';

/** Marks the end of the generated key tables in `docs/configuration.md`. */
export const DOCS_END_MARKER = '<!-- generated:keys:end -->';

/** A JSON Schema node, as far as the tables need to read it. */
export interface JsonSchemaNode {
  /** JSON type name. */
  type?: string;
  /** Human description, from the zod `.describe()`. */
  description?: string;
  /** Default applied when the key is absent. */
  default?: unknown;
  /** Allowed values. */
  enum?: unknown[];
  /** Lower bound. */
  minimum?: number;
  /** Upper bound. */
  maximum?: number;
  /** Least string length. */
  minLength?: number;
  /** Regex a string must match. */
  pattern?: string;
  /** Child keys of an object. */
  properties?: Record<string, JsonSchemaNode>;
  /** Item schema of an array. */
  items?: JsonSchemaNode;
}

/** zod writes this bound for every `z.int()`; it says nothing to a reader, so it is dropped. */
function dropSafeIntegerBounds(node: unknown): void {
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (record.maximum === Number.MAX_SAFE_INTEGER) delete record.maximum;
  if (record.minimum === Number.MIN_SAFE_INTEGER) delete record.minimum;
  for (const child of Object.values(record)) dropSafeIntegerBounds(child);
}

/**
 * The JSON Schema of the file as users write it (zod's input side: keys with defaults are optional).
 */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(ConfigSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  dropSafeIntegerBounds(generated);
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: '.github/quality-gates.yml',
    ...rest,
  };
}

/** The JSON Schema as written to disk: two-space indent and a final newline, so diffs stay small. */
export function serializeJsonSchema(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** One documented key. */
export interface KeyRow {
  /** Dotted key path (`deploy.dockerhub.source_type`). */
  path: string;
  /** Readable type with its bounds or allowed values. */
  type: string;
  /** Readable default, or `—`. */
  default: string;
  /** What the key means. */
  description: string;
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

function describeType(node: JsonSchemaNode): string {
  if (node.enum !== undefined) return node.enum.map((v) => `\`${String(v)}\``).join(' | ');
  if (node.type === 'array') return `list of ${node.items === undefined ? 'values' : describeType(node.items)}`;
  if (node.type === 'object') return 'mapping';
  const bounds: string[] = [];
  if (node.minimum !== undefined && node.maximum !== undefined) bounds.push(`${String(node.minimum)}–${String(node.maximum)}`);
  else if (node.minimum !== undefined) bounds.push(`≥ ${String(node.minimum)}`);
  else if (node.maximum !== undefined) bounds.push(`≤ ${String(node.maximum)}`);
  if (node.minLength !== undefined && node.minLength > 0) bounds.push('non-empty');
  if (node.pattern !== undefined) bounds.push('env var name');
  const name = node.type === 'integer' ? 'integer' : (node.type ?? 'any');
  return bounds.length > 0 ? `${name} (${bounds.join(', ')})` : name;
}

function describeDefault(node: JsonSchemaNode): string {
  if (node.default === undefined) return '—';
  if (typeof node.default === 'object' && node.default !== null) return '—';
  return `\`${typeof node.default === 'string' ? node.default : JSON.stringify(node.default)}\``;
}

/** Every key of the schema, depth first, parents before their children. */
export function keyRows(schema: JsonSchemaNode, prefix = ''): KeyRow[] {
  const rows: KeyRow[] = [];
  for (const [key, node] of Object.entries(schema.properties ?? {})) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    rows.push({ path, type: describeType(node), default: describeDefault(node), description: node.description ?? '' });
    if (node.properties !== undefined) rows.push(...keyRows(node, path));
  }
  return rows;
}

/** The tables: one per mapping (top level, `lint`, `coverage` …), each key with type, default and meaning. */
export function renderKeyTables(schema: JsonSchemaNode): string {
  const rows = keyRows(schema);
  const groups = new Map<string, KeyRow[]>();
  for (const row of rows) {
    const parent = row.path.includes('.') ? row.path.slice(0, row.path.lastIndexOf('.')) : '';
    const group = groups.get(parent) ?? [];
    group.push(row);
    groups.set(parent, group);
  }
  const sections: string[] = [];
  for (const [parent, group] of groups) {
    const heading = parent === '' ? '### Top level' : `### \`${parent}\``;
    const parentRow = rows.find((row) => row.path === parent);
    const intro = parentRow === undefined || parentRow.description === '' ? '' : `${cell(parentRow.description)}\n\n`;
    const lines = ['| Key | Type | Default | Meaning |', '| --- | --- | --- | --- |'];
    for (const row of group) {
      lines.push(`| \`${row.path}\` | ${cell(row.type)} | ${cell(row.default)} | ${cell(row.description)} |`);
    }
    sections.push(`${heading}\n\n${intro}${lines.join('\n')}`);
  }
  return sections.join('\n\n');
}

/**
 * Replaces the text between the generated-tables markers of a document.
 * @throws Error when a marker is missing, since writing the tables anywhere else would lose hand-written text.
 */
export function replaceGenerated(document: string, generated: string): string {
  const start = document.indexOf(DOCS_START_MARKER);
  const end = document.indexOf(DOCS_END_MARKER);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(
      `docs/configuration.md lacks the markers ${DOCS_START_MARKER} and ${DOCS_END_MARKER}; put them where the key tables belong`,
    );
  }
  return `${document.slice(0, start + DOCS_START_MARKER.length)}\n\n${generated}\n\n${document.slice(end)}`;
}
