import type { UpstreamConfig } from '../config/schema.js';
import { gitTagsSource } from './git-tags.js';
import { githubReleasesSource } from './github.js';
import { npmSource } from './npm.js';
import type { ListOptions, ReleaseSource, SourceDeps } from './types.js';

export { pendingReleases, selectReleases } from './select.js';

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
