/**
 * Loads `.github/quality-gates.yml`: YAML text (from GitHub or disk) or an already-merged object
 * (Probot's `context.config`) becomes a validated {@link Config}, or a {@link ConfigError} whose every
 * problem names the file, line, column and key path. No file means the defaults.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { CONFIG_PATH, ConfigSchema, defaultConfig, type Config } from './schema.js';
import { ConfigError, type ConfigProblem } from './errors.js';
import { describeIssue, formatKeyPath } from './issues.js';
import { keyPathAt, offsetOf } from './positions.js';

export { ConfigError, type ConfigProblem } from './errors.js';

/** A validated configuration, or why there is none. Never thrown: the caller decides how to fail. */
export type ConfigResult =
  | {
      /** The configuration is valid. */
      ok: true;
      /** The validated configuration, every default filled in. */
      config: Config;
    }
  | {
      /** The configuration is invalid. */
      ok: false;
      /** Every problem, with file, line, column and key path. */
      error: ConfigError;
    };

/** YAML aliases a config may expand; far above any real config, far below a "billion laughs" bomb. */
const MAX_ALIAS_COUNT = 100;

/**
 * A key written with no value (`lint:` with every child commented out) means "the defaults", as if it
 * were left out; YAML reads it as null, which the schema would reject.
 */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) if (child !== null) out[key] = dropNulls(child);
  return out;
}

/** Validates a parsed value; `locate` maps an issue's path to a line and column when the text is known. */
function validate(
  value: unknown,
  file: string,
  locate: (path: readonly PropertyKey[], onKey: boolean) => { line: number; column: number } | undefined,
): ConfigResult {
  const input = value === null || value === undefined ? {} : dropNulls(value);
  const parsed = ConfigSchema.safeParse(input);
  if (parsed.success) return { ok: true, config: parsed.data };
  const problems: ConfigProblem[] = parsed.error.issues.flatMap((issue) =>
    describeIssue(issue, input, ConfigSchema).map((described) => {
      const at = locate(described.path, described.onKey);
      return { line: at?.line, column: at?.column, keyPath: formatKeyPath(described.path), message: described.message };
    }),
  );
  return { ok: false, error: new ConfigError(file, problems, { cause: parsed.error }) };
}

/**
 * Validates an already-parsed configuration object, such as the one Probot's `context.config` returns
 * after merging `_extends`. Problems carry key paths but no line numbers: the text is gone.
 */
export function validateConfigObject(obj: unknown, file: string = CONFIG_PATH): ConfigResult {
  return validate(obj, file, () => undefined);
}

function syntaxProblems(doc: Document, lines: LineCounter): ConfigProblem[] {
  return doc.errors.map((error) => {
    const pos = lines.linePos(error.pos[0]);
    return {
      line: pos.line,
      column: pos.col,
      keyPath: keyPathAt(doc, error.pos[0]).join('.'),
      message: `invalid YAML: ${error.message.split('\n')[0] ?? error.code}`,
    };
  });
}

/**
 * Parses and validates the text of `.github/quality-gates.yml`. `undefined` (no file) and an empty file
 * both mean the defaults.
 * @param text The file's content, or undefined when the repository has no such file.
 * @param file The path named in errors.
 */
export function parseConfig(text: string | undefined, file: string = CONFIG_PATH): ConfigResult {
  if (text === undefined) return { ok: true, config: defaultConfig() };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = syntaxProblems(doc, lines);
    return { ok: false, error: new ConfigError(file, problems, { cause: doc.errors[0] }) };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const problem = { line: 1, column: 1, keyPath: '', message: `invalid YAML: ${(error as Error).message}` };
    return { ok: false, error: new ConfigError(file, [problem], { cause: error }) };
  }
  return validate(value, file, (path, onKey) => {
    const offset = offsetOf(doc, path, onKey);
    if (offset === undefined) return undefined;
    const pos = lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  });
}

/**
 * Reads and validates a configuration file from disk (the CLI's `--config`, or the checkout's own file).
 * A missing file means the defaults; any other read error is a {@link ConfigError} at the file.
 */
export async function loadConfigFile(path: string): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return parseConfig(undefined, path);
    const problem = {
      line: undefined,
      column: undefined,
      keyPath: '',
      message: `cannot read the file (${(error as Error).message}); check its permissions`,
    };
    return { ok: false, error: new ConfigError(path, [problem], { cause: error }) };
  }
  return parseConfig(text, path);
}
