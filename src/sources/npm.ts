import semver from 'semver';
import { z } from 'zod';
import { tagPatternOf } from '../config/upstreams.js';
import { Errors } from '../errors.js';
import { selectReleases, sourceHooks } from './select.js';
import type { ReleaseSource } from './types.js';

const packumentSchema = z.object({
  'dist-tags': z.record(z.string(), z.string()).default({}),
  versions: z.record(z.string(), z.unknown()).default({}),
  time: z.record(z.string(), z.string()).optional(),
});

/**
 * Versions of the upstream's npm package, mapped to git tags through its tag pattern
 * (`0.139.0` → `rust-v0.139.0`). Versions above `dist-tags.latest` are not released to everyone
 * yet (`next`, `beta`), so they count as prereleases.
 */
export const npmSource: ReleaseSource = async (id, upstream, deps, options) => {
  const name = upstream.npm!;
  const pattern = tagPatternOf(upstream);
  if (pattern.kind !== 'glob') throw Errors.npmTagPatternNotInvertible(id, pattern.display);
  const registry = await deps.npm();
  let raw: unknown;
  try {
    raw = await registry.packument(name);
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    const reason = status ? `HTTP ${status}` : (error as Error).message;
    throw Errors.npmRegistryFailed(id, name, registry.registryFor(name), reason, status, error);
  }
  const parsed = packumentSchema.safeParse(raw);
  if (!parsed.success) {
    throw Errors.npmRegistryFailed(id, name, registry.registryFor(name), 'the package document is malformed');
  }
  const packument = parsed.data;
  const latest = semver.valid(packument['dist-tags'].latest ?? '') ?? undefined;
  const candidates = Object.keys(packument.versions).flatMap((version) => {
    const tag = pattern.tagFor(version);
    if (!tag) return [];
    const unreleased = latest !== undefined && semver.valid(version) !== null && semver.gt(version, latest);
    return [{ tag, prerelease: unreleased, date: packument.time?.[version] }];
  });
  return selectReleases(upstream, candidates, sourceHooks(id, upstream, deps, options));
};
