import type { UpstreamConfig } from '../config/schema.js';
import type { GitHubEnv } from '../github/env.js';

/** Clone URL of an upstream: its `url`, else `${GITHUB_SERVER_URL}/${owner}/${name}.git`. */
export function cloneUrl(
  upstream: Pick<UpstreamConfig, 'repo' | 'url'>,
  env: Pick<GitHubEnv, 'serverUrl'>,
): string {
  return upstream.url ?? `${env.serverUrl}/${upstream.repo}.git`;
}

/** Web base of an upstream for permalinks and compare links. */
export function webUrl(upstream: Pick<UpstreamConfig, 'repo'>, env: Pick<GitHubEnv, 'serverUrl'>): string {
  return `${env.serverUrl}/${upstream.repo}`;
}
