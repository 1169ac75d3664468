import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePatch } from 'diff';
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
      { kind: '+', text: 'seven', at: 3, line: 7, newLine: 7 },
    ]);
    expect([...numberedLines(files['keep.txt']!.hunks[0]!)].filter((l) => l.kind !== ' ')).toEqual([
      { kind: '-', text: 'b', at: 1, line: 2, oldLine: 2 },
      { kind: '+', text: 'B', at: 2, line: 2, newLine: 2 },
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

  it('reads hunks in place exactly as jsdiff reads them, and drops the hunks whose counts do not add up', async () => {
    const repo = await createFixtureRepo();
    const numbered = (n: number, edit = (i: number) => `line ${i}`) =>
      Array.from({ length: n }, (_, i) => edit(i + 1)).join('\n');
    await repo.commit({
      'many.txt': `${numbered(60)}\n`,
      'blank.txt': 'a\n\n\nb\n\nc\n',
      'tail.txt': 'x\ny',
      'gone.txt': 'g\nh\n',
      // Several of the reader's 64 KiB chunks, with characters of two and three bytes across their edges.
      'wide.txt': `${numbered(6_000, (i) => `línea ü € ${i}`)}\n`,
    });
    await repo.tag('v1');
    await repo.commit({
      // Hunks at the start, the middle and the end; lines inserted and removed.
      'many.txt': `head\n${numbered(60, (i) => (i % 20 === 0 ? `changed ${i}` : `line ${i}`))
        .split('\n')
        .filter((_, i) => i !== 30)
        .join('\n')}\ntail\n`,
      'blank.txt': 'a\n\n\nB\n\nc\n',
      'tail.txt': 'x\ny\nz\n',
      'gone.txt': null,
      'new.txt': 'n\n',
      'wide.txt': `${numbered(6_000, (i) => (i % 3 === 0 ? `línea Ü € ${i}` : `línea ü € ${i}`))}\n`,
    });
    await repo.tag('v2');
    for (const context of ['3', '0']) {
      const text = await repo.git('diff', `-U${context}`, 'v1', 'v2');
      const patch = join(await tempDir(), 'diff.patch');
      await writeFile(patch, text);
      const ours = await collect(patch);
      const theirs = parsePatch(text);
      expect(ours.map((f) => f.path)).toEqual(
        theirs.map((f) =>
          (f.newFileName === '/dev/null' ? f.oldFileName! : f.newFileName!).replace(/^[ab]\//, ''),
        ),
      );
      ours.forEach((file, k) => {
        expect(file.oversized).toBe(false);
        expect(file.hunks.map((h) => ({ ...h, header: undefined }))).toEqual(
          theirs[k]!.hunks.map((h) => ({
            header: undefined,
            // jsdiff starts an empty side one line later than the patch says.
            oldStart: h.oldLines === 0 ? h.oldStart - 1 : h.oldStart,
            oldLines: h.oldLines,
            newStart: h.newLines === 0 ? h.newStart - 1 : h.newStart,
            newLines: h.newLines,
            lines: h.lines,
          })),
        );
      });
    }
    // A hunk claiming more lines than it has: the file stays, its hunks go.
    const bad = join(await tempDir(), 'bad.patch');
    await writeFile(
      bad,
      'diff --git a/x.txt b/x.txt\n--- a/x.txt\n+++ b/x.txt\n@@ -1,3 +1,3 @@\n-a\n+b\ndiff --git a/y.txt b/y.txt\n--- a/y.txt\n+++ b/y.txt\n@@ -1 +1 @@\n-c\n+d\n',
    );
    expect((await collect(bad)).map((f) => [f.path, f.oversized, f.hunks.length])).toEqual([
      ['x.txt', true, 0],
      ['y.txt', false, 1],
    ]);
  });
});
