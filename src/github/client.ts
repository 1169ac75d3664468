import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';
import { timeoutSetting } from '../util/timeouts.js';
import type { GitHubEnv } from './env.js';
import { meteredFetch, newRequestMeter, type RequestMeter, timedFetch } from './fetch.js';

const GitHubOctokit = Octokit.plugin(retry, throttling);
/** Octokit with REST methods and pagination (retry and throttling add no methods). */
export type GitHubClient = Octokit;

export { type GitHubEnv, githubEnv } from './env.js';

export interface CreateClientOptions {
  env: GitHubEnv;
  /** Rate-limit waits longer than this fail instead of sleeping (seconds). */
  maxRateLimitWait?: number;
  /** Retries on 5xx and rate limits. */
  retries?: number;
  /**
   * Milliseconds per unit of wait: retry backoff is (attempt^2) units, a rate-limit wait is its
   * `Retry-After` / `x-ratelimit-reset` seconds in units. Default 1000; tests shorten it.
   */
  retryBaseMs?: number;
  /**
   * Gaps in milliseconds between writes, and between writes that notify (issues, comments): Octokit's
   * 1000 and 3000 by default, as GitHub asks of content-creating clients. Tests shorten them.
   */
  writeGapMs?: number;
  notifyingWriteGapMs?: number;
  /** Bound of one HTTP request, body included (default: RELEASE_WATCH_HTTP_TIMEOUT, else 30 s). */
  requestTimeoutMs?: number;
  /** Counts the requests made (see {@link meteredFetch}); a fresh one when left out. */
  meter?: RequestMeter;
  /** Waits between attempts when the host cannot be reached at all (DNS, refused); tests shorten them. */
  networkRetryDelaysMs?: readonly number[];
  /** Notes such as "rate limited, retrying in 3s"; never given the token. */
  onNote?: (message: string) => void;
}

/** The one Octokit factory: base URL, token, retries with backoff, primary and secondary rate limits. */
export function createGitHubClient(options: CreateClientOptions): GitHubClient {
  const { env } = options;
  const retries = options.retries ?? 3;
  const maxWait = options.maxRateLimitWait ?? 120;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _o: unknown, count: number) => {
      // A write that hit a limit may have gone through all the same (GitHub answers 403 for an issue it
      // created): the caller looks for its marker before trying again, so the plugin never resends it.
      const write = !['GET', 'HEAD'].includes(request.method.toUpperCase());
      const retrying = !write && count < retries && retryAfter <= maxWait;
      options.onNote?.(
        `GitHub ${kind} rate limit on ${request.method} ${request.url}: ${retrying ? `retrying in ${retryAfter}s` : write ? `checking whether it went through, then retrying after ${retryAfter}s` : 'giving up'}` +
          (env.token ? '' : ' (unauthenticated: set GITHUB_TOKEN or GH_TOKEN for a higher limit)'),
      );
      return retrying;
    };
  // Only the gaps given: the plugin fills in its own groups for the rest.
  const gap = (key: 'write' | 'notifications', minTime: number | undefined) =>
    minTime === undefined ? {} : { [key]: new Bottleneck.Group({ maxConcurrent: 1, minTime }) };
  return new GitHubOctokit({
    auth: env.token,
    baseUrl: env.apiUrl,
    userAgent: 'release-watch',
    request: {
      fetch: meteredFetch(
        timedFetch(options.requestTimeoutMs ?? timeoutSetting('http'), globalThis.fetch, {
          delaysMs: options.networkRetryDelaysMs,
          onNote: options.onNote,
        }),
        options.meter ?? newRequestMeter(),
        maxWait * 1000,
      ),
    },
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    retry: { retries, retryAfterBaseValue: options.retryBaseMs ?? 1000 },
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      retryAfterBaseValue: options.retryBaseMs ?? 1000,
      ...gap('write', options.writeGapMs),
      ...gap('notifications', options.notifyingWriteGapMs),
    },
  });
}
