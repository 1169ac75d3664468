import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReportResult } from '../../src/report/types.js';
import { readState } from '../../src/state/store.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { analyzed, DOWNSTREAM, finding, github, project, TOKEN, writes } from '../report/fixtures.js';

const findings = () => [
  finding('token-endpoint-moved', { title: 'Token endpoint moved', description: 'Ask @octocat about #5.' }),
  finding('scope-renamed', { title: 'Scope renamed' }),
  finding('typo-fixed', { severity: 'low' }),
];

describe('release-watch report', () => {
  it('files each finding once over two runs, advances the state, and never prints the token', async () => {
    const config = await project();
    const { gh, cliEnv } = await github();
    const paths = await analyzed(config, {
      from: 'rust-v0.138.0',
      to: 'rust-v0.139.0',
      findings: findings(),
    });
    const summary = join(await tempDir(), 'step-summary.md');
    await writeFile(summary, '');
    const env = { ...cliEnv, GITHUB_STEP_SUMMARY: summary };

    const first = await runCli(['report', '--json'], { cwd: config.rootDir, env });
    expect(first.exitCode, first.stderr).toBe(0);
    const result = parseJson<ReportResult>(first);
    expect(result.created.map((o) => [o.findingId, o.issue?.number])).toEqual([
      ['token-endpoint-moved', 1],
      ['scope-renamed', 2],
    ]);
    expect(result.skipped.map((o) => o.action)).toEqual(['below-min-severity']);
    expect(result.state).toEqual({ advanced: true, lastReviewed: 'rust-v0.139.0', issues: [1, 2] });
    expect((await readState(config.state)).upstreams.codex?.lastReviewed).toBe('rust-v0.139.0');

    const second = await runCli(['report', '--tag', 'rust-v0.139.0'], { cwd: config.rootDir, env });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).toContain('codex rust-v0.138.0 → rust-v0.139.0: impact high, 3 findings');
    expect(second.stdout).toMatch(/already filed: #1/);
    expect(gh.repo(DOWNSTREAM).issues).toHaveLength(2);

    const report = await readFile(paths.report, 'utf8');
    const stepSummary = await readFile(summary, 'utf8');
    expect(stepSummary).toContain('filed #1');
    expect(stepSummary).toContain('already filed: #1');
    const state = await readFile(config.state, 'utf8');
    for (const text of [
      first.stdout,
      first.stderr,
      second.stdout,
      second.stderr,
      report,
      stepSummary,
      state,
    ]) {
      expect(text).not.toContain(TOKEN);
    }
    // The token only ever travels in the Authorization header.
    expect(gh.requests.every((r) => !r.path.includes(TOKEN) && !r.body.includes(TOKEN))).toBe(true);
  });

  it('--dry-run shows what it would do, with each would-be issue body, and writes only report.md and the bodies', async () => {
    const config = await project({ dashboard: true });
    const { gh, cliEnv } = await github();
    const paths = await analyzed(config, {
      from: 'rust-v0.138.0',
      to: 'rust-v0.139.0',
      findings: findings(),
    });

    const json = await runCli(['report', '--dry-run', '--json', '--tag', 'rust-v0.139.0'], {
      cwd: config.rootDir,
      env: cliEnv,
    });
    expect(json.exitCode, json.stderr).toBe(0);
    const result = parseJson<ReportResult>(json);
    expect(result.created.map((o) => [o.action, o.issueTitle])).toEqual([
      ['would-create', '[release-watch] codex rust-v0.139.0: Token endpoint moved'],
      ['would-create', '[release-watch] codex rust-v0.139.0: Scope renamed'],
    ]);
    expect(result.dashboard).toEqual({ action: 'would-create' });
    // --json carries each would-be issue whole: title, labels, body.
    expect(result.created[0]).toMatchObject({
      labels: ['release-watch', 'upstream:codex', 'severity:high'],
      body: expect.stringContaining('### What to do'),
      bodyFile: join(paths.dir, 'issues', '01-token-endpoint-moved.md'),
    });

    const human = await runCli(['report', '--dry-run'], { cwd: config.rootDir, env: cliEnv });
    expect(human.exitCode, human.stderr).toBe(0);
    expect(human.stdout).toContain('dry run: nothing written to GitHub or the state');
    expect(human.stdout).toContain('would file a new issue');
    expect(human.stdout).toContain('state: unchanged (dry run)');
    expect(human.stdout).toContain(
      `would-be issues (2):\n  ${join(paths.dir, 'issues', '01-token-endpoint-moved.md')}`,
    );
    const first = await readFile(join(paths.dir, 'issues', '01-token-endpoint-moved.md'), 'utf8');
    expect(human.stdout).toContain(first.trimEnd());

    expect(writes(gh)).toEqual([]);
    expect(gh.requests.some((r) => r.method === 'GET')).toBe(true);
    await expect(stat(config.state)).rejects.toThrow();
    expect(await readFile(paths.report, 'utf8')).toContain('Dry run:');
    for (const text of [json.stdout, json.stderr, human.stdout, human.stderr])
      expect(text).not.toContain(TOKEN);
  });

  it('fails clearly, without the token, when GitHub refuses it or no repository is known', async () => {
    const config = await project();
    const { gh, cliEnv } = await github();
    await analyzed(config, { from: 'rust-v0.138.0', to: 'rust-v0.139.0', findings: findings() });

    const wrongToken = 'ghp_wrongTokenThatMustNotLeak000000000';
    const refused = await runCli(['report'], {
      cwd: config.rootDir,
      env: { ...cliEnv, GITHUB_TOKEN: wrongToken },
    });
    expect(refused.exitCode).toBe(3);
    expect(refused.stderr).toContain('Error [GITHUB_REQUEST_FAILED]');
    expect(refused.stderr).toContain('HTTP 401');
    expect(refused.stderr).toContain('left at (never reviewed)');
    expect(`${refused.stdout}${refused.stderr}`).not.toContain(wrongToken);
    await expect(stat(config.state)).rejects.toThrow();
    expect(gh.repo(DOWNSTREAM).issues).toEqual([]);

    const noRepo = await project({ repo: undefined });
    await analyzed(noRepo, { from: 'rust-v0.138.0', to: 'rust-v0.139.0', findings: findings() });
    const missing = await runCli(['report', '--json'], { cwd: noRepo.rootDir, env: cliEnv });
    expect(missing.exitCode).toBe(2);
    expect(parseJson<{ error: { code: string } }>(missing).error.code).toBe('DOWNSTREAM_REPO_MISSING');
  });
});
