import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { githubEnv } from '../../src/github/env.js';
import { createSourceDeps } from '../../src/sources/deps.js';
import { listReleases } from '../../src/sources/index.js';
import { configIn } from '../helpers/check-config.js';
import { type NpmRegistryStandIn, startNpmRegistry } from '../helpers/npm-registry.js';
import { tempDir } from '../helpers/tmp.js';

let registry: NpmRegistryStandIn;
let dir: string;
let home: string;

beforeEach(async () => {
  registry = await startNpmRegistry();
  dir = await tempDir('rw-npm-');
  home = await tempDir('rw-npm-home-');
});
afterEach(() => registry.close());

/** npm's config is read from `dir` (project .npmrc) and this environment only: no user or CI settings leak in. */
const deps = (npmEnv: Record<string, string> = {}) =>
  createSourceDeps({
    env: githubEnv({}),
    cacheDir: join(dir, 'cache'),
    npm: {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: home, npm_config_cache: join(home, 'npm-cache'), ...npmEnv },
    },
  });
const upstream = (extra: Record<string, unknown> = {}) =>
  configIn(dir, {
    codex: { repo: 'openai/codex', tags: 'rust-v*', source: 'npm', npm: '@openai/codex', ...extra },
  }).upstreams.codex!;

describe('npm source', () => {
  beforeEach(() => {
    registry.packages.set('@openai/codex', {
      versions: ['0.137.0', '0.138.0', '0.139.0', '0.140.0-alpha.1', '0.140.0', '0.0.0-dev'],
      distTags: { latest: '0.139.0', next: '0.140.0', alpha: '0.140.0-alpha.1' },
    });
  });

  it('maps versions to tags through the tag pattern, from the registry npm_config_registry names', async () => {
    const releases = await listReleases('codex', upstream(), deps({ npm_config_registry: registry.url }));
    expect(releases.map((r) => [r.tag, r.version])).toEqual([
      ['rust-v0.139.0', '0.139.0'],
      ['rust-v0.138.0', '0.138.0'],
      ['rust-v0.137.0', '0.137.0'],
    ]);
    expect(registry.requests.map((r) => [r.path, r.status])).toEqual([['/@openai%2fcodex', 200]]);
    expect(registry.requests[0]!.headers.accept).toMatch(/application\/vnd\.npm\.install-v1\+json/);
  });

  it('counts versions above dist-tags.latest as prereleases', async () => {
    const releases = await listReleases(
      'codex',
      upstream({ prereleases: true }),
      deps({ npm_config_registry: registry.url }),
    );
    expect(releases.slice(0, 3).map((r) => [r.tag, r.prerelease])).toEqual([
      ['rust-v0.140.0', true],
      ['rust-v0.140.0-alpha.1', true],
      ['rust-v0.139.0', false],
    ]);
  });

  it('reads registry and auth token from a project .npmrc', async () => {
    await registry.close();
    registry = await startNpmRegistry({ token: 'npm_SECRET' });
    registry.packages.set('@openai/codex', { versions: ['0.139.0'] });
    const host = registry.url.replace(/^http:/, '');
    await writeFile(join(dir, '.npmrc'), `@openai:registry=${registry.url}\n${host}:_authToken=npm_SECRET\n`);
    const releases = await listReleases('codex', upstream(), deps());
    expect(releases.map((r) => r.tag)).toEqual(['rust-v0.139.0']);
    expect(registry.requests[0]!.headers.authorization).toBe('Bearer npm_SECRET');
  });

  it('revalidates its cached copy: the second look is a 304', async () => {
    const env = { npm_config_registry: registry.url };
    await listReleases('codex', upstream(), deps(env));
    const again = await listReleases('codex', upstream(), deps(env));
    expect(again[0]!.tag).toBe('rust-v0.139.0');
    expect(registry.requests.map((r) => [r.status, r.headers['if-none-match'] !== undefined])).toEqual([
      [200, false],
      [304, true],
    ]);
  });

  it('reports a package the registry does not have', async () => {
    const missing = upstream({ npm: 'no-such-package' });
    await expect(
      listReleases('codex', missing, deps({ npm_config_registry: registry.url })),
    ).rejects.toMatchObject({
      code: 'NPM_REGISTRY_FAILED',
      message: expect.stringContaining(`no-such-package from ${registry.url}`),
      suggestion: expect.stringMatching(/upstreams\.codex\.npm/),
    });
  });

  it('refuses a regex tag pattern, which cannot turn a version into a tag', async () => {
    await expect(
      listReleases(
        'codex',
        upstream({ tags: /^rust-v(?<version>.+)$/ }),
        deps({ npm_config_registry: registry.url }),
      ),
    ).rejects.toMatchObject({ code: 'NPM_TAG_PATTERN', exitCode: 2 });
    expect(registry.requests).toHaveLength(0);
  });
});
