/**
 * The schema of `.github/quality-gates.yml`: the single truth for validation, defaults, the generated
 * JSON Schema (`schema/quality-gates.schema.json`) and `docs/configuration.md`. Every key carries its
 * description and default; objects are strict so that a misspelt key is an error, not a silent no-op.
 * @module
 */
import { z } from 'zod';
import { appVariableRefusal, isAppVariable } from './app-variables.js';

/** Where the configuration lives in a repository. */
export const CONFIG_PATH = '.github/quality-gates.yml';

const percent = (what: string) => z.number().min(0).max(100).describe(what);

/**
 * The name of one of the app's environment variables that a deploy target reads; never one of the
 * app's own (its private key as an HMAC key, its Redis URL as a target).
 */
const deployVariable = (fallback: string, what: string) =>
  z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/)
    .refine((name) => !isAppVariable(name), {
      error: (issue) => `${appVariableRefusal(String(issue.input))}; name a variable the operator set for deploys, such as ${fallback}`,
    })
    .default(fallback)
    .describe(what);

/** `lint:` — ESLint for JS/TS; ruff (when configured) or flake8 (PEP 8) for Python. */
export const LintSchema = z
  .strictObject({
    /** Run the lint gate. */
    enabled: z.boolean().default(true).describe('Run the lint gate.'),
    /** Most lint errors allowed before the gate fails. */
    max_errors: z.int().min(0).default(0).describe('Most lint errors allowed before the gate fails.'),
    /** Most lint warnings allowed before the gate fails. */
    max_warnings: z.int().min(0).default(10).describe('Most lint warnings allowed before the gate fails.'),
    /** On pull requests, which findings count towards the thresholds: `all`, or only those on `changed` lines. */
    scope: z
      .literal(['all', 'changed'])
      .default('all')
      .describe(
        'On pull requests, which findings count towards the thresholds: `all`, or only those on `changed` lines. Findings outside the diff are still reported.',
      ),
  })
  .describe('The lint gate: ESLint for JavaScript/TypeScript; for Python, ruff with its own configuration when the repository configures ruff, else flake8 (PEP 8).');

/** `coverage:` — the repository's tests, run with coverage. */
export const CoverageSchema = z
  .strictObject({
    /** Run the coverage gate. */
    enabled: z.boolean().default(true).describe('Run the coverage gate.'),
    /** The test command, run in the sandbox without network. */
    command: z
      .string()
      .min(1)
      .optional()
      .describe(
        'The test command, run in the sandbox without network. Default: `npm test` for JavaScript, `pytest` for Python.',
      ),
    /** Least total line coverage, in percent. */
    min_lines: percent('Least total line coverage, in percent.').default(80),
    /** Least coverage of a pull request's changed executable lines, in percent. */
    min_patch: percent("Least coverage of a pull request's changed executable lines, in percent.").default(80),
    /** Largest drop of total line coverage against the base commit, in percentage points. */
    max_drop: z
      .number()
      .min(0)
      .max(100)
      .default(1.0)
      .describe('Largest drop of total line coverage against the base commit, in percentage points.'),
    /** Command that installs dependencies (reaches the package registries only, through the egress proxy; no secrets). */
    install: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Command that installs dependencies (reaches the package registries only, through the egress proxy; no secrets). Default: the repository's package manager from its lockfile, frozen (`npm ci`, `pnpm install --frozen-lockfile`, `yarn install --frozen-lockfile` or `--immutable`), else `npm install`; for Python, a virtual environment with the requirements.",
      ),
  })
  .describe("The coverage gate: the repository's own tests under c8, Jest's V8 coverage, or coverage.py.");

/** `docs:` — docstring coverage of the public API and the docs build. */
export const DocsSchema = z
  .strictObject({
    /** Run the docs gate. */
    enabled: z.boolean().default(true).describe('Run the docs gate.'),
    /** Least share of public symbols that carry a doc comment or docstring, in percent. */
    min_documented: percent('Least share of public symbols that carry a doc comment or docstring, in percent.').default(
      90,
    ),
    /** Docs build that must finish without warnings: `none`, `typedoc` (runs on JS/TS repositories) or `sphinx` (runs on Python repositories). */
    build: z
      .literal(['none', 'typedoc', 'sphinx'])
      .default('typedoc')
      .describe('Docs build that must finish without warnings: `none`, `typedoc` (runs on JS/TS repositories) or `sphinx` (runs on Python repositories).'),
    /** Globs of the files whose exports are the public API. */
    paths: z
      .array(z.string())
      .optional()
      .describe(
        'Globs of the files whose exports are the public API. Default: the package entry points — a JavaScript entry with a declaration file beside it (`index.js` and `index.d.ts`) by that declaration — and `src/**` (JS); for Python, `src/**/*.py` when the packages live under `src/`, else every module outside tests, docs, examples, benchmarks, `setup.py` and `noxfile.py`.',
      ),
  })
  .describe('The docs gate: doc comments on the public API, and an optional docs build.');

/** `sandbox:` — limits for every command that touches repository code. */
export const SandboxSchema = z
  .strictObject({
    /** Wall-clock limit of one command, in seconds. */
    timeout: z.int().min(1).max(7200).default(600).describe('Wall-clock limit of one command, in seconds.'),
    /** Memory limit of one command, in MiB (per process, and per process tree where cgroups are available). */
    memory_mb: z.int().min(64).max(65536).default(2048).describe('Memory limit of one command, in MiB: per process (RLIMIT_DATA), and for its whole process tree through a cgroup where available.'),
    /** Most processes (and threads) a command may run. */
    max_processes: z.int().min(8).max(4096).default(256).describe('Most processes (and threads) a command may run.'),
    /** Output kept per command, in MiB; the head and tail are kept and the middle dropped. */
    max_output_mb: z
      .number()
      .min(0.1)
      .max(64)
      .default(4)
      .describe('Output kept per command, in MiB; the head and tail are kept and the middle dropped.'),
  })
  .describe('Limits for every command that touches repository code.');

/** `deploy.dockerhub:` — a Docker Hub build trigger. */
export const DockerHubSchema = z
  .strictObject({
    /** Name of the app's environment variable that holds the trigger URL (never the URL itself). */
    trigger_url_env: deployVariable(
      'DOCKERHUB_TRIGGER_URL',
      "Name of the app's environment variable that holds the trigger URL (never the URL itself). Other than the default, it must be bound to the repository by the operator (`QG_DEPLOY_BINDINGS`); the app's own variables are refused.",
    ),
    /** What the trigger builds: a `Branch` or a `Tag`. */
    source_type: z.literal(['Branch', 'Tag']).default('Branch').describe('What the trigger builds: a `Branch` or a `Tag`.'),
    /** Branch or tag name to build. */
    source_name: z.string().optional().describe('Branch or tag name to build. Default: the deploy branch.'),
    /** Send `{"docker_tag": …}` instead of a source type and name. */
    docker_tag: z.string().optional().describe('Send `{"docker_tag": …}` instead of a source type and name.'),
  })
  .describe('Docker Hub build trigger (Docker Hub autobuilds are retired on 2027-04-01: prefer `webhook`).');

/** `deploy.webhook:` — a signed deploy webhook. */
export const DeployWebhookSchema = z
  .strictObject({
    /** Name of the app's environment variable that holds the receiver's URL. */
    url_env: deployVariable(
      'DEPLOY_WEBHOOK_URL',
      "Name of the app's environment variable that holds the receiver's URL. Other than the default, it must be bound to the repository by the operator (`QG_DEPLOY_BINDINGS`); the app's own variables are refused.",
    ),
    /** Name of the app's environment variable that holds the HMAC-SHA256 signing secret. */
    secret_env: deployVariable(
      'DEPLOY_WEBHOOK_SECRET',
      "Name of the app's environment variable that holds the HMAC-SHA256 signing secret. Other than the default, it must be bound to the repository by the operator (`QG_DEPLOY_BINDINGS`); the app's own variables are refused.",
    ),
  })
  .describe('A JSON POST signed with HMAC-SHA256, for the deploy agent or any receiver.');

/** `deploy:` — what happens when the deploy branch is green. */
export const DeploySchema = z
  .strictObject({
    /** Branch whose green commits deploy. */
    branch: z.string().optional().describe("Branch whose green commits deploy. Default: the repository's default branch."),
    /** GitHub Deployment environment name. */
    environment: z.string().min(1).default('production').describe('GitHub Deployment environment name.'),
    /** Docker Hub build trigger (Docker Hub autobuilds are retired on 2027-04-01: prefer `webhook`). */
    dockerhub: DockerHubSchema.optional(),
    /** A JSON POST signed with HMAC-SHA256, for the deploy agent or any receiver. */
    webhook: DeployWebhookSchema.optional(),
    /** Record in the check run what would be called, and call nothing. */
    dry_run: z.boolean().default(false).describe('Record in the check run what would be called, and call nothing.'),
  })
  .describe('Deploy on green: targets fired when every enabled gate passed on a push to the deploy branch.');

/** The whole `.github/quality-gates.yml`. */
export const ConfigSchema = z
  .strictObject({
    /** Inherit from another repository's config (`.github` or `owner/repo`), merged by Probot. */
    _extends: z
      .string()
      .optional()
      .describe("Inherit from another repository's config (`.github` or `owner/repo`), merged by Probot."),
    /** Toolchains to run: detected from the files (`auto`), or forced. */
    language: z
      .literal(['auto', 'javascript', 'python', 'both'])
      .default('auto')
      .describe('Toolchains to run: detected from the files (`auto`), or forced.'),
    /** The lint gate: ESLint for JavaScript/TypeScript; for Python, ruff with its own configuration when the repository configures ruff, else flake8 (PEP 8). */
    lint: LintSchema.prefault({}),
    /** The coverage gate: the repository's own tests under c8, Jest's V8 coverage, or coverage.py. */
    coverage: CoverageSchema.prefault({}),
    /** The docs gate: doc comments on the public API, and an optional docs build. */
    docs: DocsSchema.prefault({}),
    /** Limits for every command that touches repository code. */
    sandbox: SandboxSchema.prefault({}),
    /** Deploy on green: targets fired when every enabled gate passed on a push to the deploy branch. */
    deploy: DeploySchema.optional(),
  })
  .describe('quality-gates configuration, read from the default branch.');

/** The validated configuration, with every default filled in. */
export type Config = z.infer<typeof ConfigSchema>;

/** The configuration as a user may write it (every key optional). */
export type ConfigInput = z.input<typeof ConfigSchema>;

/** The configuration used when the repository has no `.github/quality-gates.yml`. */
export function defaultConfig(): Config {
  return ConfigSchema.parse({});
}
