import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { UpstreamConfig } from '../../src/config/schema.js';
import { compileTagPattern, tagPatternProblem } from '../../src/config/tag-pattern.js';
import { pendingReleases, selectReleases } from '../../src/sources/index.js';

const upstream = (tags: string | RegExp, extra: Record<string, unknown> = {}): UpstreamConfig =>
  parseConfig({ upstreams: { u: { repo: 'o/r', tags, ...extra } } }, '/x/release-watch.config.json').upstreams
    .u!;

describe('glob tag patterns', () => {
  it('reads the version after the literal prefix and refuses malformed tags', () => {
    const p = compileTagPattern('rust-v*');
    expect(p.kind).toBe('glob');
    expect(p.versionOf('rust-v0.139.0')).toBe('0.139.0');
    expect(p.versionOf('rust-v0.51.0-alpha.11')).toBe('0.51.0-alpha.11');
    expect(p.matches('rust-vv0.99.0-alpha.8')).toBe(true);
    expect(p.versionOf('rust-vv0.99.0-alpha.8')).toBeUndefined();
    expect(p.versionOf('rust-v0.1')).toBeUndefined();
    expect(p.versionOf('rust-v01.2.3')).toBeUndefined();
    expect(p.versionOf('codex-v0.1.0')).toBeUndefined();
  });

  it('keeps vscode-v0.0.1 out of a v* pattern', () => {
    for (const glob of ['v*', 'v[0-9]*']) {
      const p = compileTagPattern(glob);
      expect(p.versionOf('v1.2.3')).toBe('1.2.3');
      expect(p.versionOf('vscode-v0.0.1')).toBeUndefined();
      expect(p.versionOf('vv1.2.3')).toBeUndefined();
    }
    expect(compileTagPattern('v[0-9]*').matches('vscode-v0.0.1')).toBe(false);
  });

  it('keeps version digits that are part of the literal prefix (v1.* tracks the 1.x line)', () => {
    const p = compileTagPattern('v1.*');
    expect(p.versionOf('v1.4.2')).toBe('1.4.2');
    expect(p.versionOf('v2.0.0')).toBeUndefined();
    expect(p.tagFor('1.5.0')).toBe('v1.5.0');
    expect(p.tagFor('2.0.0')).toBeUndefined();
  });

  it('treats @ as a literal unless it opens an extglob (changesets-style tags)', () => {
    const p = compileTagPattern('@opencode-ai/plugin@*');
    expect(p.versionOf('@opencode-ai/plugin@1.2.3')).toBe('1.2.3');
    expect(p.versionOf('@opencode-ai/sdk@1.2.3')).toBeUndefined();
    expect(p.tagFor('1.2.3')).toBe('@opencode-ai/plugin@1.2.3');
  });

  it('allows one v after a separator or an empty prefix, never two', () => {
    const p = compileTagPattern('release-*');
    expect(p.versionOf('release-1.2.3')).toBe('1.2.3');
    expect(p.versionOf('release-v1.2.3')).toBe('1.2.3');
    expect(p.versionOf('release-vv1.2.3')).toBeUndefined();
    const any = compileTagPattern('*');
    expect(any.versionOf('v2.0.0')).toBe('2.0.0');
    expect(any.versionOf('2.0.0')).toBe('2.0.0');
    expect(any.versionOf('vscode-v0.0.1')).toBeUndefined();
  });

  it('accepts build metadata but no loose forms', () => {
    const p = compileTagPattern('v*');
    expect(p.versionOf('v1.2.3+build.5')).toBe('1.2.3+build.5');
    expect(p.versionOf('v1.2.3.4')).toBeUndefined();
    expect(p.versionOf('v 1.2.3')).toBeUndefined();
    expect(p.versionOf('v1.2.3-')).toBeUndefined();
  });

  it('maps npm versions to tags through the prefix', () => {
    expect(compileTagPattern('rust-v*').tagFor('0.139.0')).toBe('rust-v0.139.0');
    expect(compileTagPattern('v[0-9]*').tagFor('1.2.3')).toBe('v1.2.3');
    expect(compileTagPattern('rust-v*').tagFor('v0.139.0')).toBeUndefined();
    expect(compileTagPattern('rust-v*').tagFor('latest')).toBeUndefined();
  });
});

describe('regex tag patterns', () => {
  it('uses the version group when there is one', () => {
    const p = compileTagPattern(/^rust-v(?<version>.+)$/);
    expect(p.kind).toBe('regex');
    expect(p.versionOf('rust-v0.139.0')).toBe('0.139.0');
    expect(p.versionOf('rust-vv0.99.0-alpha.8')).toBeUndefined();
    expect(p.versionOf('other-0.1.0')).toBeUndefined();
    expect(p.tagFor('0.139.0')).toBeUndefined();
  });

  it('without a group, takes the version at the end after a separator and at most one v', () => {
    const p = compileTagPattern(/^rust-v/);
    expect(p.versionOf('rust-v0.139.0')).toBe('0.139.0');
    expect(p.versionOf('rust-v0.51.0-alpha.11')).toBe('0.51.0-alpha.11');
    expect(p.versionOf('rust-vv0.99.0-alpha.8')).toBeUndefined();
    expect(compileTagPattern(/^app-/).versionOf('app-1.0.0-rc-1')).toBe('1.0.0-rc-1');
  });

  it('accepts /regex/flags strings (JSON configs) and ignores g and y so matching is stateless', () => {
    const p = compileTagPattern('/^V(?<version>.*)$/gi');
    expect(p.display).toBe('/^V(?<version>.*)$/i');
    expect(p.versionOf('v1.0.0')).toBe('1.0.0');
    expect(p.versionOf('v1.0.0')).toBe('1.0.0');
    const sticky = compileTagPattern(/^v/g);
    expect([sticky.matches('v1.0.0'), sticky.matches('v1.0.0')]).toEqual([true, true]);
  });

  it('reports invalid patterns', () => {
    expect(tagPatternProblem(42)).toBe('expected a string or RegExp');
    expect(tagPatternProblem('v[0-9')).toMatch(/invalid tag pattern/);
    expect(tagPatternProblem('/(/')).toMatch(/invalid tag pattern/);
    expect(tagPatternProblem('has space*')).toMatch(/no spaces/);
    expect(tagPatternProblem('v*')).toBeUndefined();
  });
});

describe('release selection and order', () => {
  const tags = [
    'rust-v0.50.0',
    'rust-v0.51.0',
    'rust-v0.51.0-alpha.11', // created after rust-v0.51.0: a late prerelease
    'rust-v0.49.3', // a backport published last
    'rust-vv0.99.0-alpha.8',
    'rust-v0.9.0',
    'vscode-v0.0.1',
  ];
  const candidates = tags.map((tag) => ({ tag, prerelease: false }));

  it('orders by semver, not by date, and drops prereleases unless wanted', () => {
    const stable = selectReleases(upstream('rust-v*'), candidates);
    expect(stable.map((r) => r.tag)).toEqual(['rust-v0.51.0', 'rust-v0.50.0', 'rust-v0.49.3', 'rust-v0.9.0']);
    const all = selectReleases(upstream('rust-v*', { prereleases: true }), candidates);
    expect(all.map((r) => r.tag)).toEqual([
      'rust-v0.51.0',
      'rust-v0.51.0-alpha.11',
      'rust-v0.50.0',
      'rust-v0.49.3',
      'rust-v0.9.0',
    ]);
    expect(all[1]!.prerelease).toBe(true);
  });

  it('honours a prerelease flag from the source even for a plain version', () => {
    const picked = selectReleases(upstream('v*'), [
      { tag: 'v2.0.0', prerelease: true },
      { tag: 'v1.0.0', prerelease: false },
    ]);
    expect(picked.map((r) => r.tag)).toEqual(['v1.0.0']);
  });

  it('lists pending releases newer than the last reviewed one; late prereleases and backports are not pending', () => {
    const u = upstream('rust-v*', { prereleases: true });
    const releases = selectReleases(u, [...candidates, { tag: 'rust-v0.52.0', prerelease: false }]);
    expect(pendingReleases(releases, 'rust-v0.51.0', u).map((r) => r.tag)).toEqual(['rust-v0.52.0']);
    expect(pendingReleases(releases, 'rust-v0.52.0', u)).toEqual([]);
    expect(pendingReleases(releases, null, u).map((r) => r.tag)).toEqual(['rust-v0.52.0']);
    expect(pendingReleases([], null, u)).toEqual([]);
  });
});
