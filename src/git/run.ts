import { open } from 'node:fs/promises';
import { execa } from 'execa';
import { Errors } from '../errors.js';
import { killGroup, trackGroup } from '../util/shutdown.js';
import { networkTimeout } from '../util/timeouts.js';

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

export const gitEnv = (): Record<string, string> => ({
  GIT_TERMINAL_PROMPT: '0',
  GIT_ASKPASS: '',
  SSH_ASKPASS: '',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_PAGER: 'cat',
  LC_ALL: 'C',
});

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
  const timeoutMs = options.network ? networkTimeout('git') : undefined;
  // A file's descriptor is handed to git itself, so a large diff never passes through this process.
  const file = options.stdoutFile ? await open(options.stdoutFile, 'w') : undefined;
  let timedOut = false;
  let untrack = () => {};
  let timer: NodeJS.Timeout | undefined;
  let forceTimer: NodeJS.Timeout | undefined;
  try {
    const child = execa('git', [...SAFE_GIT_CONFIG, ...(timeoutMs ? lowSpeedArgs(timeoutMs) : []), ...args], {
      cwd: options.cwd,
      env: gitEnv(),
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
export async function validateTagName(tag: string, git: GitRunner = runGit): Promise<string> {
  if (tag.startsWith('-')) throw Errors.invalidRef(tag, 'it starts with "-" and would be read as an option');
  if (tag.includes('..') || tag.startsWith('/') || tag.includes('\\')) {
    throw Errors.invalidRef(tag, 'it contains a path component ("..", "/" at the start, or "\\")');
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\s~^:?*[\]\x00-\x1f\x7f]/.test(tag))
    throw Errors.invalidRef(tag, 'it contains characters git does not allow in ref names');
  const check = await git(['check-ref-format', `refs/tags/${tag}`], { okExitCodes: [1] });
  if (check.exitCode !== 0) throw Errors.invalidRef(tag, 'git check-ref-format rejects it');
  return tag;
}
