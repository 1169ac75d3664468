import { readFile } from 'node:fs/promises';
import semver from 'semver';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { githubEnv } from '../../src/github/env.js';
import { createSourceDeps } from '../../src/sources/deps.js';
import { releasesCacheFile } from '../../src/sources/github.js';
import { listReleases } from '../../src/sources/index.js';
import { configIn } from '../helpers/check-config.js';
import { type GitHubStandIn, startGitHubStandIn } from '../helpers/github-server.js';
import { tempDir } from '../helpers/tmp.js';

let server: GitHubStandIn;
let dir: string;
let notes: string[];

beforeEach(async () => {
  server = await startGitHubStandIn();
  dir = await tempDir('rw-gh-');
  notes = [];
});
afterEach(() => server.close());

const deps = (env: Record<string, string> = {}) =>
  createSourceDeps({
    env: githubEnv({ GITHUB_API_URL: server.url, ...env }),
    cacheDir: dir,
    onNote: (m) => notes.push(m),
    github: { retryBaseMs: 5 },
  });
const codex = (extra: Record<string, unknown> = {}) =>
  configIn(dir, { codex: { repo: 'openai/codex', tags: 'rust-v*', ...extra } }).upstreams.codex!;
const releaseRequests = () => server.requests.filter((r) => r.path.endsWith('/releases'));
/** Publishes rust-v0.<from>.0 … rust-v0.<to>.0 in that (creation) order. */
const publish = (repo: string, from: number, to: number) => {
  for (let minor = from; minor <= to; minor++) {
    server.repo(repo).releases.push({ tag_name: `rust-v0.${minor}.0`, body: `notes ${minor}` });
  }
};

describe('github-releases source', () => {
  it('pages through a gap of 100+ releases and stops at the page holding the last reviewed one', async () => {
    publish('openai/codex', 1, 260);
    const releases = await listReleases('codex', codex(), deps(), { since: 'rust-v0.100.0' });
    const pending = releases.filter((r) => Number(r.version.split('.')[1]) > 100);
    expect(pending).toHaveLength(160);
    expect(releases[0]).toMatchObject({ tag: 'rust-v0.260.0', version: '0.260.0', notes: 'notes 260' });
    expect(releases[0]!.url).toBe(`${server.url}/openai/codex/releases/tag/rust-v0.260.0`);
    // 260 newest first: page 1 = 260..161, page 2 = 160..61 (holds 100); page 3 is never asked for.
    expect(releaseRequests().map((r) => [r.query.get('page') ?? '1', r.query.get('per_page')])).toEqual([
      ['1', '100'],
      ['2', '100'],
    ]);
  });

  it('reads one page for a never-reviewed upstream and every page when no bound is given', async () => {
    publish('openai/codex', 1, 150);
    const newest = await listReleases('codex', codex(), deps(), { since: null });
    expect(newest[0]!.tag).toBe('rust-v0.150.0');
    expect(releaseRequests()).toHaveLength(1);
    const all = await listReleases('codex', codex(), deps(), {});
    expect(all).toHaveLength(150);
    expect(releaseRequests()).toHaveLength(3);
  });

  it('keeps paging past a page whose only old release is a late backport', async () => {
    publish('openai/codex', 50, 200);
    // Published last, so first in GitHub's list, but older than everything else.
    server.repo('openai/codex').releases.push({ tag_name: 'rust-v0.49.1' });
    const releases = await listReleases('codex', codex(), deps(), { since: 'rust-v0.60.0' });
    expect(releases.filter((r) => semver.gt(r.version, '0.60.0'))).toHaveLength(140);
    expect(releases.map((r) => r.tag)).toContain('rust-v0.61.0');
    expect(releaseRequests()).toHaveLength(2);
  });

  it('drops drafts, GitHub prereleases and malformed tags; orders by semver, not date', async () => {
    const repo = server.repo('openai/codex');
    repo.releases.push(
      { tag_name: 'rust-v0.50.0' },
      { tag_name: 'rust-v0.51.0' },
      { tag_name: 'rust-v0.51.0-alpha.11', prerelease: true },
      { tag_name: 'rust-vv0.99.0-alpha.8', prerelease: true },
      { tag_name: 'vscode-v0.0.1' },
      { tag_name: 'rust-v0.52.0', draft: true },
      { tag_name: 'rust-v0.50.1' },
      { tag_name: 'rust-v0.51.1-beta', prerelease: false },
    );
    const stable = await listReleases('codex', codex(), deps(), {});
    expect(stable.map((r) => r.tag)).toEqual(['rust-v0.51.0', 'rust-v0.50.1', 'rust-v0.50.0']);
    const withPre = await listReleases('codex', codex({ prereleases: true }), deps(), {});
    expect(withPre.map((r) => r.tag)).toEqual([
      'rust-v0.51.1-beta',
      'rust-v0.51.0',
      'rust-v0.51.0-alpha.11',
      'rust-v0.50.1',
      'rust-v0.50.0',
    ]);
  });

  it('follows the redirect of a renamed repository and says so', async () => {
    server.repo('sst/opencode').renamedTo = 'anomalyco/opencode';
    server.repo('anomalyco/opencode').releases.push({ tag_name: 'v1.0.0' }, { tag_name: 'v1.1.0' });
    const upstream = configIn(dir, { opencode: { repo: 'sst/opencode', tags: 'v[0-9]*' } }).upstreams
      .opencode!;
    const releases = await listReleases('opencode', upstream, deps(), { since: 'v1.0.0' });
    expect(releases.map((r) => r.tag)).toEqual(['v1.1.0', 'v1.0.0']);
    expect(releaseRequests().map((r) => [r.path, r.status])).toEqual([
      ['/repos/sst/opencode/releases', 301],
      ['/repos/anomalyco/opencode/releases', 200],
    ]);
    expect(notes.join('\n')).toMatch(/sst\/opencode as anomalyco\/opencode/);
  });

  it('retries 500s with backoff', async () => {
    publish('openai/codex', 1, 3);
    server.fault({ path: /\/releases$/, status: 500, times: 2 });
    const releases = await listReleases('codex', codex(), deps(), { since: 'rust-v0.2.0' });
    expect(releases[0]!.tag).toBe('rust-v0.3.0');
    expect(releaseRequests().map((r) => r.status)).toEqual([500, 500, 200]);
  });

  it('waits out a secondary rate limit (403 with Retry-After) and tells why', async () => {
    publish('openai/codex', 1, 3);
    server.fault({
      path: /\/releases$/,
      status: 403,
      headers: { 'retry-after': '1' },
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      },
    });
    const releases = await listReleases('codex', codex(), deps(), { since: 'rust-v0.2.0' });
    expect(releases[0]!.tag).toBe('rust-v0.3.0');
    expect(releaseRequests().map((r) => r.status)).toEqual([403, 200]);
    expect(notes.join('\n')).toMatch(/secondary rate limit .*retrying in 1s/);
    expect(notes.join('\n')).toMatch(/unauthenticated: set GITHUB_TOKEN or GH_TOKEN/);
  });

  it('gives up on an exhausted primary rate limit with a hint instead of sleeping for an hour', async () => {
    publish('openai/codex', 1, 3);
    server.rateLimit.remaining = 0;
    await expect(listReleases('codex', codex(), deps(), { since: null })).rejects.toMatchObject({
      code: 'GITHUB_RATE_LIMITED',
      suggestion: expect.stringMatching(/Set GITHUB_TOKEN or GH_TOKEN/),
    });
    expect(releaseRequests()).toHaveLength(1);
    expect(notes.join('\n')).toMatch(/primary rate limit .*giving up/);
  });

  it('reports a missing repository as a coded error without retrying', async () => {
    await expect(listReleases('codex', codex(), deps(), { since: null })).rejects.toMatchObject({
      code: 'GITHUB_REQUEST_FAILED',
      exitCode: 3,
      message: expect.stringMatching(/404 .*openai\/codex .*"codex"/),
    });
    expect(releaseRequests()).toHaveLength(1);
  });

  it('revalidates pages with their ETags: an unchanged upstream costs one uncounted 304', async () => {
    publish('openai/codex', 1, 120);
    const cold = await listReleases('codex', codex(), deps(), { since: 'rust-v0.10.0' });
    expect(releaseRequests().map((r) => r.status)).toEqual([200, 200]);
    const remaining = server.rateLimit.remaining;

    server.requests.length = 0;
    const warm = await listReleases('codex', codex(), deps(), { since: 'rust-v0.10.0' });
    expect(warm).toEqual(cold);
    expect(releaseRequests().map((r) => [r.status, r.headers['if-none-match'] !== undefined])).toEqual([
      [304, true],
      [304, true],
    ]);
    expect(server.rateLimit.remaining).toBe(remaining);

    // Caught up: the next check needs page 1 only, still a 304.
    server.requests.length = 0;
    await listReleases('codex', codex(), deps(), { since: 'rust-v0.120.0' });
    expect(releaseRequests().map((r) => r.status)).toEqual([304]);

    // A new release changes page 1: a 200 with the new release.
    server.requests.length = 0;
    publish('openai/codex', 121, 121);
    const fresh = await listReleases('codex', codex(), deps(), { since: 'rust-v0.120.0' });
    expect(fresh[0]!.tag).toBe('rust-v0.121.0');
    expect(releaseRequests().map((r) => r.status)).toEqual([200]);
  });

  it('ignores a damaged ETag cache', async () => {
    publish('openai/codex', 1, 2);
    await listReleases('codex', codex(), deps(), { since: null });
    const file = releasesCacheFile(dir, 'openai/codex');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, '{not json'));
    const releases = await listReleases('codex', codex(), deps(), { since: null });
    expect(releases[0]!.tag).toBe('rust-v0.2.0');
    expect(JSON.parse(await readFile(file, 'utf8')).pages).toHaveLength(1);
  });

  it('sends the token, and never writes it into the cache', async () => {
    const token = 'ghp_SECRETtoken1234567890';
    await server.close();
    server = await startGitHubStandIn({ token });
    publish('openai/codex', 1, 2);
    const releases = await listReleases('codex', codex(), deps({ GH_TOKEN: token }), { since: null });
    expect(releases[0]!.tag).toBe('rust-v0.2.0');
    expect(releaseRequests()[0]!.headers.authorization).toBe(`token ${token}`);
    const cache = await readFile(releasesCacheFile(dir, 'openai/codex'), 'utf8');
    expect(cache).not.toContain(token);
    expect(notes.join('\n')).not.toContain(token);
  });
});
