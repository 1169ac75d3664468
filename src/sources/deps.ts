import type { GitRunner } from '../git/run.js';
import type { CreateClientOptions, GitHubClient, GitHubEnv } from '../github/client.js';
import type { NpmRegistry, SourceDeps } from './types.js';

export interface SourceDepsOptions {
  env: GitHubEnv;
  /** Where ETags of release pages are kept (the config's `cache`). */
  cacheDir: string;
  onNote?: (message: string) => void;
  /** Retry and rate-limit settings for the GitHub client (tests shorten the waits). */
  github?: Omit<CreateClientOptions, 'env' | 'onNote'>;
  /** What npm's config is read from: its folder (project .npmrc) and environment. */
  npm?: { cwd?: string; env?: NodeJS.ProcessEnv };
}

/**
 * The real I/O of the release sources. Octokit, npm's client and the git runner are imported on first
 * use, so `check` for git-tags upstreams never loads Octokit and start-up stays small.
 */
export function createSourceDeps(options: SourceDepsOptions): SourceDeps {
  let github: Promise<GitHubClient> | undefined;
  let npm: Promise<NpmRegistry> | undefined;
  const git: GitRunner = async (args, gitOptions) => (await import('../git/run.js')).runGit(args, gitOptions);
  return {
    env: options.env,
    cacheDir: options.cacheDir,
    onNote: options.onNote,
    git,
    github: () =>
      (github ??= import('../github/client.js').then(({ createGitHubClient }) =>
        createGitHubClient({ ...options.github, env: options.env, onNote: options.onNote }),
      )),
    npm: () =>
      (npm ??= import('./npm-registry.js').then(({ createNpmRegistry }) =>
        createNpmRegistry({ cwd: options.npm?.cwd ?? process.cwd(), env: options.npm?.env ?? process.env }),
      )),
  };
}
