import { describe, expect, it } from 'vitest';
import { parseJson, runCli } from '../helpers/cli.js';
import { type ScriptedFault, secondaryRateLimit } from '../helpers/github-server.js';
import { analyzed, DOWNSTREAM, finding, github, project } from '../report/fixtures.js';

const findings = () => [finding('one'), finding('two'), finding('three')];

/** A report of three findings while the stand-in answers one write with `fault`. */
async function reportUnder(fault: ScriptedFault) {
  const config = await project();
  const { gh, cliEnv } = await github();
  await analyzed(config, { from: 'rust-v0.138.0', to: 'rust-v0.139.0', findings: findings() });
  gh.fault(fault);
  const result = await runCli(['report', '--tag', 'rust-v0.139.0', '--json'], {
    cwd: config.rootDir,
    env: cliEnv,
  });
  return { gh, result, issues: gh.repo(DOWNSTREAM).issues };
}

describe('a write GitHub answered with an error is never resent blindly', () => {
  it.each([
    ['403 secondary rate limit with Retry-After, on a create that went through', true],
    ['403 secondary rate limit with Retry-After, on a create that did not', false],
  ])('%s: one issue per finding', async (_name, apply) => {
    const { gh, result, issues } = await reportUnder(
      secondaryRateLimit({ method: 'POST', path: /\/issues$/, after: 1, retryAfter: 1, apply }),
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(issues.map((i) => i.title).sort()).toEqual([
      expect.stringContaining('Finding one'),
      expect.stringContaining('Finding three'),
      expect.stringContaining('Finding two'),
    ]);
    expect(
      parseJson<{ created: { issue?: { number: number } }[] }>(result).created.map((c) => c.issue?.number),
    ).toEqual([1, 2, 3]);
    const creates = gh.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/issues'));
    expect(creates.map((r) => r.status)).toEqual(apply ? [201, 403, 201] : [201, 403, 201, 201]);
  });

  it('502 after the issue was created: found by its marker, not filed again', async () => {
    const { result, issues } = await reportUnder({
      method: 'POST',
      path: /\/issues$/,
      status: 502,
      apply: true,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(issues).toHaveLength(3);
  });

  it('a "seen again" comment answered with a secondary rate limit is posted once', async () => {
    const config = await project();
    const { gh, cliEnv } = await github();
    await analyzed(config, { from: 'rust-v0.137.0', to: 'rust-v0.138.0', findings: [finding('one')] });
    const first = await runCli(['report', '--tag', 'rust-v0.138.0'], { cwd: config.rootDir, env: cliEnv });
    expect(first.exitCode, first.stderr).toBe(0);
    await analyzed(config, { from: 'rust-v0.138.0', to: 'rust-v0.139.0', findings: [finding('one')] });
    gh.fault(secondaryRateLimit({ method: 'POST', path: /\/comments$/, retryAfter: 1, apply: true }));
    const second = await runCli(['report', '--tag', 'rust-v0.139.0'], { cwd: config.rootDir, env: cliEnv });
    expect(second.exitCode, second.stderr).toBe(0);
    const [issue] = gh.repo(DOWNSTREAM).issues;
    expect(gh.repo(DOWNSTREAM).issues).toHaveLength(1);
    expect(issue!.comments).toHaveLength(1);
  });
});
