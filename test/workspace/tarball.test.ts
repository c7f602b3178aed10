import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { extractTarball, UnsafeTarballError } from '../../src/workspace/tarball.js';

interface Entry {
  path: string;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'CharacterDevice' | 'FIFO';
  body?: string;
  linkpath?: string;
  mode?: number;
}

/** Writes tar headers by hand: the tar package refuses to create the malicious entries these tests need. */
function tarball(entries: Entry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    const type = entry.type ?? (entry.path.endsWith('/') ? 'Directory' : 'File');
    const header = new Header({
      path: entry.path,
      type,
      size: type === 'File' ? body.length : 0,
      mode: entry.mode ?? (type === 'Directory' ? 0o755 : 0o644),
      mtime: new Date(0),
      linkpath: entry.linkpath,
      uid: 0,
      gid: 0,
    });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block);
    if (type === 'File' && body.length > 0) {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

const TOP = 'octo-repo-0123abc/';
let root: string;
let dest: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'qg-tar-'));
  dest = path.join(root, 'dest');
  await mkdir(dest);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('extractTarball', () => {
  it("extracts a GitHub tarball without its top-level folder and counts what it wrote", async () => {
    const archive = tarball([
      { path: TOP },
      { path: `${TOP}package.json`, body: '{"name":"x"}' },
      { path: `${TOP}src/` },
      { path: `${TOP}src/index.js`, body: 'export const x = 1;\n' },
    ]);
    const result = await extractTarball(Readable.from(archive), dest);
    expect(result).toEqual({ files: 2, bytes: 32, links: 0, skipped: 0 });
    expect(await readFile(path.join(dest, 'src', 'index.js'), 'utf8')).toBe('export const x = 1;\n');
    expect(existsSync(path.join(dest, TOP))).toBe(false);
  });

  it('gives the files to the sandbox user when an owner is set (root only)', async () => {
    if (process.getuid?.() !== 0) return;
    const archive = tarball([{ path: TOP }, { path: `${TOP}a/b.txt`, body: 'b' }]);
    await extractTarball(Readable.from(archive), dest, { owner: { uid: 65534, gid: 65534 } });
    expect((await stat(path.join(dest, 'a', 'b.txt'))).uid).toBe(65534);
    expect((await stat(path.join(dest, 'a'))).uid).toBe(65534);
  });

  it('skips links out of the checkout, hard links and devices instead of creating them', async () => {
    const archive = tarball([
      { path: TOP },
      { path: `${TOP}passwd`, type: 'SymbolicLink', linkpath: '/etc/passwd' },
      { path: `${TOP}up`, type: 'SymbolicLink', linkpath: '../../etc/passwd' },
      { path: `${TOP}hard`, type: 'Link', linkpath: '/etc/passwd' },
      { path: `${TOP}tty`, type: 'CharacterDevice' },
      { path: `${TOP}fifo`, type: 'FIFO' },
      { path: `${TOP}ok.txt`, body: 'ok' },
    ]);
    const result = await extractTarball(Readable.from(archive), dest);
    expect(result).toEqual({ files: 1, bytes: 2, links: 0, skipped: 5 });
    for (const name of ['passwd', 'up', 'hard', 'tty', 'fifo']) expect(existsSync(path.join(dest, name))).toBe(false);
  });

  it('keeps links that stay inside the checkout, to files and folders, dangling ones included', async () => {
    const archive = tarball([
      { path: TOP },
      { path: `${TOP}shared/` },
      { path: `${TOP}shared/data.json`, body: '{"a":1}' },
      { path: `${TOP}pkg/` },
      { path: `${TOP}pkg/data.json`, type: 'SymbolicLink', linkpath: '../shared/data.json' },
      { path: `${TOP}alias`, type: 'SymbolicLink', linkpath: 'shared' },
      { path: `${TOP}later`, type: 'SymbolicLink', linkpath: 'build/out.js' },
    ]);
    const result = await extractTarball(Readable.from(archive), dest);
    expect(result).toEqual({ files: 1, bytes: 7, links: 3, skipped: 0 });
    expect(await readFile(path.join(dest, 'pkg', 'data.json'), 'utf8')).toBe('{"a":1}');
    expect(await readFile(path.join(dest, 'alias', 'data.json'), 'utf8')).toBe('{"a":1}');
    expect((await lstat(path.join(dest, 'later'))).isSymbolicLink()).toBe(true);
  });

  it('removes a link that climbs out through another link, which its own target does not show', async () => {
    const archive = tarball([
      { path: TOP },
      { path: `${TOP}deep/` },
      { path: `${TOP}deep/top`, type: 'SymbolicLink', linkpath: '..' },
      { path: `${TOP}deep/sneak`, type: 'SymbolicLink', linkpath: 'top/../dest-sibling' },
    ]);
    await mkdir(path.join(root, 'dest-sibling'));
    const result = await extractTarball(Readable.from(archive), dest);
    expect(existsSync(path.join(dest, 'deep', 'sneak'))).toBe(false);
    expect(result).toMatchObject({ links: 1, skipped: 1 });
  });

  it('never writes through a link, even one that stays inside', async () => {
    const archive = tarball([
      { path: TOP },
      { path: `${TOP}deep/` },
      { path: `${TOP}deep/top`, type: 'SymbolicLink', linkpath: '..' },
      { path: `${TOP}deep/top/x.txt`, body: 'through' },
    ]);
    await expect(extractTarball(Readable.from(archive), dest)).rejects.toThrow(UnsafeTarballError);
    expect(existsSync(path.join(dest, 'x.txt'))).toBe(false);
  });

  it('cannot write through a symlinked folder: the link is skipped and the file lands inside', async () => {
    const outside = path.join(root, 'outside');
    await mkdir(outside);
    const archive = tarball([
      { path: TOP },
      { path: `${TOP}escape`, type: 'SymbolicLink', linkpath: outside },
      { path: `${TOP}escape/pwned.txt`, body: 'pwned' },
    ]);
    await extractTarball(Readable.from(archive), dest);
    expect(existsSync(path.join(outside, 'pwned.txt'))).toBe(false);
    expect((await lstat(path.join(dest, 'escape'))).isDirectory()).toBe(true);
  });

  it('refuses a path that climbs out with ..', async () => {
    const archive = tarball([{ path: TOP }, { path: `${TOP}../../evil.txt`, body: 'evil' }]);
    await expect(extractTarball(Readable.from(archive), dest)).rejects.toThrow(UnsafeTarballError);
    expect(existsSync(path.join(root, 'evil.txt'))).toBe(false);
    expect(existsSync(path.join(dest, 'evil.txt'))).toBe(false);
  });

  it('refuses an absolute path', async () => {
    const target = path.join(root, 'absolute.txt');
    const archive = tarball([{ path: target, body: 'evil' }]);
    await expect(extractTarball(Readable.from(archive), dest, { strip: 0 })).rejects.toThrow(/points outside the checkout/);
    await expect(extractTarball(Readable.from(archive), dest)).rejects.toThrow(/points outside the checkout/);
    expect(existsSync(target)).toBe(false);
  });

  it('aborts past the byte cap with a clear error', async () => {
    const archive = tarball([{ path: TOP }, { path: `${TOP}big.bin`, body: 'x'.repeat(4096) }]);
    await expect(extractTarball(Readable.from(archive), dest, { maxBytes: 1000 })).rejects.toThrow(
      'tarball holds more than 1000 bytes: refusing to extract it',
    );
    expect(existsSync(path.join(dest, 'big.bin'))).toBe(false);
  });

  it('aborts past the entry cap with a clear error', async () => {
    const files = Array.from({ length: 20 }, (_, i) => ({ path: `${TOP}f${i}.txt`, body: 'x' }));
    const archive = tarball([{ path: TOP }, ...files]);
    await expect(extractTarball(Readable.from(archive), dest, { maxEntries: 10 })).rejects.toThrow(/more than 10 entries/);
  });

  it('drops setuid and world-writable bits', async () => {
    const archive = tarball([{ path: TOP }, { path: `${TOP}tool`, body: '#!/bin/sh\n', mode: 0o4777 }]);
    await extractTarball(Readable.from(archive), dest);
    expect((await stat(path.join(dest, 'tool'))).mode & 0o7777).toBe(0o755);
  });

  it('rejects a stream that is not a tarball', async () => {
    const garbage = gzipSync(Buffer.from('this is not a tarball at all, just text'.repeat(40)));
    await expect(extractTarball(Readable.from(garbage), dest)).rejects.toThrow(UnsafeTarballError);
  });
});

describe('extractTarball on endless input', () => {
  it('stops reading input far beyond the byte cap', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'qg-tar-raw-'));
    try {
      const endless = Readable.from((function* () {
        for (let i = 0; i < 64; i++) yield Buffer.alloc(1024 * 1024);
      })());
      await expect(extractTarball(endless, dir, { maxBytes: 1024 })).rejects.toThrow(/larger than \d+ bytes: refusing to read it/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
