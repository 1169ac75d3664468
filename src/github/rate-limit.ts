/**
 * GitHub's rate limits, read from a failed request, in one place: the sources (listing releases) tell
 * a rate limit from other refusals by it, and report's writes wait by it before looking for their marker.
 */

const statusOf = (error: unknown) => {
  const status = (error as { status?: unknown })?.status;
  return typeof status === 'number' ? status : undefined;
};

/**
 * Seconds GitHub asks to wait after this failed request, or undefined when it was not rate limited:
 * a 429 or 403 with `Retry-After` (that), with `x-ratelimit-remaining: 0` (until `x-ratelimit-reset`,
 * plus one second), or whose message names a rate limit (a minute: GitHub's advice for a secondary
 * limit without `Retry-After`); a bare 429 also waits a minute.
 */
export function rateLimitWaitSeconds(error: unknown, now: number = Date.now()): number | undefined {
  const status = statusOf(error);
  if (status !== 403 && status !== 429) return undefined;
  const headers = ((error as { response?: { headers?: Record<string, unknown> } }).response?.headers ??
    {}) as Record<string, unknown>;
  const retryAfter = headers['retry-after'] === undefined ? Number.NaN : Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter;
  if (String(headers['x-ratelimit-remaining']) === '0') {
    const reset = Number(headers['x-ratelimit-reset']);
    return Number.isFinite(reset) ? Math.max(Math.ceil(reset - now / 1000) + 1, 0) : 60;
  }
  if (/rate limit/i.test((error as Error).message ?? '')) return 60;
  return status === 429 ? 60 : undefined;
}
