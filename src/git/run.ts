import { spawnSync } from 'node:child_process';
import { open } from 'node:fs/promises';
import { devNull } from 'node:os';
import { execa } from 'execa';
import { Errors } from '../errors.js';
import { assertSafeTag } from '../util/safe-tag.js';
import { killGroup, trackGroup } from '../util/shutdown.js';
import { timeoutSetting } from '../util/timeouts.js';

/**
 * Every git call goes through here: argument arrays (never a shell), no prompts, no hooks,
 * no submodules, no `ext::` transport, no user/system config surprises in output format.
 */
export const SAFE_GIT_CONFIG = [
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'protocol.ext.allow=never',
  '-c',
  'submodule.recurse=false',
  '-c',
  'core.quotePath=false',
  '-c',
  'diff.noprefix=false',
  '-c',
  'color.ui=false',
];

/** A `git -c key=value` setting passed through the environment (never written to a config file). */
export type GitConfigEntry = readonly [key: string, value: string];

/** GIT_* variables of the user's environment that only say how to reach a server; every other one is dropped. */
const KEPT_GIT_ENV =
  /^GIT_(SSH|SSH_COMMAND|SSH_VARIANT|SSL_NO_VERIFY|SSL_CAINFO|SSL_CAPATH|PROXY_COMMAND|HTTP_[A-Z_]+|CURL_VERBOSE|TRACE[A-Z0-9_]*)$/;
/**
 * What of the user's own git config fetching needs (proxy, CA bundle, TLS checks, URL rewrites);
 * nothing that changes output (diff.*, core.quotePath, color.*) is carried over.
 */
const FETCH_SETTINGS =
  /^(https?\.proxy|http\.proxyauthmethod|http\.sslcainfo|http\.sslcapath|http\.sslverify|http\..+\.(proxy|proxyauthmethod|sslcainfo|sslcapath|sslverify)|url\..+\.insteadof)$/i;

let userFetchSettings: GitConfigEntry[] | undefined;

/**
 * The fetch settings of the user's system and global git config: one `git config --show-scope` (the
 * repository's own config, if the current folder is one, is left out by its scope), read once per process.
 */
function fetchSettingsOfUser(): GitConfigEntry[] {
  if (userFetchSettings) return userFetchSettings;
  const result = spawnSync(
    'git',
    ['config', '--show-scope', '--includes', '-z', '--get-regexp', '^(https?|url)\\.'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  // -z with --show-scope: `scope NUL key LF value NUL` per entry (no LF and no value for a bare key).
  const fields = (result.stdout ?? '').split('\0');
  const entries: GitConfigEntry[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] !== 'system' && fields[i] !== 'global') continue;
    const record = fields[i + 1]!;
    const newline = record.indexOf('\n');
    const key = newline === -1 ? record : record.slice(0, newline);
    if (key && FETCH_SETTINGS.test(key))
      entries.push([key, newline === -1 ? 'true' : record.slice(newline + 1)]);
  }
  userFetchSettings = entries;
  return entries;
}

/**
 * The environment of every git process: no prompts, no system config, a global config that is
 * empty but for the user's fetch settings (so `diff.algorithm`, `diff.orderFile` and the like in
 * ~/.gitconfig cannot change an artifact), plus `extra` settings such as a remote's credentials.
 * The settings travel as GIT_CONFIG_COUNT/KEY/VALUE: nothing is written to disk, nothing is on argv.
 */
export function gitEnv(extra: readonly GitConfigEntry[] = []): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && (!key.startsWith('GIT_') || KEPT_GIT_ENV.test(key))) env[key] = value;
  }
  const config = [...fetchSettingsOfUser(), ...extra];
  config.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  return {
    ...env,
    GIT_CONFIG_COUNT: String(config.length),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: devNull,
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GIT_PAGER: 'cat',
    LC_ALL: 'C',
  };
}

export interface GitOptions {
  cwd?: string;
  input?: string;
  /** Write stdout to this file instead of buffering it (large diffs). */
  stdoutFile?: string;
  /** Exit codes that are not failures (e.g. 1 for `diff --exit-code`). */
  okExitCodes?: number[];
  /**
   * Talks to a remote (ls-remote, fetch, or a command that may fetch lazily): bounded by
   * RELEASE_WATCH_GIT_TIMEOUT overall and by curl's low-speed limit on HTTP(S).
   */
  network?: boolean;
  /** Settings for this call only (a remote's credentials), passed through the environment. */
  config?: readonly GitConfigEntry[];
}

export interface GitResult {
  stdout: string;
  exitCode: number;
}

export type GitRunner = (args: readonly string[], options?: GitOptions) => Promise<GitResult>;

export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    super(
      `git ${args.join(' ')} failed (exit ${exitCode ?? 'signal'}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
    );
    this.name = 'GitError';
  }
}

/** A network git command that got no answer in time: stopped by us, or by curl's low-speed limit. */
export class GitTimeoutError extends GitError {
  constructor(
    args: readonly string[],
    stderr: string,
    readonly timeoutMs: number,
  ) {
    super(args, undefined, stderr || `no answer within ${Math.round(timeoutMs / 1000)}s`);
    this.name = 'GitTimeoutError';
  }
}

/** What curl says when its low-speed limit or a connect timeout stopped a transfer. */
const CURL_TIMEOUT =
  /Operation too slow|Operation timed out|Connection timed out|Failed to connect.*Timeout/i;

/**
 * Curl gives up on a transfer slower than 1 KB/s for this long (at most half the overall bound, so
 * an HTTP remote ends with git's own message before the kill).
 */
const lowSpeedArgs = (timeoutMs: number) => [
  '-c',
  'http.lowSpeedLimit=1000',
  '-c',
  `http.lowSpeedTime=${Math.max(1, Math.min(60, Math.floor(timeoutMs / 2000)))}`,
];

/** The real git runner; inject a different one in unit tests. */
export const runGit: GitRunner = async (args, options = {}) => {
  const timeoutMs = options.network ? timeoutSetting('git') : undefined;
  // A file's descriptor is handed to git itself, so a large diff never passes through this process.
  const file = options.stdoutFile ? await open(options.stdoutFile, 'w') : undefined;
  let timedOut = false;
  let untrack = () => {};
  let timer: NodeJS.Timeout | undefined;
  let forceTimer: NodeJS.Timeout | undefined;
  try {
    const child = execa('git', [...SAFE_GIT_CONFIG, ...(timeoutMs ? lowSpeedArgs(timeoutMs) : []), ...args], {
      cwd: options.cwd,
      env: gitEnv(options.config),
      extendEnv: false,
      input: options.input,
      stdin: options.input === undefined ? 'ignore' : undefined,
      // execa's types list only descriptors 3–9; at run time it hands any descriptor to spawn().
      stdout: file ? (file.fd as 3) : 'pipe',
      reject: false,
      stripFinalNewline: false,
      maxBuffer: 512 * 1024 * 1024,
      // Its own process group, so a timeout or an interrupt stops its transport helpers too.
      detached: timeoutMs !== undefined && process.platform !== 'win32',
    });
    if (timeoutMs !== undefined && child.pid !== undefined) {
      const pid = child.pid;
      untrack = trackGroup(pid);
      timer = setTimeout(() => {
        timedOut = true;
        // SIGTERM first: git removes its lock files in the cache on the way out.
        killGroup(pid, 'SIGTERM');
        forceTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), 2000);
      }, timeoutMs);
    }
    const result = await child;
    const exitCode = result.exitCode ?? -1;
    const stderr = String(result.stderr ?? '');
    if (timeoutMs !== undefined && (timedOut || (exitCode !== 0 && CURL_TIMEOUT.test(stderr)))) {
      throw new GitTimeoutError(args, stderr, timeoutMs);
    }
    if (exitCode !== 0 && !(options.okExitCodes ?? []).includes(exitCode)) {
      throw new GitError(args, result.exitCode, stderr);
    }
    return { stdout: typeof result.stdout === 'string' ? result.stdout : '', exitCode };
  } finally {
    clearTimeout(timer);
    clearTimeout(forceTimer);
    untrack();
    await file?.close();
  }
};

/**
 * Rejects anything that is not a plain tag name before it reaches git: option-looking names,
 * path tricks, and whatever `git check-ref-format` refuses.
 */
export async function validateTagName(
  tag: string,
  git: GitRunner = runGit,
  /** Where the tag came from, for the message (`--tag`). */
  where = 'a tag name',
): Promise<string> {
  // Control, bidi and invisible characters first: refused with their own message, before the ref rules.
  assertSafeTag(tag, where);
  if (tag.startsWith('-')) throw Errors.invalidRef(tag, 'it starts with "-" and would be read as an option');
  if (tag.includes('..') || tag.startsWith('/') || tag.includes('\\')) {
    throw Errors.invalidRef(tag, 'it contains a path component ("..", "/" at the start, or "\\")');
  }
  if (/[\s~^:?*[\]]/.test(tag))
    throw Errors.invalidRef(tag, 'it contains characters git does not allow in ref names');
  const check = await git(['check-ref-format', `refs/tags/${tag}`], { okExitCodes: [1] });
  if (check.exitCode !== 0) throw Errors.invalidRef(tag, 'git check-ref-format rejects it');
  return tag;
}
