import { createReadStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import semver from 'semver';
import { ReleaseBatch } from '../artifacts/batch.js';
import { type ArtifactPaths, artifactPaths } from '../artifacts/paths.js';
import {
  type ChangedFile,
  filesArtifactSchema,
  type ReleaseArtifact,
  releaseArtifactSchema,
} from '../artifacts/schema.js';
import type { ResolvedConfig } from '../config/load.js';
import type { UpstreamConfig } from '../config/schema.js';
import { cloneUrl, getUpstream, selectUpstream, tagPatternOf, webUrl } from '../config/upstreams.js';
import { Errors, isReleaseWatchError } from '../errors.js';
import {
  cacheGit,
  fetchTags,
  localTagCommits,
  missingRemoteTag,
  openCache,
  prefetchDiff,
  type TagCommits,
  type UpstreamCache,
} from '../git/cache.js';
import { COMBINED_DIFF_ARGS, readCombinedDiff } from '../git/changes.js';
import { remoteOf, retryGitUnreachable } from '../git/remote.js';
import { GitError, GitTimeoutError, validateTagName } from '../git/run.js';
import { listReleases, pendingReleases } from '../sources/index.js';
import type { Release, SourceDeps } from '../sources/types.js';
import { readState, upstreamState } from '../state/store.js';
import { readTextIfExists } from '../util/fs.js';
import { nearest } from '../util/near.js';
import { plural } from '../util/plural.js';
import { redactSecrets } from '../util/redact.js';
import { assertSafeTag } from '../util/safe-tag.js';
import { TIMEOUT_SETTINGS } from '../util/timeouts.js';
import { type ChangeTotals, changeTotals, fileClassifier } from './classify.js';

export interface DiffOptions {
  upstream?: string;
  /** Default: the last reviewed tag, or the release before `to` when none was reviewed. */
  from?: string;
  /** Default: the newest pending release. */
  to?: string;
}

export type DiffDeps = Omit<SourceDeps, 'cacheDir'> & { now?: () => Date };

export interface Endpoint {
  tag: string;
  commit: string;
}

export interface DiffResult {
  upstream: string;
  repo: string;
  from: Endpoint;
  to: Endpoint;
  /** The artifact folder and each file written. */
  dir: string;
  artifacts: Pick<ArtifactPaths, 'release' | 'patch' | 'stat' | 'log' | 'files'>;
  counts: Omit<ChangeTotals, 'surfaces'> & { commits: number; releases: number };
  /** Surfaces with at least one changed file that is not ignored. */
  surfacesTouched: string[];
  /** Surface → changed files in it (not ignored). */
  surfaceFiles: Record<string, number>;
  cache: string;
  warnings: string[];
}

/** Options every artifact diff shares: no external diff or textconv drivers, fixed prefixes, renames on. */
const DIFF_ARGS = ['--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/', '-M'];
/** diff.patch and diff.stat quote unusual paths as stock git does (the runner turns quoting off; -z records are verbatim). */
const AS_STOCK_GIT = ['-c', 'core.quotePath=true'];
/** `git diff --stat`'s width when not on a terminal, pinned so COLUMNS cannot change the artifact. */
const STAT_WIDTH = 80;

/**
 * The diff stage: resolves the range, fetches just what it needs into the upstream cache and writes
 * release.json, diff.patch, diff.stat, log.txt and files.json together (all or none).
 */
export async function diffRelease(
  config: ResolvedConfig,
  options: DiffOptions,
  deps: DiffDeps,
): Promise<DiffResult> {
  // Refused before anything reaches git's network side.
  if (options.from !== undefined) assertSafeTag(options.from, '--from');
  if (options.to !== undefined) assertSafeTag(options.to, '--to');
  const validated = new Set<string>();
  const validate = async (tag: string) => {
    if (!validated.has(tag)) validated.add(await validateTagName(tag, deps.git));
  };
  await Promise.all([options.from, options.to].filter((tag) => tag !== undefined).map(validate));
  const id = selectUpstream(config, { upstream: options.upstream, tag: options.to });
  const upstream = getUpstream(config, id);
  const url = cloneUrl(upstream, deps.env);
  const shownUrl = redactSecrets(remoteOf(url).url);
  const note = (message: string) => deps.onNote?.(`${id}: ${message}`);

  const { lastReviewed } = upstreamState(await readState(config.state), id);
  note(`listing releases of ${upstream.repo}`);
  const [releases, { cache, held }] = await Promise.all([
    upstreamCall(id, shownUrl, () =>
      listReleases(
        id,
        upstream,
        { ...deps, cacheDir: config.cache },
        { since: options.from ?? lastReviewed },
      ),
    ),
    // The tags the cache holds are read now, to tell afterwards whether a fetch moved one.
    openCache(config.cache, id, url, deps.git).then(async (opened) => ({
      cache: opened,
      held: opened.created ? new Map<string, string>() : await localTagCommits(opened),
    })),
  ]);
  const range = resolveRange(id, upstream, releases, lastReviewed, options, shownUrl);
  await Promise.all([range.from, range.to].map(validate));

  note(`fetching ${range.from} and ${range.to} into ${cache.dir}`);
  const fetched = await fetchRange(cache, range, releases, shownUrl, held, note);
  const [from, to] = fetched.endpoints;

  const prefetched = await upstreamCall(id, shownUrl, () => prefetchDiff(cache, from.commit, to.commit));
  if (cache.created && prefetched.trees === 0) {
    note(`${shownUrl} ignored the partial-clone filter: the cache holds full history and contents`);
  }
  if (prefetched.blobs > 0) note(`fetched ${plural(prefetched.blobs, 'changed file')} (blobs)`);

  const paths = artifactPaths(config.artifacts, id, to.tag);
  const warnings = await movedTagWarnings(config.artifacts, id, fetched, [from, to]);
  const written = await writeDiffArtifacts(cache, upstream, paths, from, to);
  const releasesBetween = releasesInRange(upstream, releases, from.tag, to.tag);
  const release: ReleaseArtifact = {
    schemaVersion: 1,
    upstream: id,
    repo: upstream.repo,
    url: shownUrl,
    from,
    to,
    releases: releasesBetween,
    compareUrl: `${webUrl(upstream, deps.env)}/compare/${encodeTag(from.tag)}...${encodeTag(to.tag)}`,
    commits: written.commits,
    generatedAt: (deps.now?.() ?? new Date()).toISOString(),
  };
  await written.commit(release);
  note(`wrote ${paths.dir}`);

  const { surfaces, ...totals } = changeTotals(written.files);
  return {
    upstream: id,
    repo: upstream.repo,
    from,
    to,
    dir: paths.dir,
    artifacts: {
      release: paths.release,
      patch: paths.patch,
      stat: paths.stat,
      log: paths.log,
      files: paths.files,
    },
    counts: { ...totals, commits: written.commits, releases: releasesBetween.length },
    surfacesTouched: Object.keys(surfaces).sort(),
    surfaceFiles: surfaces,
    cache: cache.dir,
    warnings,
  };
}

/** Fetches both tags; a tag upstream lacks is reported with the closest release tags. */
async function fetchRange(
  cache: UpstreamCache,
  range: { from: string; to: string },
  releases: readonly Release[],
  url: string,
  held: Map<string, string>,
  onNote: (message: string) => void,
): Promise<TagCommits & { endpoints: [Endpoint, Endpoint] }> {
  const fetched = await fetchReleaseTags(cache, [range.from, range.to], releases, url, { held, onNote });
  return { ...fetched, endpoints: [fetched.endpoints[0]!, fetched.endpoints[1]!] };
}

/**
 * Fetches these tags into the cache in one request (also what `anchors` reads its `from` tree with);
 * a tag upstream lacks is reported with the closest release tags.
 */
export async function fetchReleaseTags(
  cache: UpstreamCache,
  tags: readonly string[],
  releases: readonly Release[],
  url: string,
  options: {
    /** What the cache held before (localTagCommits, read while other work ran): see fetchTags. */
    held?: Map<string, string>;
    onNote?: (message: string) => void;
  } = {},
): Promise<TagCommits & { endpoints: Endpoint[] }> {
  const notFound = (tag: string) =>
    Errors.tagNotFound(
      cache.id,
      tag,
      url,
      nearest(
        tag,
        releases.map((release) => release.tag),
      ),
    );
  let fetched: TagCommits;
  try {
    // A host that does not answer at all gets the same short retry as GitHub's API and ls-remote.
    fetched = await retryGitUnreachable(() => fetchTags(cache, tags, options.held), {
      url,
      what: `fetching ${tags.join(', ')} of ${url} (upstream "${cache.id}")`,
      onNote: options.onNote,
    });
  } catch (error) {
    const missing = missingRemoteTag(error);
    throw missing ? notFound(missing) : fetchFailure(cache.id, url, error);
  }
  const endpoint = (tag: string): Endpoint => {
    const commit = fetched.commits.get(tag);
    if (!commit) throw notFound(tag);
    return { tag, commit };
  };
  return { ...fetched, endpoints: tags.map(endpoint) };
}

/** `--from`/`--to` with their defaults filled in from the state and the upstream's releases. */
function resolveRange(
  id: string,
  upstream: UpstreamConfig,
  releases: readonly Release[],
  lastReviewed: string | null,
  options: Pick<DiffOptions, 'from' | 'to'>,
  url: string,
): { from: string; to: string } {
  let to = options.to;
  if (to === undefined) {
    const newest = pendingReleases(releases, lastReviewed, upstream)[0];
    if (!newest) throw Errors.noPendingRelease(id, lastReviewed);
    to = newest.tag;
  }
  const from =
    options.from ?? reviewedBefore(upstream, lastReviewed, to) ?? releaseBefore(upstream, releases, to)?.tag;
  if (from === undefined) {
    // No release before it because it is no release at all: a mistyped --to, named as such.
    if (!releases.some((release) => release.tag === to)) {
      throw Errors.tagNotFound(
        id,
        to,
        url,
        nearest(
          to,
          releases.map((release) => release.tag),
        ),
      );
    }
    throw Errors.noBaseRelease(id, to);
  }
  if (from === to) throw Errors.emptyRange(id, to);
  return { from, to };
}

/** The last reviewed tag, unless it is `to` itself or newer (re-diffing an older release). */
function reviewedBefore(upstream: UpstreamConfig, lastReviewed: string | null, to: string) {
  if (lastReviewed === null) return undefined;
  const pattern = tagPatternOf(upstream);
  const [reviewed, target] = [pattern.versionOf(lastReviewed), pattern.versionOf(to)];
  return reviewed && target && semver.gte(reviewed, target) ? undefined : lastReviewed;
}

function releaseBefore(upstream: UpstreamConfig, releases: readonly Release[], tag: string) {
  const index = releases.findIndex((release) => release.tag === tag);
  if (index >= 0) return releases[index + 1];
  const version = tagPatternOf(upstream).versionOf(tag);
  return version ? releases.find((release) => semver.lt(release.version, version)) : undefined;
}

/** Releases after `from` up to and including `to`, oldest first. */
export function releasesInRange(
  upstream: UpstreamConfig,
  releases: readonly Release[],
  from: string,
  to: string,
): Release[] {
  const pattern = tagPatternOf(upstream);
  const low = pattern.versionOf(from);
  const high = pattern.versionOf(to);
  if (!high || !low) return releases.filter((release) => release.tag === to);
  return releases
    .filter((release) => semver.gt(release.version, low) && semver.lte(release.version, high))
    .reverse();
}

const encodeTag = (tag: string) => encodeURIComponent(tag).replaceAll('%2F', '/');

interface WrittenArtifacts {
  files: ChangedFile[];
  commits: number;
  /** Writes release.json and moves every artifact into place. */
  commit(release: ReleaseArtifact): Promise<void>;
}

/**
 * Streams the patch, stat and log into the release's staging folder (in parallel: the objects are
 * all local by now) and builds files.json; nothing replaces an earlier artifact until all succeeded.
 */
async function writeDiffArtifacts(
  cache: UpstreamCache,
  upstream: UpstreamConfig,
  paths: ArtifactPaths,
  from: Endpoint,
  to: Endpoint,
): Promise<WrittenArtifacts> {
  const batch = await ReleaseBatch.open(paths.dir);
  const revs = ['--end-of-options', from.commit, to.commit];
  try {
    const [changes, commits] = await Promise.all([
      batch.stream(paths.patch, (temp) => combinedDiff(cache, [...DIFF_ARGS, ...revs], temp)),
      batch.stream(paths.log, async (temp) => {
        await cacheGit(
          cache,
          [
            'log',
            '--oneline',
            '--no-decorate',
            '--abbrev=12',
            '--end-of-options',
            `${from.commit}..${to.commit}`,
          ],
          { stdoutFile: temp },
        );
        return countLines(temp);
      }),
    ]);
    await batch.write(paths.stat, changes.stat);
    const files = changes.files.map(fileClassifier(upstream));
    await batch.writeJson(
      paths.files,
      filesArtifactSchema.parse({ schemaVersion: 1, from: from.tag, to: to.tag, files }),
    );
    return {
      files,
      commits,
      async commit(release) {
        try {
          await batch.writeJson(paths.release, releaseArtifactSchema.parse(release));
          await batch.commit();
        } catch (error) {
          await batch.discard();
          throw error;
        }
      },
    };
  } catch (error) {
    await batch.discard();
    throw error;
  }
}

/**
 * One `git diff` writes raw and numstat records, the stat and the patch to a file beside the patch's
 * temp path; the patch part is then copied into `patchPath` (streamed, never held in memory).
 */
async function combinedDiff(cache: UpstreamCache, args: readonly string[], patchPath: string) {
  const combined = `${patchPath}.all`;
  try {
    await cacheGit(cache, [...AS_STOCK_GIT, 'diff', ...COMBINED_DIFF_ARGS, `--stat=${STAT_WIDTH}`, ...args], {
      stdoutFile: combined,
    });
    const head = await readCombinedDiff(combined);
    await copyFrom(combined, head.patchOffset, patchPath);
    return head;
  } finally {
    await rm(combined, { force: true });
  }
}

/** Copies `source` from `offset` on through one reused buffer: memory stays flat however large the patch. */
async function copyFrom(source: string, offset: number, target: string): Promise<void> {
  const [input, output] = await Promise.all([open(source, 'r'), open(target, 'w')]);
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (let position = offset; ; ) {
      const { bytesRead } = await input.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      await output.write(buffer, 0, bytesRead);
      position += bytesRead;
    }
  } finally {
    await Promise.all([input.close(), output.close()]);
  }
}

async function countLines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) lines += 1;
  }
  return lines;
}

/**
 * A tag that now points at another commit than before: seen by the cache's own copy of the tag, or
 * against the commit an earlier release.json recorded for it.
 */
async function movedTagWarnings(
  artifactsRoot: string,
  id: string,
  fetched: TagCommits,
  endpoints: readonly Endpoint[],
): Promise<string[]> {
  const warnings = new Map<string, string>();
  const short = (commit: string) => commit.slice(0, 12);
  for (const { tag, before, after } of fetched.moved) {
    warnings.set(
      tag,
      `tag ${tag} moved: the cache had it at ${short(before)}, upstream now has ${short(after)}`,
    );
  }
  const toDir = artifactPaths(artifactsRoot, id, endpoints[1]!.tag).release;
  for (const endpoint of endpoints) {
    if (warnings.has(endpoint.tag)) continue;
    for (const file of new Set([artifactPaths(artifactsRoot, id, endpoint.tag).release, toDir])) {
      const recorded = await recordedCommit(file, endpoint.tag);
      if (recorded && recorded !== endpoint.commit) {
        warnings.set(
          endpoint.tag,
          `tag ${endpoint.tag} moved: ${file} recorded it at ${short(recorded)}, upstream now has ${short(endpoint.commit)}`,
        );
        break;
      }
    }
  }
  return [...warnings.values()];
}

async function recordedCommit(file: string, tag: string): Promise<string | undefined> {
  const text = await readTextIfExists(file);
  if (text === undefined) return undefined;
  let parsed: ReturnType<typeof releaseArtifactSchema.safeParse>;
  try {
    parsed = releaseArtifactSchema.safeParse(JSON.parse(text));
  } catch {
    return undefined;
  }
  if (!parsed.success) return undefined;
  const { from, to } = parsed.data;
  return to.tag === tag ? to.commit : from.tag === tag ? from.commit : undefined;
}

/** Runs a step that talks to the upstream, turning git failures into UPSTREAM_FETCH_FAILED. */
export async function upstreamCall<T>(id: string, url: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw fetchFailure(id, url, error);
  }
}

function fetchFailure(id: string, url: string, error: unknown): unknown {
  if (error instanceof GitTimeoutError) {
    return Errors.networkTimeout({
      upstream: id,
      url: redactSecrets(url),
      what: 'Fetching the release tags (git fetch)',
      timeoutMs: error.timeoutMs,
      setting: TIMEOUT_SETTINGS.git.env,
    });
  }
  if (isReleaseWatchError(error) || !(error instanceof GitError)) return error;
  const reason = error.stderr.trim().split('\n').slice(-2).join(' ') || error.message;
  return Errors.upstreamFetch(id, url, redactSecrets(reason));
}
