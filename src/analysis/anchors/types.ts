/**
 * Anchors: what the downstream's own code uses of an upstream. Mined from the downstream's tracked
 * files (mine.ts), kept per upstream only when they also occur in its tree at `from` (match.ts),
 * and read by the anchor rule (scanners/anchor.ts), `release-watch anchors` and context.md.
 */

/**
 * Every kind, in the order `release-watch anchors` lists them; also what `kind:value` selectors
 * and the mined-anchor store accept.
 */
export const ANCHOR_KINDS = [
  'upstream-path',
  'url',
  'header',
  'env',
  'literal',
  'module',
  'symbol',
  'hook',
] as const satisfies readonly AnchorKind[];

/** What kind of thing the downstream names. */
export type AnchorKind =
  /** A path inside the upstream repository (also from raw/blob URLs naming the upstream). */
  | 'upstream-path'
  /** A URL host + path the downstream calls (`https://chatgpt.com/backend-api/codex/responses`). */
  | 'url'
  /** An HTTP header name it sends or reads (`OpenAI-Beta`, `chatgpt-account-id`). */
  | 'header'
  /** An environment variable it reads or sets (`CODEX_HOME`). */
  | 'env'
  /** An identifier-like string literal: model ids, option/enum values (`gpt-5.1-codex`, `xhigh`). */
  | 'literal'
  /** A module specifier it imports (`@opencode-ai/plugin`). */
  | 'module'
  /** A symbol it imports from a module (`@opencode-ai/plugin#Plugin`). */
  | 'symbol'
  /** A hook it implements: a key of an object typed by an imported type (`Hooks['chat.params']`). */
  | 'hook';

/** One place in the downstream checkout that uses an anchor. Path is relative to downstream.path. */
export interface AnchorUse {
  path: string;
  line: number;
  /** The downstream line itself, trimmed. */
  excerpt: string;
}

/** One mined anchor, before it is checked against any upstream. */
export interface MinedAnchor {
  kind: AnchorKind;
  /** The text searched for upstream: the path, header name, literal, symbol name, hook key. */
  value: string;
  /** For upstream-path anchors from a URL: the upstream repository it names (`openai/codex`). */
  repo?: string;
  /** For symbol and hook anchors: the module they come from (`@opencode-ai/plugin`). */
  module?: string;
  uses: AnchorUse[];
}

/** An anchor kept for one upstream: it occurs in that upstream's tree at `from`. */
export interface Anchor extends MinedAnchor {
  /** Rarity upstream, 0..1: 1 / (1 + log2(1 + files it occurs in)); rarer weighs more. */
  weight: number;
  /** Upstream files it occurs in at `from`, as counted (may be capped). */
  upstreamFiles: number;
  /** A few of those files, for `release-watch anchors` and context. */
  upstreamSample: string[];
  /** true when kept only because `anchors.include` names it. */
  included?: boolean;
}

/** The anchors of one upstream at one `from` tag. */
export interface UpstreamAnchors {
  upstream: string;
  from: string;
  /** Commit of the downstream checkout they were mined at (the cache key), or "worktree" when dirty. */
  downstreamCommit: string;
  anchors: Anchor[];
  /**
   * Upstream files at `from` that were not searched: the remote could not serve their blobs (a mirror
   * without large blobs). Anchors found only there are missing; absent when every file was read.
   */
  unread?: string[];
}
