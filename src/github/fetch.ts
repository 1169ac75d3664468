import { setTimeout as sleep } from 'node:timers/promises';
import { retryUnreachable } from '../util/retry.js';

/**
 * Octokit 22 has no request timeout of its own (`request.timeout` is ignored with fetch), and one
 * `request.signal` on the client would be shared by every request. This fetch bounds each request,
 * body included, and is handed to Octokit as `request.fetch`.
 */

/**
 * A failure with no HTTP answer behind it. Named AbortError so @octokit/request and the retry plugin
 * pass it on as is (other errors become "500" and are retried again).
 */
abstract class NoAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AbortError';
  }

  // @octokit/request sets `status = 500` on an AbortError; there was no answer, so no status.
  get status(): undefined {
    return undefined;
  }
  set status(_ignored: unknown) {}
}

/** A request that got no (complete) answer in time. */
export class HttpTimeoutError extends NoAnswerError {
  readonly code = 'HTTP_TIMEOUT';
  constructor(
    readonly method: string,
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`no answer to ${method} ${url} within ${Math.round(timeoutMs / 1000)}s`);
  }
}

export const isHttpTimeout = (error: unknown): error is HttpTimeoutError =>
  (error as { code?: unknown })?.code === 'HTTP_TIMEOUT' && error instanceof Error;

/** Errors of a connection that never carried the request: the name resolution or the connect failed. */
const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);
/** TLS failures: the request was not sent either, but trying again changes nothing. */
const TLS = /^(?:CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)/;

/** The errno-like code of a failed fetch (undici puts it on `cause`, sometimes one level deeper). */
function networkCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string' && (UNREACHABLE.has(e.code) || TLS.test(e.code))) return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}

/** The host did not answer at all (DNS, refused, TLS): not "GitHub answered 500". */
export class HostUnreachableError extends NoAnswerError {
  readonly code = 'HOST_UNREACHABLE';
  constructor(
    readonly host: string,
    readonly reason: string,
    readonly attempts: number,
  ) {
    super(`cannot reach ${host}: ${reason}`);
  }
}

export const isHostUnreachable = (error: unknown): error is HostUnreachableError =>
  (error as { code?: unknown })?.code === 'HOST_UNREACHABLE' && error instanceof Error;

export interface NetworkRetry {
  /** Waits before the 2nd, 3rd, … attempt (ms); a short, bounded retry. */
  delaysMs?: readonly number[];
  onNote?: (message: string) => void;
}

/** Statuses whose response has no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

export function timedFetch(
  timeoutMs: number,
  inner: typeof fetch = globalThis.fetch,
  retry: NetworkRetry = {},
): typeof fetch {
  const once = boundedFetch(timeoutMs, inner);
  return (input, init) =>
    retryUnreachable(() => once(input, init), {
      noHost: (error) => {
        const code = networkCode(error);
        if (!code) return undefined;
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        return { host: new URL(url).host, reason: code, final: TLS.test(code) };
      },
      giveUp: ({ host, reason }, attempts) => new HostUnreachableError(host, reason, attempts),
      onRetry: ({ host, reason }, attempt, attempts) =>
        retry.onNote?.(`cannot reach ${host} (${reason}); retrying… (attempt ${attempt} of ${attempts})`),
      ...(retry.delaysMs ? { delaysMs: retry.delaysMs } : {}),
    });
}

function boundedFetch(timeoutMs: number, inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const method = init?.method ?? 'GET';
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    try {
      const response = await sendFollowingRedirects(inner, url, { ...init, signal });
      // Read the body under the same bound: a server that sends headers and then stalls is a hang too.
      const body = NULL_BODY.has(response.status) ? null : await response.arrayBuffer();
      const copy = new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
      // The URL that answered, after redirects: a renamed repository shows there.
      Object.defineProperty(copy, 'url', { value: response.url });
      return copy;
    } catch (error) {
      if (timeout.aborted && !init?.signal?.aborted) throw new HttpTimeoutError(method, url, timeoutMs);
      throw error;
    }
  };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * fetch turns a POST or PATCH that meets a 301/302 into a GET and drops the body, so a write to a
 * renamed repository would silently do nothing: writes follow redirects themselves, same method and
 * body (what GitHub asks of clients). Reads keep fetch's own following.
 */
async function sendFollowingRedirects(
  inner: typeof fetch,
  url: string,
  init: RequestInit,
): Promise<Response> {
  const method = (init.method ?? 'GET').toUpperCase();
  if (method === 'GET' || method === 'HEAD') return inner(url, init);
  let target = url;
  for (let hop = 0; ; hop++) {
    const response = await inner(target, { ...init, redirect: 'manual' });
    const location = response.headers.get('location');
    if (!REDIRECTS.has(response.status) || !location || hop >= 5) return response;
    await response.body?.cancel();
    target = new URL(location, target).href;
  }
}

/** What one client asked of GitHub: every HTTP request (retries included) and how many were answered 304. */
export interface RequestMeter {
  requests: number;
  notModified: number;
  /** Time new requests were held because GitHub said the rate limit was used up. */
  heldMs: number;
}

export const newRequestMeter = (): RequestMeter => ({ requests: 0, notModified: 0, heldMs: 0 });

/**
 * Counts each request, and once an answer says the primary rate limit is used up
 * (`x-ratelimit-remaining: 0`), holds every new request of this client until `x-ratelimit-reset`
 * (if that is within `maxWaitMs`): upstreams checked at once would otherwise each spend a request on
 * a 403. The request that was refused is retried by Octokit's throttling plugin.
 */
export function meteredFetch(inner: typeof fetch, meter: RequestMeter, maxWaitMs: number): typeof fetch {
  let heldUntil = 0;
  return async (input, init) => {
    const hold = heldUntil - Date.now();
    if (hold > 0) {
      meter.heldMs += hold;
      await sleep(hold);
    }
    meter.requests++;
    const response = await inner(input, init);
    if (response.status === 304) meter.notModified++;
    const resetAt = Number(response.headers.get('x-ratelimit-reset')) * 1000;
    if (response.headers.get('x-ratelimit-remaining') === '0' && Number.isFinite(resetAt)) {
      // One second past the reset, as GitHub advises.
      const until = resetAt + 1000;
      if (until - Date.now() <= maxWaitMs) heldUntil = Math.max(heldUntil, until);
    }
    return response;
  };
}
