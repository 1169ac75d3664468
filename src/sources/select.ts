import semver from 'semver';
import type { UpstreamConfig } from '../config/schema.js';
import { tagPatternOf } from '../config/upstreams.js';
import { escapeUnsafe, hasUnsafeCharacters } from '../util/unsafe-text.js';
import type { Release } from './types.js';

/** What a source says of a tag it skipped for hidden characters (a custom RegExp pattern may let one through). */
export const unsafeTagNote = (id: string, tag: string) =>
  `${id}: skipped tag ${escapeUnsafe(tag)}: it contains control, bidirectional or invisible characters`;

/**
 * Keeps tags that match the pattern and yield a version, drops prereleases unless wanted, newest
 * first by semver. Tags with control, bidi or invisible characters are skipped before anything else,
 * each reported to `onUnsafe`.
 */
export function selectReleases(
  upstream: UpstreamConfig,
  candidates: Omit<Release, 'version'>[],
  onUnsafe?: (tag: string) => void,
): Release[] {
  const pattern = tagPatternOf(upstream);
  const releases: Release[] = [];
  for (const candidate of candidates) {
    if (hasUnsafeCharacters(candidate.tag)) {
      onUnsafe?.(candidate.tag);
      continue;
    }
    const version = pattern.versionOf(candidate.tag);
    if (!version) continue;
    const prerelease = candidate.prerelease || semver.prerelease(version) !== null;
    if (prerelease && !upstream.prereleases) continue;
    releases.push({ ...candidate, version, prerelease });
  }
  return releases.sort((a, b) => semver.rcompare(a.version, b.version) || a.tag.localeCompare(b.tag));
}

/** Releases after `lastReviewed` (exclusive), newest first. A null state yields only the newest. */
export function pendingReleases(
  releases: readonly Release[],
  lastReviewed: string | null,
  upstream: UpstreamConfig,
) {
  if (releases.length === 0) return [];
  if (lastReviewed === null) return [releases[0]!];
  const last = tagPatternOf(upstream).versionOf(lastReviewed);
  if (!last) return [];
  return releases.filter((r) => semver.gt(r.version, last));
}
