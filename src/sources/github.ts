import { join } from 'node:path';
import semver from 'semver';
import { z } from 'zod';
import type { UpstreamConfig } from '../config/schema.js';
import { tagPatternOf } from '../config/upstreams.js';
import { Errors } from '../errors.js';
import type { GitHubClient } from '../github/client.js';
import { isHostUnreachable, isHttpTimeout } from '../github/fetch.js';
import { rateLimitWaitSeconds } from '../github/rate-limit.js';
import { readTextIfExists, writeJsonAtomically } from '../util/fs.js';
import { TIMEOUT_SETTINGS } from '../util/timeouts.js';
import { selectReleases, sourceHooks } from './select.js';
import type { ListOptions, ReleaseSource, SourceDeps } from './types.js';

const PER_PAGE = 100;
/** 10,000 releases: a safety stop against a `Link` header that never ends. */
const MAX_PAGES = 100;

const githubReleaseSchema = z.object({
  tag_name: z.string(),
  draft: z.boolean().default(false),
  prerelease: z.boolean().default(false),
  created_at: z.string().nullish(),
  published_at: z.string().nullish(),
  body: z.string().nullish(),
  html_url: z.string().nullish(),
});
type GitHubRelease = z.infer<typeof githubReleaseSchema>;

const cachedPageSchema = z.object({
  url: z.string(),
  etag: z.string(),
  next: z.string().nullable(),
  releases: z.array(githubReleaseSchema),
});
type CachedPage = z.infer<typeof cachedPageSchema>;

const etagCacheSchema = z.object({
  version: z.literal(1),
  apiUrl: z.string(),
  pages: z.array(cachedPageSchema),
});
type EtagCache = z.infer<typeof etagCacheSchema>;

/** Where the ETags and bodies of an upstream's release pages are kept between runs. */
export function releasesCacheFile(cacheDir: string, repo: string): string {
  const [owner, name] = repo.split('/') as [string, string];
  return join(cacheDir, 'etags', 'github-releases', owner.toLowerCase(), `${name.toLowerCase()}.json`);
}

async function readCache(file: string, apiUrl: string): Promise<EtagCache> {
  const empty: EtagCache = { version: 1, apiUrl, pages: [] };
  let text: string | undefined;
  try {
    text = await readTextIfExists(file);
  } catch {
    return empty;
  }
  if (text === undefined) return empty;
  try {
    const parsed = etagCacheSchema.safeParse(JSON.parse(text));
    // A cache from another GitHub host, or one that no longer parses, is only a lost optimisation.
    return parsed.success && parsed.data.apiUrl === apiUrl ? parsed.data : empty;
  } catch {
    return empty;
  }
}

/** The `rel="next"` URL of a `Link` header. */
export function nextLink(link: string | undefined): string | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match) return match[1]!;
  }
  return null;
}

interface RequestErrorLike {
  status: number;
  message: string;
  response?: { headers: Record<string, string | number | undefined>; url?: string; data?: unknown };
}
const isRequestError = (error: unknown): error is RequestErrorLike =>
  typeof (error as { status?: unknown })?.status === 'number';

interface PageResult {
  page: CachedPage;
  /** The URL that answered, after redirects (a renamed repository answers under its new name). */
  answeredBy: string;
  notModified: boolean;
}

async function fetchPage(
  client: GitHubClient,
  url: string,
  cached: CachedPage | undefined,
): Promise<PageResult> {
  const headers: Record<string, string> = {};
  // Octokit does not revalidate on its own: without the header every page is a full, counted request.
  if (cached) headers['if-none-match'] = cached.etag;
  try {
    const response = await client.request({ method: 'GET', url, headers });
    const parsed = z.array(githubReleaseSchema).safeParse(response.data);
    if (!parsed.success) throw new InvalidAnswer(url, describeInvalid(response.data, parsed.error));
    const releases = parsed.data;
    const etag = response.headers.etag;
    return {
      page: { url, etag: etag ?? '', next: nextLink(response.headers.link), releases },
      answeredBy: response.url,
      notModified: false,
    };
  } catch (error) {
    // Octokit throws a 304; it means the cached body is still the answer (and cost no rate limit).
    if (cached && isRequestError(error) && error.status === 304) {
      const link = error.response?.headers.link;
      return {
        page: { ...cached, next: typeof link === 'string' ? nextLink(link) : cached.next },
        answeredBy: error.response?.url ?? url,
        notModified: true,
      };
    }
    throw error;
  }
}

/**
 * Whether the pages read so far reach back far enough. With no last-reviewed tag, the first page
 * holding a wanted release is enough; otherwise stop at the page that holds the last-reviewed tag, or
 * whose wanted releases are all no newer than it. One old backport on a page does not stop paging.
 */
function reachedSince(upstream: UpstreamConfig, page: GitHubRelease[], since: string | null): boolean {
  const wanted = selectReleases(upstream, candidatesOf(page));
  if (since === null) return wanted.length > 0;
  if (page.some((release) => release.tag_name === since)) return true;
  const sinceVersion = tagPatternOf(upstream).versionOf(since);
  if (!sinceVersion || wanted.length === 0) return false;
  return wanted.every((release) => semver.lte(release.version, sinceVersion));
}

function candidatesOf(releases: GitHubRelease[]) {
  return releases
    .filter((release) => !release.draft)
    .map((release) => ({
      tag: release.tag_name,
      prerelease: release.prerelease,
      date: release.published_at ?? release.created_at ?? undefined,
      notes: release.body ?? undefined,
      url: release.html_url ?? undefined,
    }));
}

/** A 2xx answer that is not the JSON the API gives: an HTML page, a truncated body, another shape. */
class InvalidAnswer extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** Says what came back, never the body itself (it may be a whole HTML page). */
function describeInvalid(data: unknown, error?: z.ZodError): string {
  if (typeof data === 'string') {
    if (/^\s*<(!doctype|html)/i.test(data)) return 'it is an HTML page';
    return data.trim() === '' ? 'the body is empty' : 'the body is not valid JSON (cut off or malformed)';
  }
  if (data instanceof ArrayBuffer) return 'the body is not JSON';
  const issue = error?.issues[0];
  return issue
    ? `expected a list of releases, but ${issue.path.length ? `at ${issue.path.join('.')}` : 'the body'} ${issue.message.toLowerCase()}`
    : 'expected a list of releases';
}

function toError(id: string, upstream: UpstreamConfig, deps: SourceDeps, error: unknown): unknown {
  if (isHostUnreachable(error)) {
    return Errors.networkUnreachable({
      host: error.host,
      what: `listing the releases of ${upstream.repo} (upstream "${id}")`,
      reason: error.reason,
      attempts: error.attempts,
      cause: error,
    });
  }
  if (isHttpTimeout(error)) {
    return Errors.networkTimeout({
      upstream: id,
      url: error.url,
      what: `Listing the releases of ${upstream.repo} (GitHub API)`,
      timeoutMs: error.timeoutMs,
      setting: TIMEOUT_SETTINGS.http.env,
    });
  }
  if (error instanceof InvalidAnswer) return Errors.githubResponseInvalid(id, error.url, error.reason);
  if (!isRequestError(error)) return error;
  // An error page that is not GitHub's JSON (a proxy's or a load balancer's HTML): say so, not the page.
  const data = error.response?.data;
  if (typeof data === 'string' && data.trim() !== '' && error.status !== 304) {
    return Errors.githubRequestFailed({
      during: 'releases',
      id,
      repo: upstream.repo,
      status: error.status,
      reason: `answered with ${describeInvalid(data).replace(/^it is /, '')}`,
      authenticated: Boolean(deps.env.token),
      cause: error,
    });
  }
  const authenticated = Boolean(deps.env.token);
  if (rateLimitWaitSeconds(error) !== undefined)
    return Errors.githubRateLimited(id, upstream.repo, authenticated, error);
  return Errors.githubRequestFailed({
    during: 'releases',
    id,
    repo: upstream.repo,
    status: error.status,
    reason: error.message,
    authenticated,
    cause: error,
  });
}

/**
 * GitHub releases, newest page first, read until the pages reach the last-reviewed release
 * (`options.since`; undefined reads every page). Drafts are dropped. Each page is asked for with its
 * stored ETag, so an unchanged upstream costs one 304, which GitHub does not count against the limit.
 */
export const githubReleasesSource: ReleaseSource = async (id, upstream, deps, options: ListOptions) => {
  const client = await deps.github();
  const cacheFile = releasesCacheFile(deps.cacheDir, upstream.repo);
  const cache = await readCache(cacheFile, deps.env.apiUrl);
  const pages: CachedPage[] = [];
  let changed = false;
  let url: string | null = `${deps.env.apiUrl}/repos/${upstream.repo}/releases?per_page=${PER_PAGE}`;
  try {
    while (url && pages.length < MAX_PAGES) {
      const cached: CachedPage | undefined = cache.pages[pages.length];
      const result = await fetchPage(client, url, cached?.url === url ? cached : undefined);
      if (pages.length === 0) noteRename(upstream.repo, result.answeredBy, deps);
      pages.push(result.page);
      changed ||= !result.notModified;
      const reached =
        options.since !== undefined && reachedSince(upstream, result.page.releases, options.since);
      url = reached ? null : result.page.next;
    }
  } catch (error) {
    throw toError(id, upstream, deps, error);
  }
  if (url) {
    deps.onNote?.(
      `Stopped listing ${upstream.repo} releases after ${MAX_PAGES} pages; older ones were not read.`,
    );
  }
  if (changed) {
    const kept = [...pages, ...cache.pages.slice(pages.length)].filter((page) => page.etag !== '');
    try {
      await writeJsonAtomically(cacheFile, { version: 1, apiUrl: deps.env.apiUrl, pages: kept });
    } catch (error) {
      deps.onNote?.(`Could not keep the ETag cache ${cacheFile}: ${(error as Error).message}`);
    }
  }
  return selectReleases(
    upstream,
    candidatesOf(pages.flatMap((page) => page.releases)),
    sourceHooks(id, upstream, deps, options),
  );
};

function noteRename(repo: string, answeredBy: string, deps: SourceDeps) {
  const moved = /\/repos\/([^/]+\/[^/?]+)\/releases/.exec(answeredBy)?.[1];
  if (moved && moved.toLowerCase() !== repo.toLowerCase()) {
    deps.onNote?.(
      `GitHub answers ${repo} as ${moved} (renamed); consider setting repo: '${moved}' in the config.`,
    );
  }
}
