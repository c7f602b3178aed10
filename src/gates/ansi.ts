/**
 * Terminal colour codes in tool output. Tools run without `NO_COLOR` (a colour library's own tests
 * depend on it), and some colour even into a pipe, so output is read and shown without them.
 * @module
 */

// eslint-disable-next-line no-control-regex -- matching terminal escape sequences is the point
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/**
 * `text` without ANSI escape sequences.
 * @param text Tool output.
 */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}
