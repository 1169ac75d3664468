import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleUpstream } from '../../src/demo/sample.js';
import { runGit } from '../../src/git/run.js';
import { CHECK_CONCURRENCY } from '../../src/sources/check.js';
import { type GitHttpServer, startGitHttpServer } from '../helpers/git-http-server.js';
import { type GitHubStandIn, startGitHubStandIn } from '../helpers/github-server.js';
import { tempDir } from '../helpers/tmp.js';
import { drive } from './harness.js';
import { record } from './results.js';

// Load: `check` of 50 upstreams, half listed by `git ls-remote`, half from GitHub releases, over
// links with latency. It must finish with every row right, never have more than CHECK_CONCURRENCY
// listings going at once, stop sending requests once GitHub says the rate limit is used up (until
// its reset), and say how many requests it made.

const TOKEN = 'ghp_hardeningload0123456789abcdef';
const GIT_UPSTREAMS = 20;
const GITHUB_UPSTREAMS = 30;
/** Requests GitHub allows before the limit runs out in the middle of the check. */
const ALLOWED = 12;
const LATENCY_MS = 150;

let github: GitHubStandIn;
let git: GitHttpServer;
let gitRoot: string;
beforeAll(async () => {
  gitRoot = await mkdtemp(join(tmpdir(), 'rw-hard-load-git-'));
  [github, git] = await Promise.all([
    startGitHubStandIn({ token: TOKEN, latencyMs: LATENCY_MS }),
    startGitHttpServer(gitRoot, { latencyMs: LATENCY_MS }),
  ]);
});
afterAll(async () => {
  await Promise.all([github.close(), git.close()]);
  await rm(gitRoot, { recursive: true, force: true });
});

describe('load', () => {
  it(`check of ${GIT_UPSTREAMS + GITHUB_UPSTREAMS} upstreams (git-tags and github-releases mixed)`, async () => {
    const root = await tempDir('rw-hard-load-');
    const upstream = await buildSampleUpstream(join(root, 'upstream'));
    await runGit(['clone', '--quiet', '--bare', upstream, join(gitRoot, 'sample.git')]);
    const upstreams: Record<string, unknown> = {};
    for (let n = 0; n < GIT_UPSTREAMS; n++) {
      await symlink(join(gitRoot, 'sample.git'), join(gitRoot, `g${n}.git`));
      upstreams[`git${n}`] = {
        repo: `example/g${n}`,
        tags: 'v[0-9]*',
        source: 'git-tags',
        url: `${git.url}/g${n}.git`,
      };
    }
    for (let n = 0; n < GITHUB_UPSTREAMS; n++) {
      github.repo(`up/r${n}`).releases.push({ tag_name: 'v1.0.0' }, { tag_name: 'v1.1.0' });
      upstreams[`gh${n}`] = { repo: `up/r${n}`, tags: 'v[0-9]*', source: 'github-releases' };
    }
    const cwd = join(root, 'project');
    await mkdir(cwd);
    await writeFile(join(cwd, 'release-watch.config.json'), JSON.stringify({ upstreams }, null, 2));

    // The limit runs out part-way; its window resets 3 s after the first request, as GitHub's hourly one would.
    Object.assign(github.rateLimit, { remaining: ALLOWED, resetAt: Math.floor(Date.now() / 1000) + 3600 });
    let restore: NodeJS.Timeout | undefined;
    const watchFirst = setInterval(() => {
      if (github.inFlight.max === 0) return;
      clearInterval(watchFirst);
      const resetAt = Math.floor(Date.now() / 1000) + 3;
      github.rateLimit.resetAt = resetAt;
      restore = setTimeout(
        () => Object.assign(github.rateLimit, { remaining: 5000, resetAt: resetAt + 3600 }),
        resetAt * 1000 - Date.now(),
      );
    }, 5);
    const out = await drive(['check'], {
      cwd,
      env: { GITHUB_API_URL: github.url, GITHUB_TOKEN: TOKEN, RELEASE_WATCH_HTTP_TIMEOUT: '30s' },
      guardMs: 180_000,
    });
    clearInterval(watchFirst);
    clearTimeout(restore);

    const rows = out.stdout.split('\n').filter((line) => /^(git|gh)\d+\s/.test(line));
    const right = rows.filter((line) => /\sv1\.1\.0\s.*\sbaseline\s*$/.test(line)).length;
    const limited = github.requests.filter((r) => r.status === 403).length;
    const reported = /Requests: (\d+) GitHub API requests?.*; (\d+) git remote calls?/.exec(out.stderr);
    const wrong =
      (out.exitCode === 0 ? 0 : 1) +
      (GIT_UPSTREAMS + GITHUB_UPSTREAMS - right) +
      (github.inFlight.max > CHECK_CONCURRENCY ? 1 : 0) +
      (git.inFlight.max > CHECK_CONCURRENCY ? 1 : 0) +
      // Refused only the requests already on their way when the limit ran out.
      (limited > CHECK_CONCURRENCY ? 1 : 0) +
      (Number(reported?.[1]) === github.requests.length ? 0 : 1) +
      (Number(reported?.[2]) === GIT_UPSTREAMS ? 0 : 1);
    record({
      area: 'load',
      name: `check: ${GIT_UPSTREAMS} git-tags + ${GITHUB_UPSTREAMS} github-releases`,
      trials: 1,
      faults: 1,
      inputs: GIT_UPSTREAMS + GITHUB_UPSTREAMS,
      hangs: out.hung ? 1 : 0,
      wrong,
      note: `${right} rows right; at once: ${github.inFlight.max} GitHub, ${git.inFlight.max} git (bound ${CHECK_CONCURRENCY}); ${limited} answered 403 after ${ALLOWED} allowed; reported ${reported?.[1] ?? '?'} GitHub requests (stand-in saw ${github.requests.length}), ${reported?.[2] ?? '?'} git calls`,
    });
    expect(out.exitCode, out.stdout + out.stderr).toBe(0);
    expect(right).toBe(GIT_UPSTREAMS + GITHUB_UPSTREAMS);
    expect(github.inFlight.max).toBeLessThanOrEqual(CHECK_CONCURRENCY);
    expect(git.inFlight.max).toBeLessThanOrEqual(CHECK_CONCURRENCY);
    expect(limited).toBeGreaterThan(0);
    expect(limited).toBeLessThanOrEqual(CHECK_CONCURRENCY);
    expect(reported, out.stderr).not.toBeNull();
    expect(Number(reported![1])).toBe(github.requests.length);
    expect(Number(reported![2])).toBe(GIT_UPSTREAMS);
  });
});
