import type { RepoReader } from '../../git/reader.js';
import { isScriptPath } from '../patch/classify.js';
import { type AnchorIndex, RARE_WEIGHT } from './anchor-index.js';
import { packageReach, upstreamModules } from './package-reach.js';
import { symbolReach } from './symbol-reach.js';
import type { Observation, ReachedBy } from './types.js';

/** Why an observation nothing reaches is at most low (findingsOf says so in its detail). */
const UNREACHED =
  'nothing the downstream uses reaches this change, and it is not in a module the downstream imports';

/** What the downstream uses of one analysis's upstream: its anchors, and where its imports lead. */
export interface Reach {
  index: AnchorIndex;
  /** Whether the downstream reaches an upstream file through a package it imports (packageReach). */
  inImported(path: string): Promise<boolean>;
  /** Whether it reaches a top-level declaration of a file through the names it imports (symbolReach). */
  declaration(file: string, name: string): Promise<boolean | undefined>;
}

/** The reach of one analysis: both walks read one listing of the upstream's tree, lazily. */
export function reachOf(reader: RepoReader, index: AnchorIndex): Reach {
  const upstream = upstreamModules(reader);
  return {
    index,
    inImported: packageReach(reader, index.modules, upstream),
    declaration: symbolReach(reader, index.anchors, upstream),
  };
}

/**
 * Severity follows evidence of use: a scanner observation whose upstream evidence no anchor reaches
 * (no path the downstream names, no value it uses on those lines) in a module the downstream does
 * not import (no file its imports of a package lead to) is at most low, whatever rule made it.
 * Marked before grouping, so that the findings a rule lists one by one are those that stay loud,
 * and a folded "more" finding is as loud as what it holds. How a rule's observations are reached
 * is its `reachedBy`: files as a whole (`path`) show what the file held in their evidence, and a
 * value the downstream uses among its first lines says nothing of its path; a TS declaration
 * (`declaration`) is reached by the names the downstream imports where that can be told, whatever
 * values its lines hold.
 */
export async function markUnreached<K extends string>(
  observations: readonly Observation<K>[],
  reach: Reach,
  by: ReachedBy | undefined,
): Promise<Observation<K>[]> {
  const { index } = reach;
  /** Whether a value the downstream uses is on these lines (a common literal is not enough). */
  const valuesOn = (excerpt: string, path: string) =>
    index
      .lineAnchors(excerpt, path)
      .some(
        (a) => a.kind !== 'symbol' && a.kind !== 'hook' && (a.kind !== 'literal' || a.weight >= RARE_WEIGHT),
      );
  /** Whether the declaration an observation names (`Hooks` of `Hooks['chat.params']`) is reached by types. */
  const byDeclaration = async (o: Observation<K>) => {
    const owner = /^[A-Za-z_$][\w$]*/.exec(o.subject)?.[0];
    const file = o.evidence.find((e) => e.ref === 'from')?.path ?? o.path;
    return by === 'declaration' && owner ? reach.declaration(file, owner) : undefined;
  };
  const reached = async (o: Observation<K>) => {
    for (const e of o.evidence) {
      if (e.ref === 'downstream') return true;
      if (index.pathAnchors(e.path).length > 0) return true;
    }
    // Where the names the downstream imports tell, they decide: a value it uses on a type's line
    // (`sessionId` in a member list) is the wire's to judge, in the rules that read the wire.
    const declared = await byDeclaration(o);
    if (declared !== undefined) return declared;
    if (by !== 'path' && o.evidence.some((e) => valuesOn(e.excerpt, e.path))) return true;
    for (const e of o.evidence)
      if ((isScriptPath(e.path) || e.path.endsWith('.json')) && (await reach.inImported(e.path))) return true;
    return false;
  };
  return Promise.all(
    observations.map(async (o) =>
      o.atMostLow !== undefined || (await reached(o)) ? o : { ...o, atMostLow: UNREACHED },
    ),
  );
}
