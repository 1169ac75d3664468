import type { ResolvedConfig } from '../config/load.js';

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
