import semver from 'semver';
import type { UpstreamConfig } from '../config/schema.js';
import { tagPatternOf } from '../config/upstreams.js';
import { escapeUnsafe, hasUnsafeCharacters } from '../util/unsafe-text.js';
import type { Release } from './types.js';

/** What a source says of a tag it skipped for hidden characters (a custom RegExp pattern may let one through). */
export const unsafeTagNote = (id: string, tag: string) =>
  `${id}: skipped tag ${escapeUnsafe(tag)}: it contains control, bidirectional or invisible characters`;

/** What a source is told about the tags it skipped, and where it keeps the tags it saw. */
export interface SelectHooks {
  onUnsafe?: (tag: string) => void;
  /** Tags that match the pattern but yield no version (they are skipped), once per listing. */
  onNotVersion?: (tags: string[]) => void;
  /** Every tag the source listed, before filtering (for "tags seen" in NO_RELEASES). */
  seen?: string[];
}

/** The hooks every source passes: unsafe and versionless tags become notes; seen tags are kept. */
export function sourceHooks(
  id: string,
  upstream: UpstreamConfig,
  deps: { onNote?: (message: string) => void },
  options: { seen?: string[] },
): SelectHooks {
  return {
    onUnsafe: (tag) => deps.onNote?.(unsafeTagNote(id, tag)),
    onNotVersion: (tags) =>
      deps.onNote?.(
        `warning: ${id}: ${tags.length === 1 ? 'tag' : `${tags.length} tags`} ${tags
          .slice(0, 3)
          .map((tag) => escapeUnsafe(tag))
          .join(
            ', ',
          )}${tags.length > 3 ? ', …' : ''} ${tags.length === 1 ? 'matches' : 'match'} the tag pattern ${
          tagPatternOf(upstream).display
        } but ${tags.length === 1 ? 'is' : 'are'} not a version; skipped (use a RegExp with a (?<version>) group to say where the version is)`,
      ),
    seen: options.seen,
  };
}

/**
 * Keeps tags that match the pattern and yield a version, drops prereleases unless wanted, newest
 * first by semver. Tags with control, bidi or invisible characters are skipped before anything else,
 * each reported to `onUnsafe`.
 */
export function selectReleases(
  upstream: UpstreamConfig,
  candidates: Omit<Release, 'version'>[],
  hooks: SelectHooks = {},
): Release[] {
  const pattern = tagPatternOf(upstream);
  const releases: Release[] = [];
  const notVersions: string[] = [];
  for (const candidate of candidates) {
    hooks.seen?.push(candidate.tag);
    if (hasUnsafeCharacters(candidate.tag)) {
      hooks.onUnsafe?.(candidate.tag);
      continue;
    }
    const version = pattern.versionOf(candidate.tag);
    if (!version) {
      if (pattern.matches(candidate.tag)) notVersions.push(candidate.tag);
      continue;
    }
    const prerelease = candidate.prerelease || semver.prerelease(version) !== null;
    if (prerelease && !upstream.prereleases) continue;
    releases.push({ ...candidate, version, prerelease });
  }
  if (notVersions.length > 0) hooks.onNotVersion?.(notVersions);
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
