import semver from 'semver';
import type { UpstreamConfig } from '../config/schema.js';
import { tagPatternOf } from '../config/upstreams.js';
import type { GitRunner } from '../git/run.js';
import { cloneUrl } from '../git/url.js';
import type { GitHubClient, GitHubEnv } from '../github/client.js';
import type { Release } from './types.js';

/** What a release source needs; constructed once in the command and injected. */
export interface SourceDeps {
  env: GitHubEnv;
  git: GitRunner;
  /** Created on first use, so sources that never talk to GitHub never build a client. */
  github: () => GitHubClient;
  /** Folder for conditional-request caches (ETags) and similar. */
  cacheDir: string;
  onNote?: (message: string) => void;
}

export interface ListOptions {
  /** The last reviewed tag: paging may stop once releases older than it are reached. */
  since?: string | null;
}

export type ReleaseSource = (
  id: string,
  upstream: UpstreamConfig,
  deps: SourceDeps,
  options: ListOptions,
) => Promise<Release[]>;

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

/** `git ls-remote --tags --refs <url>`: no token, no API rate limit. */
export const gitTagsSource: ReleaseSource = async (_id, upstream, deps) => {
  const url = cloneUrl(upstream, deps.env);
  const { stdout } = await deps.git(['ls-remote', '--tags', '--refs', '--', url]);
  const tags = stdout
    .split('\n')
    .map((line) => line.split('\t')[1]?.replace(/^refs\/tags\//, ''))
    .filter((tag): tag is string => Boolean(tag));
  return selectReleases(
    upstream,
    tags.map((tag) => ({ tag, prerelease: false })),
  );
};

const SOURCES: Record<UpstreamConfig['source'], ReleaseSource | undefined> = {
  'git-tags': gitTagsSource,
  'github-releases': undefined,
  npm: undefined,
};

/** Releases of an upstream, newest first (semver order), filtered by its tag pattern and prerelease setting. */
export async function listReleases(
  id: string,
  upstream: UpstreamConfig,
  deps: SourceDeps,
  options: ListOptions = {},
) {
  const source = SOURCES[upstream.source];
  if (!source) throw new Error(`release source ${upstream.source} is not implemented yet`);
  return source(id, upstream, deps, options);
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
