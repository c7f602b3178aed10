import { describe, expect, it } from '@jest/globals';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createSphinxToolchain, sphinxSourceDir } from '../../../src/gates/python/sphinx.js';
import { ToolError } from '../../../src/gates/types.js';
import { fixtureWorkspace } from './fixture.js';

describe('sphinx toolchain', () => {
  it('applies only with docs.build: sphinx', async () => {
    const ws = await fixtureWorkspace('py-pass', { docs: { build: 'sphinx' } });
    const plain = await fixtureWorkspace('py-pass');
    try {
      expect(await createSphinxToolchain().detect(ws.ctx.dir, ws.ctx.config)).toBe(true);
      expect(await createSphinxToolchain().detect(plain.ctx.dir, plain.ctx.config)).toBe(false);
    } finally {
      await Promise.all([ws.cleanup(), plain.cleanup()]);
    }
  });

  it('names python3-sphinx when sphinx-build is not installed', async () => {
    const ws = await fixtureWorkspace('py-pass', { docs: { build: 'sphinx' } });
    try {
      const error = await createSphinxToolchain({ program: 'sphinx-build-not-installed' })
        .measure(ws.ctx)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ToolError);
      expect((error as ToolError).reason).toBe('missing');
      expect((error as ToolError).message).toContain('apt-get install -y python3-sphinx');
    } finally {
      await ws.cleanup();
    }
  });

  it('asks for a conf.py when the repository has none', async () => {
    const ws = await fixtureWorkspace('py-pass', { docs: { build: 'sphinx' } });
    try {
      // Any installed program stands in for sphinx-build: the missing conf.py is found before it runs.
      const error = await createSphinxToolchain({ program: '/bin/true' })
        .measure(ws.ctx)
        .catch((caught: unknown) => caught);
      expect((error as ToolError).message).toContain('no conf.py');
      await mkdir(path.join(ws.ctx.dir, 'docs', 'source'), { recursive: true });
      await writeFile(path.join(ws.ctx.dir, 'docs', 'source', 'conf.py'), '');
      expect(await sphinxSourceDir(ws.ctx.dir)).toBe('docs/source');
    } finally {
      await ws.cleanup();
    }
  });
});

describe('sphinx build with the real sphinx-build', () => {
  async function withDocs(index: string) {
    const ws = await fixtureWorkspace('py-pass', { docs: { build: 'sphinx' } });
    await mkdir(path.join(ws.ctx.dir, 'docs'), { recursive: true });
    await writeFile(path.join(ws.ctx.dir, 'docs', 'conf.py'), "project = 'demo'\nextensions = []\n");
    await writeFile(path.join(ws.ctx.dir, 'docs', 'index.rst'), index);
    return ws;
  }

  it('passes a clean build and fails one that warns, each warning a finding on its line', async () => {
    const clean = await withDocs('Demo\n====\n\nA clean page.\n');
    const broken = await withDocs('Demo\n====\n\nSee :doc:`missing-page`.\n\n.. unknown-directive::\n');
    try {
      const ok = await createSphinxToolchain().measure(clean.ctx);
      expect(ok.build).toMatchObject({ tool: 'sphinx', ok: true });
      expect(ok.buildFindings).toEqual([]);
      const bad = await createSphinxToolchain().measure(broken.ctx);
      expect(bad.build?.ok).toBe(false);
      expect(bad.buildFindings.length).toBeGreaterThanOrEqual(1);
      expect(bad.buildFindings.every((f) => f.path === 'docs/index.rst' && f.line >= 1)).toBe(true);
      expect(bad.buildFindings.map((f) => f.message).join('\n')).toMatch(/missing-page|unknown-directive|Unknown directive/i);
    } finally {
      await Promise.all([clean.cleanup(), broken.cleanup()]);
    }
  });
});
