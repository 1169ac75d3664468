import type { ChangedFile } from '../../artifacts/schema.js';
import { surfaceOf } from '../patch/classify.js';

/**
 * Source characters (both sides) the parsing rules may read outside the configured surfaces in one
 * analysis. Parsing runs at about a megabyte a second: a 3,000-file range parsed whole takes minutes,
 * while changes outside every surface weigh little. Surface files are always parsed.
 */
export const OUTSIDE_SURFACES_PARSE_CHARS = 500_000;

/** The share of parsing the rules have left outside the surfaces, and the files it did not reach. */
export interface ParseBudget {
  /** False once the budget is spent and the file is outside every surface: the rule skips it. */
  open(meta: ChangedFile): boolean;
  /** Takes `chars` for the file; false (and the file noted as skipped) when they do not fit. */
  take(meta: ChangedFile, chars: number): boolean;
  /** Whether the file would be parsed now (a question only: nothing is taken or noted). */
  left(meta: ChangedFile): boolean;
  /** Changed files a parsing rule left unread, in order. */
  readonly skipped: readonly string[];
}

export function parseBudget(limit = OUTSIDE_SURFACES_PARSE_CHARS): ParseBudget {
  let used = 0;
  const skipped = new Set<string>();
  const outside = (meta: ChangedFile) => surfaceOf(meta) === 'other';
  return {
    open(meta) {
      if (!outside(meta) || used < limit) return true;
      skipped.add(meta.path);
      return false;
    },
    left: (meta) => !outside(meta) || used < limit,
    take(meta, chars) {
      if (!outside(meta)) return true;
      if (used + chars > limit) {
        used = limit;
        skipped.add(meta.path);
        return false;
      }
      used += chars;
      return true;
    },
    get skipped() {
      return [...skipped];
    },
  };
}
