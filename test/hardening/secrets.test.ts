import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../../src/git/run.js';
import { AGENT_FILE } from '../helpers/agent-fixture.js';
import { type GitHttpServer, startGitHttpServer } from '../helpers/git-http-server.js';
import { type GitHubStandIn, startGitHubStandIn } from '../helpers/github-server.js';
import { type ModelServer, startModelServer } from '../helpers/model-server.js';
import { isolatedOpenCode } from '../helpers/opencode-setup.js';
import { drive, SAMPLE_ANSWER, sampleProject } from './harness.js';
import { record } from './results.js';

// Secrets: canary values in GITHUB_TOKEN, the model's key and a clone URL, through a whole `run`
// with the real opencode. None may appear in stdout, stderr, the artifacts (report.md included), the
// job summary, the step outputs, the state, the cache (its git config: actions/cache saves it) or any
// request the model stand-in receives; the model key is allowed in exactly one place, its auth header.

const GITHUB_TOKEN = 'ghp_canaryHardeningGitHubToken000111';
const MODEL_KEY = 'sk-canaryHardeningModelKey444555666';
const URL_TOKEN = 'ghs_canaryHardeningCloneUrl777888999';
const URL_BASIC = Buffer.from(`x-access-token:${URL_TOKEN}`).toString('base64');
const CANARIES = { GITHUB_TOKEN, MODEL_KEY, URL_TOKEN, URL_BASIC };

let github: GitHubStandIn;
let model: ModelServer;
let git: GitHttpServer;
let gitRoot: string;

beforeAll(async () => {
  gitRoot = await mkdtemp(join(process.env.TMPDIR ?? '/tmp', 'rw-hard-secrets-git-'));
  [github, model, git] = await Promise.all([
    startGitHubStandIn({ token: GITHUB_TOKEN }),
    startModelServer(),
    startGitHttpServer(gitRoot, { basicAuth: { user: 'x-access-token', password: URL_TOKEN } }),
  ]);
});
afterAll(() =>
  Promise.all([github.close(), model.close(), git.close(), rm(gitRoot, { recursive: true, force: true })]),
);

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Where each canary showed up: `place: NAME`. */
function leaksIn(place: string, text: string): string[] {
  return Object.entries(CANARIES)
    .filter(([, value]) => text.includes(value))
    .map(([name]) => `${place}: ${name}`);
}

describe('secrets', () => {
  it('canaries in GITHUB_TOKEN, the model key and a clone URL leak nowhere during a run', async () => {
    const p = await sampleProject({ config: { downstream: { minSeverity: 'medium' } } });
    await runGit(['clone', '--quiet', '--bare', p.upstreamDir, join(gitRoot, 'sample.git')]);
    const scenario = model.scenario([{ text: `\`\`\`json\n${JSON.stringify(SAMPLE_ANSWER)}\n\`\`\`` }]);
    const setup = await isolatedOpenCode(model, [scenario]);
    await mkdir(join(p.cwd, '.opencode', 'agent'), { recursive: true });
    await copyFile(AGENT_FILE, join(p.cwd, '.opencode', 'agent', 'release-impact.md'));
    const configFile = join(p.cwd, 'release-watch.config.json');
    const config = JSON.parse(await readFile(configFile, 'utf8'));
    config.agent = { kind: 'opencode', model: setup.model(scenario), timeout: '4m' };
    config.upstreams.sample.url = `${git.url.replace('http://', `http://x-access-token:${URL_TOKEN}@`)}/sample.git`;
    await writeFile(configFile, JSON.stringify(config, null, 2));
    github.repo('acme/secrets');
    const summary = join(p.root, 'step-summary.md');
    const output = join(p.root, 'step-output.txt');
    await writeFile(summary, '');
    await writeFile(output, '');
    const env = {
      ...setup.env,
      RWTEST_API_KEY: MODEL_KEY,
      GITHUB_TOKEN,
      GH_TOKEN: GITHUB_TOKEN,
      GITHUB_API_URL: github.url,
      GITHUB_SERVER_URL: github.url,
      GITHUB_REPOSITORY: 'acme/secrets',
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_OUTPUT: output,
    };
    // Human output (where messages are rendered) for the run, machine output for the checks after it.
    const run = await drive(['run'], { cwd: p.cwd, env, guardMs: 300_000 });
    const check = await drive(['check', '--json'], { cwd: p.cwd, env, guardMs: 60_000 });
    const leaks: string[] = [
      ...leaksIn('run stdout', run.stdout),
      ...leaksIn('run stderr', run.stderr),
      ...leaksIn('check stdout', check.stdout),
      ...leaksIn('check stderr', check.stderr),
    ];
    // Every file the runs wrote: artifacts (report.md, issue bodies, the agent's raw output), state,
    // step summary and outputs, and the cache (its git config and everything else actions/cache saves).
    const written = [
      ...(await filesUnder(join(p.cwd, '.release-watch'))),
      ...(await filesUnder(join(p.cwd, '.github'))),
      summary,
      output,
    ];
    for (const file of written) {
      const text = await readFile(file, 'latin1').catch(() => '');
      leaks.push(...leaksIn(relative(p.root, file), text));
    }
    // What reached the model: bodies and headers, the key only as the Authorization header.
    const requests = scenario.requests();
    for (const [n, request] of requests.entries()) {
      leaks.push(...leaksIn(`model request ${n} body`, request.body));
      const { authorization, ...others } = request.headers;
      leaks.push(...leaksIn(`model request ${n} headers`, JSON.stringify(others)));
      if (authorization !== `Bearer ${MODEL_KEY}`)
        leaks.push(`model request ${n}: authorization is not the key`);
    }
    const filed = github.repo('acme/secrets').issues;
    for (const issue of filed) leaks.push(...leaksIn(`issue #${issue.number}`, issue.title + issue.body));
    const cacheConfig = await readFile(
      join(p.cwd, '.release-watch', 'cache', 'sample.git', 'config'),
      'utf8',
    );
    const inputs = written.length + requests.length + filed.length + 4;
    record({
      area: 'secrets',
      name: 'canaries: GitHub token, model key, clone URL',
      trials: 2,
      faults: 0,
      inputs,
      leaks: leaks.length,
      wrong: run.exitCode === 0 && requests.length > 0 && filed.length > 0 ? 0 : 1,
      note: leaks.length
        ? leaks.slice(0, 4).join('; ')
        : `${written.length} files, ${requests.length} model requests, ${filed.length} issues, 4 output streams`,
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(requests.length).toBeGreaterThan(0);
    expect(filed.length).toBeGreaterThan(0);
    expect(cacheConfig).toContain(`${git.url}/sample.git`);
    expect(leaks).toEqual([]);
  });
});
