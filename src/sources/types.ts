import { z } from 'zod';
import type { UpstreamConfig } from '../config/schema.js';
import type { GitRunner } from '../git/run.js';
import type { GitHubClient, GitHubEnv } from '../github/client.js';

export const releaseSchema = z.strictObject({
  tag: z.string(),
  /** Semver version the tag stands for (from the tag pattern). */
  version: z.string(),
  date: z.string().optional(),
  prerelease: z.boolean(),
  notes: z.string().optional(),
  url: z.string().optional(),
});
export type Release = z.infer<typeof releaseSchema>;

/** The registry client a source needs; the real one (npm-registry.ts) follows the user's npm config. */
export interface NpmRegistry {
  /** The registry URL that serves this package (credentials removed), for messages. */
  registryFor(name: string): string;
  /** The package document (abbreviated metadata is enough). */
  packument(name: string): Promise<unknown>;
  /** The full package document (with `repository`, `homepage`, `bugs`). */
  document(name: string): Promise<unknown>;
}

/** What a release source needs; constructed once in the command (see deps.ts) and injected. */
export interface SourceDeps {
  env: GitHubEnv;
  git: GitRunner;
  /** Created on first use, so sources that never talk to GitHub never load Octokit. */
  github: () => Promise<GitHubClient>;
  /** Created on first use from the user's npm configuration. */
  npm: () => Promise<NpmRegistry>;
  /** Folder for conditional-request caches (ETags) and similar. */
  cacheDir: string;
  onNote?: (message: string) => void;
}

export interface ListOptions {
  /**
   * The last reviewed tag: paging may stop once releases older than it are reached. `null` (never
   * reviewed) needs only the newest release; left out, every release is listed.
   */
  since?: string | null;
  /** Filled with every tag the source listed, before the pattern filtered them. */
  seen?: string[];
}

export type ReleaseSource = (
  id: string,
  upstream: UpstreamConfig,
  deps: SourceDeps,
  options: ListOptions,
) => Promise<Release[]>;
