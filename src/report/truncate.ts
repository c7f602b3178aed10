/**
 * Cuts Markdown to a field's limit without breaking it: at a line boundary, never inside a surrogate pair,
 * closing a code fence left open, and with a visible note saying how much was cut.
 * @module
 */
import { MAX_OUTPUT_FIELD_CHARS } from './limits.js';

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** The fence still open at the end of `text` (the string that would close it), or undefined. */
function openFence(text: string): string | undefined {
  let open: string | undefined;
  for (const line of text.split('\n')) {
    const match = FENCE.exec(line);
    if (match?.[1] === undefined) continue;
    const marker = match[1];
    if (open === undefined) open = marker;
    else if (marker[0] === open[0] && marker.length >= open.length && line.trim() === marker) open = undefined;
  }
  return open;
}

function note(cutChars: number, total: number, max: number): string {
  return `\n\n---\n**Cut to fit:** the last ${String(cutChars)} of ${String(total)} characters are not shown (GitHub accepts ${String(max)} per field). Run \`npx quality-gates run\` locally for the full report.`;
}

/** Largest prefix of `text` no longer than `budget`, ending at a line break when one is reasonably near. */
function prefix(text: string, budget: number): string {
  let cut = text.slice(0, budget);
  const lastBreak = cut.lastIndexOf('\n');
  if (lastBreak >= budget / 2) cut = cut.slice(0, lastBreak);
  else if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut;
}

/**
 * Returns `text` unchanged when it fits in `max` characters; otherwise its beginning and a note saying
 * what was cut, together at most `max` characters long.
 */
export function truncateMarkdown(text: string, max: number = MAX_OUTPUT_FIELD_CHARS): string {
  if (text.length <= max) return text;
  const longestNote = note(text.length, text.length, max).length;
  if (longestNote >= max) return prefix(text, max);
  let budget = max - longestNote;
  for (;;) {
    const kept = prefix(text, budget);
    const fence = openFence(kept);
    const closed = fence === undefined ? kept : `${kept}\n${fence}`;
    const out = `${closed}${note(text.length - kept.length, text.length, max)}`;
    if (out.length <= max || budget <= 0) return out.length <= max ? out : out.slice(0, max);
    budget -= out.length - max;
  }
}
