/**
 * The schema of `.github/quality-gates.yml`: the single truth for validation, defaults, the generated
 * JSON Schema (`schema/quality-gates.schema.json`) and `docs/configuration.md`. Every key carries its
 * description and default; objects are strict so that a misspelt key is an error, not a silent no-op.
 * @module
 */
import { z } from 'zod';

/** Where the configuration lives in a repository. */
export const CONFIG_PATH = '.github/quality-gates.yml';

const percent = (what: string) => z.number().min(0).max(100).describe(what);

/** `lint:` — ESLint for JS/TS, flake8 (PEP 8) for Python. */
export const LintSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Run the lint gate.'),
    max_errors: z.int().min(0).default(0).describe('Most lint errors allowed before the gate fails.'),
    max_warnings: z.int().min(0).default(10).describe('Most lint warnings allowed before the gate fails.'),
    scope: z
      .enum(['all', 'changed'])
      .default('all')
      .describe(
        'On pull requests, which findings count towards the thresholds: `all`, or only those on `changed` lines. Findings outside the diff are still reported.',
      ),
  })
  .describe('The lint gate: ESLint for JavaScript/TypeScript, flake8 (PEP 8) for Python.');

/** `coverage:` — the repository's tests, run with coverage. */
export const CoverageSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Run the coverage gate.'),
    command: z
      .string()
      .min(1)
      .optional()
      .describe(
        'The test command, run in the sandbox without network. Default: `npm test` for JavaScript, `pytest` for Python.',
      ),
    min_lines: percent('Least total line coverage, in percent.').default(80),
    min_patch: percent("Least coverage of a pull request's changed executable lines, in percent.").default(80),
    max_drop: z
      .number()
      .min(0)
      .max(100)
      .default(1.0)
      .describe('Largest drop of total line coverage against the base commit, in percentage points.'),
    install: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Command that installs dependencies (network allowed, no secrets). Default: `npm ci` with a lockfile, else `npm install`; for Python, a virtual environment with the requirements.',
      ),
  })
  .describe("The coverage gate: the repository's own tests under c8, Jest's V8 coverage, or coverage.py.");

/** `docs:` — docstring coverage of the public API and the docs build. */
export const DocsSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Run the docs gate.'),
    min_documented: percent('Least share of public symbols that carry a doc comment or docstring, in percent.').default(
      90,
    ),
    build: z
      .enum(['none', 'typedoc', 'sphinx'])
      .default('typedoc')
      .describe('Docs build that must finish without warnings: `none`, `typedoc` (runs on JS/TS repositories) or `sphinx` (runs on Python repositories).'),
    paths: z
      .array(z.string())
      .optional()
      .describe(
        'Globs of the files whose exports are the public API. Default: the package entry points and `src/**` (JS), the package modules outside tests (Python).',
      ),
  })
  .describe('The docs gate: doc comments on the public API, and an optional docs build.');

/** `sandbox:` — limits for every command that touches repository code. */
export const SandboxSchema = z
  .strictObject({
    timeout: z.int().min(1).max(7200).default(600).describe('Wall-clock limit of one command, in seconds.'),
    memory_mb: z.int().min(64).max(65536).default(2048).describe('Address-space limit of one command, in MiB.'),
    max_processes: z.int().min(8).max(4096).default(256).describe('Most processes (and threads) a command may run.'),
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
    trigger_url_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/)
      .default('DOCKERHUB_TRIGGER_URL')
      .describe("Name of the app's environment variable that holds the trigger URL (never the URL itself)."),
    source_type: z.enum(['Branch', 'Tag']).default('Branch').describe('What the trigger builds: a `Branch` or a `Tag`.'),
    source_name: z.string().optional().describe('Branch or tag name to build. Default: the deploy branch.'),
    docker_tag: z.string().optional().describe('Send `{"docker_tag": …}` instead of a source type and name.'),
  })
  .describe('Docker Hub build trigger (Docker Hub autobuilds are retired on 2027-04-01: prefer `webhook`).');

/** `deploy.webhook:` — a signed deploy webhook. */
export const DeployWebhookSchema = z
  .strictObject({
    url_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/)
      .default('DEPLOY_WEBHOOK_URL')
      .describe("Name of the app's environment variable that holds the receiver's URL."),
    secret_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/)
      .default('DEPLOY_WEBHOOK_SECRET')
      .describe("Name of the app's environment variable that holds the HMAC-SHA256 signing secret."),
  })
  .describe('A JSON POST signed with HMAC-SHA256, for the deploy agent or any receiver.');

/** `deploy:` — what happens when the deploy branch is green. */
export const DeploySchema = z
  .strictObject({
    branch: z.string().optional().describe("Branch whose green commits deploy. Default: the repository's default branch."),
    environment: z.string().min(1).default('production').describe('GitHub Deployment environment name.'),
    dockerhub: DockerHubSchema.optional(),
    webhook: DeployWebhookSchema.optional(),
    dry_run: z.boolean().default(false).describe('Record in the check run what would be called, and call nothing.'),
  })
  .describe('Deploy on green: targets fired when every enabled gate passed on a push to the deploy branch.');

/** The whole `.github/quality-gates.yml`. */
export const ConfigSchema = z
  .strictObject({
    _extends: z
      .string()
      .optional()
      .describe("Inherit from another repository's config (`.github` or `owner/repo`), merged by Probot."),
    language: z
      .enum(['auto', 'javascript', 'python', 'both'])
      .default('auto')
      .describe('Toolchains to run: detected from the files (`auto`), or forced.'),
    lint: LintSchema.prefault({}),
    coverage: CoverageSchema.prefault({}),
    docs: DocsSchema.prefault({}),
    sandbox: SandboxSchema.prefault({}),
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
