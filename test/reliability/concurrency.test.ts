import { mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleUpstream, sampleUpstreamConfig } from '../../src/demo/sample.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { type GitHubStandIn, startGitHubStandIn } from '../helpers/github-server.js';
import { TWO_UPSTREAMS_JSON, tempProject } from '../helpers/project.js';
import { tempDir } from '../helpers/tmp.js';
import { analyzed, finding, project } from '../report/fixtures.js';

const STATE = '.github/release-watch/state.json';
const TOKEN = 'ghp_concurrencytoken0123456789';
/** Trials per scenario: enough to catch a lost update or a duplicate, few enough for the normal suite. */
const TRIALS = Number(process.env.RW_CONCURRENCY_TRIALS ?? 10);
/** Under load a second process may wait for the first for a while: never refused in these tests. */
const LOCK_WAIT = { RELEASE_WATCH_LOCK_WAIT: '5m' };

let gh: GitHubStandIn;
beforeAll(async () => {
  gh = await startGitHubStandIn({ token: TOKEN });
});
afterAll(() => gh.close());

const ghEnv = () => ({ GITHUB_API_URL: gh.url, GITHUB_SERVER_URL: gh.webUrl, GITHUB_TOKEN: TOKEN });

/** Runs `trial` `count` times, `parallel` at once (each trial is itself two processes). */
async function trials(count: number, parallel: number, trial: (n: number) => Promise<void>) {
  const queue = Array.from({ length: count }, (_, n) => n);
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let n = queue.shift(); n !== undefined; n = queue.shift()) await trial(n);
    }),
  );
}

/** A process id that no longer runs: a node that exited. */
async function deadPid(): Promise<number> {
  const child = execa('node', ['-e', '']);
  await child;
  return child.pid!;
}

async function plantLock(cwd: string, pid: number, ageMs = 0) {
  const lock = join(cwd, `${STATE}.lock`);
  await mkdir(lock, { recursive: true });
  await writeFile(join(lock, 'owner.json'), JSON.stringify({ pid, hostname: hostname(), since: 'earlier' }));
  const when = new Date(Date.now() - ageMs);
  await utimes(lock, when, when);
  return lock;
}

describe('one writer per state file', () => {
  it('two `state set` of different upstreams at once: no update is lost', async () => {
    await trials(TRIALS, 3, async (n) => {
      const cwd = await tempProject({ '.release-watchrc.json': TWO_UPSTREAMS_JSON });
      const [a, b] = await Promise.all([
        runCli(['state', 'set', 'codex', `rust-v0.${n}.0`], { cwd, env: LOCK_WAIT }),
        runCli(['state', 'set', 'opencode', `v1.${n}.0`], { cwd, env: LOCK_WAIT }),
      ]);
      expect([a.exitCode, b.exitCode], a.stderr + b.stderr).toEqual([0, 0]);
      const state = JSON.parse(await readFile(join(cwd, STATE), 'utf8'));
      expect(state.upstreams.codex?.lastReviewed).toBe(`rust-v0.${n}.0`);
      expect(state.upstreams.opencode?.lastReviewed).toBe(`v1.${n}.0`);
      expect(await readdir(join(cwd, '.github/release-watch'))).toEqual(['state.json']);
    });
  }, 300_000);

  it('two `report` of one release at once file each finding once', async () => {
    await trials(Math.ceil(TRIALS / 2.5), 4, async (n) => {
      const downstream = `acme/report-${n}`;
      gh.repo(downstream);
      const config = await project({ repo: downstream });
      await analyzed(config, {
        from: 'rust-v0.138.0',
        to: 'rust-v0.139.0',
        findings: [finding('one'), finding('two'), finding('three')],
      });
      const args = ['report', '--upstream', 'codex', '--tag', 'rust-v0.139.0', '--json'];
      const env = { ...ghEnv(), ...LOCK_WAIT };
      const results = await Promise.all([
        runCli(args, { cwd: config.rootDir, env }),
        runCli(args, { cwd: config.rootDir, env }),
      ]);
      for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
      const created = results.map((r) => parseJson<{ created: unknown[] }>(r).created.length).sort();
      expect(created).toEqual([0, 3]);
      expect(gh.repo(downstream).issues).toHaveLength(3);
      const state = JSON.parse(await readFile(config.state, 'utf8'));
      expect(state.upstreams.codex).toMatchObject({ lastReviewed: 'rust-v0.139.0', issues: [1, 2, 3] });
    });
  }, 300_000);

  it('two `run` at once file each finding once and review the release once', async () => {
    const root = await tempDir('rw-runs-');
    const upstream = await buildSampleUpstream(join(root, 'upstream'));
    for (let n = 0; n < Math.ceil(TRIALS / 5); n++) {
      const downstream = `acme/run-${n}`;
      gh.repo(downstream);
      const cwd = join(root, `project-${n}`);
      await mkdir(cwd, { recursive: true });
      await writeFile(
        join(cwd, 'release-watch.config.json'),
        JSON.stringify({
          downstream: { repo: downstream, minSeverity: 'medium' },
          agent: { kind: 'none' },
          upstreams: { sample: sampleUpstreamConfig(upstream) },
        }),
      );
      const env = { ...ghEnv(), ...LOCK_WAIT };
      const results = await Promise.all([runCli(['run'], { cwd, env }), runCli(['run'], { cwd, env })]);
      for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
      // The sample's three findings at or above medium (a flag, a header, a hook), each filed once.
      expect(gh.repo(downstream).issues).toHaveLength(3);
      const state = JSON.parse(await readFile(join(cwd, STATE), 'utf8'));
      expect(state.upstreams.sample.lastReviewed).toBe('v1.1.0');
      expect(state.upstreams.sample.issues).toEqual([1, 2, 3]);
    }
  }, 300_000);

  it('refuses after the wait when a live process holds the lock, naming the lock and its pid', async () => {
    const cwd = await tempProject({ '.release-watchrc.json': TWO_UPSTREAMS_JSON });
    const lock = await plantLock(cwd, process.pid);
    const started = Date.now();
    const result = await runCli(['state', 'set', 'codex', 'rust-v0.1.0', '--json'], {
      cwd,
      env: { RELEASE_WATCH_LOCK_WAIT: '1s' },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(result.exitCode).toBe(1);
    const { error } = parseJson<{ error: { code: string; message: string } }>(result);
    expect(error.code).toBe('STATE_LOCKED');
    expect(error.message).toContain(lock);
    expect(error.message).toContain(`process ${process.pid}`);
    await expect(stat(join(cwd, STATE))).rejects.toThrow(/ENOENT/);

    const text = await runCli(['state', 'reset', 'codex'], {
      cwd,
      env: { RELEASE_WATCH_LOCK_WAIT: '200ms' },
    });
    expect(text.exitCode).toBe(1);
    expect(text.stderr).toContain('Error [STATE_LOCKED]');
    expect(text.stderr).toContain('RELEASE_WATCH_LOCK_WAIT');
  });

  it('takes over a lock whose holder crashed (pid gone) or stopped refreshing it (old mtime)', async () => {
    for (const [pid, age] of [
      [await deadPid(), 0],
      [process.pid, 10 * 60_000],
    ] as const) {
      const cwd = await tempProject({ '.release-watchrc.json': TWO_UPSTREAMS_JSON });
      await plantLock(cwd, pid, age);
      // A temp file a killed writer left: removed once the lock is held.
      const leftover = join(cwd, `${STATE}.123456789`);
      await writeFile(leftover, '{"version":1');
      const old = new Date(Date.now() - 3_600_000);
      await utimes(leftover, old, old);
      const result = await runCli(['state', 'set', 'codex', 'rust-v0.2.0'], {
        cwd,
        env: { RELEASE_WATCH_LOCK_WAIT: '2m' },
      });
      expect(result.exitCode, result.stderr).toBe(0);
      const state = JSON.parse(await readFile(join(cwd, STATE), 'utf8'));
      expect(state.upstreams.codex.lastReviewed).toBe('rust-v0.2.0');
      expect(await readdir(join(cwd, '.github/release-watch'))).toEqual(['state.json']);
    }
  });

  it('takes over a lock folder its holder never wrote its owner into (killed right after creating it)', async () => {
    const cwd = await tempProject({ '.release-watchrc.json': TWO_UPSTREAMS_JSON });
    const lock = join(cwd, `${STATE}.lock`);
    await mkdir(lock, { recursive: true });
    // Older than the owner-file grace (5 s), far younger than the 60 s after which any lock is stale.
    const when = new Date(Date.now() - 15_000);
    await utimes(lock, when, when);
    const result = await runCli(['state', 'set', 'codex', 'rust-v0.3.0'], {
      cwd,
      env: { RELEASE_WATCH_LOCK_WAIT: '3s' },
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const state = JSON.parse(await readFile(join(cwd, STATE), 'utf8'));
    expect(state.upstreams.codex.lastReviewed).toBe('rust-v0.3.0');
  });
});
