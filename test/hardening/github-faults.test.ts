import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubStandIn, type ScriptedFault, startGitHubStandIn } from '../helpers/github-server.js';
import { drive, errorCodes, isCoded, sampleProject } from './harness.js';
import { record } from './results.js';

// GitHub faults against `check` (release listing) and `report` (filing): transient ones are
// survived, permanent ones end in a coded error that says what came back (never a raw body or a
// schema dump), and filing never duplicates or loses an issue.

const TOKEN = 'ghp_hardeningfaults0123456789abc';
let github: GitHubStandIn;
beforeAll(async () => {
  github = await startGitHubStandIn({ token: TOKEN });
});
afterAll(() => github.close());

const releases = (repo: string) => new RegExp(`^/repos/${repo}/releases$`);
const env = () => ({ GITHUB_API_URL: github.url, GITHUB_SERVER_URL: github.url, GITHUB_TOKEN: TOKEN });
const resetSoon = () => String(Math.floor(Date.now() / 1000) + 1);

interface CheckCase {
  name: string;
  faults: (repo: string) => ScriptedFault[];
  /** Survived: check ends 0 with the newest release; otherwise a coded error. */
  survives: boolean;
}

const CHECK_CASES: CheckCase[] = [
  {
    name: '500 burst',
    faults: (repo) => [{ path: releases(repo), status: 500, times: 2 }],
    survives: true,
  },
  {
    name: '502 burst',
    faults: (repo) => [{ path: releases(repo), status: 502, times: 2 }],
    survives: true,
  },
  {
    name: '503 burst',
    faults: (repo) => [{ path: releases(repo), status: 503, times: 2 }],
    survives: true,
  },
  {
    name: '403 secondary rate limit, Retry-After',
    faults: (repo) => [
      {
        path: releases(repo),
        status: 403,
        headers: { 'retry-after': '1' },
        body: { message: 'You have exceeded a secondary rate limit.' },
      },
    ],
    survives: true,
  },
  {
    name: '429 Retry-After',
    faults: (repo) => [{ path: releases(repo), status: 429, headers: { 'retry-after': '1' } }],
    survives: true,
  },
  {
    name: 'x-ratelimit-remaining: 0',
    faults: (repo) => [
      {
        path: releases(repo),
        status: 403,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': resetSoon() },
        body: { message: 'API rate limit exceeded for 127.0.0.1.' },
      },
    ],
    survives: true,
  },
  {
    name: 'connection reset mid-body',
    faults: (repo) => [{ path: releases(repo), status: 200, reset: true }],
    survives: true,
  },
  {
    name: 'malformed JSON (200)',
    faults: (repo) => [
      {
        path: releases(repo),
        status: 200,
        raw: { text: '[{"tag_name": "v1.', contentType: 'application/json' },
        times: 9,
      },
    ],
    survives: false,
  },
  {
    name: 'wrong-shape JSON (200)',
    faults: (repo) => [{ path: releases(repo), status: 200, body: { releases: [] }, times: 9 }],
    survives: false,
  },
  {
    name: 'HTML page (200)',
    faults: (repo) => [
      {
        path: releases(repo),
        status: 200,
        raw: { text: '<!DOCTYPE html><html><body>Sign in</body></html>', contentType: 'text/html' },
        times: 9,
      },
    ],
    survives: false,
  },
  {
    name: 'HTML error page (502, persistent)',
    faults: (repo) => [
      {
        path: releases(repo),
        status: 502,
        raw: { text: '<html><body><h1>502 Bad Gateway</h1></body></html>', contentType: 'text/html' },
        times: 9,
      },
    ],
    survives: false,
  },
];

describe('GitHub faults', () => {
  it('check survives transient faults and codes permanent ones', async () => {
    let wrong = 0;
    const notes: string[] = [];
    const results = await Promise.all(
      CHECK_CASES.map(async (c, n) => {
        const repo = `up/check${n}`;
        github.repo(repo).releases.push({ tag_name: 'v1.0.0' }, { tag_name: 'v1.1.0' });
        for (const f of c.faults(repo)) github.fault(f);
        const p = await sampleProject({ upstream: { source: 'github-releases', repo } });
        const out = await drive(['check', '--json'], { cwd: p.cwd, env: env(), guardMs: 90_000 });
        const codes = errorCodes(out);
        if (process.env.HARDENING_DEBUG)
          console.log(
            c.name,
            out.exitCode,
            out.durationMs,
            out.stdout.slice(0, 600),
            out.stderr.slice(0, 300),
          );
        return c.survives
          ? out.exitCode === 0 && out.stdout.includes('"newest": "v1.1.0"')
          : out.exitCode !== 0 &&
              codes.length > 0 &&
              codes.every(isCoded) &&
              !/"message": "[^"]*(Checking upstream|: \[|<html|<!DOCTYPE)/i.test(out.stdout);
      }),
    );
    results.forEach((ok, i) => {
      if (!ok) {
        wrong++;
        notes.push(CHECK_CASES[i]!.name);
      }
    });
    github.clearFaults();
    // A renamed upstream answers through the redirect (and says so); a missing one is a coded 404.
    github.repo('up/new-name').releases.push({ tag_name: 'v1.0.0' }, { tag_name: 'v1.1.0' });
    github.repo('up/old-name').renamedTo = 'up/new-name';
    const renamed = await drive(['check', '--json'], {
      cwd: (await sampleProject({ upstream: { source: 'github-releases', repo: 'up/old-name' } })).cwd,
      env: env(),
    });
    if (!(renamed.exitCode === 0 && renamed.stdout.includes('"newest": "v1.1.0"'))) {
      wrong++;
      notes.push('301 rename');
    }
    const missing = await drive(['check', '--json'], {
      cwd: (await sampleProject({ upstream: { source: 'github-releases', repo: 'up/never-was' } })).cwd,
      env: env(),
    });
    if (!(missing.exitCode !== 0 && errorCodes(missing).includes('GITHUB_REQUEST_FAILED'))) {
      wrong++;
      notes.push('404 upstream');
    }
    const trials = CHECK_CASES.length + 2;
    record({
      area: 'github faults',
      name: 'check: listing releases',
      trials,
      faults: trials,
      inputs: 0,
      wrong,
      note: notes.length
        ? `wrong: ${notes.join('; ')}`
        : '5xx bursts, 403/429/remaining 0, reset, malformed, HTML, 301, 404',
    });
    expect(notes).toEqual([]);
  });

  it('report files each qualifying finding exactly once through write faults', async () => {
    const cases: { name: string; faults: ScriptedFault[]; renamed?: boolean }[] = [
      { name: '502 burst on create', faults: [{ method: 'POST', path: /\/issues$/, status: 502, times: 2 }] },
      {
        name: '403 secondary + Retry-After on a create that succeeded',
        faults: [
          {
            method: 'POST',
            path: /\/issues$/,
            status: 403,
            apply: true,
            headers: { 'retry-after': '1' },
            body: { message: 'You have exceeded a secondary rate limit.' },
          },
        ],
      },
      {
        name: '403 secondary, no Retry-After, on a create that succeeded',
        faults: [
          {
            method: 'POST',
            path: /\/issues$/,
            status: 403,
            apply: true,
            body: { message: 'You have exceeded a secondary rate limit.' },
          },
        ],
      },
      {
        name: '502 on a create that succeeded',
        faults: [{ method: 'POST', path: /\/issues$/, status: 502, apply: true }],
      },
      {
        name: '429 on listing',
        faults: [{ method: 'GET', path: /\/issues$/, status: 429, headers: { 'retry-after': '1' } }],
      },
      {
        name: 'connection reset on listing',
        faults: [{ method: 'GET', path: /\/issues$/, status: 200, reset: true }],
      },
      { name: '301 renamed downstream', faults: [], renamed: true },
    ];
    // One prepared project (diff + analyze), copied per case through its own downstream repo.
    const p = await sampleProject();
    const prepared = await drive(['run', '--dry-run', '--json'], { cwd: p.cwd, guardMs: 120_000 });
    expect(prepared.exitCode, prepared.stderr).toBe(0);
    const expected = (JSON.parse(prepared.stdout) as { upstreams: { issues?: { wouldCreate: number } }[] })
      .upstreams[0]!.issues!.wouldCreate;
    let duplicates = 0;
    let lost = 0;
    let wrong = 0;
    let hangs = 0;
    const notes: string[] = [];
    await Promise.all(
      cases.map(async (c, n) => {
        const repo = `acme/down${n}`;
        const cwd = join(p.root, `case${n}`);
        await cp(p.cwd, cwd, { recursive: true });
        const configFile = join(cwd, 'release-watch.config.json');
        const config = JSON.parse(await readFile(configFile, 'utf8'));
        config.downstream.repo = repo;
        await writeFile(configFile, JSON.stringify(config));
        let filedIn = github.repo(repo);
        if (c.renamed) {
          github.repo(repo).renamedTo = `${repo}-renamed`;
          filedIn = github.repo(`${repo}-renamed`);
        }
        for (const f of c.faults)
          github.fault({ ...f, path: new RegExp(`^/repos/${repo}${f.path.source.replace(/^\\\//, '/')}`) });
        const report = () =>
          drive(['report', '--upstream', 'sample', '--tag', 'v1.1.0', '--json'], {
            cwd,
            env: env(),
            guardMs: 150_000,
          });
        const findings = () => filedIn.issues.filter((i) => i.body.includes('release-watch:finding')).length;
        const out = await report();
        const filed = findings();
        if (out.hung) hangs++;
        if (filed > expected) {
          duplicates += filed - expected;
          notes.push(`${c.name}: ${filed} issues for ${expected}`);
        }
        if (out.exitCode !== 0 && !errorCodes(out).every(isCoded)) {
          wrong++;
          notes.push(`${c.name}: uncoded ${out.stdout.slice(0, 120)}`);
        }
        // A failed report is re-run, as its message says to; then every finding is filed, once.
        const rerun = out.exitCode === 0 ? undefined : await report();
        if (rerun && rerun.exitCode !== 0) {
          wrong++;
          notes.push(`${c.name}: re-run failed ${rerun.stdout.slice(0, 200)}`);
        }
        const after = findings();
        if (after < expected) {
          lost += expected - after;
          notes.push(`${c.name}: ${after} of ${expected} filed`);
        }
        if (after > filed && after > expected) duplicates += after - Math.max(filed, expected);
      }),
    );
    github.clearFaults();
    record({
      area: 'github faults',
      name: 'report: filing',
      trials: cases.length,
      faults: cases.length,
      inputs: 0,
      duplicates,
      lost,
      wrong,
      hangs,
      note: notes.length ? notes.join('; ').slice(0, 300) : `${expected} issues each`,
    });
    expect(notes).toEqual([]);
  });
});
