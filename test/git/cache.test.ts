import { lstat, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openUpstreamCache } from '../../src/diff/cache.js';
import {
  ensureTrees,
  fetchAvailableObjects,
  fetchMissingObjects,
  fetchTags,
  openCache,
  type UpstreamCache,
} from '../../src/git/cache.js';
import { readFileAtRef, readFilesAtRef } from '../../src/git/reader.js';
import { runGit } from '../../src/git/run.js';
import { ensureWorktree, removeWorktree, worktreePath } from '../../src/git/worktree.js';
import { servedWithoutBlobs } from '../helpers/git-fixture.js';
import { tempDir } from '../helpers/tmp.js';
import { countingGit, projectConfig, sharedReleaseFixture, TEST_ENV, UPSTREAM_ID } from './fixture.js';

describe('upstream cache', () => {
  const fixture = sharedReleaseFixture();

  async function fetchedCache(tags: string[]) {
    const counting = countingGit();
    const config = await projectConfig(fixture().repo.url);
    const cache = await openUpstreamCache(config, UPSTREAM_ID, { env: TEST_ENV, git: counting.git });
    expect(cache.dir).toBe(join(config.cache, 'widget.git'));
    const { commits } = await fetchTags(cache, tags);
    counting.reset();
    return { cache, commits, counting };
  }

  it('is created as a bare partial clone of the upstream and follows a changed URL', async () => {
    const root = await tempDir('rw-cache-');
    const cache = await openCache(root, 'widget', fixture().repo.url, runGit);
    expect(cache).toMatchObject({ created: true, dir: join(root, 'widget.git') });
    const config = (key: string) => runGit([`--git-dir=${cache.dir}`, 'config', '--get', key]);
    expect((await config('extensions.partialClone')).stdout.trim()).toBe('origin');
    expect((await config('remote.origin.promisor')).stdout.trim()).toBe('true');
    expect((await config('core.bare')).stdout.trim()).toBe('true');

    const moved = await openCache(root, 'widget', `${fixture().repo.url}/`, runGit);
    expect(moved.created).toBe(false);
    expect((await config('remote.origin.url')).stdout.trim()).toBe(`${fixture().repo.url}/`);
  });

  it("removes the temp folders of first runs that were killed while creating it, and no one else's", async () => {
    const root = await tempDir('rw-cache-');
    const dead = 2 ** 22 + 12345; // above Linux's default pid_max: no such process
    await mkdir(join(root, `widget.git.${dead}.1700000000000.tmp`, 'objects'), { recursive: true });
    await mkdir(join(root, `widget.git.${process.ppid}.1700000000000.tmp`));
    await mkdir(join(root, `other.git.${dead}.1700000000000.tmp`));
    await openCache(root, 'widget', fixture().repo.url, runGit);
    expect((await readdir(root)).sort()).toEqual(
      [
        `other.git.${dead}.1700000000000.tmp`,
        'widget.git',
        `widget.git.${process.ppid}.1700000000000.tmp`,
      ].sort(),
    );
  });

  it('reads files at a commit, fetching the missing blobs in one request', async () => {
    const { cache, commits, counting } = await fetchedCache(['v1.1.0']);
    const commit = commits.get('v1.1.0')!;
    const files = await readFilesAtRef(cache, commit, [
      'packages/plugin/src/hooks.ts',
      'README.md',
      'src/spaced name ü.ts',
      'src/readme-link',
      'src',
      'nope.ts',
      '*.md',
    ]);
    expect(Object.fromEntries(files)).toEqual({
      'packages/plugin/src/hooks.ts': 'export interface Hooks {\n  auth(token: string): Promise<void>;\n}\n',
      'README.md': '# widget\n',
      'src/spaced name ü.ts': 'export const unicode = "ü";\n',
      'src/readme-link': '../README.md',
    });
    // One request for the root tree, one for the four blobs.
    expect(counting.of('fetch').map((call) => call.input?.trim().split('\n').length)).toEqual([1, 4]);

    counting.reset();
    expect(await readFileAtRef(cache, commit, 'README.md')).toBe('# widget\n');
    expect(await readFileAtRef(cache, commit, 'missing.md')).toBeUndefined();
    expect(counting.of('fetch')).toEqual([]);
    await expect(readFileAtRef(cache, 'v1.1.0', 'README.md')).rejects.toThrow(/full commit id/);
  });

  /** Blob ids of the tree at `commit` (its trees fetched first). */
  async function treeBlobs(cache: UpstreamCache, commit: string) {
    await ensureTrees(cache, [commit]);
    const { stdout } = await runGit([`--git-dir=${cache.dir}`, 'ls-tree', '-r', '--object-only', commit]);
    return stdout.trim().split('\n');
  }

  it('fetches what a mirror can serve and names the blobs it lacks, asking again without them', async () => {
    const repo = fixture().repo;
    const lacking = ['README.md', 'packages/plugin/src/hooks.ts'];
    const served = await servedWithoutBlobs(repo, lacking, 'v1.1.0');
    const counting = countingGit();
    const cache = await openCache(await tempDir('rw-cache-'), 'widget', served.url, counting.git);
    const { commits } = await fetchTags(cache, ['v1.1.0']);
    const listed = await treeBlobs(cache, commits.get('v1.1.0')!);
    const blobs = listed.filter((id) => !served.missing.includes(id));
    // Today's all-or-nothing batch fails on the first id the mirror lacks.
    await expect(fetchMissingObjects(cache, listed)).rejects.toThrow(/not our ref/);

    counting.reset();
    const result = await fetchAvailableObjects(cache, listed);
    expect(result.unavailable.sort()).toEqual([...served.missing].sort());
    expect(result.fetched).toBe(blobs.length);
    // One refused request per lacking blob, then the one that brings the rest.
    expect(counting.of('fetch')).toHaveLength(lacking.length + 1);
    const local = await runGit(
      [
        `--git-dir=${cache.dir}`,
        'rev-list',
        '--objects',
        '--no-walk',
        '--missing=print',
        '--ignore-missing',
        '--stdin',
      ],
      { input: `${listed.join('\n')}\n` },
    );
    const present = new Set(local.stdout.split('\n').map((line) => line.split(' ')[0]));
    expect(listed.filter((id) => !present.has(id)).sort()).toEqual([...served.missing].sort());
    expect(await fetchAvailableObjects(cache, blobs)).toEqual({ fetched: 0, unavailable: [] });
  });

  it('still fails when a fetch fails for another reason than objects the server lacks', async () => {
    const { cache, commits } = await fetchedCache(['v1.1.0']);
    const listed = await treeBlobs(cache, commits.get('v1.1.0')!);
    const gone = { ...cache, url: 'file:///nonexistent/upstream' };
    await runGit([`--git-dir=${cache.dir}`, 'config', 'remote.origin.url', gone.url]);
    await expect(fetchAvailableObjects(gone, listed)).rejects.toMatchObject({
      name: 'GitError',
      stderr: expect.not.stringContaining('not our ref'),
    });
  });

  it('checks out a worktree of a release, reuses it, replaces it at another commit and removes it', async () => {
    const { cache, commits, counting } = await fetchedCache(['v1.1.0', 'v1.2.0']);
    const ref = { tag: 'v1.1.0', commit: commits.get('v1.1.0')! };
    const path = await ensureWorktree(cache, ref);
    expect(path).toBe(worktreePath(cache, 'v1.1.0'));
    expect(await readFile(join(path, 'packages/plugin/src/hooks.ts'), 'utf8')).toContain(
      'auth(token: string)',
    );
    // Upstream symlinks are checked out as plain files holding the link text.
    expect((await lstat(join(path, 'src/readme-link'))).isSymbolicLink()).toBe(false);
    expect(await readFile(join(path, 'src/readme-link'), 'utf8')).toBe('../README.md');

    counting.reset();
    expect(await ensureWorktree(cache, ref)).toBe(path);
    expect(counting.of('worktree')).toEqual([]);

    await ensureWorktree(cache, { tag: 'v1.1.0', commit: commits.get('v1.2.0')! });
    expect(await readFile(join(path, 'packages/plugin/src/hooks.ts'), 'utf8')).toContain('Promise<boolean>');

    await removeWorktree(cache, path);
    await expect(lstat(path)).rejects.toThrow();
    const list = await runGit([`--git-dir=${cache.dir}`, 'worktree', 'list', '--porcelain']);
    expect(list.stdout).not.toContain(path);
  });
});
