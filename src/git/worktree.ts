import { access, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Errors } from '../errors.js';
import { tagFolderName } from '../util/tag-folder.js';
import { cacheGit, ensureTrees, type UpstreamCache } from './cache.js';
import { GitError } from './run.js';

/**
 * Checkouts of a release for the agent, from the bare cache. `git worktree add --detach` fetches the
 * missing blobs in one batch; on openai/codex (4,858 files, 59 MB) it took 2.5 s, as long as a
 * prefetch plus `git archive | tar` (2.2–3.4 s) and as `git archive` on its own (2.6 s).
 */
export function worktreePath(cache: UpstreamCache, tag: string): string {
  return join(dirname(cache.dir), 'worktrees', cache.id, tagFolderName(tag));
}

/** Checkout options: upstream symlinks become plain files (nothing points outside the checkout), no LFS downloads. */
const CHECKOUT_CONFIG = [
  '-c',
  'core.symlinks=false',
  '-c',
  'filter.lfs.smudge=',
  '-c',
  'filter.lfs.process=',
  '-c',
  'filter.lfs.required=false',
  '-c',
  'advice.detachedHead=false',
];

/** A worktree of `ref` (reused when one exists at that commit), returning its path. */
export async function ensureWorktree(
  cache: UpstreamCache,
  ref: { tag: string; commit: string },
): Promise<string> {
  const path = worktreePath(cache, ref.tag);
  if (await hasCheckout(path)) {
    const head = await cache.git(['-C', path, 'rev-parse', '--verify', '--quiet', 'HEAD'], {
      okExitCodes: [1],
    });
    if (head.stdout.trim() === ref.commit) return path;
  }
  await removeWorktree(cache, path);
  await ensureTrees(cache, [ref.commit]);
  await mkdir(dirname(path), { recursive: true });
  try {
    // May fetch missing blobs lazily: bounded like any fetch.
    await cacheGit(cache, [...CHECKOUT_CONFIG, 'worktree', 'add', '--quiet', '--detach', path, ref.commit], {
      network: true,
    });
  } catch (error) {
    await removeWorktree(cache, path);
    // git refuses entries like `..`, `.git` or `a/../b` in a tree; a crafted upstream has them.
    const invalid = error instanceof GitError ? /invalid path '([^']*)'/.exec(error.stderr) : null;
    if (invalid) throw Errors.upstreamTreeUnsafe(cache.id, ref.tag, `it holds the path "${invalid[1]}"`);
    throw error;
  }
  return path;
}

/** Removes a worktree made by ensureWorktree (a missing one is fine). */
export async function removeWorktree(cache: UpstreamCache, path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
  await cacheGit(cache, ['worktree', 'prune']);
}

async function hasCheckout(path: string): Promise<boolean> {
  return access(join(path, '.git')).then(
    () => true,
    () => false,
  );
}
