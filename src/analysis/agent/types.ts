import type { AgentOutput } from '../schema.js';

/** What analyze hands an agent runner. */
export interface AgentRunInput {
  /** Checkout of the `to` tag the agent reads and searches (its working directory). */
  worktree: string;
  /** context.md: attached to the prompt. */
  contextFile: string;
  /** The downstream's `.opencode` folder holding the agent definition (agent/<name>.md). */
  configDir: string;
  agentName: string;
  model?: string;
  variant?: string;
  timeoutMs: number;
  /** Where raw output (event streams, stderr) is kept for debugging; inside the artifact folder. */
  rawDir: string;
  /** Session title, e.g. "release-watch codex rust-v0.139.0" (default: from the worktree folder). */
  title?: string;
  /** Environment to pass through the allow-list (default: process.env). */
  env?: NodeJS.ProcessEnv;
  onNote?: (message: string) => void;
  /** How often a long run says it is still going, with its tool calls and tokens so far (default 15 s). */
  heartbeatMs?: number;
}

export interface AgentRunResult {
  output: AgentOutput;
  model?: string;
  durationMs: number;
  /** Summed over every step of every turn (`step_finish` events). */
  tokens: number;
  cost: number;
  /** The OpenCode session, for `opencode export <id>` or `opencode run --session <id>`. */
  sessionId?: string;
  /** True when the first answer did not fit the schema and a repair turn produced this one. */
  repaired?: boolean;
  /** Harmless deviations that were dropped or filled (an extra top-level key, a missing excerpt). */
  adjustments?: string[];
}

export type AgentRunner = (input: AgentRunInput) => Promise<AgentRunResult>;
