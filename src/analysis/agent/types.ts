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
  /** Environment to pass through the allow-list (default: process.env). */
  env?: NodeJS.ProcessEnv;
  onNote?: (message: string) => void;
}

export interface AgentRunResult {
  output: AgentOutput;
  model?: string;
  durationMs: number;
  tokens: number;
  cost: number;
}

export type AgentRunner = (input: AgentRunInput) => Promise<AgentRunResult>;
