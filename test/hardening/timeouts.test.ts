import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubStandIn, startGitHubStandIn } from '../helpers/github-server.js';
import { drive, errorCodes, type Silent, sampleProject, startSilentHttp, startSilentTcp } from './harness.js';
import { record } from './results.js';

// Defect 3: a remote or API that accepts and never answers must end in a coded NETWORK_TIMEOUT
// naming the upstream and the URL, within the configured bound (4 s for git, 3 s for HTTP here).

const TOKEN = 'ghp_hardeningtimeouts0123456789';
let tcp: Silent;
let http: Silent;
let github: GitHubStandIn;

beforeAll(async () => {
  [tcp, http, github] = await Promise.all([
    startSilentTcp(),
    startSilentHttp(),
    startGitHubStandIn({ token: TOKEN }),
  ]);
  const repo = github.repo('up/sample');
  repo.releases.push({ tag_name: 'v1.0.0' }, { tag_name: 'v1.1.0' });
});
afterAll(() => Promise.all([tcp.close(), http.close(), github.close()]));

const remotes = () => ({
  git: `git://${tcp.url}/up/sample.git`,
  http: `${http.url}/up/sample.git`,
  https: `https://${tcp.url}/up/sample.git`,
});

interface Outcome {
  hung: boolean;
  coded: boolean;
}

function judge(out: Awaited<ReturnType<typeof drive>>, url: string, code = 'NETWORK_TIMEOUT'): Outcome {
  const codes = errorCodes(out);
  const coded = out.exitCode !== 0 && codes.includes(code) && out.stdout.includes(url);
  return { hung: out.hung, coded };
}

function row(area: 'git faults' | 'github faults', name: string, outcomes: Outcome[], note: string) {
  record({
    area,
    name,
    trials: outcomes.length,
    faults: outcomes.length,
    inputs: 0,
    hangs: outcomes.filter((o) => o.hung).length,
    wrong: outcomes.filter((o) => !o.hung && !o.coded).length,
    note,
  });
}

describe('network bounds', () => {
  it('check (git-tags) against git://, http:// and https:// remotes that never answer', async () => {
    const outcomes = await Promise.all(
      Object.values(remotes()).map(async (url) => {
        const p = await sampleProject({ upstream: { url } });
        const out = await drive(['check', '--json'], { cwd: p.cwd, guardMs: 60_000 });
        return judge(out, url.replace(/\.git$/, ''));
      }),
    );
    row('git faults', 'check git-tags: remote never answers', outcomes, 'git://, http://, https://');
    expect(outcomes).toEqual(outcomes.map(() => ({ hung: false, coded: true })));
  });

  it('diff: the fetch from a remote that never answers (releases from the API)', async () => {
    const outcomes = await Promise.all(
      Object.values(remotes()).map(async (url) => {
        const p = await sampleProject({ upstream: { url, source: 'github-releases', repo: 'up/sample' } });
        const out = await drive(['diff', '--json'], {
          cwd: p.cwd,
          env: { GITHUB_API_URL: github.url, GITHUB_TOKEN: TOKEN },
          guardMs: 60_000,
        });
        return judge(out, url.replace(/\.git$/, ''));
      }),
    );
    row('git faults', 'diff: remote never answers on fetch', outcomes, 'git://, http://, https://');
    expect(outcomes).toEqual(outcomes.map(() => ({ hung: false, coded: true })));
  });

  it('check, run and report against a GitHub API that never answers', async () => {
    const env = { GITHUB_API_URL: http.url, GITHUB_TOKEN: TOKEN };
    const api = await sampleProject({ upstream: { source: 'github-releases', repo: 'up/sample' } });
    const check = await drive(['check', '--json'], { cwd: api.cwd, env, guardMs: 60_000 });
    const run = await drive(['run', '--json'], { cwd: api.cwd, env, guardMs: 60_000 });

    // report's filing: the artifacts come from a working file:// upstream, then the API goes silent.
    const filing = await sampleProject();
    const prepared = await drive(['run', '--dry-run', '--json'], { cwd: filing.cwd, guardMs: 120_000 });
    expect(prepared.exitCode, prepared.stderr).toBe(0);
    const stateBefore = await readFile(filing.statePath, 'utf8').catch(() => '(none)');
    const report = await drive(['report', '--upstream', 'sample', '--tag', 'v1.1.0', '--json'], {
      cwd: filing.cwd,
      env: { ...env, GITHUB_REPOSITORY: 'acme/plugin' },
      guardMs: 60_000,
    });
    const stateAfter = await readFile(filing.statePath, 'utf8').catch(() => '(none)');
    const reportOutcome = {
      hung: report.hung,
      coded:
        report.exitCode !== 0 &&
        errorCodes(report).includes('GITHUB_REQUEST_FAILED') &&
        report.stdout.includes(http.url) &&
        stateAfter === stateBefore,
    };
    const outcomes = [judge(check, http.url), judge(run, http.url), reportOutcome];
    row('github faults', 'API never answers', outcomes, 'check, run, report filing');
    expect(outcomes).toEqual(outcomes.map(() => ({ hung: false, coded: true })));
  });
});
