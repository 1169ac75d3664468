import { Errors } from '../errors.js';
import { registerSecret, SECRET_PARAM_NAME } from '../util/redact.js';
import { type NoHost, retryUnreachable } from '../util/retry.js';
import type { GitConfigEntry } from './run.js';

export interface Remote {
  /** The URL without credentials: what the cache's config stores and what messages show. */
  url: string;
  /** How git gets the credentials for this call only: environment-scoped config, never on disk or argv. */
  config: GitConfigEntry[];
}

/**
 * Splits a clone URL into a URL without credentials and the settings that hand git the credentials:
 * userinfo (`https://x-access-token:TOKEN@host/repo.git`) becomes an `http.<url>.extraHeader`
 * Authorization header (as actions/checkout does), credential query parameters are put back by an
 * `url.<full>.insteadOf` rewrite. The secrets are registered for redaction. Other URLs (file://,
 * ssh, scp-like `git@host:path`) pass unchanged.
 */
export function remoteOf(raw: string): Remote {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return { url: raw, config: [] };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { url: raw, config: [] };
  const secretParams = [...parsed.searchParams.keys()].filter((name) => SECRET_PARAM_NAME.test(name));
  if (!parsed.username && !parsed.password && secretParams.length === 0) return { url: raw, config: [] };
  const config: GitConfigEntry[] = [];
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  const withQuery = parsed.href;
  for (const name of secretParams) {
    for (const value of parsed.searchParams.getAll(name)) registerSecret(value);
    parsed.searchParams.delete(name);
  }
  const url = parsed.href;
  if (secretParams.length > 0) config.push([`url.${withQuery}.insteadOf`, url]);
  if (user || password) {
    registerSecret(password || user);
    const basic = Buffer.from(`${user}:${password}`).toString('base64');
    registerSecret(basic);
    config.push([`http.${url}.extraHeader`, `Authorization: Basic ${basic}`]);
  }
  return { url, config };
}

/** git's words for a host it could not reach at all (DNS, refused, TLS), as opposed to a refusal by it. */
const GIT_UNREACHABLE =
  /Could not resolve host[^\n]*|Failed to connect to[^\n]*|Connection refused|SSL certificate problem[^\n]*|unable to access '[^']*': [^\n]*(?:SSL|TLS)[^\n]*/;

const hostOf = (url: string) => {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
};

/** A failed network git call (ls-remote, fetch) whose host did not answer at all; TLS failures are final. */
export function gitNoHost(error: unknown, url: string): NoHost | undefined {
  const unreachable = GIT_UNREACHABLE.exec((error as { stderr?: string })?.stderr ?? '');
  if (!unreachable) return undefined;
  const reason = unreachable[0].trim();
  return { host: hostOf(url), reason, final: /SSL|certificate/i.test(reason) };
}

/**
 * A network git call (ls-remote, fetch of `url`) retried while its host does not answer at all, then
 * NETWORK_UNREACHABLE saying `what` was being done; `onNote` hears each "retrying…".
 */
export function retryGitUnreachable<T>(
  call: () => Promise<T>,
  { url, what, onNote }: { url: string; what: string; onNote?: (message: string) => void },
): Promise<T> {
  return retryUnreachable(call, {
    noHost: (error) => gitNoHost(error, url),
    giveUp: ({ host, reason }, attempts, error) =>
      Errors.networkUnreachable({ host, what, reason, attempts, cause: error }),
    onRetry: ({ host, reason }) => onNote?.(`cannot reach ${host} (${reason}); retrying…`),
  });
}
