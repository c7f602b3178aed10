import { describe, expect, it } from '@jest/globals';
import { parseRunArgs, UsageError } from '../../src/cli/args.js';

describe('parseRunArgs', () => {
  it('defaults to the current directory, text output and every gate', () => {
    expect(parseRunArgs([], '/repo')).toEqual({
      dir: '/repo',
      configFile: undefined,
      base: undefined,
      format: 'text',
      gates: undefined,
      verbose: false,
    });
  });

  it('reads the directory, config file, base ref, format and gate list', () => {
    const options = parseRunArgs(
      ['checkout', '--config', 'qg.yml', '--base', 'origin/main', '--format', 'json', '--only', 'lint, docs', '-v'],
      '/repo',
    );
    expect(options).toEqual({
      dir: 'checkout',
      configFile: 'qg.yml',
      base: 'origin/main',
      format: 'json',
      gates: ['lint', 'docs'],
      verbose: true,
    });
  });

  it.each([
    [['--format', 'xml'], /--format must be text or json/],
    [['--only', 'speed'], /unknown gate "speed"/],
    [['a', 'b'], /at most one directory/],
    [['--colour'], /Unknown option/],
  ])('rejects %j with a usage error', (argv, message) => {
    expect(() => parseRunArgs(argv, '/repo')).toThrow(UsageError);
    expect(() => parseRunArgs(argv, '/repo')).toThrow(message);
  });
});
