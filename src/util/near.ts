import { distance } from 'fastest-levenshtein';

/** The candidates closest to a word by edit distance, nearest first (ties keep the given order). */
export function nearest(word: string, candidates: readonly string[], limit = 5): string[] {
  return candidates
    .map((candidate, index) => ({ candidate, index, distance: distance(word, candidate) }))
    .sort((a, b) => a.distance - b.distance || a.index - b.index)
    .slice(0, limit)
    .map((entry) => entry.candidate);
}

/** The one candidate a mistyped word most likely meant: within two edits, or a third of its length. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const [best] = nearest(word, candidates, 1);
  if (best === undefined) return undefined;
  return distance(word, best) <= Math.max(2, Math.floor(Math.max(word.length, best.length) / 3))
    ? best
    : undefined;
}
