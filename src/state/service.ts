import type { ResolvedConfig } from '../config/load.js';
import { getUpstream, tagPatternOf, upstreamIds } from '../config/upstreams.js';
import { Errors } from '../errors.js';
import { assertSafeTag } from '../util/safe-tag.js';
import { readState, type UpstreamState, updateUpstreamState, upstreamState } from './store.js';

export interface StateRow extends UpstreamState {
  id: string;
  repo: string;
}

/** Every configured upstream (or one) with its state; upstreams without an entry show as never reviewed. */
export async function showState(config: ResolvedConfig, id?: string): Promise<StateRow[]> {
  const ids = id ? [id] : upstreamIds(config);
  for (const each of ids) getUpstream(config, each);
  const state = await readState(config.state);
  return ids.map((each) => ({
    id: each,
    repo: getUpstream(config, each).repo,
    ...upstreamState(state, each),
  }));
}

export interface SetStateOptions {
  force?: boolean;
  now?: () => Date;
}

/** Rewinds (or advances) an upstream to TAG; the tag must fit the upstream's pattern unless forced. */
export async function setState(
  config: ResolvedConfig,
  id: string,
  tag: string,
  options: SetStateOptions = {},
) {
  // Before anything else, --force included: the tag would reach the state file and every later report.
  assertSafeTag(tag, 'state set');
  const upstream = getUpstream(config, id);
  const pattern = tagPatternOf(upstream);
  if (!options.force && !pattern.matches(tag)) throw Errors.tagPatternMismatch(id, tag, pattern.display);
  const now = (options.now ?? (() => new Date()))();
  const state = await updateUpstreamState(config.state, id, () => ({
    lastReviewed: tag,
    reviewedAt: now.toISOString(),
  }));
  return { id, ...upstreamState(state, id) };
}

/** Clears the last-reviewed tag: the next run treats the upstream as new (baseline). */
export async function resetState(config: ResolvedConfig, id: string) {
  getUpstream(config, id);
  const state = await updateUpstreamState(config.state, id, () => ({ lastReviewed: null }));
  return { id, ...upstreamState(state, id) };
}
