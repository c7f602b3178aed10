/**
 * The docs toolchain that measures doc-comment coverage of a JS/TS package's public API.
 *
 * It runs on the host, not in the sandbox, on purpose: the TypeScript compiler API only parses the
 * repository's files and resolves their exports; no repository code is ever executed, no config of the
 * repository is loaded as code, and nothing is written.
 * @module
 */
import type { Config } from '../../config/schema.js';
import type { DocsMeasurement, GateContext, Toolchain } from '../types.js';
import { isJavaScriptRepo } from './detect.js';
import { publicApiFiles } from './entry-points.js';

/** Doc comments on the exports of a JS/TS package, found with the TypeScript compiler API. */
export const tsdocToolchain: Toolchain<'docs'> = {
  id: 'tsdoc',
  gate: 'docs',
  language: 'javascript',
  async detect(dir: string, config: Config): Promise<boolean> {
    return isJavaScriptRepo(dir, config);
  },
  async measure(ctx: GateContext): Promise<DocsMeasurement> {
    const files = await publicApiFiles(ctx.dir, ctx.config);
    ctx.log?.debug({ files: files.length }, 'public API files');
    // Loaded on first use: the TypeScript compiler is ~100 MB the web process should not carry.
    const { collectDocItems } = await import('./doc-comments.js');
    return { items: collectDocItems(ctx.dir, files), buildFindings: [] };
  },
};
