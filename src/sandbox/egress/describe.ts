/**
 * Refused connections as sentences for a check run's summary and an install's failure message.
 * @module
 */
import type { EgressRefusal } from './proxy.js';

/**
 * One line per refusal (`the install tried to reach 127.0.0.1:6379: refused (an IP address, not a
 * registry name)`), plus how many were not listed.
 * @param phase What tried (`the install`, `pip`).
 * @param refused The recorded refusals.
 * @param total All refusals, recorded or not.
 */
export function describeRefusals(phase: string, refused: readonly EgressRefusal[], total = refused.length): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const { host, port, reason } of refused) {
    const line = `${phase} tried to reach ${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${String(port)}: refused (${reason})`;
    if (seen.has(line)) continue;
    seen.add(line);
    lines.push(line);
  }
  if (total > refused.length) lines.push(`… and ${String(total - refused.length)} more refused connections`);
  return lines;
}
