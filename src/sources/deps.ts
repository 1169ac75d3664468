import type { GitRunner } from '../git/run.js';
import type { CreateClientOptions, GitHubClient, GitHubEnv } from '../github/client.js';
import type { RequestMeter } from '../github/fetch.js';
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

/** What the sources asked of the network: GitHub API requests (see RequestMeter) and git remote calls. */
export interface SourceRequests {
  github: RequestMeter;
  git: number;
}

/** One line for the user: how many requests a check made, and how long rate limits held them. */
export function describeRequests({ github, git }: SourceRequests): string {
  const parts = [`${github.requests} GitHub API request${github.requests === 1 ? '' : 's'}`];
  if (github.notModified > 0) parts.push(`${github.notModified} answered 304 (not counted by GitHub)`);
  if (github.heldMs > 0) parts.push(`held ${Math.ceil(github.heldMs / 1000)}s for the rate limit`);
  return `Requests: ${parts.join(', ')}; ${git} git remote call${git === 1 ? '' : 's'}.`;
}

/**
 * The real I/O of the release sources. Octokit, npm's client and the git runner are imported on first
 * use, so `check` for git-tags upstreams never loads Octokit and start-up stays small.
 */
export function createSourceDeps(options: SourceDepsOptions): SourceDeps & { requests(): SourceRequests } {
  let github: Promise<GitHubClient> | undefined;
  let npm: Promise<NpmRegistry> | undefined;
  const meter: RequestMeter = { requests: 0, notModified: 0, heldMs: 0 };
  let gitCalls = 0;
  const git: GitRunner = async (args, gitOptions) => {
    if (gitOptions?.network) gitCalls++;
    return (await import('../git/run.js')).runGit(args, gitOptions);
  };
  return {
    requests: () => ({ github: { ...meter }, git: gitCalls }),
    env: options.env,
    cacheDir: options.cacheDir,
    onNote: options.onNote,
    git,
    github: () =>
      (github ??= import('../github/client.js').then(({ createGitHubClient }) =>
        createGitHubClient({ ...options.github, env: options.env, onNote: options.onNote, meter }),
      )),
    npm: () =>
      (npm ??= import('./npm-registry.js').then(({ createNpmRegistry }) =>
        createNpmRegistry({ cwd: options.npm?.cwd ?? process.cwd(), env: options.npm?.env ?? process.env }),
      )),
  };
}
