import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UpstreamCheck } from '../../src/sources/check.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { createFixtureRepo } from '../helpers/git-fixture.js';
import { type GitHubStandIn, startGitHubStandIn } from '../helpers/github-server.js';
import { tempDir } from '../helpers/tmp.js';

const TOKEN = 'ghp_NEVERPRINTthisTOKEN0123456789';
let github: GitHubStandIn;
let dir: string;

beforeEach(async () => {
  github = await startGitHubStandIn({ token: TOKEN });
  dir = await tempDir('rw-cli-check-');
  github.repo('openai/codex').releases.push({ tag_name: 'rust-v0.138.0' }, { tag_name: 'rust-v0.139.0' });
  github.repo('sst/opencode').renamedTo = 'anomalyco/opencode';
  github.repo('anomalyco/opencode').releases.push({ tag_name: 'v1.2.3' });
});
afterEach(() => github.close());

async function project(upstreams: Record<string, unknown>, state: Record<string, string | null>) {
  await writeFile(join(dir, 'release-watch.config.json'), JSON.stringify({ upstreams }));
  const entries = Object.fromEntries(Object.entries(state).map(([id, tag]) => [id, { lastReviewed: tag }]));
  await import('node:fs/promises').then((fs) =>
    fs.mkdir(join(dir, '.github/release-watch'), { recursive: true }),
  );
  await writeFile(
    join(dir, '.github/release-watch/state.json'),
    JSON.stringify({ version: 1, upstreams: entries }),
  );
}
const check = (args: string[], env: Record<string, string> = {}) =>
  runCli(['check', ...args], { cwd: dir, env: { GITHUB_API_URL: github.url, GITHUB_TOKEN: TOKEN, ...env } });
const TWO = {
  codex: { repo: 'openai/codex', tags: 'rust-v*' },
  opencode: { repo: 'sst/opencode', tags: 'v[0-9]*' },
};

describe('release-watch check', () => {
  it('prints a table per upstream and exits 0', async () => {
    await project(TWO, { codex: 'rust-v0.138.0', opencode: 'v1.2.3' });
    const result = await check([]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^UPSTREAM +SOURCE +LAST REVIEWED +NEWEST +PENDING +STATUS$/m);
    expect(result.stdout).toMatch(
      /^codex +github-releases +rust-v0\.138\.0 +rust-v0\.139\.0 +rust-v0\.139\.0 +new$/m,
    );
    expect(result.stdout).toMatch(/^opencode +github-releases +v1\.2\.3 +v1\.2\.3 +- +up-to-date$/m);
    expect(result.stderr).toMatch(/GitHub answers sst\/opencode as anomalyco\/opencode/);
  });

  it('shows its progress: log lines in CI, a folded group in GitHub Actions, nothing under --json', async () => {
    await project(TWO, { codex: 'rust-v0.138.0', opencode: null });
    const ci = await check([], { CI: 'true' });
    expect(ci.stderr).toMatch(/^\[\d{4}-[^\]]+\] check: newest releases …$/m);
    expect(ci.stderr).toMatch(/^\[[^\]]+\] check: newest releases: done in \d+\.\ds$/m);
    const actions = await check([], { GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: join(dir, 'out.txt') });
    expect(actions.stderr.split('\n')[0]).toBe('::group::check: newest releases');
    expect(actions.stderr).toContain('::endgroup::');
    const json = await check(['--json']);
    expect(json.stderr).toBe('');
  });

  it('--json prints the same rows as an array, and nothing else on stdout', async () => {
    await project(TWO, { codex: null, opencode: 'v1.2.3' });
    const result = await check(['--json']);
    expect(result.exitCode).toBe(0);
    const rows = parseJson<UpstreamCheck[]>(result);
    expect(rows.map((r) => [r.id, r.status, r.lastReviewed, r.newest, r.pending.map((p) => p.tag)])).toEqual([
      ['codex', 'baseline', null, 'rust-v0.139.0', ['rust-v0.139.0']],
      ['opencode', 'up-to-date', 'v1.2.3', 'v1.2.3', []],
    ]);
    // A baseline diffs the newest release against the one before it.
    expect(rows[0]!.from).toBe('rust-v0.138.0');
    expect(result.stderr).toBe('');
  });

  it('writes has-updates and matrix to GITHUB_OUTPUT, and warm runs cost only 304s', async () => {
    await project(TWO, { codex: 'rust-v0.138.0', opencode: 'v1.2.3' });
    const output = join(dir, 'github-output');
    await writeFile(output, 'before=kept\n');
    const result = await check(['--upstream', 'codex', '--upstream', 'opencode'], { GITHUB_OUTPUT: output });
    expect(result.exitCode).toBe(0);
    expect(await readFile(output, 'utf8')).toBe(
      'before=kept\nhas-updates=true\nmatrix={"upstream":["codex"]}\n',
    );
    const cold = github.requests.map((r) => r.status);
    expect(cold.sort()).toEqual([200, 200, 301]);

    github.requests.length = 0;
    const warm = await check(['--json']);
    expect(parseJson<UpstreamCheck[]>(warm).map((r) => r.status)).toEqual(['new', 'up-to-date']);
    expect(github.requests.map((r) => r.status).sort()).toEqual([301, 304, 304]);
  });

  it('reports a failing upstream, still checks the others, and exits non-zero', async () => {
    const fixture = await createFixtureRepo();
    await fixture.commit({ a: '1' });
    await fixture.tag('v3.0.0');
    await project(
      {
        ...TWO,
        gone: { repo: 'o/gone', tags: 'v*' },
        local: { repo: 'o/local', tags: 'v*', source: 'git-tags', url: fixture.url },
      },
      { codex: 'rust-v0.139.0', opencode: 'v1.2.3', local: 'v2.0.0' },
    );
    const output = join(dir, 'github-output');
    const human = await check([], { GITHUB_OUTPUT: output });
    expect(human.exitCode).toBe(3);
    expect(human.stdout).toMatch(/^gone +github-releases +\(never\) +- +- +error$/m);
    expect(human.stdout).toMatch(/^local +git-tags +v2\.0\.0 +v3\.0\.0 +v3\.0\.0 +new$/m);
    expect(human.stdout).toMatch(/^gone: Error \[GITHUB_REQUEST_FAILED\]: GitHub answered 404 .*o\/gone/m);
    expect(await readFile(output, 'utf8')).toBe('has-updates=true\nmatrix={"upstream":["local"]}\n');

    const json = await check(['--json']);
    expect(json.exitCode).toBe(3);
    const rows = parseJson<UpstreamCheck[]>(json);
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      ['codex', 'up-to-date'],
      ['opencode', 'up-to-date'],
      ['gone', 'error'],
      ['local', 'new'],
    ]);
    expect(rows[2]!.error).toMatchObject({ code: 'GITHUB_REQUEST_FAILED', exitCode: 3 });

    // The token reaches GitHub but never the output, the logs or the cache.
    expect(github.requests.every((r) => r.headers.authorization === `token ${TOKEN}`)).toBe(true);
    const cacheDir = join(dir, '.release-watch/cache');
    const files = await readdir(cacheDir, { recursive: true, withFileTypes: true });
    const texts = await Promise.all(
      files.filter((f) => f.isFile()).map((f) => readFile(join(f.parentPath, f.name), 'utf8')),
    );
    expect(texts.length).toBeGreaterThan(0);
    for (const text of [human.stdout, human.stderr, json.stdout, json.stderr, ...texts]) {
      expect(text).not.toContain(TOKEN);
    }
  });

  it('exits 2 on usage errors: unknown upstream, --github-output without GITHUB_OUTPUT', async () => {
    await project(TWO, {});
    const unknown = await check(['--upstream', 'nope', '--json']);
    expect(unknown.exitCode).toBe(2);
    expect(parseJson<{ error: { code: string } }>(unknown).error.code).toBe('UNKNOWN_UPSTREAM');
    const noOutput = await check(['--github-output']);
    expect(noOutput.exitCode).toBe(2);
    expect(noOutput.stderr).toMatch(/GITHUB_OUTPUT_NOT_SET/);
    expect(github.requests).toHaveLength(0);
  });

  it("loads Octokit only for github-releases upstreams, and npm's client only for npm ones", async () => {
    const fixture = await createFixtureRepo();
    await fixture.commit({ a: '1' });
    await fixture.tag('v1.0.0');
    const trace = join(dir, 'loaded.txt');
    const hook = join(dir, 'trace.mjs');
    // Records every module URL the CLI loads (ESM, and CJS packages entered through import()).
    await writeFile(
      join(dir, 'trace-hooks.mjs'),
      `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.TRACE_FILE, url + '\\n');
  return next(url, context);
}
`,
    );
    await writeFile(
      hook,
      `import { register } from 'node:module';\nregister('./trace-hooks.mjs', import.meta.url);\n`,
    );
    const loaded = async (upstreams: Record<string, unknown>) => {
      await project(upstreams, {});
      await writeFile(trace, '');
      const result = await check(['--json'], { NODE_OPTIONS: `--import=${hook}`, TRACE_FILE: trace });
      expect(result.exitCode).toBe(0);
      return readFile(trace, 'utf8');
    };
    const gitOnly = await loaded({
      local: { repo: 'o/local', tags: 'v*', source: 'git-tags', url: fixture.url },
    });
    expect(gitOnly).toMatch(/dist\/sources\/check\.js/);
    expect(gitOnly).not.toMatch(/@octokit|npm-registry-fetch|@npmcli/);
    const withGitHub = await loaded(TWO);
    expect(withGitHub).toMatch(/@octokit\/rest/);
    expect(withGitHub).not.toMatch(/npm-registry-fetch|@npmcli/);
  });
});
