import { join } from 'node:path';
import type { ResolvedConfig } from '../../config/load.js';
import { getUpstream } from '../../config/upstreams.js';
import { openUpstreamCache } from '../../diff/cache.js';
import { Errors } from '../../errors.js';
import { peelCommits, type UpstreamCache } from '../../git/cache.js';
import { type GitRunner, runGit } from '../../git/run.js';
import { redactSecrets } from '../../util/redact.js';
import { matchAnchors } from './match.js';
import {
  blobKey,
  downstreamFiles,
  isMinable,
  type MinedDownstream,
  mineFiles,
  miningCodeVersion,
} from './mine.js';
import { type BlobAnchors, emptyStore, readMined, writeMined } from './store.js';
import type { MinedAnchor, UpstreamAnchors } from './types.js';

export type { MinedDownstream } from './mine.js';

export interface MineOptions {
  git?: GitRunner;
  /** Folder that keeps mined anchors per downstream commit; without it nothing is cached. */
  cacheDir?: string;
}

/** Where mined anchors are kept: beside the upstream caches. */
export const minedCacheDir = (config: Pick<ResolvedConfig, 'cache'>) => join(config.cache, 'anchors');

/**
 * Mines the downstream checkout's tracked files for anchors. With a cache folder, each clean file's
 * anchors (and the text of their lines) are kept by blob id and the mining code's version: mining
 * the same commit again reads one stored file and no file of the checkout, and a new commit reads
 * only the files it changed. Dirty files are always read from the worktree.
 */
export async function mineDownstream(
  downstreamPath: string,
  options: MineOptions = {},
): Promise<MinedDownstream> {
  const git = options.git ?? runGit;
  const [{ commit, files, dirty }, version] = await Promise.all([
    downstreamFiles(downstreamPath, git),
    miningCodeVersion(),
  ]);
  const store = options.cacheDir ? await readMined(options.cacheDir, version) : emptyStore();
  const mined = await mineFiles(downstreamPath, files, dirty, store);
  if (options.cacheDir && mined.parsed.size > 0) {
    const current = new Map<string, BlobAnchors>();
    for (const file of files) {
      const key = blobKey(file);
      const anchors = mined.parsed.get(key) ?? store.blobs.get(key);
      if (anchors) current.set(key, anchors);
    }
    await writeMined(options.cacheDir, version, store.table, current);
  }
  return {
    commit,
    anchors: mined.anchors,
    files: files.filter((file) => isMinable(file.path)).length,
    parsed: mined.parsedCount,
  };
}

/** The anchors of a downstream checkout (see mineDownstream). */
export async function mineAnchors(downstreamPath: string, options: MineOptions = {}): Promise<MinedAnchor[]> {
  return (await mineDownstream(downstreamPath, options)).anchors;
}

export interface UpstreamAnchorsInput {
  config: Pick<ResolvedConfig, 'cache' | 'downstream' | 'upstreams'>;
  upstream: string;
  /** The tag the upstream tree is read at; it must be in the cache (the diff stage fetched it). */
  from: string;
  git?: GitRunner;
  /** The upstream's cache, when the caller holds it open; else opened from the config (needs `env`). */
  cache?: UpstreamCache;
  env?: { serverUrl: string };
  /** Anchors already mined (one mining serves every upstream). */
  mined?: MinedDownstream;
}

/** What the downstream uses of one upstream at `from`: mined (cached per commit), then matched. */
export async function anchorsForUpstream(input: UpstreamAnchorsInput): Promise<UpstreamAnchors> {
  const git = input.git ?? runGit;
  const upstream = getUpstream(input.config, input.upstream);
  if (!input.cache && !input.env)
    throw new Error('anchorsForUpstream needs the upstream cache or the env to open it');
  const cache =
    input.cache ?? (await openUpstreamCache(input.config, input.upstream, { env: input.env!, git }));
  const [mined, commits] = await Promise.all([
    input.mined ??
      mineDownstream(input.config.downstream.path, { git, cacheDir: minedCacheDir(input.config) }),
    peelCommits(cache, [`refs/tags/${input.from}`]),
  ]);
  const commit = commits.get(`refs/tags/${input.from}`);
  if (!commit) throw Errors.tagNotFound(input.upstream, input.from, redactSecrets(cache.url), []);
  const { anchors, unread } = await matchAnchors(mined.anchors, {
    cache,
    commit,
    repo: upstream.repo,
    ignore: upstream.ignore,
    include: upstream.anchors.include,
    exclude: upstream.anchors.exclude,
    storeDir: join(minedCacheDir(input.config), 'matches', input.upstream),
  });
  return {
    upstream: input.upstream,
    from: input.from,
    downstreamCommit: mined.commit,
    anchors,
    ...(unread.length > 0 ? { unread } : {}),
  };
}
