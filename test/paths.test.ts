import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { APP_ROOT, installationRoot, RUNTIME } from '../src/paths.js';

describe('installationRoot', () => {
  it('finds the folder holding package.json from the sources and from their compiled copy', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'qg-root-'));
    try {
      writeFileSync(path.join(root, 'package.json'), '{}');
      mkdirSync(path.join(root, 'dist', 'src'), { recursive: true });
      mkdirSync(path.join(root, 'src'));
      expect(installationRoot(path.join(root, 'src'))).toBe(root);
      expect(installationRoot(path.join(root, 'dist', 'src'))).toBe(root);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('says so when no folder above holds a package.json', () => {
    expect(() => installationRoot('/proc/self')).toThrow(/no package\.json at or above \/proc\/self/);
  });

  it('is this checkout under the tests, which run the sources', () => {
    expect(path.basename(path.join(APP_ROOT, 'package.json'))).toBe('package.json');
    expect(installationRoot(path.join(APP_ROOT, 'src', 'app'))).toBe(APP_ROOT);
    expect(RUNTIME).toBe('sources');
  });
});
