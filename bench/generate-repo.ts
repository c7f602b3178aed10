/**
 * Generates a realistic JavaScript repository for the engine benchmark: `modules` source files with
 * documented exports, one node:test file each, an ESLint-clean style, and one small real dependency
 * so that the dependency cache has something to install.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

function sourceFile(i: number): string {
  return `/**
 * Pricing rules, module ${i}.
 * @module
 */
import isNumber from 'is-number';

/**
 * Scales a price by the rule's factor.
 * @param {number} price - Price in cents.
 * @returns {number} The scaled price.
 */
export function scale${i}(price) {
  if (!isNumber(price)) throw new TypeError('price must be a number');
  return Math.round(price * ${1 + (i % 7) / 10});
}

/**
 * Clamps a price into the rule's range.
 * @param {number} price - Price in cents.
 * @returns {number} The clamped price.
 */
export function clamp${i}(price) {
  const low = ${i * 10};
  const high = ${i * 10 + 1000};
  if (price < low) return low;
  if (price > high) return high;
  return price;
}

/**
 * Describes a price for a receipt line.
 * @param {number} price - Price in cents.
 * @returns {string} A label.
 */
export function label${i}(price) {
  return price === 0 ? 'free' : \`\${(price / 100).toFixed(2)} (rule ${i})\`;
}
`;
}

function testFile(i: number): string {
  return `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clamp${i}, label${i}, scale${i} } from '../src/rule${i}.js';

test('rule ${i} scales and clamps', () => {
  assert.equal(typeof scale${i}(100), 'number');
  assert.equal(clamp${i}(-1), ${i * 10});
  assert.equal(clamp${i}(${i * 10 + 5000}), ${i * 10 + 1000});
  assert.equal(label${i}(0), 'free');
  assert.throws(() => scale${i}('x'), TypeError);
});
`;
}

/** Writes the repository into `dir` and resolves its lockfile with npm (registry access needed once). */
export async function generateRepo(dir: string, modules = 200): Promise<void> {
  await mkdir(path.join(dir, 'src'), { recursive: true });
  await mkdir(path.join(dir, 'test'), { recursive: true });
  await mkdir(path.join(dir, '.github'), { recursive: true });
  const pkg = {
    name: 'bench-pricing',
    version: '1.0.0',
    type: 'module',
    main: 'src/index.js',
    scripts: { test: 'node --test test/' },
    dependencies: { 'is-number': '7.0.0' },
  };
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  const index = ['/**', ' * Pricing rules.', ' * @module', ' */'];
  for (let i = 0; i < modules; i += 1) {
    await writeFile(path.join(dir, 'src', `rule${i}.js`), sourceFile(i));
    await writeFile(path.join(dir, 'test', `rule${i}.test.js`), testFile(i));
    index.push(`export * from './rule${i}.js';`);
  }
  await writeFile(path.join(dir, 'src', 'index.js'), `${index.join('\n')}\n`);
  await writeFile(
    path.join(dir, '.github', 'quality-gates.yml'),
    'coverage:\n  min_lines: 80\ndocs:\n  build: none\nsandbox:\n  timeout: 600\n',
  );
  execFileSync('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'ignore' });
}
