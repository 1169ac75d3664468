import type { ResolvedConfig } from '../config/load.js';
import { cloneUrl, getUpstream } from '../config/upstreams.js';
import { openCache } from '../git/cache.js';
import type { GitRunner } from '../git/run.js';

/** The cache of a configured upstream (what the analyze stage reads files and worktrees from). */
export function openUpstreamCache(
  config: Pick<ResolvedConfig, 'cache' | 'upstreams'>,
  id: string,
  deps: { env: { serverUrl: string }; git: GitRunner },
) {
  return openCache(config.cache, id, cloneUrl(getUpstream(config, id), deps.env), deps.git);
}
