import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';

const GitHubOctokit = Octokit.plugin(retry, throttling);
/** Octokit with REST methods and pagination (retry and throttling add no methods). */
export type GitHubClient = Octokit;

/** GitHub Actions conventions, read once from the environment. */
export interface GitHubEnv {
  token?: string;
  apiUrl: string;
  serverUrl: string;
  /** Default downstream repository (`owner/name`). */
  repository?: string;
  output?: string;
  stepSummary?: string;
}

export function githubEnv(env: NodeJS.ProcessEnv = process.env): GitHubEnv {
  const trim = (url: string) => url.replace(/\/+$/, '');
  return {
    token: env.GITHUB_TOKEN || env.GH_TOKEN || undefined,
    apiUrl: trim(env.GITHUB_API_URL || 'https://api.github.com'),
    serverUrl: trim(env.GITHUB_SERVER_URL || 'https://github.com'),
    repository: env.GITHUB_REPOSITORY || undefined,
    output: env.GITHUB_OUTPUT || undefined,
    stepSummary: env.GITHUB_STEP_SUMMARY || undefined,
  };
}

export interface CreateClientOptions {
  env: GitHubEnv;
  /** Rate-limit waits longer than this fail instead of sleeping (seconds). */
  maxRateLimitWait?: number;
  /** Retries on 5xx and rate limits. */
  retries?: number;
  /** Notes such as "rate limited, retrying in 3s"; never given the token. */
  onNote?: (message: string) => void;
  /**
   * Waits in milliseconds: the unit of retry back-off (1 → 1, 4, 9 units), and the gaps between writes
   * and between writes that notify (Octokit's defaults: 1000, 1000, 3000, as GitHub asks). Tests shrink them.
   */
  pacing?: { retryUnitMs?: number; writeGapMs?: number; notifyingWriteGapMs?: number };
}

/** The one Octokit factory: base URL, token, retries with backoff, primary and secondary rate limits. */
export function createGitHubClient(options: CreateClientOptions): GitHubClient {
  const { env } = options;
  const retries = options.retries ?? 3;
  const maxWait = options.maxRateLimitWait ?? 120;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _o: unknown, count: number) => {
      const retrying = count < retries && retryAfter <= maxWait;
      options.onNote?.(
        `GitHub ${kind} rate limit on ${request.method} ${request.url}: ${retrying ? `retrying in ${retryAfter}s` : 'giving up'}` +
          (env.token ? '' : ' (unauthenticated: set GITHUB_TOKEN or GH_TOKEN for a higher limit)'),
      );
      return retrying;
    };
  const { pacing = {} } = options;
  // Only what was given: the plugins merge these over their defaults, and `undefined` would win.
  const unit = pacing.retryUnitMs === undefined ? {} : { retryAfterBaseValue: pacing.retryUnitMs };
  const gap = (key: 'write' | 'notifications', minTime: number | undefined) =>
    minTime === undefined ? {} : { [key]: new Bottleneck.Group({ maxConcurrent: 1, minTime }) };
  return new GitHubOctokit({
    auth: env.token,
    baseUrl: env.apiUrl,
    userAgent: 'release-watch',
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    retry: { retries, ...unit },
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      ...unit,
      ...gap('write', pacing.writeGapMs),
      ...gap('notifications', pacing.notifyingWriteGapMs),
    },
  });
}
