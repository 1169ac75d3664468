import { access, appendFile, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isLeftOver, sweepDir } from '../util/sweep.js';
import { remoteOf } from './remote.js';
import { GitError, type GitOptions, type GitRunner, GitTimeoutError } from './run.js';

/**
 * The upstream cache: one bare partial clone per upstream, `<cache>/<id>.git`, that holds only what
 * the compared releases need. Measured on openai/codex (206 MB, 28k commits) over file://: a first
 * fetch of two tags with `tree:0` took 0.5 s against 1.7 s with `blob:none` (every tree of history),
 * and the two root trees it then lacks arrive in one more request. Later fetches use `blob:none`:
 * the server then sends just the new commits and the trees they changed (0.6 s against 1.6 s for
 * tree:0 plus a root-tree fetch, on the 20,000-file bench upstream). The blobs of a diff arrive in one
 * batch (0.8 s for codex's 506), where letting `cat-file` fetch them one by one took 37 s.
 */
export const FIRST_TAG_FILTER = 'tree:0';
/** Filter of later tag fetches and of the explicit tree and blob fetches (the one git's lazy fetch uses). */
const OBJECT_FILTER = 'blob:none';

export interface UpstreamCache {
  id: string;
  /** The bare partial clone. */
  dir: string;
  /** Clone URL its `origin` fetches from, without credentials. */
  url: string;
  git: GitRunner;
}

export interface TagCommits {
  /** Tag → the commit it points at now (peeled through annotated tags); tags of no commit are absent. */
  commits: Map<string, string>;
  /** Tags the cache already held at a different commit before this fetch. */
  moved: { tag: string; before: string; after: string }[];
}

/** The cache's own config, appended to what `git init` wrote (one file write instead of ten `git config` runs). */
const cacheConfig = (url: string) => `[core]
\trepositoryformatversion = 1
\tlogAllRefUpdates = false
[extensions]
\tpartialClone = origin
[remote "origin"]
\turl = ${quoteConfigValue(url)}
\tpromisor = true
\tpartialCloneFilter = ${OBJECT_FILTER}
\ttagOpt = --no-tags
[protocol]
\t# Fetching objects by id needs protocol v2 unless the server sets uploadpack.allowAnySHA1InWant.
\tversion = 2
[gc]
\tauto = 0
[maintenance]
\tauto = false
`;

function quoteConfigValue(value: string): string {
  if (/[\n\r\0]/.test(value))
    throw new Error(`invalid clone URL (contains a line break): ${JSON.stringify(value)}`);
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

const HEX_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const GITLINK_MODE = '160000';

/** `git --git-dir=<cache> …`: explicit, so neither `safe.bareRepository` nor an enclosing repository matters. */
export function cacheGit(cache: UpstreamCache, args: readonly string[], options?: GitOptions) {
  return cache.git([`--git-dir=${cache.dir}`, ...args], options);
}

export function cachePath(cacheRoot: string, id: string): string {
  return join(cacheRoot, `${id}.git`);
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** The cache of one upstream, created (empty, configured as a partial clone of `url`) on first use. */
export async function openCache(
  cacheRoot: string,
  id: string,
  rawUrl: string,
  git: GitRunner,
): Promise<UpstreamCache & { created: boolean }> {
  // The cache's config keeps the URL without credentials (the cache folder is saved by actions/cache);
  // every git call of this cache gets them through its environment instead.
  const remote = remoteOf(rawUrl);
  const withCredentials: GitRunner = (args, options) =>
    git(args, { ...options, config: [...remote.config, ...(options?.config ?? [])] });
  const { url } = remote;
  const cache: UpstreamCache = { id, dir: cachePath(cacheRoot, id), url, git: withCredentials };
  if (await exists(join(cache.dir, 'HEAD'))) {
    // Read, not `git config --get`: one process less on every run (git quotes only when needed).
    const config = await readFile(join(cache.dir, 'config'), 'utf8').catch(() => '');
    const lines = config.split('\n').map((line) => line.trim());
    if (!lines.includes(`url = ${quoteConfigValue(url)}`) && !lines.includes(`url = ${url}`)) {
      await cacheGit(cache, ['config', 'remote.origin.url', url]);
    }
    return { ...cache, created: false };
  }
  // Built in a temp folder and renamed, so an interrupted first run never leaves a half-configured cache;
  // the temp folders of runs that were killed doing so are removed first.
  const temp = `${cache.dir}.${process.pid}.${Date.now()}.tmp`;
  await mkdir(dirname(cache.dir), { recursive: true });
  await sweepCacheTemps(cache.dir);
  try {
    await git(['init', '--quiet', '--bare', '--template=', temp]);
    await appendFile(join(temp, 'config'), cacheConfig(url));
    await rename(temp, cache.dir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    // Another run created it at the same time: use theirs.
    if (!(await exists(join(cache.dir, 'HEAD')))) throw error;
  }
  return { ...cache, created: true };
}

/** `<id>.git.<pid>.<time>.tmp` folders beside the cache whose process is gone. */
async function sweepCacheTemps(dir: string): Promise<void> {
  const prefix = `${basename(dir)}.`;
  await sweepDir(dirname(dir), (name, mtimeMs) => {
    const pid = name.startsWith(prefix)
      ? /^(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length))?.[1]
      : undefined;
    return pid !== undefined && isLeftOver(Number(pid), mtimeMs);
  });
}

/** Commits that refs (or any revision expressions) peel to; absent ones are left out. Fetches nothing. */
export async function peelCommits(
  cache: UpstreamCache,
  revs: readonly string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (revs.length === 0) return found;
  // On stdin, so no name is ever read as an option.
  const { stdout } = await cacheGit(cache, ['cat-file', '--batch-check=%(objectname)'], {
    input: revs.map((rev) => `${rev}^{commit}\n`).join(''),
  });
  const lines = stdout.split('\n');
  revs.forEach((rev, index) => {
    const line = lines[index]?.trim() ?? '';
    if (HEX_ID.test(line)) found.set(rev, line);
  });
  return found;
}

/**
 * Tag → commit for the tags the cache holds (these, or all), in one `for-each-ref`. A tag of a tag
 * of a commit is left out: the format peels one level only.
 */
export async function localTagCommits(
  cache: UpstreamCache,
  tags?: readonly string[],
): Promise<Map<string, string>> {
  const { stdout } = await cacheGit(cache, [
    'for-each-ref',
    '--format=%(refname)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)',
    ...(tags ? tags.map((tag) => `refs/tags/${tag}`) : ['refs/tags/']),
  ]);
  const commits = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const [ref = '', type, id = '', peeledType, peeled = ''] = line.split('\0');
    const commit = type === 'commit' ? id : peeledType === 'commit' ? peeled : undefined;
    if (ref.startsWith('refs/tags/') && commit) commits.set(ref.slice('refs/tags/'.length), commit);
  }
  return commits;
}

/** The tag named in a "couldn't find remote ref" failure of a fetch, if that is what failed. */
export function missingRemoteTag(error: unknown): string | undefined {
  if (!(error instanceof GitError)) return undefined;
  return /couldn't find remote ref refs\/tags\/(\S+)/.exec(error.stderr)?.[1];
}

/**
 * Fetches these tags in one request (`+`, so a moved tag is updated and reported): into a new cache
 * commits only; later, with the cache's tags as common ground, new commits and the trees they
 * changed. A tag fetched before costs nothing but the ref advertisement.
 */
export async function fetchTags(
  cache: UpstreamCache & { created?: boolean },
  tags: readonly string[],
  /** What the cache held before (from localTagCommits, read while other work ran); read now if absent. */
  held?: Map<string, string>,
): Promise<TagCommits> {
  const refs = tags.map((tag) => `refs/tags/${tag}`);
  const before = held ?? (cache.created ? new Map<string, string>() : await localTagCommits(cache, tags));
  await cacheGit(
    cache,
    [
      'fetch',
      '--quiet',
      '--no-tags',
      '--no-write-fetch-head',
      '--no-recurse-submodules',
      `--filter=${cache.created ? FIRST_TAG_FILTER : OBJECT_FILTER}`,
      '--end-of-options',
      'origin',
      ...refs.map((ref) => `+${ref}:${ref}`),
    ],
    { network: true },
  );
  const after = await peelCommits(cache, refs);
  const commits = new Map<string, string>();
  const moved: TagCommits['moved'] = [];
  tags.forEach((tag, index) => {
    const ref = refs[index]!;
    const commit = after.get(ref);
    // A tag of a tree or blob (rare, but git allows it) has no commit and is left out.
    if (!commit) return;
    commits.set(tag, commit);
    const old = before.get(tag);
    if (old && old !== commit) moved.push({ tag, before: old, after: commit });
  });
  return { commits, moved };
}

/** Fetches objects by id in one request (noop negotiation, like git's own lazy fetch). */
async function fetchObjects(cache: UpstreamCache, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await cacheGit(
    cache,
    [
      '-c',
      'fetch.negotiationAlgorithm=noop',
      'fetch',
      '--quiet',
      '--no-tags',
      '--no-write-fetch-head',
      '--no-recurse-submodules',
      `--filter=${OBJECT_FILTER}`,
      '--stdin',
      'origin',
    ],
    { input: `${ids.join('\n')}\n`, network: true },
  );
}

/**
 * Makes these objects local: the ones the cache lacks arrive in one request, the rest cost nothing.
 * `allMissing` (a cache created by this run holds no blobs) skips the check, which costs git a pack
 * rescan per missing object (0.6 s for 13k). Returns how many were fetched.
 */
export async function fetchMissingObjects(
  cache: UpstreamCache,
  ids: readonly string[],
  options: { allMissing?: boolean } = {},
): Promise<number> {
  const missing = options.allMissing ? ids : await missingObjects(cache, ids);
  await fetchObjects(cache, missing);
  return missing.length;
}

/** Refused ids retried without at most this often; past that the rest counts as unavailable too. */
const MAX_REFUSALS = 64;

/**
 * Like fetchMissingObjects, for a caller that can do without some objects (searching a tree): a batch
 * the server refuses because it lacks some of them (`not our ref <id>`: mirrors that drop blobs of
 * 4 MiB and more) is asked again without the ids its error names. A failure that names none of them
 * (the network, a timeout, a gone remote) still throws. Returns what was fetched and the ids no
 * request could bring: they stay missing, so a reader must skip them (a lazy fetch would fail again).
 */
export async function fetchAvailableObjects(
  cache: UpstreamCache,
  ids: readonly string[],
): Promise<{ fetched: number; unavailable: string[] }> {
  let wanted = await missingObjects(cache, ids);
  const unavailable: string[] = [];
  for (let refusals = 0; ; refusals++) {
    try {
      await fetchObjects(cache, wanted);
      return { fetched: wanted.length, unavailable };
    } catch (error) {
      const refused = refusedIds(error);
      const left = wanted.filter((id) => !refused.has(id));
      if (left.length === wanted.length) throw error;
      unavailable.push(...wanted.filter((id) => refused.has(id)));
      if (refusals + 1 >= MAX_REFUSALS) {
        unavailable.push(...left);
        return { fetched: 0, unavailable };
      }
      wanted = left;
    }
  }
}

/** Object ids a fetch's error says the server does not have (git's and GitHub's wording). */
function refusedIds(error: unknown): Set<string> {
  if (!(error instanceof GitError) || error instanceof GitTimeoutError) return new Set();
  return new Set(
    [...error.stderr.matchAll(/not our ref ([0-9a-f]{40}(?:[0-9a-f]{24})?)\b/g)].map((m) => m[1]!),
  );
}

/** Which of these object ids the cache lacks, found without triggering a lazy fetch. */
async function missingObjects(cache: UpstreamCache, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { stdout } = await cacheGit(
    cache,
    ['rev-list', '--objects', '--no-walk', '--missing=print', '--ignore-missing', '--stdin'],
    { input: `${ids.join('\n')}\n` },
  );
  const present = new Set(stdout.split('\n').map((line) => line.split(' ')[0]));
  return ids.filter((id) => !present.has(id));
}

/**
 * Makes the root trees of these commits (and every tree under them) local, in one request for all
 * that are missing. Returns how many were fetched: 0 right after a first fetch means the server
 * ignored the filter and sent everything.
 */
export async function ensureTrees(cache: UpstreamCache, commits: readonly string[]): Promise<number> {
  const { stdout } = await cacheGit(cache, [
    'rev-list',
    '--objects',
    '--no-walk',
    '--missing=print',
    '--filter=tree:1',
    '--end-of-options',
    ...commits,
  ]);
  const missing = stdout
    .split('\n')
    .filter((line) => line.startsWith('?'))
    .map((line) => line.slice(1).trim());
  await fetchObjects(cache, missing);
  return missing.length;
}

/** Blob ids on either side of `from..to` (no renames needed, so no blob is read to list them). */
async function diffBlobIds(cache: UpstreamCache, from: string, to: string): Promise<string[]> {
  const { stdout } = await cacheGit(cache, [
    'diff',
    '--raw',
    '-z',
    '--no-renames',
    '--no-abbrev',
    '--end-of-options',
    from,
    to,
  ]);
  const ids = new Set<string>();
  for (const token of stdout.split('\0')) {
    if (!token.startsWith(':')) continue;
    const [srcMode, dstMode, srcId, dstId] = token.slice(1).split(' ');
    if (srcMode !== GITLINK_MODE && srcId && !/^0+$/.test(srcId)) ids.add(srcId);
    if (dstMode !== GITLINK_MODE && dstId && !/^0+$/.test(dstId)) ids.add(dstId);
  }
  return [...ids];
}

/**
 * Everything `git diff from to` will read, fetched up front: the two trees, then the blobs the
 * cache lacks in one batch. The diff, stat and numstat that follow then run without the network.
 */
export async function prefetchDiff(cache: UpstreamCache & { created?: boolean }, from: string, to: string) {
  const trees = await ensureTrees(cache, [from, to]);
  const ids = await diffBlobIds(cache, from, to);
  const blobs = await fetchMissingObjects(cache, ids, { allMissing: cache.created });
  return { trees, blobs };
}
