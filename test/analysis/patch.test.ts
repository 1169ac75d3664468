import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FileDiff, numberedLines, streamPatch } from '../../src/analysis/patch/patch.js';
import { createFixtureRepo } from '../helpers/git-fixture.js';
import { tempDir } from '../helpers/tmp.js';

const collect = async (file: string, options?: Parameters<typeof streamPatch>[1]) => {
  const files: FileDiff[] = [];
  for await (const f of streamPatch(file, options)) files.push(f);
  return files;
};

describe('streamPatch', () => {
  it('parses a real git diff one file at a time: renames, binary, deletions, no newline, quoted paths', async () => {
    const repo = await createFixtureRepo();
    await repo.commit({
      'moved.md': 'one\ntwo\nthree\nfour\nfive\nsix\n',
      'keep.txt': 'a\nb\nc\n',
      'nonl.txt': 'x',
      'bin.dat': Buffer.from([0, 1, 2, 3]),
      'gone.txt': 'gone\n',
    });
    await repo.tag('v1');
    await repo.rename('moved.md', 'sub/moved 2.md');
    await repo.commit({
      'sub/moved 2.md': 'one\ntwo\nthree\nfour\nfive\nsix\nseven\n',
      'keep.txt': 'a\nB\nc\n',
      'nonl.txt': 'y',
      'bin.dat': Buffer.from([0, 1, 2, 4]),
      'gone.txt': null,
      'quo"te.txt': 'q\n',
      'diff --git.txt': 'diff --git a/x b/x\n',
    });
    await repo.tag('v2');
    const patch = join(await tempDir(), 'diff.patch');
    await writeFile(patch, await repo.git('-c', 'core.quotePath=false', 'diff', 'v1', 'v2'));
    const files = Object.fromEntries((await collect(patch)).map((f) => [f.path, f]));
    expect(Object.keys(files).sort()).toEqual(
      [
        'bin.dat',
        'diff --git.txt',
        'gone.txt',
        'keep.txt',
        'nonl.txt',
        'quo"te.txt',
        'sub/moved 2.md',
      ].sort(),
    );
    expect(files['bin.dat']).toMatchObject({ binary: true, hunks: [] });
    expect(files['gone.txt']).toMatchObject({ status: 'deleted', oldPath: 'gone.txt' });
    expect(files['sub/moved 2.md']).toMatchObject({
      status: 'renamed',
      oldPath: 'moved.md',
      newPath: 'sub/moved 2.md',
    });
    expect([...numberedLines(files['sub/moved 2.md']!.hunks[0]!)].filter((l) => l.kind === '+')).toEqual([
      { kind: '+', text: 'seven', line: 7, newLine: 7 },
    ]);
    expect([...numberedLines(files['keep.txt']!.hunks[0]!)].filter((l) => l.kind !== ' ')).toEqual([
      { kind: '-', text: 'b', line: 2, oldLine: 2 },
      { kind: '+', text: 'B', line: 2, newLine: 2 },
    ]);
    // "\ No newline at end of file" is a marker, not a line.
    expect([...numberedLines(files['nonl.txt']!.hunks[0]!)].map((l) => `${l.kind}${l.text}`)).toEqual([
      '-x',
      '+y',
    ]);
    expect(files['diff --git.txt']!.hunks[0]!.lines).toEqual(['+diff --git a/x b/x']);
  });

  it('drops the hunks of a file over the per-file cap or one the caller skips, keeping the file', async () => {
    const repo = await createFixtureRepo();
    await repo.commit({ 'big.txt': 'a\n', 'package-lock.json': '{}\n', 'small.txt': 's\n' });
    await repo.tag('v1');
    await repo.commit({
      'big.txt': `${'line\n'.repeat(5_000)}`,
      'package-lock.json': '{ "a": 1 }\n',
      'small.txt': 't\n',
    });
    await repo.tag('v2');
    const patch = join(await tempDir(), 'diff.patch');
    await writeFile(patch, await repo.git('diff', 'v1', 'v2'));
    const files = await collect(patch, {
      maxFileChars: 10_000,
      skip: (path) => path === 'package-lock.json',
    });
    expect(files.map((f) => [f.path, f.oversized, f.skipped ?? false, f.hunks.length])).toEqual([
      ['big.txt', true, false, 0],
      ['package-lock.json', false, true, 0],
      ['small.txt', false, false, 1],
    ]);
  });
});
