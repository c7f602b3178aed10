/**
 * Rule selection across an `extend` chain. ruff applies each file's `select`, `extend-select` and
 * `ignore` as one layer on top of the layers before it; the WebAssembly build takes a single layer, so
 * the chain is folded into one that selects the same rules: a later `select` starts afresh, a later
 * `extend-select` drops what earlier layers ignored of it, a later `ignore` drops what they selected.
 * @module
 */
import type { Layer } from './layers.js';
import { strings } from './toml.js';

/** Rule selection after every layer: a layer's `select` starts afresh, its `extend-select` and `ignore` adjust. */
export interface Selection {
  /** The last `select`, when a layer set one. */
  select?: string[];
  /** Rules added on top. */
  extendSelect: string[];
  /** Rules switched off (`ignore` and `extend-ignore`). */
  ignore: string[];
}

/** The selection after `layer`, from the selection before it. */
export function applySelection(state: Selection, layer: Layer): Selection {
  const select = layer.lint.select === undefined ? undefined : strings(layer.lint.select, layer.file, 'select');
  const extendSelect = strings(layer.lint['extend-select'], layer.file, 'extend-select');
  const ignore = [...strings(layer.lint.ignore, layer.file, 'ignore'), ...strings(layer.lint['extend-ignore'], layer.file, 'extend-ignore')];
  if (select !== undefined) return { select, extendSelect, ignore };
  // Later layers win over earlier ones whatever the specificity: a rule this layer selects is no longer
  // ignored by an earlier one, and one it ignores is no longer selected by an earlier one.
  const covers = (wide: string) => (code: string) => code.startsWith(wide) || wide === 'ALL';
  let next: Selection = { ...state, extendSelect: [...state.extendSelect], ignore: [...state.ignore] };
  for (const selector of extendSelect) next = { ...next, ignore: next.ignore.filter((i) => !covers(selector)(i)), extendSelect: [...next.extendSelect, selector] };
  for (const selector of ignore) {
    next = {
      ignore: [...next.ignore, selector],
      extendSelect: next.extendSelect.filter((s) => !covers(selector)(s)),
      ...(next.select ? { select: next.select.filter((s) => !covers(selector)(s)) } : {}),
    };
  }
  return next;
}
