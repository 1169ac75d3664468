import Bottleneck from 'bottleneck';
import type { ResolvedConfig } from '../config/load.js';
import type { UpstreamConfig } from '../config/schema.js';
import { cloneUrl, getUpstream, tagPatternOf, upstreamIds } from '../config/upstreams.js';
import { Errors, isReleaseWatchError, type ReleaseWatchError } from '../errors.js';
import { readState, upstreamState } from '../state/store.js';
import { renderTable } from '../util/table.js';
import { listReleases } from './index.js';
import { pendingReleases } from './select.js';
import type { Release, SourceDeps } from './types.js';

/**
 * `new`: releases after the last reviewed one; `baseline`: never reviewed, the newest release is
 * pending; `up-to-date`: nothing newer; `error`: the source failed (see `error`).
 */
export type CheckStatus = 'new' | 'up-to-date' | 'baseline' | 'error';

export interface UpstreamCheck {
  id: string;
  repo: string;
  source: UpstreamConfig['source'];
  status: CheckStatus;
  lastReviewed: string | null;
  /** The newest release by semver, or null when none was found. */
  newest: string | null;
  /** Releases after the last reviewed one, newest first (for a baseline: only the newest). */
  pending: Release[];
  /**
   * Where a diff of the pending releases starts: the last reviewed tag, or for a baseline the
   * release before the newest one (null when there is none).
   */
  from: string | null;
  error?: ReturnType<ReleaseWatchError['toJSON']>;
}

export interface CheckOptions {
  /** Only these upstream IDs (default: all, in config order). Unknown IDs are a usage error. */
  upstreams?: readonly string[];
}

/**
 * Upstreams checked at once: enough to hide the latency of each listing, few enough that 50 upstreams
 * do not start 50 git processes or burst GitHub's API (which asks clients not to send many at once).
 */
export const CHECK_CONCURRENCY = 8;

/**
 * Compares the newest release of each upstream with the state. Upstreams are checked concurrently
 * (at most {@link CHECK_CONCURRENCY} at a time) and independently: one failing is reported in its row
 * and never hides the others.
 */
export async function checkUpstreams(
  config: ResolvedConfig,
  deps: SourceDeps,
  options: CheckOptions = {},
): Promise<UpstreamCheck[]> {
  const ids = options.upstreams?.length ? [...new Set(options.upstreams)] : upstreamIds(config);
  for (const id of ids) getUpstream(config, id);
  const state = await readState(config.state);
  const limiter = new Bottleneck({ maxConcurrent: CHECK_CONCURRENCY });
  return Promise.all(
    ids.map((id) =>
      limiter.schedule(() =>
        checkUpstream(id, getUpstream(config, id), upstreamState(state, id).lastReviewed, deps),
      ),
    ),
  );
}

async function checkUpstream(
  id: string,
  upstream: UpstreamConfig,
  lastReviewed: string | null,
  deps: SourceDeps,
): Promise<UpstreamCheck> {
  const row = { id, repo: upstream.repo, source: upstream.source, lastReviewed };
  try {
    const pattern = tagPatternOf(upstream);
    if (lastReviewed !== null && !pattern.versionOf(lastReviewed)) {
      throw Errors.lastReviewedMismatch(id, lastReviewed, pattern.display);
    }
    const seen: string[] = [];
    const releases = await listReleases(id, upstream, deps, { since: lastReviewed, seen });
    if (releases.length === 0) {
      throw Errors.noReleases(
        id,
        describeSource(upstream, deps),
        pattern.display,
        upstream.prereleases,
        seen,
      );
    }
    const pending = pendingReleases(releases, lastReviewed, upstream);
    const status: CheckStatus =
      lastReviewed === null ? 'baseline' : pending.length > 0 ? 'new' : 'up-to-date';
    const from = lastReviewed ?? releases[1]?.tag ?? null;
    return { ...row, status, newest: releases[0]!.tag, pending, from };
  } catch (error) {
    const coded = isReleaseWatchError(error)
      ? error
      : Errors.checkFailed(id, (error as Error).message ?? String(error), error);
    return { ...row, status: 'error', newest: null, pending: [], from: null, error: coded.toJSON() };
  }
}

function describeSource(upstream: UpstreamConfig, deps: SourceDeps): string {
  if (upstream.source === 'npm') return `npm package ${upstream.npm}`;
  if (upstream.source === 'git-tags') return cloneUrl(upstream, deps.env);
  return upstream.repo;
}

/** Upstreams a run should work on: new releases, or a first (baseline) review. */
export function upstreamsWithUpdates(results: readonly UpstreamCheck[]): string[] {
  return results.filter((r) => r.status === 'new' || r.status === 'baseline').map((r) => r.id);
}

/** The step outputs a workflow fans out on: `has-updates` and `matrix` ({"upstream": [ids]}). */
export function checkOutputs(results: readonly UpstreamCheck[]): Record<string, string> {
  const ids = upstreamsWithUpdates(results);
  return { 'has-updates': String(ids.length > 0), matrix: JSON.stringify({ upstream: ids }) };
}

/** Exit code of a check: the highest of the failed upstreams' codes, 0 when none failed. */
export function checkExitCode(results: readonly UpstreamCheck[]): number {
  return results.reduce((code, r) => Math.max(code, r.error?.exitCode ?? 0), 0);
}

const MAX_PENDING_SHOWN = 3;

/** The human table, then one paragraph per failed upstream. */
export function renderCheck(results: readonly UpstreamCheck[]): string {
  const table = renderTable([
    ['UPSTREAM', 'SOURCE', 'LAST REVIEWED', 'NEWEST', 'PENDING', 'STATUS'],
    ...results.map((r) => {
      const shown = r.pending.slice(0, MAX_PENDING_SHOWN).map((p) => p.tag);
      const more = r.pending.length - shown.length;
      return [
        r.id,
        r.source,
        r.lastReviewed ?? '(never)',
        r.newest ?? '-',
        shown.length ? `${shown.join(' ')}${more > 0 ? ` (+${more} more)` : ''}` : '-',
        r.status,
      ];
    }),
  ]);
  const errors = results.flatMap(({ id, error }) =>
    error
      ? [
          `${id}: Error [${error.code}]: ${error.message}${error.suggestion ? `\n  → ${error.suggestion}` : ''}`,
        ]
      : [],
  );
  return [table, ...errors].join('\n\n');
}
