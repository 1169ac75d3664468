import { cloneUrl } from '../config/upstreams.js';
import { Errors, isReleaseWatchError } from '../errors.js';
import { remoteOf, retryGitUnreachable } from '../git/remote.js';
import { TIMEOUT_SETTINGS } from '../util/timeouts.js';
import { selectReleases, sourceHooks } from './select.js';
import type { ReleaseSource } from './types.js';

/** `git ls-remote --tags --refs <url>`: no token, no API rate limit. */
export const gitTagsSource: ReleaseSource = async (id, upstream, deps, options) => {
  // Credentials in the URL reach git through its environment, never argv or a message.
  const { url, config } = remoteOf(cloneUrl(upstream, deps.env));
  const { stdout } = await retryGitUnreachable(
    () => deps.git(['ls-remote', '--tags', '--refs', '--', url], { config, network: true }),
    {
      url,
      what: `listing the tags of ${url} (upstream "${id}")`,
      onNote: (message) => deps.onNote?.(`${id}: ${message}`),
    },
  ).catch((error: unknown) => {
    throw isReleaseWatchError(error) ? error : lsRemoteFailure(id, url, error);
  });
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
