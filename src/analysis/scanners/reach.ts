import { isScriptPath } from '../patch/classify.js';
import { type AnchorIndex, RARE_WEIGHT } from './anchor-index.js';
import type { Observation } from './types.js';

/** Why an observation nothing reaches is at most low (findingsOf says so in its detail). */
const UNREACHED =
  'nothing the downstream uses reaches this change, and it is not in a module the downstream imports';

/**
 * Severity follows evidence of use: a scanner observation whose upstream evidence no anchor reaches
 * (no path the downstream names, no value it uses on those lines) in a module the downstream does
 * not import (not a file its imports of a package reach) is at most low, whatever rule made it. Marked before grouping, so that the findings a
 * rule lists one by one are those that stay loud, and a folded "more" finding is as loud as what it
 * holds. `byPath`: the observations are about files as a whole (deleted, moved): their evidence
 * shows what the file held, and a value the downstream uses among its first lines says nothing of
 * its path.
 */
export async function markUnreached<K extends string>(
  observations: readonly Observation<K>[],
  index: AnchorIndex,
  /** Whether the downstream reaches an upstream file through a package it imports (packageReach). */
  inImported: (path: string) => Promise<boolean>,
  options: {
    byPath?: boolean;
    /** Whether the downstream reaches a top-level declaration of a file through its imports (symbolReach). */
    symbols?: (file: string, name: string) => Promise<boolean | undefined>;
  } = {},
): Promise<Observation<K>[]> {
  /** Whether a value the downstream uses is on these lines (a common literal is not enough). */
  const valuesOn = (excerpt: string, path: string) =>
    index
      .lineAnchors(excerpt, path)
      .some(
        (a) => a.kind !== 'symbol' && a.kind !== 'hook' && (a.kind !== 'literal' || a.weight >= RARE_WEIGHT),
      );
  /** Whether the declaration an observation names (`Hooks` of `Hooks['chat.params']`) is reached by types. */
  const bySymbol = async (o: Observation<K>) => {
    const owner = /^[A-Za-z_$][\w$]*/.exec(o.subject)?.[0];
    const file = o.evidence.find((e) => e.ref === 'from')?.path ?? o.path;
    return options.symbols && owner ? options.symbols(file, owner) : undefined;
  };
  const reached = async (o: Observation<K>) => {
    for (const e of o.evidence) {
      if (e.ref === 'downstream') return true;
      if (index.pathAnchors(e.path).length > 0) return true;
      if (!options.byPath && valuesOn(e.excerpt, e.path)) return true;
    }
    const symbol = await bySymbol(o);
    if (symbol !== undefined) return symbol;
    for (const e of o.evidence)
      if ((isScriptPath(e.path) || e.path.endsWith('.json')) && (await inImported(e.path))) return true;
    return false;
  };
  return Promise.all(
    observations.map(async (o) =>
      o.atMostLow !== undefined || (await reached(o)) ? o : { ...o, atMostLow: UNREACHED },
    ),
  );
}
