import { createAnalyzeDeps } from '../analysis/stages.js';
import { createProgress, type ProgressStream } from '../cli/progress.js';
import type { ResolvedConfig } from '../config/load.js';
import { type GitHubEnv, githubEnv } from '../github/env.js';
import { createSourceDeps } from '../sources/deps.js';
import type { RunDeps } from './service.js';

export interface RunDepsOptions {
  json?: boolean;
  /** Default: the process environment (GitHub Actions conventions). */
  env?: GitHubEnv;
  stream?: ProgressStream;
}

/** The real I/O of the whole pipeline, built once per command and shared by every stage. */
export function createRunDeps(config: ResolvedConfig, options: RunDepsOptions = {}): RunDeps {
  const env = options.env ?? githubEnv();
  const progress = createProgress({ json: options.json, stream: options.stream });
  const sources = createSourceDeps({
    env,
    cacheDir: config.cache,
    onNote: (message) => progress.note(message),
  });
  return {
    env,
    sources,
    diff: sources,
    analyze: createAnalyzeDeps(sources),
    github: sources.github,
    progress,
  };
}
