import { open } from 'node:fs/promises';
import { execa } from 'execa';
import { Errors } from '../errors.js';

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

/** The real git runner; inject a different one in unit tests. */
export const runGit: GitRunner = async (args, options = {}) => {
  // A file's descriptor is handed to git itself, so a large diff never passes through this process.
  const file = options.stdoutFile ? await open(options.stdoutFile, 'w') : undefined;
  try {
    const result = await execa('git', [...SAFE_GIT_CONFIG, ...args], {
      cwd: options.cwd,
      env: gitEnv(),
      input: options.input,
      stdin: options.input === undefined ? 'ignore' : undefined,
      // execa's types list only descriptors 3–9; at run time it hands any descriptor to spawn().
      stdout: file ? (file.fd as 3) : 'pipe',
      reject: false,
      stripFinalNewline: false,
      maxBuffer: 512 * 1024 * 1024,
    });
    const exitCode = result.exitCode ?? -1;
    if (exitCode !== 0 && !(options.okExitCodes ?? []).includes(exitCode)) {
      throw new GitError(args, result.exitCode, String(result.stderr ?? ''));
    }
    return { stdout: typeof result.stdout === 'string' ? result.stdout : '', exitCode };
  } finally {
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
