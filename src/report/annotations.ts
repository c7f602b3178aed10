/**
 * Findings as GitHub check run annotations, cut to GitHub's limits and batched by its per-request maximum.
 * @module
 */
import type { Finding, FindingLevel } from '../gates/types.js';
import { byImportance } from './format.js';
import { MAX_ANNOTATIONS_PER_REQUEST, MAX_ANNOTATION_MESSAGE_BYTES, MAX_ANNOTATION_TITLE_CHARS } from './limits.js';

/** One annotation in the shape of GitHub's check run `output.annotations[]`. */
export interface Annotation {
  /** Repository-relative path. */
  path: string;
  /** 1-based first line. */
  start_line: number;
  /** 1-based last line (equal to `start_line` for one line). */
  end_line: number;
  /** 1-based column; GitHub accepts columns only when start and end line are the same. */
  start_column?: number;
  /** 1-based last column; present exactly when `start_column` is. */
  end_column?: number;
  /** GitHub's level: `notice`, `warning` or `failure`. */
  annotation_level: FindingLevel;
  /** What is wrong (at most {@link MAX_ANNOTATION_MESSAGE_BYTES} bytes). */
  message: string;
  /** The rule or code, shown as the annotation's title. */
  title?: string;
}

const ELLIPSIS = '…';

/** Cuts `text` to at most `maxBytes` UTF-8 bytes, on a character boundary, marking the cut with an ellipsis. */
export function capUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const budget = maxBytes - Buffer.byteLength(ELLIPSIS, 'utf8');
  let bytes = 0;
  let out = '';
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > budget) break;
    bytes += size;
    out += char;
  }
  return `${out}${ELLIPSIS}`;
}

function capChars(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}${ELLIPSIS}`;
}

/** One finding as an annotation; lines below 1 (file-level findings) are put on line 1. */
export function toAnnotation(finding: Finding): Annotation {
  const start = Math.max(1, Math.trunc(finding.line));
  const end = Math.max(start, Math.trunc(finding.endLine ?? start));
  const annotation: Annotation = {
    path: finding.path.replace(/^\.\//, ''),
    start_line: start,
    end_line: end,
    annotation_level: finding.level,
    message: capUtf8(finding.message.trim() === '' ? (finding.rule ?? 'problem reported') : finding.message, MAX_ANNOTATION_MESSAGE_BYTES),
  };
  if (start === end && finding.column !== undefined && finding.column >= 1) {
    annotation.start_column = Math.trunc(finding.column);
    annotation.end_column = Math.trunc(finding.column);
  }
  if (finding.rule !== undefined && finding.rule !== '') annotation.title = capChars(finding.rule, MAX_ANNOTATION_TITLE_CHARS);
  return annotation;
}

/**
 * Every finding as an annotation, most important first (failures, then warnings, then notices), so that
 * if a caller stops early the annotations that block the merge are the ones posted.
 */
export function toAnnotations(findings: readonly Finding[]): Annotation[] {
  return [...findings].sort(byImportance).map(toAnnotation);
}

/** Splits annotations into request-sized batches, in order. */
export function batchAnnotations(annotations: readonly Annotation[], size: number = MAX_ANNOTATIONS_PER_REQUEST): Annotation[][] {
  if (!Number.isInteger(size) || size < 1) {
    throw new Error(`batch size must be a whole number of at least 1, got ${String(size)}`);
  }
  const batches: Annotation[][] = [];
  for (let i = 0; i < annotations.length; i += size) batches.push(annotations.slice(i, i + size));
  return batches;
}
