import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitRepoReader, readFilesAtRef } from '../../src/git/reader.js';
import { createFixtureRepo } from '../helpers/git-fixture.js';

describe('the upstream file reader (one git cat-file --batch)', () => {
  it('reads paths with spaces, tabs and unicode, with missing paths in between, and keeps answering', async () => {
    const repo = await createFixtureRepo();
    const files = {
      'docs/guide.md': '# guide\n',
      'docs/new guide.md': 'spaced\n',
      'docs/tab\there.md': 'tabbed\n',
      'docs/ünïcødé ✓.md': 'unicode\n',
      'src/a.ts': 'export const a = 1;\n',
    };
    const commit = await repo.commit(files);
    const reader = gitRepoReader(join(repo.dir, '.git'), { from: commit, to: commit });
    try {
      // A missing path with a space used to desync the batch: every later read came back empty.
      const asked = [
        'docs/old guide.md',
        'docs/guide.md',
        'docs/missing\tfile.md',
        'docs/new guide.md',
        'no such dir/x y z.md',
        'docs/tab\there.md',
        'docs',
        'docs/ünïcødé ✓.md',
        'src/a.ts',
      ];
      const read = await Promise.all(asked.map((path) => reader.readFile('to', path)));
      expect(read).toEqual([
        undefined,
        '# guide\n',
        undefined,
        'spaced\n',
        undefined,
        'tabbed\n',
        undefined, // a folder is not a file
        'unicode\n',
        'export const a = 1;\n',
      ]);
      // Sequential reads after all that still answer.
      expect(await reader.readFile('from', 'src/a.ts')).toBe('export const a = 1;\n');
    } finally {
      reader.close();
    }
  });

  it('returns binary blobs and large blobs whole, and symlinks as their target', async () => {
    const repo = await createFixtureRepo();
    const binary = Buffer.from([0, 1, 2, 255, 10, 0, 10, 13]);
    const large = `${'x'.repeat(1023)}\n`.repeat(50 * 1024); // 50 MB, many stdout chunks
    const commit = await repo.commit({
      'bin/blob.dat': binary,
      'big/large.txt': large,
      'target.md': 'target\n',
    });
    await symlink('target.md', join(repo.dir, 'link.md'));
    const withLink = await repo.commit({});
    const reader = gitRepoReader(join(repo.dir, '.git'), { from: commit, to: withLink });
    try {
      expect(Buffer.from((await reader.readFile('to', 'bin/blob.dat'))!, 'utf8')).toEqual(
        Buffer.from(binary.toString('utf8'), 'utf8'),
      );
      const got = await reader.readFile('to', 'big/large.txt');
      expect(got?.length).toBe(large.length);
      expect(got === large).toBe(true);
      expect(await reader.readFile('to', 'link.md')).toBe('target.md');
      expect(await reader.readFile('from', 'link.md')).toBeUndefined();
      expect(await reader.readFile('to', 'target.md')).toBe('target\n');
    } finally {
      reader.close();
    }
  });

  it('refuses paths that leave the repository without asking git', async () => {
    const repo = await createFixtureRepo();
    const commit = await repo.commit({ 'a.md': 'a\n' });
    const reader = gitRepoReader(join(repo.dir, '.git'), { from: commit, to: commit });
    try {
      for (const path of ['../a.md', '/etc/passwd', 'a/../../b', 'line\nbreak.md']) {
        expect(await reader.readFile('to', path)).toBeUndefined();
      }
      expect(await reader.readFile('to', 'a.md')).toBe('a\n');
    } finally {
      reader.close();
    }
  });

  it('says which of the paths asked have a matching line at one end, glob characters and unicode included', async () => {
    const repo = await createFixtureRepo();
    const from = await repo.commit({
      'src/a.rs': 'fn a() {}\nlet x = Arg::new("x");\n',
      'src/b.rs': 'fn b() {}\n',
      'src/[x]*.rs': 'Arg::new\n',
      'src/ünï.rs': 'Arg::new\n',
      'src/not-asked.rs': 'Arg::new\n',
    });
    const to = await repo.commit({ 'src/a.rs': 'fn a() {}\n' });
    const reader = gitRepoReader(join(repo.dir, '.git'), { from, to });
    try {
      const asked = ['src/a.rs', 'src/b.rs', 'src/[x]*.rs', 'src/ünï.rs', 'src/missing.rs', '../up.rs'];
      const pattern = '(Arg|App)::new([(]|[^!-~]|$)';
      expect([...(await reader.filesMatching!('from', asked, pattern))].sort()).toEqual(
        ['src/[x]*.rs', 'src/a.rs', 'src/ünï.rs'].sort(),
      );
      // Nothing matching is an answer, not an error.
      expect([...(await reader.filesMatching!('to', ['src/a.rs', 'src/b.rs'], pattern))]).toEqual([]);
    } finally {
      reader.close();
    }
  });

  it('readFilesAtRef reads many files of a cache commit through the same batch reader', async () => {
    const repo = await createFixtureRepo();
    const commit = await repo.commit({ 'a b.md': 'spaced\n', 'c.md': 'c\n' });
    const { runGit } = await import('../../src/git/run.js');
    const cache = { id: 'fixture', dir: join(repo.dir, '.git'), url: repo.url, git: runGit };
    const files = await readFilesAtRef(cache, commit, ['missing one.md', 'a b.md', 'c.md', 'missing.md']);
    expect([...files.entries()]).toEqual([
      ['a b.md', 'spaced\n'],
      ['c.md', 'c\n'],
    ]);
  });
});
