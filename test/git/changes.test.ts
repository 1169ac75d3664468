import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changeTotals, fileClassifier } from '../../src/diff/classify.js';
import { parseRawNumstat, readCombinedDiff } from '../../src/git/changes.js';
import { tempDir } from '../helpers/tmp.js';

const Z = '0000000000000000000000000000000000000000';
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('parseRawNumstat', () => {
  it('pairs raw and numstat records, including renames, binaries and odd paths', () => {
    const output = [
      `:100644 100644 ${A} ${B} M`,
      'src/a.ts',
      `:000000 100644 ${Z} ${B} A`,
      'tab\there\nnewline.txt',
      `:100644 100644 ${A} ${B} R087`,
      'old/x.ts',
      'new/x.ts',
      `:100644 000000 ${A} ${Z} D`,
      'gone.bin',
      `:100644 120000 ${A} ${B} T`,
      'link',
      '3\t1\tsrc/a.ts',
      '2\t0\ttab\there\nnewline.txt',
      '4\t4\t',
      'old/x.ts',
      'new/x.ts',
      '-\t-\tgone.bin',
      '1\t1\tlink',
      '',
    ].join('\0');
    expect(parseRawNumstat(output)).toEqual([
      { path: 'src/a.ts', status: 'modified', additions: 3, deletions: 1, binary: false },
      { path: 'tab\there\nnewline.txt', status: 'added', additions: 2, deletions: 0, binary: false },
      { path: 'new/x.ts', oldPath: 'old/x.ts', status: 'renamed', additions: 4, deletions: 4, binary: false },
      { path: 'gone.bin', status: 'deleted', additions: 0, deletions: 0, binary: true },
      { path: 'link', status: 'type-changed', additions: 1, deletions: 1, binary: false },
    ]);
    expect(parseRawNumstat('')).toEqual([]);
  });

  it('refuses output whose two halves do not line up', () => {
    expect(() => parseRawNumstat([`:100644 100644 ${A} ${B} M`, 'a', '1\t1\tb', ''].join('\0'))).toThrow(
      /out of step/,
    );
  });
});

describe('readCombinedDiff', () => {
  it('finds the records, the stat and where the patch starts, across read chunks', async () => {
    const names = Array.from({ length: 4000 }, (_, i) => `dir/${'ü'.repeat(30)}/file ${i}.ts`);
    const head = [
      ...names.flatMap((name) => [`:100644 100644 ${A} ${B} M`, name]),
      ...names.map((name) => `2\t1\t${name}`),
      ' dir/… | 3 ++-\n 4000 files changed\n',
    ].join('\0');
    const patch = 'diff --git a/x b/x\n\0binary-looking\n';
    const file = join(await tempDir('rw-combined-'), 'all');
    await writeFile(file, `${head}\0${patch}`);
    const result = await readCombinedDiff(file);
    expect(result.files).toHaveLength(4000);
    expect(result.files[3999]).toEqual({
      path: names[3999],
      status: 'modified',
      additions: 2,
      deletions: 1,
      binary: false,
    });
    expect(result.stat).toBe(' dir/… | 3 ++-\n 4000 files changed\n');
    expect(result.patchOffset).toBe(Buffer.byteLength(head) + 1);
  });

  it('reads an empty diff', async () => {
    const file = join(await tempDir('rw-combined-'), 'all');
    await writeFile(file, '');
    expect(await readCombinedDiff(file)).toEqual({ files: [], stat: '', patchOffset: 0 });
  });
});

describe('fileClassifier', () => {
  const classify = fileClassifier({
    surfaces: { auth: ['packages/*/src/auth/**'], dots: ['.github/**'] },
    ignore: ['**/*.snap', 'vendor/**'],
  });
  const file = { status: 'modified' as const, additions: 1, deletions: 0, binary: false };

  it('matches old and new paths against surfaces, dotfiles included', () => {
    expect(classify({ ...file, path: 'packages/core/src/auth/token.ts' }).surfaces).toEqual(['auth']);
    expect(classify({ ...file, path: '.github/workflows/ci.yml' }).surfaces).toEqual(['dots']);
    expect(
      classify({
        ...file,
        status: 'renamed',
        path: 'lib/token.ts',
        oldPath: 'packages/core/src/auth/token.ts',
      }).surfaces,
    ).toEqual(['auth']);
    expect(classify({ ...file, path: 'README.md' }).surfaces).toEqual([]);
  });

  it('ignores a file only when every path it has is ignored', () => {
    expect(classify({ ...file, path: 'src/__snapshots__/a.snap' }).ignored).toBe(true);
    expect(classify({ ...file, status: 'renamed', path: 'src/x.ts', oldPath: 'vendor/x.ts' }).ignored).toBe(
      false,
    );
    expect(
      classify({ ...file, status: 'renamed', path: 'vendor/y.ts', oldPath: 'vendor/x.ts' }).ignored,
    ).toBe(true);
  });

  it('totals lines, and counts surface files that are not ignored', () => {
    const totals = changeTotals([
      classify({ ...file, path: 'packages/a/src/auth/x.ts', additions: 5, deletions: 2 }),
      classify({ ...file, path: 'packages/a/src/auth/x.snap', additions: 1 }),
      classify({ ...file, path: 'logo.png', binary: true, additions: 0 }),
    ]);
    expect(totals).toEqual({
      files: 3,
      ignored: 1,
      binary: 1,
      additions: 6,
      deletions: 2,
      surfaces: { auth: 1 },
    });
  });
});
