/**
 * Which repositories may use which of the app's environment variables as a deploy URL or secret. A
 * repository's config only names a variable; whether that repository may fire the target behind it
 * is the operator's decision, so it is written in the app's own environment (`QG_DEPLOY_BINDINGS`,
 * or a file named by `QG_DEPLOY_BINDINGS_FILE`), never in a repository. Without bindings the default
 * variables serve every repository, as before bindings existed, and no other variable does; with
 * bindings, exactly what they bind. The app's own variables are refused whatever a binding says.
 * @module
 */
import { readFileSync } from 'node:fs';
import picomatch from 'picomatch';
import { appVariableRefusal, isAppVariable } from '../config/app-variables.js';
import { repositoryMatcher, repositoryPatternProblem, splitOutsideBraces } from './repositories.js';

/** The app's variable holding bindings inline: `acme/api:API_DEPLOY_*;acme/web:WEB_*`. */
export const BINDINGS_VARIABLE = 'QG_DEPLOY_BINDINGS';

/** The app's variable naming a file of bindings, one per line, `#` comments. */
export const BINDINGS_FILE_VARIABLE = 'QG_DEPLOY_BINDINGS_FILE';

/** The variables the targets read by default: usable by every repository while no binding is configured. */
export const DEFAULT_DEPLOY_VARIABLES: readonly string[] = ['DOCKERHUB_TRIGGER_URL', 'DEPLOY_WEBHOOK_URL', 'DEPLOY_WEBHOOK_SECRET'];

/** Characters of a variable pattern: those of a variable name plus glob syntax. */
const VARIABLE_PATTERN = /^[A-Z0-9_*?!{}[\],-]+$/;

/** One binding: the repositories matching `repository` may use the variables matching `variables`. */
export interface DeployBinding {
  /** Repository pattern (`acme/api`, `acme/*`). */
  repository: string;
  /** Variable patterns (`API_DEPLOY_URL`, `API_DEPLOY_*`). */
  variables: readonly string[];
  /** Whether this binding lets `repository` (`owner/name`) use `variable`. */
  allows(repository: string, variable: string): boolean;
}

/** The operator's bindings. */
export interface DeployBindings {
  /** False when neither variable is set: then only {@link DEFAULT_DEPLOY_VARIABLES} may be used. */
  configured: boolean;
  /** Every binding, inline ones first. */
  bindings: readonly DeployBinding[];
}

/** No bindings configured: the defaults for every repository, nothing else. */
export const NO_BINDINGS: DeployBindings = { configured: false, bindings: [] };

function parseEntry(entry: string, where: string): DeployBinding {
  const colon = entry.indexOf(':');
  if (colon < 0) {
    throw new Error(`${where}: "${entry}" has no ":"; write owner/name:VARIABLE[,VARIABLE…], e.g. acme/api:API_DEPLOY_*`);
  }
  const repository = entry.slice(0, colon).trim();
  const problem = repositoryPatternProblem(repository);
  if (problem !== undefined) throw new Error(`${where}: ${problem}`);
  const variables = splitOutsideBraces(entry.slice(colon + 1), ', \t');
  if (variables.length === 0) throw new Error(`${where}: "${entry}" binds no variable; write ${repository}:VARIABLE`);
  for (const variable of variables) {
    if (!VARIABLE_PATTERN.test(variable)) {
      throw new Error(`${where}: "${variable}" is not a variable name or pattern: capitals, digits, underscores and globs (API_DEPLOY_*)`);
    }
  }
  const repositoryMatches = repositoryMatcher([repository]);
  const variableMatches = picomatch([...variables]);
  return { repository, variables, allows: (repo, variable) => repositoryMatches(repo) && variableMatches(variable) };
}

/**
 * Reads bindings: entries separated by `;` or line breaks, each `owner/name:VARIABLE[,VARIABLE…]`
 * with globs on both sides; `#` starts a comment. Throws an error naming `source` (and the line, for
 * text of several lines) and what to write instead.
 */
export function parseBindings(text: string, source: string): DeployBinding[] {
  const lines = text.split(/\r?\n/);
  return lines.flatMap((line, index) => {
    const where = lines.length > 1 ? `${source}:${String(index + 1)}` : source;
    return line
      .replace(/#.*/, '')
      .split(';')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '')
      .map((entry) => parseEntry(entry, where));
  });
}

/**
 * The bindings of the app's environment. The file is read on every call, so an edit applies to the
 * next push without a restart. Throws when a binding is malformed or the file cannot be read.
 */
export function loadBindings(env: NodeJS.ProcessEnv): DeployBindings {
  const inline = env[BINDINGS_VARIABLE]?.trim();
  const file = env[BINDINGS_FILE_VARIABLE]?.trim();
  const bindings: DeployBinding[] = [];
  if (inline) bindings.push(...parseBindings(inline, BINDINGS_VARIABLE));
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new Error(`cannot read ${BINDINGS_FILE_VARIABLE} (${file}): ${reason}; check the path and its permissions`, { cause: error });
    }
    bindings.push(...parseBindings(text, file));
  }
  return { configured: Boolean(inline) || Boolean(file), bindings };
}

/**
 * Why `repository` (`owner/name`) may not use `variable` as a deploy URL or secret, or undefined when
 * it may. The sentence names both and says how to bind it; it never holds a value.
 */
export function bindingRefusal(bindings: DeployBindings, repository: string, variable: string): string | undefined {
  if (isAppVariable(variable)) return appVariableRefusal(variable);
  if (!bindings.configured) {
    if (DEFAULT_DEPLOY_VARIABLES.includes(variable)) return undefined;
    return `${variable} is not bound to ${repository}: set ${BINDINGS_VARIABLE}="${repository}:${variable}" in the app's environment`;
  }
  if (bindings.bindings.some((binding) => binding.allows(repository, variable))) return undefined;
  const defaults = DEFAULT_DEPLOY_VARIABLES.includes(variable) ? ' (once bindings are set, the defaults need one too)' : '';
  return `${variable} is not bound to ${repository}: add "${repository}:${variable}" to ${BINDINGS_VARIABLE} in the app's environment${defaults}`;
}
