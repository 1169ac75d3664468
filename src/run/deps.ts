import type { AnalyzeDeps } from '../analysis/service.js';
import { createProgress, type Progress, type ProgressStream } from '../cli/progress.js';
import type { ResolvedConfig } from '../config/load.js';
import { type GitHubEnv, githubEnv } from '../github/env.js';
import { createSourceDeps } from '../sources/deps.js';
import type { SourceDeps } from '../sources/types.js';
import type { RunDeps } from './service.js';

export interface RunDepsOptions {
  json?: boolean;
  /** Default: the process environment (GitHub Actions conventions). */
  env?: GitHubEnv;
  stream?: ProgressStream;
  /** One already shown by the caller (the demo's); otherwise one is made from json and stream. */
  progress?: Progress;
}

/** The real I/O of the whole pipeline, built once per command and shared by every stage. */
export function createRunDeps(config: ResolvedConfig, options: RunDepsOptions = {}): RunDeps {
  const env = options.env ?? githubEnv();
  const progress = options.progress ?? createProgress({ json: options.json, stream: options.stream });
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

/** The real stages analyze calls: the diff stage (src/diff/), worktrees (src/git/), the OpenCode runner. */
export function createAnalyzeDeps(
  sources: SourceDeps,
): Pick<
  AnalyzeDeps,
  'runDiffStage' | 'prepareWorktree' | 'agentRunner' | 'agentPreflight' | 'git' | 'onNote' | 'anchors'
> {
  // Once per command: every upstream's analyze asks, the first answer (or error) stands.
  let preflight: Promise<unknown> | undefined;
  return {
    git: sources.git,
    onNote: sources.onNote,
    anchors: async ({ config, upstream, from }) =>
      (await import('../analysis/anchors/index.js')).anchorsForUpstream({
        config,
        upstream,
        from,
        git: sources.git,
        env: sources.env,
      }),
    runDiffStage: async ({ config, upstream, from, to }) => {
      const { diffRelease } = await import('../diff/service.js');
      const result = await diffRelease(config, { upstream, from, to }, sources);
      return { to: result.to.tag };
    },
    prepareWorktree: async ({ config, upstream, tag, commit }) => {
      const [{ openUpstreamCache }, { ensureWorktree }] = await Promise.all([
        import('../diff/cache.js'),
        import('../git/worktree.js'),
      ]);
      const cache = await openUpstreamCache(config, upstream, sources);
      return ensureWorktree(cache, { tag, commit });
    },
    agentRunner: async (input) => (await import('../analysis/agent/opencode.js')).openCodeRunner(input),
    agentPreflight: (input) =>
      (preflight ??= import('../analysis/agent/preflight.js').then(({ checkAgentReady }) =>
        checkAgentReady(input),
      )),
  };
}
