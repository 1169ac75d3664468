import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { githubEnv } from '../../src/github/env.js';
import { createSourceDeps } from '../../src/sources/deps.js';
import { listReleases } from '../../src/sources/index.js';
import { configIn } from '../helpers/check-config.js';
import { createFixtureRepo } from '../helpers/git-fixture.js';
import { tempDir } from '../helpers/tmp.js';

/** A bare repository at `<server>/<owner>/<name>.git`, as GITHUB_SERVER_URL would serve it. */
async function bareUpstream(tags: string[]) {
  const fixture = await createFixtureRepo();
  for (const tag of tags) {
    await fixture.commit({ 'CHANGELOG.md': `${tag}\n` }, tag);
    await fixture.tag(tag, { annotated: tag.endsWith('.0') });
  }
  const server = await tempDir('rw-git-server-');
  await mkdir(join(server, 'openai'));
  await execa('git', ['clone', '-q', '--bare', fixture.dir, join(server, 'openai', 'codex.git')]);
  return { server, fixture };
}

describe('git-tags source', () => {
  it('lists tags with git ls-remote from the clone URL under GITHUB_SERVER_URL', async () => {
    const { server } = await bareUpstream([
      'rust-v0.50.0',
      'rust-v0.51.0',
      'rust-v0.51.0-alpha.11',
      'rust-vv0.99.0-alpha.8',
      'vscode-v0.0.1',
      'rust-v0.49.3',
    ]);
    const dir = await tempDir();
    const config = configIn(dir, { codex: { repo: 'openai/codex', tags: 'rust-v*', source: 'git-tags' } });
    const deps = createSourceDeps({
      env: githubEnv({ GITHUB_SERVER_URL: `file://${server}` }),
      cacheDir: dir,
    });
    const releases = await listReleases('codex', config.upstreams.codex!, deps, { since: 'rust-v0.50.0' });
    expect(releases.map((r) => r.tag)).toEqual(['rust-v0.51.0', 'rust-v0.50.0', 'rust-v0.49.3']);
  });

  it('uses the upstream url when set, and reports an unreachable one', async () => {
    const { fixture } = await bareUpstream(['v1.0.0', 'v1.1.0']);
    const dir = await tempDir();
    const config = configIn(dir, {
      app: { repo: 'o/app', tags: 'v*', source: 'git-tags', url: fixture.url },
      gone: { repo: 'o/gone', tags: 'v*', source: 'git-tags', url: `file://${dir}/missing.git` },
    });
    const deps = createSourceDeps({ env: githubEnv({}), cacheDir: dir });
    const releases = await listReleases('app', config.upstreams.app!, deps);
    expect(releases.map((r) => r.tag)).toEqual(['v1.1.0', 'v1.0.0']);
    await expect(listReleases('gone', config.upstreams.gone!, deps)).rejects.toMatchObject({
      code: 'GIT_LS_REMOTE_FAILED',
      message: expect.stringMatching(
        /missing\.git \(upstream "gone"\): fatal: .*does not appear to be a git repository/,
      ),
    });
  });
});
