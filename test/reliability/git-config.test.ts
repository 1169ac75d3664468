import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { createReleaseFixture, upstreamConfig } from '../git/fixture.js';
import { runCli } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';
import { tempDir } from '../helpers/tmp.js';

/** A user's git config that changes what `git diff` prints, and a URL rewrite fetching needs. */
async function hostileHome(fixtureUrl: string) {
  const home = await tempDir('rw-home-');
  await writeFile(join(home, 'order.txt'), 'src/*\nold/*\n*\n');
  await writeFile(
    join(home, '.gitconfig'),
    [
      '[diff]',
      '\talgorithm = patience',
      `\torderFile = ${join(home, 'order.txt')}`,
      '\tcontext = 7',
      '\tindentHeuristic = false',
      '[core]',
      '\tquotePath = false',
      '\tabbrev = 16',
      '[color]',
      '\tdiff = always',
      `[url "${fixtureUrl}"]`,
      '\tinsteadOf = https://upstream.invalid/widget',
      '',
    ].join('\n'),
  );
  return home;
}

describe("the user's git config cannot change the artifacts", () => {
  it('diff.patch is byte-identical under a .gitconfig with diff.*, core.quotePath and core.abbrev', async () => {
    const { repo } = await createReleaseFixture();
    const home = await hostileHome(repo.url);
    const clean = await tempDir('rw-home-clean-');

    // The config does change plain git's output: the test would notice it leaking through.
    const plain = (HOME: string) =>
      execa('git', ['diff', 'v1.0.0', 'v1.1.0'], {
        cwd: repo.dir,
        env: { HOME, GIT_CONFIG_NOSYSTEM: '1', XDG_CONFIG_HOME: join(HOME, '.config') },
      });
    expect((await plain(home)).stdout).not.toBe((await plain(clean)).stdout);

    const patchWith = async (HOME: string, url: string) => {
      const cwd = await tempProject({
        'release-watch.config.json': JSON.stringify({ upstreams: { widget: upstreamConfig(url) } }),
      });
      const result = await runCli(['diff', '--from', 'v1.0.0', '--to', 'v1.1.0'], {
        cwd,
        env: {
          HOME,
          XDG_CONFIG_HOME: join(HOME, '.config'),
          GIT_CONFIG_PARAMETERS: "'diff.context'='9'",
          GIT_CONFIG_COUNT: '1',
          GIT_CONFIG_KEY_0: 'diff.noprefix',
          GIT_CONFIG_VALUE_0: 'true',
        },
      });
      expect(result.exitCode, result.stderr).toBe(0);
      const dir = join(cwd, '.release-watch/artifacts/widget/v1.1.0');
      return Promise.all(['diff.patch', 'diff.stat', 'files.json'].map((f) => readFile(join(dir, f))));
    };
    // The hostile home reaches the upstream only through its url.*.insteadOf rewrite: fetch settings are kept.
    const [hostile, baseline] = await Promise.all([
      patchWith(home, 'https://upstream.invalid/widget'),
      patchWith(clean, repo.url),
    ]);
    expect(hostile[0]!.length).toBeGreaterThan(500);
    expect(hostile[0]!.equals(baseline[0]!)).toBe(true);
    expect(hostile[1]!.equals(baseline[1]!)).toBe(true);
    expect(hostile[2]!.toString()).toBe(baseline[2]!.toString());
  }, 120_000);
});
