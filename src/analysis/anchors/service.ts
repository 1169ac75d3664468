import type { ResolvedConfig } from '../../config/load.js';
import { cloneUrl, getUpstream, upstreamIds } from '../../config/upstreams.js';
import { fetchReleaseTags, upstreamCall } from '../../diff/service.js';
import { Errors } from '../../errors.js';
import { openCache } from '../../git/cache.js';
import { validateTagName } from '../../git/run.js';
import { listReleases } from '../../sources/index.js';
import type { Release, SourceDeps } from '../../sources/types.js';
import { readState, upstreamState } from '../../state/store.js';
import { redactSecrets } from '../../util/redact.js';
import { anchorsForUpstream, mineDownstream, minedCacheDir } from './index.js';
import { unreadNote } from './render.js';
import type { UpstreamAnchors } from './types.js';

export interface ListAnchorsOptions {
  /** Only this upstream; default: every configured one. */
  upstream?: string;
  /** The tag whose tree anchors are checked against; default: the last reviewed tag, else the newest release. */
  from?: string;
}

/**
 * `release-watch anchors`: mines the downstream once, then per upstream fetches the `from` tag into
 * its cache (the diff stage's fetch) and keeps the anchors its tree holds.
 */
export async function listAnchors(
  config: ResolvedConfig,
  options: ListAnchorsOptions,
  deps: Omit<SourceDeps, 'cacheDir'>,
): Promise<UpstreamAnchors[]> {
  const ids = options.upstream ? [options.upstream] : upstreamIds(config);
  for (const id of ids) getUpstream(config, id);
  if (options.from !== undefined) await validateTagName(options.from, deps.git);
  const mined = await mineDownstream(config.downstream.path, {
    git: deps.git,
    cacheDir: minedCacheDir(config),
  });
  deps.onNote?.(
    `mined ${mined.anchors.length} anchors from ${mined.files} files of ${config.downstream.path}` +
      (mined.parsed < mined.files ? ` (${mined.files - mined.parsed} from the cache)` : ''),
  );
  const state = await readState(config.state);
  const results: UpstreamAnchors[] = [];
  for (const id of ids) {
    const upstream = getUpstream(config, id);
    const url = cloneUrl(upstream, deps.env);
    const shownUrl = redactSecrets(url);
    const { lastReviewed } = upstreamState(state, id);
    let from = options.from ?? lastReviewed ?? undefined;
    let releases: Release[] = [];
    if (from === undefined) {
      releases = await upstreamCall(id, shownUrl, () =>
        listReleases(id, upstream, { ...deps, cacheDir: config.cache }, { since: null }),
      );
      from = releases[0]?.tag;
      if (from === undefined) throw Errors.noReleaseForAnchors(id);
    }
    await validateTagName(from, deps.git);
    const cache = await openCache(config.cache, id, url, deps.git);
    deps.onNote?.(`${id}: reading ${upstream.repo} at ${from}`);
    await fetchReleaseTags(cache, [from], releases, shownUrl, {
      onNote: (m) => deps.onNote?.(`${id}: ${m}`),
    });
    const result = await upstreamCall(id, shownUrl, () =>
      anchorsForUpstream({ config, upstream: id, from: from!, git: deps.git, cache, mined }),
    );
    const unread = unreadNote(result);
    if (unread) deps.onNote?.(unread);
    results.push(result);
  }
  return results;
}
