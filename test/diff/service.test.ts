import { access, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesArtifactSchema, releaseArtifactSchema } from '../../src/artifacts/schema.js';
import { diffRelease } from '../../src/diff/service.js';
import { ReleaseWatchError } from '../../src/errors.js';
import { runGit } from '../../src/git/run.js';
import { writeState } from '../../src/state/store.js';
import {
  countingGit,
  createReleaseFixture,
  diffDeps,
  gitBytes,
  projectConfig,
  sharedReleaseFixture,
  UPSTREAM_ID,
} from '../git/fixture.js';
import { tempDir } from '../helpers/tmp.js';

const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8'));

async function rejection(promise: Promise<unknown>): Promise<ReleaseWatchError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ReleaseWatchError);
  return error as ReleaseWatchError;
}

describe('diffRelease', () => {
  const fixture = sharedReleaseFixture();

  it('writes artifacts identical to git for two releases', async () => {
    const { repo } = fixture();
    const config = await projectConfig(repo.url);
    const notes: string[] = [];
    const result = await diffRelease(
      config,
      { upstream: UPSTREAM_ID, from: 'v1.0.0', to: 'v1.1.0' },
      diffDeps(countingGit().git, notes),
    );

    expect(result.dir).toBe(join(config.artifacts, UPSTREAM_ID, 'v1.1.0'));
    expect(await readFile(result.artifacts.patch)).toEqual(
      await gitBytes(repo.dir, ['diff', 'v1.0.0', 'v1.1.0']),
    );
    expect(await readFile(result.artifacts.stat)).toEqual(
      await gitBytes(repo.dir, ['diff', '--stat', 'v1.0.0', 'v1.1.0']),
    );
    const log = await readFile(result.artifacts.log, 'utf8');
    const count = Number(await repo.git('rev-list', '--count', 'v1.0.0..v1.1.0'));
    expect(log.split('\n').filter(Boolean)).toHaveLength(count);
    expect(log).toMatch(/^[0-9a-f]{12} chore: assets and docs\n/);
    expect(result.counts.commits).toBe(count);

    const release = releaseArtifactSchema.parse(await readJson(result.artifacts.release));
    expect(release).toMatchObject({
      upstream: UPSTREAM_ID,
      repo: 'acme/widget',
      url: repo.url,
      from: { tag: 'v1.0.0', commit: await repo.git('rev-parse', 'v1.0.0^{commit}') },
      to: { tag: 'v1.1.0', commit: await repo.git('rev-parse', 'v1.1.0^{commit}') },
      releases: [{ tag: 'v1.1.0', version: '1.1.0', prerelease: false }],
      compareUrl: 'https://github.example/acme/widget/compare/v1.0.0...v1.1.0',
      commits: count,
      generatedAt: '2026-11-23T09:00:00.000Z',
    });

    const { files } = filesArtifactSchema.parse(await readJson(result.artifacts.files));
    const byPath = Object.fromEntries(files.map((file) => [file.path, file]));
    expect(Object.keys(byPath).sort()).toEqual(
      [
        'assets/logo.png',
        'bun.lock',
        'docs/guide.md',
        'new/name.txt',
        'packages/plugin/src/hooks.ts',
        'src/a3.ts',
        'src/new.ts',
        'src/readme-link',
        'src/spaced name ü.ts',
      ].sort(),
    );
    expect(byPath['packages/plugin/src/hooks.ts']).toMatchObject({
      status: 'modified',
      additions: 1,
      deletions: 1,
      surfaces: ['plugin-hooks'],
      ignored: false,
    });
    expect(byPath['new/name.txt']).toMatchObject({
      status: 'renamed',
      oldPath: 'old/name.txt',
      surfaces: ['names'],
    });
    expect(byPath['assets/logo.png']).toMatchObject({ binary: true, additions: 0, deletions: 0 });
    expect(byPath['src/a3.ts']).toMatchObject({ status: 'deleted', additions: 0, deletions: 15 });
    expect(byPath['src/new.ts']).toMatchObject({ status: 'added', additions: 1 });
    expect(byPath['docs/guide.md']).toMatchObject({ ignored: true, surfaces: [] });
    expect(byPath['bun.lock']).toMatchObject({ ignored: true, status: 'added' });
    expect(byPath['src/spaced name ü.ts']).toMatchObject({ status: 'added', ignored: false });

    expect(result.counts).toMatchObject({ files: 9, ignored: 2, binary: 1, releases: 1 });
    expect(result.counts.additions).toBe(files.reduce((sum, file) => sum + file.additions, 0));
    expect(result.surfacesTouched).toEqual(['names', 'plugin-hooks']);
    expect(result.surfaceFiles).toEqual({ names: 1, 'plugin-hooks': 1 });
    expect(result.warnings).toEqual([]);
    expect(notes.some((note) => note.includes('ignored the partial-clone filter'))).toBe(false);
  });

  it('keeps the cache partial and fetches only the next tag for the next release', async () => {
    const { repo, untouchedBlob } = fixture();
    const config = await projectConfig(repo.url);
    const counting = countingGit();
    const deps = diffDeps(counting.git);
    const first = await diffRelease(config, { from: 'v1.0.0', to: 'v1.1.0' }, deps);
    const fetches = counting.of('fetch');
    // The two tags in one request, then the two root trees, then the changed blobs.
    expect(fetches).toHaveLength(3);
    expect(fetches[0]!.args).toEqual(
      expect.arrayContaining([
        '--filter=tree:0',
        '+refs/tags/v1.0.0:refs/tags/v1.0.0',
        '+refs/tags/v1.1.0:refs/tags/v1.1.0',
      ]),
    );
    expect(fetches[1]!.input?.trim().split('\n')).toHaveLength(2);

    counting.reset();
    await diffRelease(config, { from: 'v1.1.0', to: 'v1.2.0' }, deps);
    const next = counting.of('fetch');
    // The tag request brings the new commits and the trees they changed (the cache's tags are common
    // ground), so no tree request follows; of the blobs, hooks.ts at v1.1.0 came with the first diff.
    expect(next).toHaveLength(2);
    expect(next[0]!.args).toContain('--filter=blob:none');
    expect(next[0]!.args.filter((arg) => arg.startsWith('+refs/'))).toEqual([
      '+refs/tags/v1.1.0:refs/tags/v1.1.0',
      '+refs/tags/v1.2.0:refs/tags/v1.2.0',
    ]);
    expect(next[1]!.input?.trim().split('\n').sort()).toEqual(
      [
        await repo.git('rev-parse', 'v1.1.0:src/a1.ts'),
        await repo.git('rev-parse', 'v1.2.0:src/a1.ts'),
        await repo.git('rev-parse', 'v1.2.0:packages/plugin/src/hooks.ts'),
      ].sort(),
    );

    // The partial clone really is partial: a blob no diff touched never arrived.
    const missing = await runCacheGit(first.cache, ['rev-list', '--objects', '--missing=print', 'v1.2.0']);
    expect(missing.split('\n')).toContain(`?${untouchedBlob}`);
    expect(await readFile(join(config.artifacts, UPSTREAM_ID, 'v1.2.0', 'diff.patch'))).toEqual(
      await gitBytes(repo.dir, ['diff', 'v1.1.0', 'v1.2.0']),
    );
  });

  it('prefetches every object the artifacts need: they are written with the upstream gone', async () => {
    const { repo } = fixture();
    const served = join(await tempDir('rw-served-'), 'widget.git');
    await repo.git('clone', '--quiet', '--bare', repo.dir, served);
    await runGit(['--git-dir', served, 'config', 'uploadpack.allowFilter', 'true']);
    const config = await projectConfig(`file://${served}`);
    const counting = countingGit();
    const offline = countingGit(async (args, options) => {
      if (args.includes('--numstat')) await rename(served, `${served}.gone`);
      return counting.git(args, options);
    });
    for (const [from, to] of [
      ['v1.0.0', 'v1.1.0'],
      ['v1.1.0', 'v1.2.0'],
    ] as const) {
      if (from === 'v1.1.0') await rename(`${served}.gone`, served);
      const result = await diffRelease(config, { from, to }, diffDeps(offline.git));
      expect(await readFile(result.artifacts.patch)).toEqual(await gitBytes(repo.dir, ['diff', from, to]));
    }
  });

  it('still works, with a note, when the server ignores the partial-clone filter', async () => {
    const { repo } = await createReleaseFixture({ allowFilter: false });
    const config = await projectConfig(repo.url);
    const notes: string[] = [];
    const result = await diffRelease(
      config,
      { from: 'v1.0.0', to: 'v1.1.0' },
      diffDeps(countingGit().git, notes),
    );
    expect(notes.some((note) => note.includes('ignored the partial-clone filter'))).toBe(true);
    expect(await readFile(result.artifacts.patch)).toEqual(
      await gitBytes(repo.dir, ['diff', 'v1.0.0', 'v1.1.0']),
    );
  });

  it('defaults to the newest pending release and the last reviewed tag, or the release before', async () => {
    const { repo } = fixture();
    const config = await projectConfig(repo.url);
    const deps = diffDeps(countingGit().git);
    const first = await diffRelease(config, {}, deps);
    expect([first.from.tag, first.to.tag]).toEqual(['v1.1.0', 'v1.2.0']);

    const before = await diffRelease(config, { to: 'v1.0.0' }, deps);
    expect([before.from.tag, before.to.tag]).toEqual(['v0.9.0', 'v1.0.0']);

    await writeState(config.state, { version: 1, upstreams: { [UPSTREAM_ID]: { lastReviewed: 'v0.9.0' } } });
    const pending = await diffRelease(config, {}, deps);
    expect([pending.from.tag, pending.to.tag]).toEqual(['v0.9.0', 'v1.2.0']);
    expect(pending.counts.releases).toBe(3);
    const release = releaseArtifactSchema.parse(await readJson(pending.artifacts.release));
    expect(release.releases.map((r) => r.tag)).toEqual(['v1.0.0', 'v1.1.0', 'v1.2.0']);

    await writeState(config.state, { version: 1, upstreams: { [UPSTREAM_ID]: { lastReviewed: 'v1.2.0' } } });
    expect((await rejection(diffRelease(config, {}, deps))).code).toBe('NO_PENDING_RELEASE');
    // Re-diffing a release older than the last reviewed one compares it with the release before it.
    const older = await diffRelease(config, { to: 'v1.1.0' }, deps);
    expect([older.from.tag, older.to.tag]).toEqual(['v1.0.0', 'v1.1.0']);
    expect((await rejection(diffRelease(config, { to: 'v0.9.0', from: 'v0.9.0' }, deps))).code).toBe(
      'EMPTY_RANGE',
    );
  });

  it('refuses hostile tag names before git fetches anything', async () => {
    const { repo } = fixture();
    const config = await projectConfig(repo.url);
    const pwned = join(config.rootDir, 'pwned');
    for (const tag of [`--upload-pack=touch ${pwned}`, '../../x', 'v1.0.0:refs/heads/x', '-x']) {
      for (const options of [{ to: tag }, { from: tag, to: 'v1.1.0' }]) {
        const counting = countingGit();
        const error = await rejection(diffRelease(config, options, diffDeps(counting.git)));
        expect(error.code).toBe('INVALID_REF');
        expect(error.message).toContain(tag);
        expect(counting.of('fetch')).toEqual([]);
        expect(counting.of('ls-remote')).toEqual([]);
      }
    }
    await expect(access(pwned)).rejects.toThrow();
    await expect(access(config.cache)).rejects.toThrow();
  });

  it('names the closest tags when a tag does not exist upstream', async () => {
    const { repo } = fixture();
    const config = await projectConfig(repo.url);
    const error = await rejection(
      diffRelease(config, { from: 'v1.0.0', to: 'v1.1.1' }, diffDeps(countingGit().git)),
    );
    expect(error.code).toBe('TAG_NOT_FOUND');
    expect(error.message).toContain('"v1.1.1"');
    expect(error.details?.near).toEqual(['v1.1.0', 'v1.2.0', 'v1.0.0', 'v0.9.0']);
  });

  it('--to a tag that does not exist is TAG_NOT_FOUND, not "no release before it"', async () => {
    const { repo } = fixture();
    const config = await projectConfig(repo.url);
    const error = await rejection(diffRelease(config, { to: 'v0.1.0' }, diffDeps(countingGit().git)));
    expect(error.code).toBe('TAG_NOT_FOUND');
    expect(error.message).toContain('Tag "v0.1.0" does not exist in upstream "widget"');
    expect(error.details?.near).toContain('v0.9.0');
    // The oldest release that does exist still says what is missing: a release before it.
    const oldest = await rejection(diffRelease(config, { to: 'v0.9.0' }, diffDeps(countingGit().git)));
    expect(oldest.code).toBe('NO_BASE_RELEASE');
  });

  it('notes tags that match the pattern but are not versions', async () => {
    const { repo } = await createReleaseFixture();
    await repo.git('tag', 'vnext');
    const config = await projectConfig(repo.url);
    const notes: string[] = [];
    await diffRelease(config, { from: 'v1.0.0', to: 'v1.1.0' }, diffDeps(countingGit().git, notes));
    expect(notes).toContain(
      'warning: widget: tag "vnext" matches the tag pattern v* but is not a version; skipped (use a RegExp with a (?<version>) group to say where the version is)',
    );
  });

  it('warns when a tag moved since the cache or an earlier release.json saw it', async () => {
    const { repo } = await createReleaseFixture();
    const config = await projectConfig(repo.url);
    const deps = diffDeps(countingGit().git);
    const first = await diffRelease(config, { from: 'v1.0.0', to: 'v1.1.0' }, deps);
    expect(first.warnings).toEqual([]);

    await repo.commit({ 'src/late.ts': 'export const late = 1;\n' }, 'late fix');
    await repo.git('tag', '-f', '-a', '-m', 'v1.1.0 again', 'v1.1.0');
    const moved = await diffRelease(config, { from: 'v1.0.0', to: 'v1.1.0' }, deps);
    expect(moved.warnings).toHaveLength(1);
    expect(moved.warnings[0]).toMatch(/^tag v1\.1\.0 moved: the cache had it at [0-9a-f]{12}/);
    expect(moved.to.commit).not.toBe(first.to.commit);

    // A fresh cache still sees it against the release.json the first run wrote... after it is restored.
    const { rm } = await import('node:fs/promises');
    await rm(config.cache, { recursive: true, force: true });
    const artifact = await readJson(first.artifacts.release);
    artifact.to.commit = first.to.commit;
    await writeFile(first.artifacts.release, JSON.stringify(artifact));
    const again = await diffRelease(config, { from: 'v1.0.0', to: 'v1.1.0' }, deps);
    expect(again.warnings).toEqual([
      expect.stringMatching(
        /^tag v1\.1\.0 moved: .*release\.json recorded it at [0-9a-f]{12}, upstream now has/,
      ),
    ]);
  });

  it('leaves earlier artifacts as they were when a step fails', async () => {
    const { repo } = fixture();
    const config = await projectConfig(repo.url);
    const first = await diffRelease(config, { from: 'v1.0.0', to: 'v1.1.0' }, diffDeps(countingGit().git));
    const before = await Promise.all(Object.values(first.artifacts).map((file) => readFile(file)));
    const failing = countingGit(async (args, options) => {
      if (args.includes('--stat=80')) throw new Error('disk full');
      const { runGit } = await import('../../src/git/run.js');
      return runGit(args, options);
    });
    await expect(
      diffRelease(config, { from: 'v0.9.0', to: 'v1.1.0' }, diffDeps(failing.git)),
    ).rejects.toThrow('disk full');
    const after = await Promise.all(Object.values(first.artifacts).map((file) => readFile(file)));
    expect(after).toEqual(before);
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(first.dir)).sort()).toEqual([
      'diff.patch',
      'diff.stat',
      'files.json',
      'log.txt',
      'release.json',
    ]);
    // Nothing of the failed attempt is left beside the folder either (staging, lock).
    const { dirname } = await import('node:path');
    expect(await readdir(dirname(first.dir))).toEqual(['v1.1.0']);
  });
});

async function runCacheGit(dir: string, args: string[]): Promise<string> {
  const { runGit } = await import('../../src/git/run.js');
  return (await runGit([`--git-dir=${dir}`, ...args])).stdout;
}
