/**
 * Reading a request body with a size cap, for every HTTP endpoint of the app and the deploy agent.
 * @module
 */
import type { IncomingMessage } from 'node:http';

/**
 * The body as UTF-8 text, or `undefined` as soon as it is larger than `maxBytes` (declared or
 * streamed). The rest of an oversized body is drained, not kept, so the caller can still answer 413.
 * @param req The request.
 * @param maxBytes The cap.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  if (Number(req.headers['content-length']) > maxBytes) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.resume();
      resolve(undefined);
    };
    req.on('data', onData);
    req.once('end', () => resolve(size > maxBytes ? undefined : Buffer.concat(chunks, size).toString('utf8')));
    req.once('error', reject);
  });
}
