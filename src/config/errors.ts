/**
 * The error a broken `.github/quality-gates.yml` becomes. Every problem names the file, the line and column
 * (when the text is known) and the key path, because the person who reads it is fixing a YAML file by hand.
 * @module
 */

/** One thing wrong with the configuration. */
export interface ConfigProblem {
  /** 1-based line in the file; undefined when the configuration came as an object (Probot's `context.config`). */
  line: number | undefined;
  /** 1-based column in the file; undefined like {@link ConfigProblem.line}. */
  column: number | undefined;
  /** Dotted path of the key (`lint.max_warnings`, `docs.paths[1]`); empty for the file as a whole. */
  keyPath: string;
  /** What is wrong and, when it can tell, what to write instead. */
  message: string;
}

/** Formats one problem as `file:line:column: key.path: message`, the shape editors and terminals link. */
export function formatProblem(file: string, problem: ConfigProblem): string {
  const where = problem.line === undefined ? file : `${file}:${String(problem.line)}:${String(problem.column ?? 1)}`;
  const key = problem.keyPath === '' ? '' : `${problem.keyPath}: `;
  return `${where}: ${key}${problem.message}`;
}

/**
 * The configuration is invalid. The message lists every problem, one a line, the first (earliest in the
 * file) first; the fields repeat the first problem's position so that a caller can point at it directly.
 */
export class ConfigError extends Error {
  /** The file the configuration came from (repository-relative, e.g. `.github/quality-gates.yml`). */
  readonly file: string;
  /** Line of the first problem, when known. */
  readonly line: number | undefined;
  /** Column of the first problem, when known. */
  readonly column: number | undefined;
  /** Key path of the first problem. */
  readonly keyPath: string;
  /** Every problem found, in file order. */
  readonly problems: readonly ConfigProblem[];

  /**
   * @param file The file the configuration came from.
   * @param problems At least one problem; they are sorted by position here.
   * @param options The underlying cause, if any (a YAML or zod error).
   */
  constructor(file: string, problems: readonly ConfigProblem[], options: { cause?: unknown } = {}) {
    const sorted = [...problems].sort(byPosition);
    const first = sorted[0] ?? { line: undefined, column: undefined, keyPath: '', message: 'invalid configuration' };
    super(sorted.length > 0 ? sorted.map((p) => formatProblem(file, p)).join('\n') : formatProblem(file, first), {
      cause: options.cause,
    });
    this.name = 'ConfigError';
    this.file = file;
    this.line = first.line;
    this.column = first.column;
    this.keyPath = first.keyPath;
    this.problems = sorted.length > 0 ? sorted : [first];
  }
}

/** Problems with a position come first, in file order; those without keep their relative order. */
function byPosition(a: ConfigProblem, b: ConfigProblem): number {
  const la = a.line ?? Number.MAX_SAFE_INTEGER;
  const lb = b.line ?? Number.MAX_SAFE_INTEGER;
  return la - lb || (a.column ?? 0) - (b.column ?? 0);
}
