/** Small repositories written on the fly for tests that need an unusual shape (many findings). */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A JavaScript repository whose one source file has `count` unused variables (one ESLint error each). */
export async function manyFindingsRepo(count: number): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-many-'));
  await mkdir(path.join(dir, 'src'));
  const lines = Array.from({ length: count }, (_, i) => `  const unused${String(i)} = ${String(i)};`);
  const source = ['/**', ' * Does nothing, noisily.', ' * @returns {number} Zero.', ' */', 'export function noisy() {', ...lines, '  return 0;', '}', ''];
  await writeFile(path.join(dir, 'src', 'index.js'), source.join('\n'));
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'noisy', version: '1.0.0', type: 'module', main: 'src/index.js' }));
  return dir;
}
