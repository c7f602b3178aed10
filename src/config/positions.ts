/**
 * Maps between key paths and places in a YAML document, so that an error found on the parsed value can
 * point at the line and column where the user typed it.
 * @module
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { IssuePath } from './issues.js';

function resolve(doc: Document, node: unknown): Node | undefined {
  if (isAlias(node)) return resolve(doc, node.resolve(doc));
  return isMap(node) || isSeq(node) || isScalar(node) ? node : undefined;
}

const start = (node: { range?: [number, number, number] | null } | null | undefined): number | undefined =>
  node?.range?.[0] ?? undefined;

/**
 * Offset of the node at `path` (of its key when `onKey`). When the path goes deeper than the document
 * (a key missing from the file), the deepest node that exists is used, so the error still points near.
 */
export function offsetOf(doc: Document, path: IssuePath, onKey: boolean): number | undefined {
  let node = resolve(doc, doc.contents);
  let offset = start(node) ?? 0;
  for (const [index, segment] of path.entries()) {
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (pair === undefined) return offset;
      const keyOffset = isScalar(pair.key) ? start(pair.key) : undefined;
      if (last && onKey) return keyOffset ?? offset;
      node = resolve(doc, pair.value);
      offset = start(node) ?? keyOffset ?? offset;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = resolve(doc, node.items[segment]);
      offset = start(node) ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

/** The key path of the innermost mapping entry that spans `offset`, to name the key near a syntax error. */
export function keyPathAt(doc: Document, offset: number): string[] {
  const out: string[] = [];
  let node = resolve(doc, doc.contents);
  while (isMap(node)) {
    const pair = node.items.find((item) => {
      const from = isScalar(item.key) ? start(item.key) : undefined;
      const value = item.value as { range?: [number, number, number] | null } | null;
      const to = value?.range?.[2] ?? value?.range?.[1] ?? from;
      return from !== undefined && to !== undefined && from <= offset && offset <= to;
    });
    if (pair === undefined || !isScalar(pair.key)) break;
    out.push(String(pair.key.value));
    node = resolve(doc, pair.value);
  }
  return out;
}
