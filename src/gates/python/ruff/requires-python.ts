/**
 * ruff's `target-version` when the configuration sets none: inferred from `project.requires-python`,
 * as the lowest Python 3 minor version the range admits.
 * @module
 */

type Version = [number, number, number];

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Whether version `v` meets one PEP 440 clause (`>=3.9`, `==3.12.*`, `~=3.11`, `<4`). */
function meets(v: Version, op: string, parts: string[]): boolean {
  const wildcard = parts.at(-1) === '*';
  const nums = (wildcard ? parts.slice(0, -1) : parts).map(Number);
  const bound: Version = [nums[0] ?? 0, nums[1] ?? 0, nums[2] ?? 0];
  const prefix = () => nums.every((n, i) => v[i] === n);
  const c = compare(v, bound);
  if (op === '==') return wildcard ? prefix() : c === 0;
  if (op === '!=') return wildcard ? !prefix() : c !== 0;
  if (op === '>=') return c >= 0;
  if (op === '>') return c > 0;
  if (op === '<=') return c <= 0;
  if (op === '<') return c < 0;
  // `~=X.Y` means >= X.Y and == X.*; `~=X.Y.Z` means >= X.Y.Z and == X.Y.*.
  return c >= 0 && nums.slice(0, -1).every((n, i) => v[i] === n);
}

/**
 * The lowest `py3X` whose releases `requires-python` admits (its lower bound's minor version, as ruff
 * infers `target-version`), or undefined when it says nothing usable.
 */
export function targetFromRequiresPython(spec: unknown): string | undefined {
  if (typeof spec !== 'string' || spec.trim() === '') return undefined;
  const clauses = spec.split(',').map((c) => /^\s*(>=|<=|==|!=|~=|>|<)\s*(\d+(?:\.(?:\d+|\*))*)\s*$/.exec(c));
  if (clauses.some((c) => c === null)) return undefined;
  for (let minor = 7; minor <= 15; minor++) {
    for (let patch = 0; patch <= 50; patch++) {
      if (clauses.every((c) => meets([3, minor, patch], c?.[1] ?? '', (c?.[2] ?? '').split('.')))) return `py3${String(minor)}`;
    }
  }
  return undefined;
}
