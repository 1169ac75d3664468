import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { githubEnv } from '../../src/github/env.js';
import {
  CHECK_CONCURRENCY,
  checkExitCode,
  checkOutputs,
  checkUpstreams,
  renderCheck,
} from '../../src/sources/check.js';
import { createSourceDeps } from '../../src/sources/deps.js';
import { configIn, reviewed } from '../helpers/check-config.js';
import { createFixtureRepo } from '../helpers/git-fixture.js';
import { type GitHubStandIn, startGitHubStandIn } from '../helpers/github-server.js';
import { type NpmRegistryStandIn, startNpmRegistry } from '../helpers/npm-registry.js';
import { tempDir } from '../helpers/tmp.js';

let github: GitHubStandIn;
let npm: NpmRegistryStandIn;
let dir: string;

beforeEach(async () => {
  github = await startGitHubStandIn();
  npm = await startNpmRegistry();
  dir = await tempDir('rw-check-');
  github
    .repo('openai/codex')
    .releases.push(
      { tag_name: 'rust-v0.138.0' },
      { tag_name: 'rust-v0.139.0' },
      { tag_name: 'rust-v0.140.0-alpha.1', prerelease: true },
      { tag_name: 'rust-v0.140.0', draft: true },
    );
  github.repo('sst/opencode').renamedTo = 'anomalyco/opencode';
  github.repo('anomalyco/opencode').releases.push({ tag_name: 'v1.2.3' }, { tag_name: 'v1.2.4' });
  npm.packages.set('opencode-ai', { versions: ['1.2.3', '1.2.4', '1.3.0'] });
});
afterEach(async () => {
  await github.close();
  await npm.close();
});

const deps = () =>
  createSourceDeps({
    env: githubEnv({ GITHUB_API_URL: github.url }),
    cacheDir: `${dir}/cache`,
    github: { retryBaseMs: 5 },
    npm: { cwd: dir, env: { HOME: dir, npm_config_registry: npm.url, npm_config_cache: `${dir}/npm-cache` } },
  });

describe('checkUpstreams', () => {
  it(`lists at most ${CHECK_CONCURRENCY} upstreams at once`, async () => {
    const upstreams = Object.fromEntries(
      Array.from({ length: 30 }, (_, n) => [
        `u${n}`,
        { repo: `o/u${n}`, tags: 'v*', source: 'git-tags' as const, url: `https://git.example/u${n}.git` },
      ]),
    );
    const config = configIn(dir, upstreams);
    let now = 0;
    let most = 0;
    let started = 0;
    const real = deps();
    const counted = {
      ...real,
      // Each listing is held until the bound is reached (or every one has started): the count then
      // shows the bound whatever the machine's load, and 30 at once without one.
      git: async () => {
        started++;
        most = Math.max(most, ++now);
        while (now < CHECK_CONCURRENCY && started < 30)
          await new Promise((resolve) => setTimeout(resolve, 2));
        now--;
        return { stdout: 'abc\trefs/tags/v1.0.0\n', exitCode: 0 };
      },
    };
    const results = await checkUpstreams(config, counted);
    expect(results.every((r) => r.newest === 'v1.0.0')).toBe(true);
    expect(most).toBe(CHECK_CONCURRENCY);
  });

  it('reports new, up-to-date and baseline upstreams with their pending tags', async () => {
    const fixture = await createFixtureRepo();
    await fixture.commit({ a: '1' });
    await fixture.tag('v2.0.0');
    const config = configIn(dir, {
      codex: { repo: 'openai/codex', tags: 'rust-v*' },
      opencode: { repo: 'sst/opencode', tags: 'v[0-9]*' },
      'opencode-npm': { repo: 'sst/opencode', tags: 'v[0-9]*', source: 'npm', npm: 'opencode-ai' },
      local: { repo: 'o/local', tags: 'v*', source: 'git-tags', url: fixture.url },
    });
    await reviewed(config, { codex: 'rust-v0.138.0', opencode: 'v1.2.4', 'opencode-npm': 'v1.2.3' });
    const results = await checkUpstreams(config, deps());
    expect(
      results.map((r) => [r.id, r.status, r.lastReviewed, r.newest, r.pending.map((p) => p.tag)]),
    ).toEqual([
      ['codex', 'new', 'rust-v0.138.0', 'rust-v0.139.0', ['rust-v0.139.0']],
      ['opencode', 'up-to-date', 'v1.2.4', 'v1.2.4', []],
      ['opencode-npm', 'new', 'v1.2.3', 'v1.3.0', ['v1.3.0', 'v1.2.4']],
      ['local', 'baseline', null, 'v2.0.0', ['v2.0.0']],
    ]);
    expect(results.map((r) => r.from)).toEqual(['rust-v0.138.0', 'v1.2.4', 'v1.2.3', null]);
    expect(results.every((r) => r.error === undefined)).toBe(true);
    expect(checkExitCode(results)).toBe(0);
    expect(checkOutputs(results)).toEqual({
      'has-updates': 'true',
      matrix: '{"upstream":["codex","opencode-npm","local"]}',
    });
  });

  it('reports a failing upstream in its row and still checks the others', async () => {
    github.fault({ path: /^\/repos\/openai\/codex\/releases$/, status: 502, times: 10 });
    const config = configIn(dir, {
      codex: { repo: 'openai/codex', tags: 'rust-v*' },
      missing: { repo: 'o/missing', tags: 'v*', source: 'npm', npm: 'missing-pkg' },
      opencode: { repo: 'sst/opencode', tags: 'v[0-9]*' },
    });
    await reviewed(config, { codex: 'rust-v0.138.0', opencode: 'v1.2.3' });
    const results = await checkUpstreams(config, deps());
    expect(results.map((r) => [r.id, r.status, r.error?.code])).toEqual([
      ['codex', 'error', 'GITHUB_REQUEST_FAILED'],
      ['missing', 'error', 'NPM_REGISTRY_FAILED'],
      ['opencode', 'new', undefined],
    ]);
    // 1 try + 3 retries for the failing upstream; the other answered after its redirect.
    const codexCalls = github.requests.filter((r) => r.path === '/repos/openai/codex/releases');
    expect(codexCalls.map((r) => r.status)).toEqual([502, 502, 502, 502]);
    expect(checkExitCode(results)).toBe(3);
    expect(checkOutputs(results)).toEqual({ 'has-updates': 'true', matrix: '{"upstream":["opencode"]}' });
    const text = renderCheck(results);
    expect(text).toMatch(/^codex +github-releases +rust-v0\.138\.0 +- +- +error$/m);
    expect(text).toMatch(/^opencode +github-releases +v1\.2\.3 +v1\.2\.4 +v1\.2\.4 +new$/m);
    expect(text).toMatch(/^codex: Error \[GITHUB_REQUEST_FAILED\]: GitHub answered 502/m);
    expect(text).toMatch(/^missing: Error \[NPM_REGISTRY_FAILED\]/m);
  });

  it('refuses a last reviewed tag outside the pattern without asking the source', async () => {
    const config = configIn(dir, { codex: { repo: 'openai/codex', tags: 'rust-v*' } });
    await reviewed(config, { codex: 'v0.138.0' });
    const [result] = await checkUpstreams(config, deps());
    expect(result).toMatchObject({ status: 'error', error: { code: 'STATE_TAG_MISMATCH' } });
    expect(github.requests).toHaveLength(0);
  });

  it('calls an upstream without any matching release an error', async () => {
    const config = configIn(dir, { codex: { repo: 'openai/codex', tags: 'codex-v*' } });
    const [result] = await checkUpstreams(config, deps());
    expect(result).toMatchObject({
      status: 'error',
      newest: null,
      error: { code: 'NO_RELEASES', message: expect.stringContaining('openai/codex') },
    });
    // The pattern and a few of the tags that were there, so the mismatch shows.
    expect(result!.error!.message).toContain('matches tag pattern codex-v*');
    expect(result!.error!.message).toMatch(/Tags seen \(\d+\): rust-v/);
  });

  it('checks only the upstreams asked for and rejects unknown IDs before any request', async () => {
    const config = configIn(dir, {
      codex: { repo: 'openai/codex', tags: 'rust-v*' },
      opencode: { repo: 'sst/opencode', tags: 'v[0-9]*' },
    });
    const only = await checkUpstreams(config, deps(), { upstreams: ['opencode'] });
    expect(only.map((r) => [r.id, r.status, r.newest])).toEqual([['opencode', 'baseline', 'v1.2.4']]);
    await expect(checkUpstreams(config, deps(), { upstreams: ['nope'] })).rejects.toMatchObject({
      code: 'UNKNOWN_UPSTREAM',
    });
    expect(github.requests.filter((r) => r.path.includes('codex'))).toHaveLength(0);
  });

  it('says has-updates=false with an empty matrix when everything is reviewed', async () => {
    const config = configIn(dir, { opencode: { repo: 'sst/opencode', tags: 'v[0-9]*' } });
    await reviewed(config, { opencode: 'v1.2.4' });
    const results = await checkUpstreams(config, deps());
    expect(checkOutputs(results)).toEqual({ 'has-updates': 'false', matrix: '{"upstream":[]}' });
  });
});
