import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { type GitHubStandIn, startGitHubStandIn } from '../helpers/github-server.js';
import { drive, SHORT_TIMEOUTS, sampleProject } from './harness.js';
import { record } from './results.js';

// Concurrency and crash safety of the state file and of filing: two writers at once, and a run
// SIGKILLed anywhere, must leave one issue per qualifying finding and a state that parses.

const TOKEN = 'ghp_hardeningconcurrency012345678';
const TRIALS = Number(process.env.HARDENING_TRIALS ?? 20);
const KILLS = Number(process.env.HARDENING_KILLS ?? 50);
let github: GitHubStandIn;
beforeAll(async () => {
  github = await startGitHubStandIn({ token: TOKEN });
});
afterAll(() => github.close());

const env = (repo: string) => ({
  GITHUB_API_URL: github.url,
  GITHUB_SERVER_URL: github.url,
  GITHUB_TOKEN: TOKEN,
  GITHUB_REPOSITORY: repo,
});

/** A prepared project (diff + analyze done by a dry run), copied per trial with its own downstream repo. */
async function prepared() {
  const p = await sampleProject({ config: { downstream: { minSeverity: 'medium' } } });
  const dry = await drive(['run', '--dry-run', '--json'], { cwd: p.cwd, guardMs: 120_000 });
  expect(dry.exitCode, dry.stderr).toBe(0);
  const expected = (JSON.parse(dry.stdout) as { upstreams: { issues?: { wouldCreate: number } }[] })
    .upstreams[0]!.issues!.wouldCreate;
  let n = 0;
  const copy = async () => {
    const cwd = join(p.root, `copy${n}`);
    const repo = `acme/c${process.pid}x${n++}`;
    await cp(p.cwd, cwd, { recursive: true });
    return { cwd, repo, statePath: join(cwd, '.github/release-watch/state.json') };
  };
  return { expected, copy };
}

const findings = (repo: string) =>
  github.repo(repo).issues.filter((i) => i.body.includes('release-watch:finding')).length;

async function lastReviewed(statePath: string): Promise<string | null | 'unreadable'> {
  const text = await readFile(statePath, 'utf8').catch(() => undefined);
  if (text === undefined) return null;
  try {
    return (
      (JSON.parse(text) as { upstreams: { sample?: { lastReviewed: string | null } } }).upstreams.sample
        ?.lastReviewed ?? null
    );
  } catch {
    return 'unreadable';
  }
}

describe('concurrency', () => {
  it(`two reports and two runs at once, ${TRIALS} trials each`, async () => {
    const { expected, copy } = await prepared();
    for (const command of ['report', 'run'] as const) {
      let duplicates = 0;
      let lost = 0;
      let wrong = 0;
      let hangs = 0;
      for (let t = 0; t < TRIALS; t++) {
        const trial = await copy();
        const args =
          command === 'report'
            ? ['report', '--upstream', 'sample', '--tag', 'v1.1.0', '--json']
            : ['run', '--json'];
        const outs = await Promise.all(
          [0, 1].map(() => drive(args, { cwd: trial.cwd, env: env(trial.repo), guardMs: 150_000 })),
        );
        hangs += outs.filter((o) => o.hung).length;
        const filed = findings(trial.repo);
        duplicates += Math.max(0, filed - expected);
        // The one that lost the race may refuse (a clear, coded message); then a re-run must complete.
        if (outs.every((o) => o.exitCode !== 0)) wrong++;
        const again = await drive(args, { cwd: trial.cwd, env: env(trial.repo), guardMs: 150_000 });
        const after = findings(trial.repo);
        lost += Math.max(0, expected - after);
        duplicates += Math.max(0, after - Math.max(filed, expected));
        if ((await lastReviewed(trial.statePath)) !== 'v1.1.0') wrong++;
        if (again.exitCode !== 0 && command === 'report' && !/NOTHING_TO_REPORT/.test(again.stdout)) wrong++;
      }
      record({
        area: 'concurrency',
        name: `two ${command}s at once`,
        trials: TRIALS * 2,
        faults: TRIALS,
        inputs: 0,
        duplicates,
        lost,
        hangs,
        wrong,
        note: `${expected} issues expected per trial`,
      });
      expect.soft({ duplicates, lost, hangs }).toEqual({ duplicates: 0, lost: 0, hangs: 0 });
    }
  });

  it(`state set of two upstreams at once, ${TRIALS * 2} trials`, async () => {
    const p = await sampleProject({ upstream: {} });
    const configFile = join(p.cwd, 'release-watch.config.json');
    const config = JSON.parse(await readFile(configFile, 'utf8'));
    config.upstreams.other = { ...config.upstreams.sample };
    const { writeFile } = await import('node:fs/promises');
    await writeFile(configFile, JSON.stringify(config));
    let lost = 0;
    let hangs = 0;
    const trials = TRIALS * 2;
    for (let t = 0; t < trials; t++) {
      const tag = t % 2 === 0 ? 'v1.0.0' : 'v1.1.0';
      const outs = await Promise.all(
        ['sample', 'other'].map((id) =>
          drive(['state', 'set', id, tag, '--json'], { cwd: p.cwd, guardMs: 60_000 }),
        ),
      );
      hangs += outs.filter((o) => o.hung).length;
      const state = JSON.parse(await readFile(p.statePath, 'utf8')) as {
        upstreams: Record<string, { lastReviewed: string | null }>;
      };
      for (const [i, id] of ['sample', 'other'].entries()) {
        if (outs[i]!.exitCode === 0 && state.upstreams[id]?.lastReviewed !== tag) lost++;
      }
    }
    record({
      area: 'concurrency',
      name: 'state set x / y at once',
      trials: trials * 2,
      faults: trials,
      inputs: 0,
      lost,
      hangs,
    });
    expect.soft({ lost, hangs }).toEqual({ lost: 0, hangs: 0 });
  });
});

describe('crash safety', () => {
  it(`SIGKILL at ${KILLS} points spread over a run`, async () => {
    const { expected, copy } = await prepared();
    // How long a whole run takes here, to spread the kill points over it.
    const probe = await copy();
    const full = await drive(['run', '--json'], { cwd: probe.cwd, env: env(probe.repo), guardMs: 150_000 });
    expect(full.exitCode, full.stdout).toBe(0);
    const span = full.durationMs;
    let lost = 0;
    let duplicates = 0;
    let wrong = 0;
    let hangs = 0;
    const notes: string[] = [];
    const kill = async (k: number) => {
      const trial = await copy();
      const delay = Math.round(((k + 0.5) / KILLS) * span);
      const child = execa('node', [BIN, 'run', '--json'], {
        cwd: trial.cwd,
        env: { ...process.env, NODE_ENV: 'production', ...SHORT_TIMEOUTS, ...env(trial.repo) },
        reject: false,
      });
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.kill('SIGKILL');
      await child;
      const state = await lastReviewed(trial.statePath);
      if (state !== null && state !== 'v1.1.0') {
        wrong++;
        notes.push(`kill at ${delay} ms: state ${state}`);
      }
      const again = await drive(['run', '--json'], {
        cwd: trial.cwd,
        env: env(trial.repo),
        guardMs: 150_000,
      });
      if (again.hung) hangs++;
      if (again.exitCode !== 0) {
        wrong++;
        notes.push(`kill at ${delay} ms: re-run exit ${again.exitCode}`);
      }
      const filed = findings(trial.repo);
      if (filed > expected) duplicates += filed - expected;
      // After a kill past the state write the re-run has nothing to do; issues were filed before it.
      if (filed < expected) lost += expected - filed;
    };
    for (let k = 0; k < KILLS; k += 2) await Promise.all([kill(k), ...(k + 1 < KILLS ? [kill(k + 1)] : [])]);
    record({
      area: 'crash safety',
      name: 'SIGKILL during run',
      trials: KILLS * 2,
      faults: KILLS,
      inputs: 0,
      lost,
      duplicates,
      hangs,
      wrong,
      note: notes.length ? notes.slice(0, 3).join('; ') : `kills spread over ${span} ms`,
    });
    expect.soft({ lost, duplicates, hangs, wrong }).toEqual({ lost: 0, duplicates: 0, hangs: 0, wrong: 0 });
  });
});
