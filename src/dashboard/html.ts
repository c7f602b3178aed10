/**
 * HTML built from template literals that escape every value: a page never carries markup that came
 * from a repository (a file's source, a finding's message, a branch name) unescaped. `raw` marks the
 * few fragments that are already HTML (a nested template, an SVG the app drew).
 * @module
 */

/** Markup that is already safe: returned by {@link html}, or marked with {@link raw}. */
export class SafeHtml {
  /** @param text The markup. */
  constructor(readonly text: string) {}

  /** The markup. */
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for an element's content or a quoted attribute.
 * @param text Any text.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** A value a template may hold: text (escaped), numbers, safe markup, lists of them, or nothing. */
export type HtmlValue = string | number | SafeHtml | undefined | null | false | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map((v: HtmlValue) => render(v)).join('');
  return escapeHtml(String(value as string | number));
}

/** Tagged template: interpolated values are escaped unless they are {@link SafeHtml}. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => (out += render(value) + (strings[i + 1] ?? '')));
  return new SafeHtml(out);
}

/**
 * Marks markup the app produced itself as safe.
 * @param text Markup.
 */
export function raw(text: string): SafeHtml {
  return new SafeHtml(text);
}
