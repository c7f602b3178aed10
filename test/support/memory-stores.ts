/** In-memory result cache and ledger for pipeline tests that do not test the store itself. */
import type { GateResult } from '../../src/gates/types.js';
import type { OnceLedger, ResultCache } from '../../src/store/types.js';

/** A result cache in a Map. */
export function memoryResults(): ResultCache & { map: Map<string, GateResult[]> } {
  const map = new Map<string, GateResult[]>();
  return {
    map,
    get: (key) => Promise.resolve(map.get(key)),
    put: (key, results) => {
      map.set(key, results);
      return Promise.resolve();
    },
  };
}

/** A ledger in a Set. */
export function memoryLedger(): OnceLedger {
  const claimed = new Set<string>();
  return {
    claim: (key) => Promise.resolve(!claimed.has(key) && Boolean(claimed.add(key))),
    release: (key) => Promise.resolve(void claimed.delete(key)),
  };
}
