import type { ResolvedConfig } from '../config/load.js';
import { Errors } from '../errors.js';
import type { AgentRunner } from './agent/types.js';

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

// ---------------------------------------------------------------------------------------------------
// WIRING POINTS for the lead when merging: replace these three stand-ins with the real functions
// (diff stage and worktree from src/git/, OpenCode runner from src/analysis/agent/). They are the only
// places analyze reaches outside src/analysis/; the service takes them injected.
// ---------------------------------------------------------------------------------------------------

/** runDiffStage(...): the single call site of the diff stage (issue 4). */
export const runDiffStage: DiffStage = async () => {
  throw Errors.notImplemented('diff', 'issue 4');
};

export const prepareWorktree: WorktreeStage = async () => {
  throw Errors.notImplemented('diff', 'issue 4: worktree of the upstream cache');
};

export const opencodeRunner: AgentRunner = async () => {
  throw Errors.notImplemented('analyze --agent opencode', 'issue 5: OpenCode runner');
};
