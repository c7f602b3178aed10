import { describe, expect, it } from '@jest/globals';
import { hostPath } from '../../src/gates/host-path.js';

describe('hostPath', () => {
  const mounts = [
    { source: '/cache/abc', target: '/ws/node_modules', readOnly: true },
    { source: '/cache/venv', target: '/ws/node_modules/.venv', readOnly: true },
  ];

  it('finds a file of a mounted folder in the folder it was mounted from', () => {
    expect(hostPath({ dir: '/ws', mounts }, 'node_modules/eslint/package.json')).toEqual({ root: '/cache/abc', file: '/cache/abc/eslint/package.json' });
    expect(hostPath({ dir: '/ws', mounts }, 'node_modules')).toEqual({ root: '/cache/abc', file: '/cache/abc' });
  });

  it('takes the deepest mount, and the checkout itself outside every mount', () => {
    expect(hostPath({ dir: '/ws', mounts }, 'node_modules/.venv/bin/python')).toEqual({ root: '/cache/venv', file: '/cache/venv/bin/python' });
    expect(hostPath({ dir: '/ws', mounts }, 'node_modules_extra/x')).toEqual({ root: '/ws', file: '/ws/node_modules_extra/x' });
    expect(hostPath({ dir: '/ws' }, 'node_modules/eslint/package.json')).toEqual({ root: '/ws', file: '/ws/node_modules/eslint/package.json' });
  });
});
