import { Errors } from '../errors.js';
import { parseDuration } from './duration.js';

/**
 * Bounds of every network call: a git command that talks to a remote (ls-remote, fetch) and one HTTP
 * request to GitHub. Durations like `90s`; the environment overrides the defaults (tests, slow links).
 */
export const TIMEOUT_SETTINGS = {
  git: { env: 'RELEASE_WATCH_GIT_TIMEOUT', defaultMs: 120_000 },
  http: { env: 'RELEASE_WATCH_HTTP_TIMEOUT', defaultMs: 30_000 },
} as const;

export function networkTimeout(
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
