import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { APP_ROOT } from '../../src/paths.js';
import { HEALTH_PATH } from '../../src/app/routes.js';

const dockerfile = readFileSync(path.join(APP_ROOT, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(path.join(APP_ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

/** Sources of every COPY instruction from the build context (all but the last word; flags such as --chown skipped). */
function copySources(): string[] {
  return dockerfile
    .split('\n')
    .filter((line) => /^COPY\s/.test(line) && !line.includes('--from='))
    .flatMap((line) => line.trim().split(/\s+/).slice(1).filter((word) => !word.startsWith('--')).slice(0, -1));
}

describe('Dockerfile', () => {
  it('copies only files and folders that exist and that .dockerignore lets through', () => {
    const sources = copySources();
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'bin', 'src', 'assets', 'app.yml']));
    for (const source of sources) {
      expect({ source, exists: existsSync(path.join(APP_ROOT, source)) }).toEqual({ source, exists: true });
      expect({ source, ignored: dockerignore.includes(source) }).toEqual({ source, ignored: false });
    }
  });

  it('health-checks a route the app serves', () => {
    const healthcheck = dockerfile.split('\nHEALTHCHECK')[1] ?? '';
    expect(healthcheck).toContain(`'${HEALTH_PATH}'`);
  });

  it('starts the app the way `npm start` does, as a non-root user, with bubblewrap installed', () => {
    const pkg = JSON.parse(readFileSync(path.join(APP_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('node bin/quality-gates.js serve');
    expect(pkg.scripts.prestart).toBe('npm run build');
    expect(dockerfile).toContain('CMD ["node", "bin/quality-gates.js", "serve"]');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/bubblewrap/);
    expect(dockerfile).toMatch(/^ARG BASE_IMAGE=node:24-slim$/m);
    expect(dockerfile).toMatch(/^FROM \$\{BASE_IMAGE\}$/m);
    expect(dockerfile).toContain('npm ci --omit=dev');
  });

  it('compiles the sources in the image, after copying them and what the compiler reads', () => {
    const build = dockerfile.indexOf('RUN npm run build');
    expect(build).toBeGreaterThan(dockerfile.indexOf('COPY src ./src'));
    expect(build).toBeGreaterThan(dockerfile.indexOf('COPY tsconfig.json tsconfig.build.json ./'));
    expect(dockerfile.indexOf('COPY bin ./bin')).toBeLessThan(build);
  });

  it('builds in one stage and ships the result in another, without npm\'s cache or the build\'s inputs', () => {
    const stages = dockerfile.split(/^FROM /m).slice(1);
    expect(stages).toHaveLength(2);
    const [build = '', final = ''] = stages;
    expect(build).toMatch(/^\$\{BASE_IMAGE\} AS build$/m);
    expect(build).toContain('npm ci --omit=dev');
    expect(build).toContain('--mount=type=secret,id=npm_ca');
    expect(final).toContain('COPY --from=build /app /app');
    expect(final).not.toMatch(/npm (ci|install)|build-essential|\bg\+\+|\bmake\b/);
    expect(final).toContain('--no-install-recommends');
    expect(final).toContain('apt-get clean');
  });

  it('ships the runtime TypeScript tools as production dependencies', () => {
    const pkg = JSON.parse(readFileSync(path.join(APP_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['tsx', 'typescript', 'probot']));
  });
});
