import { describe, it, expect } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfigFile, parseConfig, validateConfigObject } from '../../src/config/load.js';
import { defaultConfig } from '../../src/config/schema.js';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'configs');
const FILE = '.github/quality-gates.yml';

function errorOf(result: ReturnType<typeof parseConfig>): ConfigError {
  if (result.ok) throw new Error('expected the configuration to be rejected');
  return result.error;
}

describe('parseConfig on the fixture files', () => {
  const cases: { fixture: string; line: number; column: number; keyPath: string; message: RegExp }[] = [
    { fixture: 'syntax-error.yml', line: 4, column: 1, keyPath: 'lint.max_errors', message: /invalid YAML: Flow sequence/ },
    { fixture: 'unknown-key.yml', line: 3, column: 3, keyPath: 'lint.max_warning', message: /unknown key; did you mean `max_warnings`\?/ },
    { fixture: 'wrong-type.yml', line: 4, column: 14, keyPath: 'coverage.min_lines', message: /expected a number, got the string "eighty"/ },
  ];
  it.each(cases)('rejects $fixture at $line:$column naming $keyPath', async ({ fixture, line, column, keyPath, message }) => {
    const error = errorOf(parseConfig(await readFile(path.join(FIXTURES, fixture), 'utf8'), FILE));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.file).toBe(FILE);
    expect([error.line, error.column, error.keyPath]).toEqual([line, column, keyPath]);
    expect(error.message.split('\n')[0]).toMatch(message);
    expect(error.message.startsWith(`${FILE}:${String(line)}:${String(column)}: `)).toBe(true);
  });

  it('reports the unknown key exactly as a maintainer reads it', async () => {
    const error = errorOf(parseConfig(await readFile(path.join(FIXTURES, 'unknown-key.yml'), 'utf8'), FILE));
    expect(error.message).toBe('.github/quality-gates.yml:3:3: lint.max_warning: unknown key; did you mean `max_warnings`?');
  });

  it('reports every problem of a file, the first one first', async () => {
    const error = errorOf(parseConfig(await readFile(path.join(FIXTURES, 'wrong-type.yml'), 'utf8'), FILE));
    expect(error.problems.map((p) => [p.line, p.column, p.keyPath])).toEqual([
      [4, 14, 'coverage.min_lines'],
      [7, 18, 'deploy.dockerhub.source_type'],
    ]);
    expect(error.message.split('\n')).toHaveLength(2);
  });

  it('accepts the full example with every key set', async () => {
    const result = parseConfig(await readFile(path.join(FIXTURES, 'valid-full.yml'), 'utf8'), FILE);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.lint.max_warnings).toBe(25);
    expect(result.config.coverage.max_drop).toBe(0.5);
    expect(result.config.docs.paths).toEqual(['src/index.ts', 'src/api/**']);
    expect(result.config.deploy?.dockerhub?.source_type).toBe('Tag');
  });
});

describe('parseConfig on inline text', () => {
  const defaults: { name: string; text: string | undefined }[] = [
    { name: 'no file', text: undefined },
    { name: 'an empty file', text: '' },
    { name: 'a file of comments only', text: '# nothing set yet\n' },
    { name: 'a section with every child commented out', text: 'lint:\n  # max_errors: 3\n' },
  ];
  it.each(defaults)('gives the defaults for $name', ({ text }) => {
    expect(parseConfig(text)).toEqual({ ok: true, config: defaultConfig() });
  });

  it('keeps the defaults of the keys a file leaves out', () => {
    const result = parseConfig('lint:\n  max_warnings: 3\n');
    expect(result.ok && result.config.lint).toEqual({ enabled: true, max_errors: 0, max_warnings: 3, scope: 'all' });
    expect(result.ok && result.config.coverage.min_lines).toBe(80);
  });

  const rejected: { name: string; text: string; at: [number, number]; keyPath: string; message: string }[] = [
    {
      name: 'a wrong type nested two levels deep',
      text: 'deploy:\n  dockerhub:\n    source_type: 5\n',
      at: [3, 18],
      keyPath: 'deploy.dockerhub.source_type',
      message: 'must be one of `Branch`, `Tag`, got the number 5',
    },
    {
      name: 'an unknown key nested two levels deep',
      text: 'deploy:\n  webhook:\n    url_evn: X\n',
      at: [3, 5],
      keyPath: 'deploy.webhook.url_evn',
      message: 'unknown key; did you mean `url_env`?',
    },
    {
      name: 'an unknown key with no close match',
      text: 'colour: blue\n',
      at: [1, 1],
      keyPath: 'colour',
      message: 'unknown key; known keys here: `_extends`, `language`, `lint`, `coverage`, `docs`, `sandbox`, `deploy`',
    },
    {
      name: 'a percentage above 100',
      text: 'coverage:\n  min_lines: 120\n',
      at: [2, 14],
      keyPath: 'coverage.min_lines',
      message: 'must be at most 100, got the number 120',
    },
    {
      name: 'a negative count',
      text: 'lint:\n  max_errors: -1\n',
      at: [2, 15],
      keyPath: 'lint.max_errors',
      message: 'must be at least 0, got the number -1',
    },
    {
      name: 'a fraction where a whole number is needed',
      text: 'lint: { max_warnings: 2.5 }\n',
      at: [1, 23],
      keyPath: 'lint.max_warnings',
      message: 'expected a whole number, got the number 2.5',
    },
    {
      name: 'a percent sign',
      text: 'coverage:\n  min_patch: 75%\n',
      at: [2, 14],
      keyPath: 'coverage.min_patch',
      message: 'expected a number, got the string "75%"; write the number without `%`',
    },
    {
      name: 'a YAML 1.1 boolean',
      text: 'docs:\n  enabled: yes\n',
      at: [2, 12],
      keyPath: 'docs.enabled',
      message: 'expected true or false, got the string "yes"; write `true` or `false`',
    },
    {
      name: 'a misspelt enum value',
      text: 'docs:\n  build: typedco\n',
      at: [2, 10],
      keyPath: 'docs.build',
      message: 'must be one of `none`, `typedoc`, `sphinx`, got the string "typedco"; did you mean `typedoc`?',
    },
    {
      name: 'a wrong item in a list',
      text: 'docs:\n  paths:\n    - src/**\n    - 3\n',
      at: [4, 7],
      keyPath: 'docs.paths[1]',
      message: 'expected a string, got the number 3',
    },
    {
      name: 'an empty command',
      text: 'coverage:\n  command: ""\n',
      at: [2, 12],
      keyPath: 'coverage.command',
      message: 'must not be empty, got the string ""',
    },
    {
      name: 'a URL where an environment variable name belongs',
      text: 'deploy:\n  webhook:\n    url_env: https://example.com\n',
      at: [3, 14],
      keyPath: 'deploy.webhook.url_env',
      message: 'must be an environment variable name (capitals, digits, underscores), got the string "https://example.com"',
    },
    {
      name: "the app's private key as the deploy webhook's signing secret",
      text: 'deploy:\n  webhook:\n    secret_env: PRIVATE_KEY\n',
      at: [3, 17],
      keyPath: 'deploy.webhook.secret_env',
      message: "PRIVATE_KEY is the app's own secret and cannot be used; name a variable the operator set for deploys, such as DEPLOY_WEBHOOK_SECRET",
    },
    {
      name: "the app's Redis URL as the Docker Hub trigger",
      text: 'deploy:\n  dockerhub: { trigger_url_env: QG_REDIS_URL }\n',
      at: [2, 33],
      keyPath: 'deploy.dockerhub.trigger_url_env',
      message: "QG_REDIS_URL is the app's own secret and cannot be used; name a variable the operator set for deploys, such as DOCKERHUB_TRIGGER_URL",
    },
    {
      name: 'a section that is not a mapping',
      text: 'lint: 5\n',
      at: [1, 7],
      keyPath: 'lint',
      message: 'expected a mapping of keys, got the number 5',
    },
    {
      name: 'a file that is a list',
      text: '- lint\n',
      at: [1, 1],
      keyPath: '',
      message: 'expected a mapping of keys, got a list',
    },
    {
      name: 'tabs as indentation',
      text: 'lint:\n\tmax_errors: 1\n',
      at: [2, 1],
      keyPath: '',
      message: 'invalid YAML: Tabs are not allowed as indentation',
    },
    {
      name: 'a key given twice',
      text: 'lint: {}\nlint: {}\n',
      at: [2, 1],
      keyPath: 'lint',
      message: 'invalid YAML: Map keys must be unique',
    },
  ];
  it.each(rejected)('rejects $name with its line, column and key path', ({ text, at, keyPath, message }) => {
    const error = errorOf(parseConfig(text, FILE));
    expect(error.problems[0]).toEqual({ line: at[0], column: at[1], keyPath, message });
  });

  it('names no key path for a problem of the whole file', () => {
    expect(errorOf(parseConfig('- lint\n', FILE)).message).toBe(
      '.github/quality-gates.yml:1:1: expected a mapping of keys, got a list',
    );
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`);
    }
    const error = errorOf(parseConfig(`${levels.join('\n')}\n`, FILE));
    expect(error.message).toMatch(/invalid YAML: .*alias/i);
  });

  it('points into the anchor when an aliased section is wrong', () => {
    const error = errorOf(parseConfig('x-base: &base\n  max_errors: many\nlint: *base\n', FILE));
    const problem = error.problems.find((p) => p.keyPath === 'lint.max_errors');
    expect(problem).toMatchObject({ line: 2, column: 15 });
  });
});

describe('validateConfigObject', () => {
  it('validates a merged object and names key paths without line numbers', () => {
    const result = validateConfigObject({ _extends: '.github', lint: { max_warning: 3 }, coverage: { min_lines: 'high' } }, FILE);
    const error = errorOf(result);
    expect(error.problems).toEqual([
      { line: undefined, column: undefined, keyPath: 'lint.max_warning', message: 'unknown key; did you mean `max_warnings`?' },
      { line: undefined, column: undefined, keyPath: 'coverage.min_lines', message: 'expected a number, got the string "high"' },
    ]);
    expect(error.message.split('\n')[0]).toBe('.github/quality-gates.yml: lint.max_warning: unknown key; did you mean `max_warnings`?');
  });

  it("refuses the app's own webhook secret as a deploy URL in a merged object too", () => {
    const error = errorOf(validateConfigObject({ deploy: { webhook: { url_env: 'WEBHOOK_SECRET', secret_env: 'API_DEPLOY_SECRET' } } }, FILE));
    expect(error.message).toBe(
      ".github/quality-gates.yml: deploy.webhook.url_env: WEBHOOK_SECRET is the app's own secret and cannot be used; name a variable the operator set for deploys, such as DEPLOY_WEBHOOK_URL",
    );
  });

  it.each([{ value: undefined }, { value: null }, { value: {} }])('gives the defaults for $value', ({ value }) => {
    expect(validateConfigObject(value)).toEqual({ ok: true, config: defaultConfig() });
  });

  it('keeps _extends as written', () => {
    const result = validateConfigObject({ _extends: 'acme/.github' });
    expect(result.ok && result.config._extends).toBe('acme/.github');
  });
});

describe('loadConfigFile', () => {
  it('reads and validates a file from disk', async () => {
    const result = await loadConfigFile(path.join(FIXTURES, 'unknown-key.yml'));
    expect(errorOf(result).file).toBe(path.join(FIXTURES, 'unknown-key.yml'));
  });

  it('gives the defaults when the file does not exist', async () => {
    expect(await loadConfigFile(path.join(FIXTURES, 'absent.yml'))).toEqual({ ok: true, config: defaultConfig() });
  });

  it('reports a file that cannot be read as a problem of that file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'qg-config-'));
    try {
      const file = path.join(dir, 'quality-gates.yml');
      await mkdir(file);
      const error = errorOf(await loadConfigFile(file));
      expect(error.message).toMatch(/cannot read the file/);
      expect(error.line).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads a valid file written to disk', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'qg-config-'));
    try {
      const file = path.join(dir, 'quality-gates.yml');
      await writeFile(file, 'docs:\n  min_documented: 50\n');
      const result = await loadConfigFile(file);
      expect(result.ok && result.config.docs.min_documented).toBe(50);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
