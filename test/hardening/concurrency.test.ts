import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubStandIn, startGitHubStandIn } from '../helpers/github-server.js';
import { type Driven, drive, errorCodes, inParallel, lastReviewed, sampleProject } from './harness.js';
import { record } from './results.js';

// Concurrency: two writers at once must leave one issue per qualifying finding and every update
// they reported. A report files its issues at GitHub's pace (seconds between writes), so a trial
// mostly waits: trials run several at a time.

const TOKEN = 'ghp_hardeningconcurrency012345678';
const TRIALS = Number(process.env.HARDENING_TRIALS ?? 20);
const PARALLEL = 6;
/** The second process waits for the first, however slow the machine; refusal is tested on its own. */
const LOCK_WAIT = { RELEASE_WATCH_LOCK_WAIT: '5m' };
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
  ...LOCK_WAIT,
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
    github.repo(repo);
    await cp(p.cwd, cwd, { recursive: true });
    return { cwd, repo, statePath: join(cwd, '.github/release-watch/state.json') };
  };
  return { expected, copy };
}

const findings = (repo: string) =>
  github.repo(repo).issues.filter((i) => i.body.includes('release-watch:finding')).length;

/** A second report of a reviewed release has nothing to do: exit 0, or the coded "nothing to report". */
const fine = (out: Driven) => out.exitCode === 0 || errorCodes(out).includes('NOTHING_TO_REPORT');

describe('concurrency', () => {
  for (const command of ['report', 'run'] as const) {
    it(`two ${command}s at once, ${TRIALS} trials`, async () => {
      const { expected, copy } = await prepared();
      const args =
        command === 'report'
          ? ['report', '--upstream', 'sample', '--tag', 'v1.1.0', '--json']
          : ['run', '--json'];
      let duplicates = 0;
      let lost = 0;
      let wrong = 0;
      let hangs = 0;
      const notes: string[] = [];
      await inParallel(Array.from({ length: TRIALS }), PARALLEL, async () => {
        const trial = await copy();
        const outs = await Promise.all(
          [0, 1].map(() => drive(args, { cwd: trial.cwd, env: env(trial.repo), guardMs: 200_000 })),
        );
        hangs += outs.filter((o) => o.hung).length;
        const filed = findings(trial.repo);
        duplicates += Math.max(0, filed - expected);
        lost += Math.max(0, expected - filed);
        // Both say they succeeded (the second found the work done), and the review is recorded once.
        const bad = outs.filter((o) => !o.hung && !fine(o));
        if (bad.length > 0) {
          wrong += bad.length;
          notes.push(bad[0]!.stdout.slice(0, 200));
        }
        if ((await lastReviewed(trial.statePath)) !== 'v1.1.0') lost++;
      });
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
        note: notes.length ? notes[0] : `${expected} issues expected per trial`,
      });
      expect({ duplicates, lost, hangs, wrong }).toEqual({ duplicates: 0, lost: 0, hangs: 0, wrong: 0 });
    });
  }

  it(`state set of two upstreams at once, ${TRIALS} trials`, async () => {
    const template = await sampleProject();
    const configFile = join(template.cwd, 'release-watch.config.json');
    const config = JSON.parse(await readFile(configFile, 'utf8'));
    config.upstreams.other = { ...config.upstreams.sample };
    await writeFile(configFile, JSON.stringify(config));
    let lost = 0;
    let hangs = 0;
    let wrong = 0;
    await inParallel(Array.from({ length: TRIALS }), 3, async (_, t) => {
      const cwd = join(template.root, `set${t}`);
      await cp(template.cwd, cwd, { recursive: true });
      const tags = { sample: t % 2 === 0 ? 'v1.0.0' : 'v1.1.0', other: t % 2 === 0 ? 'v1.1.0' : 'v1.0.0' };
      const outs = await Promise.all(
        (['sample', 'other'] as const).map((id) =>
          drive(['state', 'set', id, tags[id], '--json'], { cwd, env: LOCK_WAIT, guardMs: 60_000 }),
        ),
      );
      hangs += outs.filter((o) => o.hung).length;
      wrong += outs.filter((o) => o.exitCode !== 0).length;
      const state = JSON.parse(await readFile(join(cwd, '.github/release-watch/state.json'), 'utf8')) as {
        upstreams: Record<string, { lastReviewed: string | null }>;
      };
      for (const id of ['sample', 'other'] as const)
        if (state.upstreams[id]?.lastReviewed !== tags[id]) lost++;
    });
    record({
      area: 'concurrency',
      name: 'state set x / y at once',
      trials: TRIALS * 2,
      faults: TRIALS,
      inputs: 0,
      lost,
      hangs,
      wrong,
    });
    expect({ lost, hangs, wrong }).toEqual({ lost: 0, hangs: 0, wrong: 0 });
  });
});
