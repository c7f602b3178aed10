/**
 * Small wording helpers the gate judges share, so every title and summary says numbers the same way.
 * @module
 */

/** `1 error`, `2 errors`. */
export function plural(count: number, word: string, pluralWord = `${word}s`): string {
  return `${String(count)} ${count === 1 ? word : pluralWord}`;
}

/** A percentage with at most one decimal: `80%`, `78.5%`. */
export function pct(value: number): string {
  return `${String(Math.round(value * 10) / 10)}%`;
}

/** Rounds to two decimals, the precision metrics carry. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** `a`, `a and b`, `a, b and 3 more` — a short list for a sentence. */
export function shortList(items: readonly string[], max = 5): string {
  const shown = items.slice(0, max);
  const more = items.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${String(more)} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${String(shown.at(-1))}`;
}
