import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DiffResult } from '../../src/diff/service.js';
import { sharedReleaseFixture, UPSTREAM_ID, upstreamConfig } from '../git/fixture.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

describe('release-watch diff', () => {
  const fixture = sharedReleaseFixture();

  async function project() {
    const dir = await tempDir('rw-cli-');
    await writeFile(
      join(dir, 'release-watch.config.json'),
      JSON.stringify({ upstreams: { [UPSTREAM_ID]: upstreamConfig(fixture().repo.url) } }),
    );
    return dir;
  }

  it('--json prints the artifact paths and counts, and nothing else on stdout', async () => {
    const cwd = await project();
    const result = await runCli(['diff', '--json'], {
      cwd,
      env: { GITHUB_SERVER_URL: 'https://git.example' },
    });
    expect(result.exitCode).toBe(0);
    const json = parseJson<DiffResult>(result);
    expect(json).toMatchObject({
      upstream: UPSTREAM_ID,
      from: { tag: 'v1.1.0' },
      to: { tag: 'v1.2.0' },
      dir: join(cwd, '.release-watch/artifacts', UPSTREAM_ID, 'v1.2.0'),
      counts: { files: 2, additions: 16, deletions: 16, commits: 2, releases: 1, ignored: 0 },
      surfacesTouched: ['plugin-hooks'],
      cache: join(cwd, '.release-watch/cache', `${UPSTREAM_ID}.git`),
      warnings: [],
    });
    for (const file of Object.values(json.artifacts)) await access(file);
    const release = JSON.parse(await readFile(json.artifacts.release, 'utf8'));
    expect(release.compareUrl).toBe('https://git.example/acme/widget/compare/v1.1.0...v1.2.0');
  });

  it('prints a short summary, with progress notes on stderr', async () => {
    const cwd = await project();
    const result = await runCli(['diff', '--from', 'v1.0.0', '--tag', 'v1.1.0'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(
      [
        'widget: v1.0.0 → v1.1.0: 3 commits, 1 release',
        '  9 files changed (+6 −17), 2 ignored, 1 binary',
        '  surfaces touched: names (1), plugin-hooks (1)',
        `  artifacts: ${join(cwd, '.release-watch/artifacts/widget/v1.1.0')}`,
      ].join('\n'),
    );
    expect(result.stderr).toContain('widget: fetching v1.0.0 and v1.1.0 into');
  });

  it('refuses hostile tag names with a clear error before fetching', async () => {
    const cwd = await project();
    const pwned = join(cwd, 'pwned');
    const hostile = await runCli(['diff', `--to=--upload-pack=touch ${pwned}`], { cwd });
    expect(hostile.exitCode).toBe(2);
    expect(hostile.stderr).toContain(`Error [INVALID_REF]: Refusing ref "--upload-pack=touch ${pwned}"`);

    const traversal = await runCli(['diff', '--from', '../../x', '--to', 'v1.1.0', '--json'], { cwd });
    expect(traversal.exitCode).toBe(2);
    expect(parseJson<{ error: { code: string } }>(traversal).error.code).toBe('INVALID_REF');
    await expect(access(pwned)).rejects.toThrow();
    await expect(access(join(cwd, '.release-watch'))).rejects.toThrow();
  });

  it('names the closest tags when --to does not exist', async () => {
    const cwd = await project();
    const result = await runCli(['diff', '--from', 'v1.0.0', '--to', 'v1.2'], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('Error [TAG_NOT_FOUND]: Tag "v1.2" does not exist in upstream "widget"');
    expect(result.stderr).toContain('Closest tags: v1.2.0, v1.1.0, v1.0.0, v0.9.0.');
  });
});
