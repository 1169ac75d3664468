import { type FSWatcher, watch } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleUpstream } from '../../src/demo/sample.js';
import { runGit } from '../../src/git/run.js';
import { type GitHttpServer, startGitHttpServer } from '../helpers/git-http-server.js';
import { type GitHubStandIn, startGitHubStandIn } from '../helpers/github-server.js';
import { tempDir } from '../helpers/tmp.js';
import {
  drive,
  inParallel,
  killGroup,
  lastReviewed,
  type Project,
  sampleProject,
  startCli,
} from './harness.js';
import { record } from './results.js';

// Crash safety: a `run` SIGKILLed (with every process it started, as when the machine goes away) at
// any point must leave a state file that parses and holds the old or the new tag, and a re-run that
// completes with one issue per qualifying finding and nothing of the killed run left behind.
//
// Kill points are steps the run makes observably, counted in the order they are seen: each request
// to the git remote (ls-remote, the fetches), each entry created, renamed or removed in the state,
// artifact and cache folders (lock, temp files, staging folders, swaps), each GitHub request (labels,
// the issue list, each issue created). A probe run lists them; the trials kill after the n-th, with n
// spread evenly over them, so the points are the same on a fast machine and a slow one.

const TOKEN = 'ghp_hardeningcrashsafety0123456789';
const KILLS = Number(process.env.HARDENING_KILLS ?? 50);
const PARALLEL = 6;

let github: GitHubStandIn;
let git: GitHttpServer;
let gitRoot: string;
let template: Project;
let trials = 0;

beforeAll(async () => {
  gitRoot = await mkdtemp(join(tmpdir(), 'rw-hard-git-'));
  [github, git] = await Promise.all([startGitHubStandIn({ token: TOKEN }), startGitHttpServer(gitRoot)]);
});
afterAll(async () => {
  await Promise.all([github?.close(), git?.close()]);
  await rm(gitRoot, { recursive: true, force: true });
});

/** The sample upstream, bare, served by the git stand-in; the project watching it (config only). */
async function setUp() {
  const root = await tempDir('rw-hard-crash-');
  const upstream = await buildSampleUpstream(join(root, 'upstream'));
  await runGit(['clone', '--quiet', '--bare', upstream, join(gitRoot, 'sample.git')]);
  template = await sampleProject({
    upstreamDir: upstream,
    config: { downstream: { minSeverity: 'medium' } },
  });
}

/** Folders whose entries are steps; created up front (empty) so they can be watched from the start. */
const WATCHED = ['.github/release-watch', '.release-watch/artifacts/sample', '.release-watch/cache'];

interface Trial {
  cwd: string;
  repo: string;
  remote: string;
  statePath: string;
}

/** A fresh copy of the project (config only) with its own downstream repo and its own remote path. */
async function newTrial(): Promise<Trial> {
  const n = trials++;
  const cwd = join(template.root, `trial${n}`);
  await cp(template.cwd, cwd, { recursive: true });
  for (const dir of WATCHED) await mkdir(join(cwd, dir), { recursive: true });
  // The same bare repository under a name of its own, so this trial's git requests can be told apart.
  await symlink(join(gitRoot, 'sample.git'), join(gitRoot, `t${n}.git`));
  const remote = `${git.url}/t${n}.git`;
  const configFile = join(cwd, 'release-watch.config.json');
  const config = JSON.parse(await readFile(configFile, 'utf8'));
  config.upstreams.sample.url = remote;
  await writeFile(configFile, JSON.stringify(config, null, 2));
  github.repo(`acme/crash${n}`);
  return { cwd, repo: `acme/crash${n}`, remote, statePath: join(cwd, '.github/release-watch/state.json') };
}

const env = (trial: Trial) => ({
  GITHUB_API_URL: github.url,
  GITHUB_SERVER_URL: github.url,
  GITHUB_TOKEN: TOKEN,
  GITHUB_REPOSITORY: trial.repo,
});

/**
 * Counts the trial's steps as they happen and calls `onStep` with each one's number and name:
 * entries appearing or going in the watched folders (fs.watch "rename" events), and requests that
 * reached the git and GitHub stand-ins (their request logs, looked at every few milliseconds).
 */
function observe(trial: Trial, onStep: (n: number, name: string) => void): () => void {
  let n = 0;
  const step = (name: string) => onStep(++n, name);
  const watchers: FSWatcher[] = WATCHED.map((dir) =>
    watch(join(trial.cwd, dir), (event, file) => {
      if (event === 'rename') step(`fs ${dir}/${String(file).replace(/\d{3,}/g, 'N')}`);
    }),
  );
  const gitPath = new URL(trial.remote).pathname;
  const ghPath = `/repos/${trial.repo}/`;
  let gitSeen = 0;
  let ghSeen = 0;
  const timer = setInterval(() => {
    const gitRequests = git.requests.filter((r) => r.url.startsWith(gitPath));
    for (; gitSeen < gitRequests.length; gitSeen++)
      step(
        `git ${gitRequests[gitSeen]!.method} ${gitRequests[gitSeen]!.url.slice(gitPath.length).split('?')[0]}`,
      );
    const ghRequests = github.requests.filter((r) => r.path.startsWith(ghPath));
    for (; ghSeen < ghRequests.length; ghSeen++)
      step(`github ${ghRequests[ghSeen]!.method} ${ghRequests[ghSeen]!.path.slice(ghPath.length)}`);
  }, 3);
  return () => {
    clearInterval(timer);
    for (const w of watchers) w.close();
  };
}

const findings = (repo: string) =>
  github.repo(repo).issues.filter((i) => i.body.includes('release-watch:finding')).length;

/** Entries a crashed writer leaves (temp files, staging/ready/old folders, locks), anywhere under `dir`. */
async function leftovers(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (at: string, depth: number) => {
    for (const entry of await readdir(at, { withFileTypes: true }).catch(() => [])) {
      const path = join(at, entry.name);
      if (/\.tmp$|\.(staging|ready|old)-\d+-\d+$|\.lock$|^state\.json\.\d+$/.test(entry.name))
        found.push(relative(dir, path));
      // Not into the git objects of the cache: git's own temp packs are swept by git.
      if (entry.isDirectory() && depth < 4 && entry.name !== 'objects') await walk(path, depth + 1);
    }
  };
  await walk(dir, 0);
  return found;
}

describe('crash safety', () => {
  it(`SIGKILL at ${KILLS} points spread over the observable steps of a run`, async () => {
    await setUp();
    // The probe: a whole run, its steps in order.
    const probe = await newTrial();
    const steps: string[] = [];
    const stop = observe(probe, (_, name) => steps.push(name));
    const full = await drive(['run', '--json'], { cwd: probe.cwd, env: env(probe), guardMs: 150_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    stop();
    expect(full.exitCode, full.stdout + full.stderr).toBe(0);
    const expected = findings(probe.repo);
    expect(expected).toBeGreaterThan(0);
    expect(steps.length).toBeGreaterThan(10);

    let lost = 0;
    let duplicates = 0;
    let wrong = 0;
    let hangs = 0;
    let leaks = 0;
    const notes: string[] = [];
    const killedAt = new Set<string>();
    const points = Array.from({ length: KILLS }, (_, k) => 1 + Math.floor((k * steps.length) / KILLS));
    await inParallel(points, PARALLEL, async (point) => {
      const trial = await newTrial();
      const child = startCli(['run', '--json'], { cwd: trial.cwd, env: env(trial) });
      let at = '(ended before the step)';
      const stopObserving = observe(trial, (n, name) => {
        if (n !== point) return;
        killGroup(child.pid);
        at = name;
      });
      await child;
      stopObserving();
      killedAt.add(at);
      const state = await lastReviewed(trial.statePath);
      if (state !== null && state !== 'v1.1.0') {
        wrong++;
        notes.push(`after ${at}: state ${state}`);
      }
      const again = await drive(['run', '--json'], { cwd: trial.cwd, env: env(trial), guardMs: 150_000 });
      if (again.hung) hangs++;
      if (again.exitCode !== 0) {
        wrong++;
        notes.push(`after ${at}: re-run exit ${again.exitCode} ${again.stdout.slice(0, 300)}`);
      }
      if ((await lastReviewed(trial.statePath)) !== 'v1.1.0') wrong++;
      const filed = findings(trial.repo);
      if (filed > expected) duplicates += filed - expected;
      if (filed < expected) lost += expected - filed;
      const left = await leftovers(trial.cwd);
      if (left.length > 0) {
        leaks += left.length;
        notes.push(`after ${at}: left ${left.join(', ')}`);
      }
    });
    record({
      area: 'crash safety',
      name: 'SIGKILL during run',
      trials: KILLS * 2 + 1,
      faults: KILLS,
      inputs: 0,
      lost,
      duplicates,
      hangs,
      wrong,
      leaks,
      note: notes.length
        ? notes.slice(0, 3).join('; ').slice(0, 400)
        : `${KILLS} kill points over ${steps.length} steps, ${killedAt.size} kinds (git requests, lock/temp/staging/swap entries, GitHub requests); ${expected} issues each`,
    });
    if (process.env.HARDENING_DEBUG) console.log(steps, [...killedAt], notes);
    expect.soft(notes).toEqual([]);
    expect({ lost, duplicates, hangs, wrong, leaks }).toEqual({
      lost: 0,
      duplicates: 0,
      hangs: 0,
      wrong: 0,
      leaks: 0,
    });
  });
});
