import { distance } from 'fastest-levenshtein';

/** The tags closest to a mistyped one by edit distance (ties keep the given order, newest first). */
export function nearestTags(tag: string, candidates: readonly string[], limit = 5): string[] {
  return candidates
    .map((candidate, index) => ({ candidate, index, distance: distance(tag, candidate) }))
    .sort((a, b) => a.distance - b.distance || a.index - b.index)
    .slice(0, limit)
    .map((entry) => entry.candidate);
}
