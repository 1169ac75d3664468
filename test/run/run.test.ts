import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisSchema } from '../../src/analysis/schema.js';
import { analyzeRelease } from '../../src/analysis/service.js';
import { loadConfig } from '../../src/config/load.js';
import { buildSampleUpstream, SAMPLE_PLUGIN, sampleUpstreamConfig } from '../../src/demo/sample.js';
import { githubEnv } from '../../src/github/env.js';
import { createRunDeps } from '../../src/run/deps.js';
import { type RunResult, type RunStages, runAll } from '../../src/run/service.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { type GitHubStandIn, startGitHubStandIn } from '../helpers/github-server.js';
import { tempDir } from '../helpers/tmp.js';

const TOKEN = 'ghp_runtesttoken1234567890';
let github: GitHubStandIn;

beforeAll(async () => {
  github = await startGitHubStandIn({ token: TOKEN });
});
afterAll(() => github.close());

/** A downstream project watching the sample upstream (works) and an upstream whose clone URL is missing (fails). */
async function project() {
  const root = await tempDir('rw-run-');
  const upstream = await buildSampleUpstream(join(root, 'upstream'));
  const config = {
    downstream: { repo: 'acme/plugin', minSeverity: 'medium' },
    agent: { kind: 'none' },
    upstreams: {
      sample: sampleUpstreamConfig(upstream),
      broken: {
        repo: 'example/gone',
        tags: 'v*',
        source: 'git-tags',
        url: `file://${join(root, 'missing')}`,
      },
    },
  };
  const cwd = join(root, 'project');
  await mkdir(cwd, { recursive: true });
  await writeFile(join(cwd, 'release-watch.config.json'), JSON.stringify(config));
  const env = {
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: github.url,
    GITHUB_TOKEN: TOKEN,
  };
  return { cwd, env, statePath: join(cwd, '.github/release-watch/state.json') };
}

describe('release-watch run', () => {
  it('--dry-run: one upstream fails, the other completes; exit 1, nothing written to GitHub or the state', async () => {
    const { cwd, env, statePath } = await project();
    const before = github.requests.length;
    const result = await runCli(['run', '--dry-run', '--json'], { cwd, env });
    expect(result.exitCode).toBe(1);
    const run = parseJson<RunResult>(result);
    expect(run.failed).toBe(1);
    const sample = run.upstreams.find((u) => u.id === 'sample')!;
    const broken = run.upstreams.find((u) => u.id === 'broken')!;
    expect(sample).toMatchObject({ status: 'dry-run', from: 'v1.0.0', to: 'v1.1.0', impact: 'high' });
    expect(sample.issues!.wouldCreate).toBe(3);
    // --json carries each would-be issue: its title, labels and body, and where the body was written.
    expect(sample.planned!.map((p) => [p.issueTitle, p.labels])).toEqual([
      [
        '[release-watch] sample v1.1.0: CLI flag `--print-logs` removed from `sample-host`',
        ['release-watch', 'upstream:sample', 'severity:high'],
      ],
      [
        '[release-watch] sample v1.1.0: Header `OpenAI-Beta` no longer sent',
        ['release-watch', 'upstream:sample', 'severity:high'],
      ],
      [
        "[release-watch] sample v1.1.0: `Hooks['chat.params']` signature changed: `input` loses `model`, gains `modelID`, `providerID`, `sessionID`; `output` gains `topP`, `options`",
        ['release-watch', 'upstream:sample', 'severity:medium'],
      ],
    ]);
    for (const p of sample.planned!) expect(await readFile(p.bodyFile!, 'utf8')).toBe(p.body);
    expect(broken).toMatchObject({ status: 'failed', failedAt: 'check' });
    expect(github.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
    await expect(readFile(statePath, 'utf8')).rejects.toThrow(/ENOENT/);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
  });

  it('files issues for the working upstream, advances only its state, and a re-run files nothing twice', async () => {
    const { cwd, env, statePath } = await project();
    github.repo('acme/plugin');
    const first = await runCli(['run'], { cwd, env });
    expect(first.exitCode).toBe(1);
    expect(first.stdout).toMatch(/sample\s+reviewed\s+v1\.0\.0\s+v1\.1\.0\s+high/);
    expect(first.stdout).toMatch(/broken\s+failed \(check\)/);
    expect(first.stderr).toContain('broken:');
    const issues = github.repo('acme/plugin').issues;
    expect(issues.map((i) => i.title)).toEqual([
      '[release-watch] sample v1.1.0: CLI flag `--print-logs` removed from `sample-host`',
      '[release-watch] sample v1.1.0: Header `OpenAI-Beta` no longer sent',
      "[release-watch] sample v1.1.0: `Hooks['chat.params']` signature changed: `input` loses `model`, gains `modelID`, `providerID`, `sessionID`; `output` gains `topP`, `options`",
    ]);
    const state = JSON.parse(await readFile(statePath, 'utf8'));
    expect(state.upstreams.sample).toMatchObject({ lastReviewed: 'v1.1.0', impact: 'high' });
    expect(state.upstreams.sample.issues.sort()).toEqual(issues.map((i) => i.number).sort());
    expect(state.upstreams.broken?.lastReviewed ?? null).toBeNull();

    const analysis = analysisSchema.parse(
      JSON.parse(await readFile(join(cwd, '.release-watch/artifacts/sample/v1.1.0/analysis.json'), 'utf8')),
    );
    expect(analysis.findings.every((f) => f.verified)).toBe(true);

    const again = await runCli(['run', '--upstream', 'sample', '--json'], { cwd, env });
    expect(again.exitCode).toBe(0);
    expect(parseJson<RunResult>(again).upstreams[0]).toMatchObject({ id: 'sample', status: 'up-to-date' });
    expect(github.repo('acme/plugin').issues).toHaveLength(3);
    expect(first.stdout + first.stderr + again.stdout + again.stderr).not.toContain(TOKEN);
  });
});

describe('runAll --include-unverified', () => {
  it('files an unverified finding only when asked', async () => {
    const { cwd, env } = await project();
    const config = await loadConfig({ file: join(cwd, 'release-watch.config.json') });
    // An agent claim whose evidence does not hold, added to what the scanners found.
    const analyze: RunStages['analyze'] = async (...args) => {
      const result = await analyzeRelease(...args);
      const analysis = analysisSchema.parse(JSON.parse(await readFile(result.path, 'utf8')));
      analysis.findings.unshift({
        ...analysis.findings[0]!,
        id: 'agent-claim',
        title: 'A claim nobody could verify',
        source: 'agent',
        verified: false,
      });
      await writeFile(result.path, JSON.stringify(analysis));
      return result;
    };
    const planned = async (includeUnverified: boolean) => {
      const deps = { ...createRunDeps(config, { json: true, env: githubEnv(env) }), stages: { analyze } };
      const run = await runAll(config, { upstreams: ['sample'], dryRun: true, includeUnverified }, deps);
      return run.upstreams[0]!.planned!.map((p) => p.findingId);
    };
    expect(await planned(false)).not.toContain('agent-claim');
    expect(await planned(true)).toContain('agent-claim');
  });
});

describe('release-watch demo', () => {
  it('runs offline and prints the planted findings most severe first, and the first would-be issue in full', async () => {
    const dir = await tempDir('rw-demo-');
    const result = await runCli(['demo', '--dir', dir], { cwd: dir });
    expect(result.exitCode).toBe(0);
    const findings = result.stdout.split('\n').filter((l) => /^ {2}\[\w+\] /.test(l));
    // The sample plugin is a committed checkout: its anchors are mined, and findings name its lines.
    expect(result.stderr).not.toMatch(/no anchors|not a git repository/);
    expect(result.stderr).toMatch(/sample: \d+ anchors of .*project at v1\.0\.0/);
    // One finding per change: the hook and the header come from the anchor rule, with the plugin's
    // lines; ts-exports' and the wire rule's sightings of the same two changes are folded into them.
    expect(findings).toEqual([
      '  [high] Hook `chat.params` you implement changed signature: `input` loses `model`, gains `modelID`, `providerID`, `sessionID`; `output` gains `topP`, `options` (packages/plugin/src/index.ts:5, your src/index.ts:4)',
      '  [high] Header `OpenAI-Beta` you send was removed upstream (src/provider/openai.ts:5, your src/request.ts:2)',
      '  [high] CLI flag `--print-logs` removed from `sample-host` (src/cli.ts:6)',
    ]);
    const issues = join(dir, 'project/.release-watch/artifacts/sample/v1.1.0/issues');
    expect(result.stdout).toContain(join(issues, '03-cli-flag-removed-sample-host-print-logs.md'));
    // The first body in full: both sides, upstream before/after and the plugin's own line.
    const first = await readFile(
      join(issues, '01-anchor-hook-changed-sample-host-plugin-chat-params.md'),
      'utf8',
    );
    expect(result.stdout).toContain(first.trimEnd());
    expect(first).toContain('packages/plugin/src/index.ts');
    expect(first).toContain("'chat.params': async (input, output) => {");
    expect(first).toContain('### What to do');
    const cli = await readFile(join(issues, '03-cli-flag-removed-sample-host-print-logs.md'), 'utf8');
    expect(cli).toContain('**Before:** [`src/cli.ts#L6`]');
    expect(cli).toContain("```ts\n.option('--print-logs', 'print logs to stderr')\n```");
    expect(cli).toContain('git diff v1.0.0 v1.1.0 -- src/cli.ts');
    expect(result.stdout).toMatch(/sample\s+dry-run\s+v1\.0\.0\s+v1\.1\.0/);
  });

  it('run twice in one --dir rebuilds its own files and ends the same', async () => {
    const dir = await tempDir('rw-demo-');
    const first = await runCli(['demo', '--dir', dir, '--json'], { cwd: dir });
    const again = await runCli(['demo', '--dir', dir, '--json'], { cwd: dir });
    expect(again.exitCode, again.stderr).toBe(0);
    const findings = (r: typeof first) =>
      parseJson<{ findings: { id: string }[] }>(r).findings.map((f) => f.id);
    expect(findings(again)).toEqual(findings(first));
    // One commit per release, not a second history on top of the first; the plugin is one commit too.
    const log = await execa('git', ['log', '--format=%s', 'main'], { cwd: join(dir, 'upstream') });
    expect(log.stdout.split('\n')).toHaveLength(2);
    const plugin = await execa('git', ['log', '--format=%s', 'main'], { cwd: join(dir, 'project') });
    expect(plugin.stdout.split('\n')).toEqual(['sample plugin']);
    const tracked = await execa('git', ['ls-files'], { cwd: join(dir, 'project') });
    expect(tracked.stdout.split('\n')).toEqual(Object.keys(SAMPLE_PLUGIN).sort());
  });

  it('refuses a folder that holds something else, and changes nothing in it', async () => {
    const dir = await tempDir('rw-demo-');
    await writeFile(join(dir, 'notes.txt'), 'mine');
    const result = await runCli(['demo', '--dir', dir], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('DEMO_DIR_NOT_EMPTY');
    expect(result.stderr).toContain('notes.txt');
    expect(await readdir(dir)).toEqual(['notes.txt']);
  });

  it('commits only the files each sample release wrote', async () => {
    const dir = await tempDir('rw-sample-');
    await writeFile(join(dir, 'stray.txt'), 'not the demo’s');
    await buildSampleUpstream(dir);
    const tracked = (await execa('git', ['ls-files'], { cwd: dir })).stdout.split('\n');
    expect(tracked).not.toContain('stray.txt');
    expect(tracked.length).toBeGreaterThan(0);
  });
});
