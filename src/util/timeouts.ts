import { Errors } from '../errors.js';
import { parseDuration } from './duration.js';

/**
 * Every bound on a wait: a git command that talks to a remote (ls-remote, fetch), one HTTP request to
 * GitHub, and how long a held lock is waited for. Durations like `90s`; the environment overrides the
 * defaults (tests, slow links, long runs).
 */
export const TIMEOUT_SETTINGS = {
  git: { env: 'RELEASE_WATCH_GIT_TIMEOUT', defaultMs: 120_000 },
  http: { env: 'RELEASE_WATCH_HTTP_TIMEOUT', defaultMs: 30_000 },
  lock: { env: 'RELEASE_WATCH_LOCK_WAIT', defaultMs: 30_000 },
} as const;

export function timeoutSetting(
  kind: keyof typeof TIMEOUT_SETTINGS,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const setting = TIMEOUT_SETTINGS[kind];
  const raw = env[setting.env];
  if (raw === undefined || raw.trim() === '') return setting.defaultMs;
  const ms = parseDuration(raw);
  if (ms === undefined || ms <= 0) throw Errors.timeoutSettingInvalid(setting.env, raw);
  return ms;
}
