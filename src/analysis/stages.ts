import type { ResolvedConfig } from '../config/load.js';
import type { SourceDeps } from '../sources/index.js';
import type { AnalyzeDeps } from './service.js';

/** What analyze asks of the diff stage when the artifacts it needs are missing or compare another `from`. */
export interface DiffRequest {
  config: ResolvedConfig;
  upstream: string;
  /** Default: the last reviewed tag (the diff stage decides). */
  from?: string;
  /** Default: the newest pending release (the diff stage decides). */
  to?: string;
}

/** Writes release.json, diff.patch, diff.stat, log.txt, files.json for `to`; returns the tag it wrote. */
export type DiffStage = (request: DiffRequest) => Promise<{ to: string }>;

/** A checkout of the `to` tag for the agent to read; returns its path. */
export type WorktreeStage = (request: {
  config: ResolvedConfig;
  upstream: string;
  tag: string;
  commit: string;
}) => Promise<string>;

/** The real stages analyze calls: the diff stage and worktrees from src/git/, the OpenCode runner. */
export function createAnalyzeDeps(
  sources: SourceDeps,
): Pick<AnalyzeDeps, 'runDiffStage' | 'prepareWorktree' | 'agentRunner' | 'git' | 'onNote' | 'anchors'> {
  return {
    git: sources.git,
    onNote: sources.onNote,
    anchors: async ({ config, upstream, from }) =>
      (await import('./anchors/index.js')).anchorsForUpstream({
        config,
        upstream,
        from,
        git: sources.git,
        env: sources.env,
      }),
    runDiffStage: async ({ config, upstream, from, to }) => {
      const { diffRelease } = await import('../git/diff.js');
      const result = await diffRelease(config, { upstream, from, to }, sources);
      return { to: result.to.tag };
    },
    prepareWorktree: async ({ config, upstream, tag, commit }) => {
      const [{ openUpstreamCache }, { ensureWorktree }] = await Promise.all([
        import('../git/cache.js'),
        import('../git/worktree.js'),
      ]);
      const cache = await openUpstreamCache(config, upstream, sources);
      return ensureWorktree(cache, { tag, commit });
    },
    agentRunner: async (input) => (await import('./agent/opencode.js')).openCodeRunner(input),
  };
}
