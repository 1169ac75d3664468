import { cloneUrl } from '../config/upstreams.js';
import { Errors } from '../errors.js';
import { remoteOf } from '../git/remote.js';
import { redactSecrets } from '../util/redact.js';
import { TIMEOUT_SETTINGS } from '../util/timeouts.js';
import { selectReleases, sourceHooks } from './select.js';
import type { ReleaseSource } from './types.js';

/** `git ls-remote --tags --refs <url>`: no token, no API rate limit. */
export const gitTagsSource: ReleaseSource = async (id, upstream, deps, options) => {
  // Credentials in the URL reach git through its environment, never argv or a message.
  const { url, config } = remoteOf(cloneUrl(upstream, deps.env));
  let stdout: string;
  try {
    ({ stdout } = await deps.git(['ls-remote', '--tags', '--refs', '--', url], { config, network: true }));
  } catch (error) {
    const timeout = gitTimeoutOf(error);
    if (timeout !== undefined) {
      throw Errors.networkTimeout({
        upstream: id,
        url: redactSecrets(url),
        what: 'Listing tags (git ls-remote)',
        timeoutMs: timeout,
        setting: TIMEOUT_SETTINGS.git.env,
      });
    }
    // git ends with advice ("Please make sure ..."); the first `fatal:` line says what went wrong.
    const lines = ((error as { stderr?: string }).stderr ?? '').split('\n').filter((l) => l.trim() !== '');
    const reason = lines.find((l) => /^(fatal|error):/.test(l)) ?? lines.at(-1) ?? (error as Error).message;
    throw Errors.gitTagsFailed(id, url, reason.trim(), error);
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

/** The bound a git call ran into (a GitTimeoutError, told by name so this module does not load the runner). */
function gitTimeoutOf(error: unknown): number | undefined {
  const timeout = error as { name?: unknown; timeoutMs?: unknown };
  return timeout?.name === 'GitTimeoutError' && typeof timeout.timeoutMs === 'number'
    ? timeout.timeoutMs
    : undefined;
}
