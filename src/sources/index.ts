import type { UpstreamConfig } from '../config/schema.js';
import { Errors } from '../errors.js';
import { remoteOf } from '../git/remote.js';
import type { GitRunner } from '../git/run.js';
import { cloneUrl } from '../git/url.js';
import type { GitHubClient, GitHubEnv } from '../github/client.js';
import { githubReleasesSource } from './github.js';
import type { NpmRegistry } from './npm.js';
import { npmSource } from './npm.js';
import { selectReleases, unsafeTagNote } from './select.js';
import type { Release } from './types.js';

export { pendingReleases, selectReleases } from './select.js';

/** What a release source needs; constructed once in the command (see deps.ts) and injected. */
export interface SourceDeps {
  env: GitHubEnv;
  git: GitRunner;
  /** Created on first use, so sources that never talk to GitHub never load Octokit. */
  github: () => Promise<GitHubClient>;
  /** Created on first use from the user's npm configuration. */
  npm: () => Promise<NpmRegistry>;
  /** Folder for conditional-request caches (ETags) and similar. */
  cacheDir: string;
  onNote?: (message: string) => void;
}

export interface ListOptions {
  /**
   * The last reviewed tag: paging may stop once releases older than it are reached. `null` (never
   * reviewed) needs only the newest release; left out, every release is listed.
   */
  since?: string | null;
}

export type ReleaseSource = (
  id: string,
  upstream: UpstreamConfig,
  deps: SourceDeps,
  options: ListOptions,
) => Promise<Release[]>;

/** `git ls-remote --tags --refs <url>`: no token, no API rate limit. */
export const gitTagsSource: ReleaseSource = async (id, upstream, deps) => {
  const { url, config } = remoteOf(cloneUrl(upstream, deps.env));
  let stdout: string;
  try {
    ({ stdout } = await deps.git(['ls-remote', '--tags', '--refs', '--', url], { config }));
  } catch (error) {
    // git ends with advice ("Please make sure ..."); the first `fatal:` line says what went wrong.
    const lines = ((error as { stderr?: string }).stderr ?? '').split('\n').filter((l) => l.trim() !== '');
    const reason = lines.find((l) => /^(fatal|error):/.test(l)) ?? lines.at(-1) ?? (error as Error).message;
    throw Errors.gitTagsFailed(id, url, reason.trim(), error);
  }
  const tags = stdout
    .split('\n')
    .map((line) => line.split('\t')[1]?.replace(/^refs\/tags\//, ''))
    .filter((tag): tag is string => Boolean(tag));
  return selectReleases(
    upstream,
    tags.map((tag) => ({ tag, prerelease: false })),
    (tag) => deps.onNote?.(unsafeTagNote(id, tag)),
  );
};

const SOURCES: Record<UpstreamConfig['source'], ReleaseSource> = {
  'git-tags': gitTagsSource,
  'github-releases': githubReleasesSource,
  npm: npmSource,
};

/** Releases of an upstream, newest first (semver order), filtered by its tag pattern and prerelease setting. */
export async function listReleases(
  id: string,
  upstream: UpstreamConfig,
  deps: SourceDeps,
  options: ListOptions = {},
) {
  return SOURCES[upstream.source](id, upstream, deps, options);
}
