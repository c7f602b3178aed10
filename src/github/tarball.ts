/**
 * Streams a commit's tarball. `GET /repos/{owner}/{repo}/tarball/{ref}` answers with a redirect to
 * codeload (a short-lived URL that carries its own token); fetch follows it, and the body is handed on
 * as a stream so a large repository never sits in memory.
 * @module
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Octokit, RepoRef } from './types.js';

/** Downloads the tarball of `sha` as a gzipped stream. */
export async function downloadTarball(octokit: Octokit, ref: RepoRef & { sha: string }): Promise<Readable> {
  try {
    const response = await octokit.rest.repos.downloadTarballArchive({
      owner: ref.owner,
      repo: ref.repo,
      ref: ref.sha,
      request: { parseSuccessResponseBody: false, redirect: 'follow' },
    });
    const body = response.data as unknown;
    if (body instanceof Readable) return body;
    if (body && typeof body === 'object' && 'getReader' in body) {
      return Readable.fromWeb(body as WebReadableStream<Uint8Array>);
    }
    if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
      return Readable.from([Buffer.from(body as ArrayBuffer)]);
    }
    throw new Error('GitHub answered the tarball request without a body');
  } catch (error) {
    throw new Error(`Could not download ${ref.owner}/${ref.repo}@${ref.sha}: check the app can read contents`, {
      cause: error,
    });
  }
}
