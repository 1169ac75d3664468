import { join } from 'node:path';
import { parseConfig, type ResolvedConfig } from '../../src/config/load.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { writeState } from '../../src/state/store.js';

/** A validated config as if loaded from `<dir>/release-watch.config.json`. */
export function configIn(dir: string, upstreams: ConfigInput['upstreams'], extra: Partial<ConfigInput> = {}) {
  return parseConfig({ ...extra, upstreams }, join(dir, 'release-watch.config.json'));
}

/** Writes the state file of `config` with these last-reviewed tags. */
export async function reviewed(config: ResolvedConfig, tags: Record<string, string | null>) {
  await writeState(config.state, {
    version: 1,
    upstreams: Object.fromEntries(Object.entries(tags).map(([id, tag]) => [id, { lastReviewed: tag }])),
  });
}
