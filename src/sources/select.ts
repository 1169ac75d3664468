import semver from 'semver';
import type { UpstreamConfig } from '../config/schema.js';
import { tagPatternOf } from '../config/upstreams.js';
import type { Release } from './types.js';

/** Keeps tags that match the pattern and yield a version, drops prereleases unless wanted, newest first by semver. */
export function selectReleases(upstream: UpstreamConfig, candidates: Omit<Release, 'version'>[]): Release[] {
  const pattern = tagPatternOf(upstream);
  const releases: Release[] = [];
  for (const candidate of candidates) {
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
