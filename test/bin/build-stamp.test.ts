import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error plain JavaScript without declarations (it runs before any TypeScript loader)
import { COMPILED_ENTRY, isBuildCurrent, sourceFingerprint, writeStamp } from '../../bin/build-stamp.js';

type Fingerprint = [string, number, number][];
const stamp = writeStamp as (root: string) => void;
const current = isBuildCurrent as (root: string) => boolean;
const fingerprint = sourceFingerprint as (root: string) => Fingerprint;

let root: string;

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'qg-stamp-'));
  mkdirSync(path.join(root, 'src', 'app'), { recursive: true });
  writeFileSync(path.join(root, 'src', 'index.ts'), 'export const a = 1;\n');
  writeFileSync(path.join(root, 'src', 'app', 'server.ts'), 'export const b = 2;\n');
  mkdirSync(path.dirname(path.join(root, COMPILED_ENTRY as string)), { recursive: true });
  writeFileSync(path.join(root, COMPILED_ENTRY as string), 'export {};\n');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('build stamp', () => {
  it('lists every source file, sorted, with its size', () => {
    expect(fingerprint(root).map(([file, size]) => [file, size])).toEqual([
      [path.join('src', 'app', 'server.ts'), 20],
      [path.join('src', 'index.ts'), 20],
    ]);
  });

  it('says the build is current right after it was stamped', () => {
    expect(current(root)).toBe(false);
    stamp(root);
    expect(current(root)).toBe(true);
  });

  it('says it is stale once a source is edited, touched, added or removed', () => {
    stamp(root);
    writeFileSync(path.join(root, 'src', 'index.ts'), 'export const a = 10;\n');
    expect(current(root)).toBe(false);

    stamp(root);
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(root, 'src', 'app', 'server.ts'), later, later);
    expect(current(root)).toBe(false);

    stamp(root);
    writeFileSync(path.join(root, 'src', 'new.ts'), 'export {};\n');
    expect(current(root)).toBe(false);

    stamp(root);
    rmSync(path.join(root, 'src', 'new.ts'));
    expect(current(root)).toBe(false);
  });

  it('says it is stale without the compiled entry point or with a broken stamp', () => {
    stamp(root);
    rmSync(path.join(root, COMPILED_ENTRY as string));
    expect(current(root)).toBe(false);
    writeFileSync(path.join(root, COMPILED_ENTRY as string), 'export {};\n');
    writeFileSync(path.join(root, 'dist', 'build-stamp.json'), '{ not json');
    expect(current(root)).toBe(false);
  });
});
