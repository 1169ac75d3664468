import { describe, expect, it } from 'vitest';
import { scanDiff } from '../../src/analysis/pass.js';
import type { AnyRule, ChangedFileView, ScanContext } from '../../src/analysis/scanners/types.js';
import { upstreamSchema } from '../../src/config/schema.js';
import type { RepoReader } from '../../src/git/reader.js';
import { createFixtureRepo } from '../helpers/git-fixture.js';
import { diffFixture, twoReleases } from '../helpers/scan.js';

const FILES = 30;
const name = (i: number) => `src/m${String(i).padStart(2, '0')}.ts`;
const source = (i: number, v: number) => `export const value${i} = ${v};\n`;

describe('the scan pass reads ahead', () => {
  it("asks the reader for the next files' sides while a rule is still on the current one, within the parse budget", async () => {
    const before: Record<string, string> = { 'docs/guide.md': '# guide\n' };
    const after: Record<string, string> = { 'docs/guide.md': '# guide, again\n' };
    for (let i = 0; i < FILES; i++) {
      before[name(i)] = source(i, 1);
      after[name(i)] = source(i, 2);
    }
    const repo = await twoReleases(createFixtureRepo, before, after);
    const { paths, files, reader: git } = await diffFixture(repo, { from: 'v1', to: 'v2' });
    const asked: string[] = [];
    const reader: RepoReader = {
      readFile: (ref, path) => {
        asked.push(`${ref}:${path}`);
        return git.readFile(ref, path);
      },
    };
    // A rule that reads nothing itself: every read the reader sees is the pass reading ahead.
    const seen: { path: string; askedBefore: number }[] = [];
    const probe = {
      id: 'surface',
      title: 'probe',
      recommendation: '',
      confidence: 1,
      create: ({ budget }: ScanContext) => ({
        file: async ({ meta }: ChangedFileView) => {
          seen.push({ path: meta.path, askedBefore: asked.length });
          // Parses both sides, as the parsing rules do: the budget outside the surfaces runs out.
          budget.take(meta, source(0, 1).length * 2);
        },
        finish: () => [],
      }),
    } as unknown as AnyRule;
    // Budget for about ten sides outside the surfaces: after that nothing is read ahead.
    const parseChars = source(0, 1).length * 10;
    await scanDiff({
      patchFile: paths.patch,
      files: files.files,
      upstream: upstreamSchema.parse({ repo: 'owner/up', tags: 'v*' }),
      reader,
      maxChars: 100_000,
      rules: [probe],
      parseChars,
    });
    expect(seen.map((s) => s.path)).toEqual([
      'docs/guide.md',
      ...Array.from({ length: FILES }, (_, i) => name(i)),
    ]);
    // When the rule reaches the first source file, the ones after it are already asked for.
    const first = seen.find((s) => s.path === name(0))!;
    expect(first.askedBefore).toBeGreaterThanOrEqual(2 * 10);
    // The Markdown file is not source: nothing reads it ahead.
    expect(asked.some((a) => a.endsWith('docs/guide.md'))).toBe(false);
    // Both sides of a source file, each asked once, but only while the budget lasts (5 files' worth)
    // plus the window asked before it ran out: a file no rule parses is not read ahead.
    const from = asked.filter((a) => a.startsWith('from:'));
    const to = asked.filter((a) => a.startsWith('to:'));
    expect(new Set(from).size).toBe(from.length);
    expect(new Set(to).size).toBe(to.length);
    expect(to.length).toBeGreaterThanOrEqual(5);
    expect(to.length).toBeLessThan(FILES - 5);
    expect(from.length).toBe(to.length);
    expect(from.map((a) => a.slice('from:'.length))).toEqual(to.map((a) => a.slice('to:'.length)));
    expect(asked).not.toContain(`from:${name(FILES - 1)}`);
  });
});
