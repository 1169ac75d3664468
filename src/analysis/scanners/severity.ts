import type { Severity } from '../../config/schema.js';

interface Weights {
  /** The file is in a configured surface. */
  surface: Severity;
  /** Anywhere else. "none" drops the observation. */
  other: Severity;
}

const w = (surface: Severity, other: Severity): Weights => ({ surface, other });

/**
 * Every scanner severity, in one table: SEVERITY[rule][kind]. A rule's kinds are the keys here;
 * changing how loud a kind of change is means changing one cell.
 */
export const SEVERITY = {
  surface: {
    'file-deleted': w('high', 'none'),
    'file-renamed': w('high', 'none'),
    'file-type-changed': w('medium', 'none'),
    // Source files deleted or moved, one finding per surface (surface.ts folds them).
    'source-files-gone': w('high', 'none'),
    // Modified and added files, one finding per surface (surface.ts folds them).
    'files-changed': w('low', 'none'),
  },
  'ts-exports': {
    'export-removed': w('high', 'medium'),
    'export-renamed': w('high', 'medium'),
    'export-changed': w('medium', 'low'),
    'member-removed': w('high', 'medium'),
    'member-renamed': w('high', 'medium'),
    'member-changed': w('medium', 'low'),
    'member-now-required': w('high', 'medium'),
    'member-added-required': w('low', 'none'),
  },
  cli: {
    'flag-removed': w('high', 'medium'),
    'flag-renamed': w('high', 'medium'),
    'subcommand-removed': w('high', 'medium'),
    'subcommand-renamed': w('high', 'medium'),
  },
  wire: {
    // "removed" may be a move to code the diff does not show; "changed" (replaced in place) is surer.
    'url-removed': w('high', 'low'),
    'url-changed': w('high', 'medium'),
    'header-removed': w('high', 'low'),
    'header-changed': w('high', 'medium'),
    'env-removed': w('medium', 'low'),
    'env-changed': w('medium', 'low'),
    'oauth-removed': w('breaking', 'high'),
    'oauth-changed': w('breaking', 'high'),
    'scope-removed': w('breaking', 'high'),
    'scope-changed': w('breaking', 'high'),
    'json-field-removed': w('medium', 'low'),
    'json-field-changed': w('medium', 'low'),
  },
  // What the downstream's own code uses: as loud inside a surface as outside one.
  anchor: {
    'path-deleted': w('breaking', 'breaking'),
    'path-renamed': w('breaking', 'breaking'),
    'copied-file-modified': w('medium', 'medium'),
    // Named in docs or comments, not fetched: where to look, not something copied.
    'named-file-modified': w('low', 'low'),
    'header-removed': w('high', 'high'),
    'header-changed': w('high', 'high'),
    'env-removed': w('high', 'high'),
    'env-changed': w('high', 'high'),
    'url-removed': w('high', 'high'),
    'url-changed': w('high', 'high'),
    'literal-removed': w('high', 'high'),
    'literal-changed': w('high', 'high'),
    'symbol-changed': w('high', 'high'),
    'hook-changed': w('high', 'high'),
    // A hook's parameters only gained members (input gains `sessionID`): the plugin keeps working,
    // it just does not read the new field yet. Worth knowing, not worth an issue.
    'hook-extended': w('low', 'low'),
    'sibling-added': w('medium', 'medium'),
  },
} as const satisfies Record<string, Record<string, Weights>>;

export function severityOf(rule: keyof typeof SEVERITY, kind: string, surface: string): Severity {
  const weights = (SEVERITY[rule] as Record<string, Weights>)[kind];
  if (!weights) throw new Error(`no severity for ${rule}/${kind}`);
  return surface === 'other' ? weights.other : weights.surface;
}
