import { cloneUrl } from '../config/upstreams.js';
import { Errors } from '../errors.js';
import { remoteOf } from '../git/remote.js';
import { TIMEOUT_SETTINGS } from '../util/timeouts.js';
import { selectReleases, sourceHooks } from './select.js';
import type { ReleaseSource } from './types.js';

/** `git ls-remote --tags --refs <url>`: no token, no API rate limit. */
export const gitTagsSource: ReleaseSource = async (id, upstream, deps, options) => {
  // Credentials in the URL reach git through its environment, never argv or a message.
  const { url, config } = remoteOf(cloneUrl(upstream, deps.env));
  let stdout = '';
  for (let attempt = 1; ; attempt++) {
    try {
      ({ stdout } = await deps.git(['ls-remote', '--tags', '--refs', '--', url], { config, network: true }));
      break;
    } catch (error) {
      const unreachable = GIT_UNREACHABLE.exec((error as { stderr?: string }).stderr ?? '');
      if (!unreachable) throw lsRemoteFailure(id, url, error);
      const host = hostOf(url);
      const delay = GIT_RETRY_DELAYS_MS[attempt - 1];
      if (delay === undefined || /SSL|certificate/i.test(unreachable[0])) {
        throw Errors.networkUnreachable({
          host,
          what: `listing the tags of ${url} (upstream "${id}")`,
          reason: unreachable[0].trim(),
          attempts: attempt,
          cause: error,
        });
      }
      deps.onNote?.(`${id}: cannot reach ${host} (${unreachable[0].trim()}); retrying…`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  const tags = stdout
    .split('\n')
    .map((line) => line.split('\t')[1]?.replace(/^refs\/tags\//, ''))
    .filter((tag): tag is string => Boolean(tag));
  return selectReleases(
    upstream,
    tags.map((tag) => ({ tag, prerelease: false })),
    sourceHooks(id, upstream, deps, options),
  );
};

/** git's words for a host it could not reach at all (DNS, refused, TLS), as opposed to a refusal by it. */
const GIT_UNREACHABLE =
  /Could not resolve host[^\n]*|Failed to connect to[^\n]*|Connection refused|SSL certificate problem[^\n]*|unable to access '[^']*': [^\n]*(?:SSL|TLS)[^\n]*/;
const GIT_RETRY_DELAYS_MS = [500, 1500];

const hostOf = (url: string) => {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
};

function lsRemoteFailure(id: string, url: string, error: unknown) {
  const timeout = gitTimeoutOf(error);
  if (timeout !== undefined) {
    return Errors.networkTimeout({
      upstream: id,
      url,
      what: 'Listing tags (git ls-remote)',
      timeoutMs: timeout,
      setting: TIMEOUT_SETTINGS.git.env,
    });
  }
  // git ends with advice ("Please make sure ..."); the first `fatal:` line says what went wrong.
  const lines = ((error as { stderr?: string }).stderr ?? '').split('\n').filter((l) => l.trim() !== '');
  const reason = lines.find((l) => /^(fatal|error):/.test(l)) ?? lines.at(-1) ?? (error as Error).message;
  return Errors.gitTagsFailed(id, url, reason.trim(), error);
}

/** The bound a git call ran into (a GitTimeoutError, told by name so this module does not load the runner). */
function gitTimeoutOf(error: unknown): number | undefined {
  const timeout = error as { name?: unknown; timeoutMs?: unknown };
  return timeout?.name === 'GitTimeoutError' && typeof timeout.timeoutMs === 'number'
    ? timeout.timeoutMs
    : undefined;
}
