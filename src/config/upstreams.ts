import { Errors } from '../errors.js';
import type { Config, UpstreamConfig } from './schema.js';
import { compileTagPattern, type TagPattern } from './tag-pattern.js';

export function upstreamIds(config: Pick<Config, 'upstreams'>): string[] {
  return Object.keys(config.upstreams);
}

export function getUpstream(config: Pick<Config, 'upstreams'>, id: string): UpstreamConfig {
  const upstream = Object.hasOwn(config.upstreams, id) ? config.upstreams[id] : undefined;
  if (!upstream) throw Errors.unknownUpstream(id, upstreamIds(config));
  return upstream;
}

const compiled = new WeakMap<UpstreamConfig, TagPattern>();

/** The upstream's compiled tag pattern (validated when the config was parsed). */
export function tagPatternOf(upstream: UpstreamConfig): TagPattern {
  let pattern = compiled.get(upstream);
  if (!pattern) {
    pattern = compileTagPattern(upstream.tags);
    compiled.set(upstream, pattern);
  }
  return pattern;
}

/**
 * Which upstream a command acts on: `--upstream` when given, else the one upstream whose tag
 * pattern matches `--tag`, else the only upstream configured.
 */
export function selectUpstream(
  config: Pick<Config, 'upstreams'>,
  options: { upstream?: string; tag?: string },
): string {
  if (options.upstream) {
    getUpstream(config, options.upstream);
    return options.upstream;
  }
  const ids = upstreamIds(config);
  if (options.tag) {
    const tag = options.tag;
    const matches = ids.filter((id) => tagPatternOf(getUpstream(config, id)).matches(tag));
    if (matches.length === 1) return matches[0]!;
    if (matches.length === 0) {
      const patterns = Object.fromEntries(
        ids.map((id) => [id, tagPatternOf(getUpstream(config, id)).display]),
      );
      throw Errors.tagMatchesNoUpstream(tag, patterns);
    }
    // Prefer the pattern that also yields a version (`v*` matches `vscode-v0.0.1` without one).
    const versioned = matches.filter((id) => tagPatternOf(getUpstream(config, id)).versionOf(tag));
    if (versioned.length === 1) return versioned[0]!;
    throw Errors.tagMatchesManyUpstreams(tag, matches);
  }
  if (ids.length === 1) return ids[0]!;
  throw Errors.unknownUpstream('(none given)', ids);
}

/** Clone URL of an upstream: its `url`, else `${GITHUB_SERVER_URL}/${owner}/${name}.git`. */
export function cloneUrl(upstream: Pick<UpstreamConfig, 'repo' | 'url'>, env: { serverUrl: string }): string {
  return upstream.url ?? `${env.serverUrl}/${upstream.repo}.git`;
}

/** Web base of an upstream for permalinks and compare links. */
export function webUrl(upstream: Pick<UpstreamConfig, 'repo'>, env: { serverUrl: string }): string {
  return `${env.serverUrl}/${upstream.repo}`;
}
