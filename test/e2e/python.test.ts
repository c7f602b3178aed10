import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { allCompleted, fixture, OWNER, runNamed, serveRepo, shaOf, startE2E, waitForRuns, type E2E } from './helpers.js';
import { deliver, pullRequestPayload } from '../support/webhooks.js';
import { WEBHOOK_SECRET } from '../support/app-process.js';

/** The unified diff GitHub shows for a file added whole by a pull request. */
async function addedFilePatch(dir: string, file: string): Promise<{ filename: string; patch: string }> {
  const lines = (await readFile(path.join(dir, file), 'utf8')).replace(/\n$/, '').split('\n');
  return { filename: file, patch: [`@@ -0,0 +1,${String(lines.length)} @@`, ...lines.map((line) => `+${line}`)].join('\n') };
}

describe('Python pull requests through the running app', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  }, 60_000);
  afterAll(async () => {
    await e2e.stop();
  });

  it('passes flake8, coverage.py and the docstring gate on a clean Python repository', async () => {
    const sha = shaOf('py-pass-head');
    await serveRepo(e2e.github, 'pypass', sha, fixture('py-pass'));
    const payload = pullRequestPayload({ owner: OWNER, repo: 'pypass', number: 11, sha, baseSha: shaOf('py-pass-base') });
    expect((await deliver(e2e.app.url, 'pull_request', payload, WEBHOOK_SECRET)).status).toBe(200);
    const runs = await waitForRuns(e2e.github, sha, allCompleted(3));
    expect(runs.map((r) => [r.name, r.conclusion])).toEqual([
      ['quality-gates/lint', 'success'],
      ['quality-gates/coverage', 'success'],
      ['quality-gates/docs', 'success'],
    ]);
    expect(runNamed(runs, 'lint').output.summary).toContain('flake8');
    expect(runNamed(runs, 'coverage').output.summary).toContain('coverage.py');
    expect(runNamed(runs, 'coverage').output.title).toMatch(/^100% lines/);
    expect(runs.flatMap((r) => r.annotations)).toHaveLength(0);
  });

  it('fails the lint check with PEP 8 codes on the right lines, honouring the repository [flake8] section', async () => {
    const sha = shaOf('py-pep8-head');
    const dir = fixture('py-pep8');
    await serveRepo(e2e.github, 'pypep8', sha, dir);
    e2e.github.pullFiles.set(`${OWNER}/pypep8#12`, [await addedFilePatch(dir, 'app/bad.py'), await addedFilePatch(dir, 'generated/gen.py')]);
    const payload = pullRequestPayload({ owner: OWNER, repo: 'pypep8', number: 12, sha, baseSha: shaOf('py-pep8-base') });
    expect((await deliver(e2e.app.url, 'pull_request', payload, WEBHOOK_SECRET)).status).toBe(200);
    const runs = await waitForRuns(e2e.github, sha, allCompleted(3));
    const lint = runNamed(runs, 'lint');
    expect(lint.conclusion).toBe('failure');
    expect(lint.output.title).toBe('3 errors, 1 warning');
    const found = lint.annotations.map((a) => [a.path, a.start_line, a.title, a.annotation_level]);
    // max-line-length = 100 (no E501 on line 7), E731 ignored (line 11), generated/ excluded: all from setup.cfg.
    expect(found).toEqual(
      expect.arrayContaining([
        ['app/bad.py', 2, 'F401', 'failure'],
        ['app/bad.py', 16, 'E225', 'failure'],
        ['app/bad.py', 16, 'W291', 'warning'],
        ['app/bad.py', 18, 'E302', 'failure'],
      ]),
    );
    expect(found).toHaveLength(4);
    expect(runNamed(runs, 'coverage').conclusion).toBe('success');
    expect(runNamed(runs, 'docs').conclusion).toBe('success');
  });
});
