import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { selectUpstream } from '../../src/config/upstreams.js';
import { ReleaseWatchError } from '../../src/errors.js';
import { TWO_UPSTREAMS_JSON, tempProject } from '../helpers/project.js';

const catchError = async (promise: Promise<unknown>): Promise<ReleaseWatchError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ReleaseWatchError);
    return error as ReleaseWatchError;
  }
  throw new Error('expected the promise to reject');
};

const TS_CONFIG = `
import type { ConfigInput } from '${join(process.cwd(), 'src/config/schema.ts')}';
const config: ConfigInput = {
  downstream: { repo: 'open-hax/codex' },
  upstreams: {
    codex: { repo: 'openai/codex', tags: /^rust-v(?<version>.+)$/, surfaces: { auth: ['codex-rs/login/**'] } },
  },
};
export default config;
`;

describe('loadConfig', () => {
  it('loads a TypeScript config, fills defaults from the schema and resolves paths against its folder', async () => {
    const dir = await tempProject({ 'release-watch.config.ts': TS_CONFIG });
    const config = await loadConfig({ cwd: dir });
    expect(config.file).toBe(join(dir, 'release-watch.config.ts'));
    expect(config.state).toBe(join(dir, '.github/release-watch/state.json'));
    expect(config.artifacts).toBe(join(dir, '.release-watch/artifacts'));
    expect(config.cache).toBe(join(dir, '.release-watch/cache'));
    expect(config.downstream).toEqual({
      repo: 'open-hax/codex',
      path: dir,
      labels: ['release-watch'],
      minSeverity: 'medium',
      maxIssuesPerRun: 10,
      dashboard: false,
    });
    expect(config.agent).toEqual({ kind: 'opencode', name: 'release-impact', timeout: 20 * 60_000 });
    expect(config.upstreams.codex).toMatchObject({
      source: 'github-releases',
      prereleases: false,
      ignore: [],
      anchors: { include: [], exclude: [] },
    });
    expect(config.upstreams.codex!.tags).toBeInstanceOf(RegExp);
  });

  it('writes no temp files next to a TypeScript config', async () => {
    const dir = await tempProject({ 'release-watch.config.ts': TS_CONFIG });
    await loadConfig({ cwd: dir });
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(dir)).toEqual(['release-watch.config.ts']);
  });

  it('searches upward from a subfolder, and finds package.json#release-watch', async () => {
    const dir = await tempProject({
      'package.json': JSON.stringify({ name: 'x', 'release-watch': JSON.parse(TWO_UPSTREAMS_JSON) }),
    });
    await mkdir(join(dir, 'a/b'), { recursive: true });
    const config = await loadConfig({ cwd: join(dir, 'a/b') });
    expect(config.file).toBe(join(dir, 'package.json'));
    expect(Object.keys(config.upstreams)).toEqual(['opencode', 'codex']);
  });

  it.each([
    ['.release-watchrc.json', TWO_UPSTREAMS_JSON],
    ['release-watch.config.mjs', `export default ${TWO_UPSTREAMS_JSON};`],
    ['release-watch.config.cjs', `module.exports = ${TWO_UPSTREAMS_JSON};`],
    ['release-watch.config.json', TWO_UPSTREAMS_JSON],
  ])('loads %s', async (name, content) => {
    const dir = await tempProject({ [name]: content });
    const config = await loadConfig({ cwd: dir });
    expect(config.upstreams.codex!.repo).toBe('openai/codex');
  });

  it('a missing config says where it looked and how to create one', async () => {
    const dir = await tempProject();
    const error = await catchError(loadConfig({ cwd: dir }));
    expect(error.code).toBe('CONFIG_NOT_FOUND');
    expect(error.message).toContain(dir);
    expect(error.message).toContain('release-watch.config.ts');
    expect(error.suggestion).toContain('release-watch init');
  });

  it('an explicit --config path that does not exist names it', async () => {
    const dir = await tempProject();
    const error = await catchError(loadConfig({ cwd: dir, file: 'nope.ts' }));
    expect(error.message).toContain(join(dir, 'nope.ts'));
  });

  it('a syntax error in a TypeScript config names the file', async () => {
    const dir = await tempProject({ 'release-watch.config.ts': 'export default { upstreams: { ' });
    const error = await catchError(loadConfig({ cwd: dir }));
    expect(error.code).toBe('CONFIG_LOAD_FAILED');
    expect(error.message).toContain(join(dir, 'release-watch.config.ts'));
  });

  it('reports every invalid key at once with its path and the file', async () => {
    const dir = await tempProject({
      'release-watch.config.json': JSON.stringify({
        downstream: { repo: 'not a repo', minSeverity: 'urgent' },
        agent: { timeout: 'soon' },
        extra: true,
        upstreams: {
          codex: { repo: 'openai', tags: 42, tagz: 'x' },
          opencode: { repo: 'sst/opencode', tags: 'v[0-9', surfaces: { auth: ['src/[auth'] } },
          npmish: { repo: 'a/b', tags: 'v*', source: 'npm' },
        },
      }),
    });
    const error = await catchError(loadConfig({ cwd: dir }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(join(dir, 'release-watch.config.json'));
    const problems = error.details!.problems as string[];
    const text = problems.join('\n');
    expect(text).toContain('downstream.repo: expected a repository as "owner/name"');
    expect(text).toContain('downstream.minSeverity:');
    expect(text).toContain('agent.timeout: expected a duration');
    expect(text).toContain('extra: unknown key');
    expect(text).toContain('upstreams.codex.repo: expected a repository as "owner/name"');
    expect(text).toContain('upstreams.codex.tags: expected a string or RegExp');
    expect(text).toContain('upstreams.codex.tagz: unknown key');
    expect(text).toContain('upstreams.opencode.tags: invalid tag pattern');
    expect(text).toContain('upstreams.opencode.surfaces.auth.0: invalid glob');
    expect(text).toContain('upstreams.npmish.npm: required when source is "npm"');
    expect(problems.length).toBeGreaterThanOrEqual(10);
  });

  it('requires at least one upstream, each with repo and tags', async () => {
    const dir = await tempProject({ '.release-watchrc.json': JSON.stringify({ upstreams: { a: {} } }) });
    const error = await catchError(loadConfig({ cwd: dir }));
    const text = (error.details!.problems as string[]).join('\n');
    expect(text).toContain('upstreams.a.repo: required');
    expect(text).toContain('upstreams.a.tags:');
  });

  it('accepts a /regex/ string for JSON configs and rejects an invalid one', async () => {
    const ok = await tempProject({
      '.release-watchrc.json': JSON.stringify({
        upstreams: { c: { repo: 'a/b', tags: '/^rust-v(?<version>.+)$/' } },
      }),
    });
    expect((await loadConfig({ cwd: ok })).upstreams.c!.tags).toBe('/^rust-v(?<version>.+)$/');
    const bad = await tempProject({
      '.release-watchrc.json': JSON.stringify({ upstreams: { c: { repo: 'a/b', tags: '/^rust-v(+$/' } } }),
    });
    const error = await catchError(loadConfig({ cwd: bad }));
    expect(error.message).toContain('upstreams.c.tags: invalid tag pattern');
  });
});

describe('selectUpstream', () => {
  it('picks the one upstream whose pattern matches a tag, and explains the alternatives', async () => {
    const dir = await tempProject({ '.release-watchrc.json': TWO_UPSTREAMS_JSON });
    const config = await loadConfig({ cwd: dir });
    expect(selectUpstream(config, { tag: 'rust-v0.139.0' })).toBe('codex');
    expect(selectUpstream(config, { tag: 'v1.2.3' })).toBe('opencode');
    expect(selectUpstream(config, { upstream: 'codex' })).toBe('codex');
    expect(() => selectUpstream(config, { tag: 'nightly' })).toThrow(/matches no upstream/);
    expect(() => selectUpstream(config, { upstream: 'claude' })).toThrow(/Known upstreams: opencode, codex/);
    expect(() => selectUpstream(config, {})).toThrow(ReleaseWatchError);
  });

  it('resolves downstream.path against the config folder and validates upstream anchors', async () => {
    const dir = await tempProject({
      'conf/.release-watchrc.json': JSON.stringify({
        downstream: { path: '../plugin' },
        upstreams: { codex: { repo: 'openai/codex', tags: 'rust-v*', anchors: { exclude: ['main'] } } },
      }),
    });
    const config = await loadConfig({ cwd: join(dir, 'conf') });
    expect(config.downstream.path).toBe(join(dir, 'plugin'));
    expect(config.upstreams.codex!.anchors).toEqual({ include: [], exclude: ['main'] });

    const bad = await tempProject({
      '.release-watchrc.json': JSON.stringify({
        upstreams: { codex: { repo: 'openai/codex', tags: 'rust-v*', anchors: { exclude: [''], only: [] } } },
      }),
    });
    const error = (await loadConfig({ cwd: bad }).catch((caught: Error) => caught)) as Error;
    expect(error.message).toContain('upstreams.codex.anchors.only: unknown key');
    expect(error.message).toContain('upstreams.codex.anchors.exclude.0:');
  });

  it('prefers the pattern that yields a version when two globs match', async () => {
    const dir = await tempProject({
      '.release-watchrc.json': JSON.stringify({
        upstreams: { any: { repo: 'a/b', tags: 'v*' }, vscode: { repo: 'a/c', tags: 'vscode-v*' } },
      }),
    });
    const config = await loadConfig({ cwd: dir });
    expect(selectUpstream(config, { tag: 'vscode-v0.0.1' })).toBe('vscode');
    expect(selectUpstream(config, { tag: 'v1.0.0' })).toBe('any');
  });
});

describe('the repository config', () => {
  it('is valid and watches both upstreams for open-hax/codex', async () => {
    const config = await loadConfig({ file: join(process.cwd(), 'release-watch.config.ts') });
    expect(config.downstream.repo).toBe('open-hax/codex');
    expect(config.upstreams.opencode!.repo).toBe('sst/opencode');
    expect(config.upstreams.codex!.tags).toBe('rust-v*');
    expect(Object.keys(config.upstreams.codex!.surfaces)).toEqual(
      expect.arrayContaining(['auth', 'endpoints', 'headers', 'prompts', 'cli']),
    );
    expect(Object.keys(config.upstreams.opencode!.surfaces)).toEqual(
      expect.arrayContaining(['plugin-hooks', 'auth', 'provider', 'prompts', 'cli']),
    );
  });
});
