import { describe, expect, it } from 'vitest';
import { ContextBuilder } from '../../src/analysis/context.js';
import { createFixtureRepo } from '../helpers/git-fixture.js';
import { scanFixture } from '../helpers/scan.js';

const lines = (n: number, label: string, width = 60) =>
  Array.from({ length: n }, (_, i) => `${label} ${i + 1} ${'x'.repeat(width)}`).join('\n');

/** prompt.md (surface): 5 addition-only hunks, then a deletion-only hunk last in the file. */
async function release() {
  const repo = await createFixtureRepo();
  const blocks = Array.from({ length: 6 }, (_, b) => lines(10, `block${b}`, 20));
  const spacer = lines(8, 'spacer', 5);
  await repo.commit({
    'core/prompt.md': `${blocks.map((block, b) => (b < 5 ? `${block}\n${spacer}` : block)).join('\n\n')}\n`,
    'src/other.rs': `${lines(40, 'fn other', 40)}\n`,
    'docs/guide.md': 'guide\n',
    'package-lock.json': '{ "lockfileVersion": 3 }\n',
    'vendored/big.txt': 'a\n',
  });
  await repo.tag('v1');
  // Blocks 0-4 grow; block 5 goes (unchanged spacers keep the hunks apart).
  const grown = blocks.map((block, b) => (b < 5 ? `${block}\n${lines(20, `added${b}`, 60)}\n${spacer}` : ''));
  await repo.commit({
    'core/prompt.md': `${grown.join('\n\n')}\n`,
    'src/other.rs': `${lines(40, 'fn changed', 40)}\n`,
    'docs/guide.md': 'guide, better\n',
    'package-lock.json': '{ "lockfileVersion": 3, "packages": {} }\n',
    'vendored/big.txt': 'b\n',
  });
  await repo.tag('v2');
  return repo;
}

async function build(maxChars: number) {
  const repo = await release();
  const scan = await scanFixture(repo, {
    from: 'v1',
    to: 'v2',
    surfaces: { prompts: ['core/*.md'] },
    ignore: ['vendored/**'],
    rules: [],
    maxChars,
  });
  const rendered = scan.context.render({
    upstreamId: 'up',
    upstream: scan.upstream,
    release: {
      ...scan.release,
      releases: [{ ...scan.release.releases[0]!, notes: 'Thanks @alice, fixes #12 <!-- hide me -->' }],
    },
    findings: [],
  });
  return { ...rendered, files: scan.files };
}

const headings = (text: string) => [...text.matchAll(/^### `([^`]+)`/gm)].map((m) => m[1]!);
const listed = (text: string) =>
  Object.fromEntries([...text.matchAll(/^- `([^`]+)` — (.+)$/gm)].map((m) => [m[1], m[2]]));

describe('context.md', () => {
  it('with room for everything: every changed file but the excluded ones is there, and nothing is truncated', async () => {
    const { text, coverage } = await build(400_000);
    expect(headings(text)).toEqual(['core/prompt.md', 'src/other.rs', 'docs/guide.md']);
    expect(listed(text)).toEqual({ 'package-lock.json': 'lockfile', 'vendored/big.txt': 'ignored' });
    expect(coverage).toMatchObject({
      filesChanged: 5,
      filesInContext: 3,
      truncated: false,
      surfacesTouched: ['prompts'],
    });
    expect(text).toContain('Thanks `@alice`, fixes `#12`');
    expect(text).not.toContain('hide me');
    expect(text).not.toContain('lockfileVersion');
  });

  it('under a tight budget: surface hunks first, deletion-only hunks kept, the rest listed as left out', async () => {
    const { text, coverage } = await build(10_000);
    expect(text.length).toBeLessThanOrEqual(10_000);
    expect(coverage.truncated).toBe(true);
    // The deletion-only hunk comes last in the patch but is kept; addition-only hunks made room for it.
    expect(text).toContain('-block5 1 ');
    expect(text).toContain('+added0 1 ');
    expect(text).not.toContain('+added4 1 ');
    expect(headings(text)[0]).toBe('core/prompt.md');
    const left = listed(text);
    expect(left['core/prompt.md']).toMatch(/^over the size budget after \d of 6 hunks$/);
    expect(left['src/other.rs']).toBe('over the size budget');
    expect(left['package-lock.json']).toBe('lockfile');
    // Complete: every changed file is either shown whole or listed.
    for (const path of [
      'core/prompt.md',
      'src/other.rs',
      'docs/guide.md',
      'package-lock.json',
      'vendored/big.txt',
    ]) {
      expect(headings(text).includes(path) || path in left).toBe(true);
    }
    for (const path of headings(text)) if (left[path]) expect(left[path]).toMatch(/after/);
    expect(coverage.filesInContext).toBe(headings(text).length);
  });

  it('clips a huge hunk, fences content that holds backticks, and counts files missing from the patch', () => {
    const builder = new ContextBuilder(
      [
        {
          path: 'a.md',
          status: 'modified',
          additions: 3,
          deletions: 0,
          binary: false,
          surfaces: [],
          ignored: false,
        },
        {
          path: 'gone.md',
          status: 'deleted',
          additions: 0,
          deletions: 1,
          binary: false,
          surfaces: [],
          ignored: false,
        },
      ],
      20_000,
    );
    const big = Array.from({ length: 500 }, (_, i) => `+line ${i} ${'y'.repeat(50)}`);
    builder.add({
      path: 'a.md',
      oldPath: 'a.md',
      newPath: 'a.md',
      status: 'modified',
      binary: false,
      oversized: false,
      hunks: [
        { header: '@@ -1,0 +1,500 @@', oldStart: 0, oldLines: 0, newStart: 1, newLines: 500, lines: big },
        {
          header: '@@ -600,0 +601,1 @@',
          oldStart: 600,
          oldLines: 0,
          newStart: 601,
          newLines: 1,
          lines: ['+````js'],
        },
      ],
    });
    const release = {
      schemaVersion: 1 as const,
      upstream: 'up',
      repo: 'o/up',
      url: 'file:///x',
      from: { tag: 'v1', commit: 'a'.repeat(40) },
      to: { tag: 'v2', commit: 'b'.repeat(40) },
      releases: [],
      compareUrl: 'https://example.test/compare',
      commits: 1,
      generatedAt: new Date(0).toISOString(),
    };
    const { text, coverage } = builder.render({
      upstreamId: 'up',
      upstream: {
        repo: 'o/up',
        tags: 'v*',
        source: 'git-tags',
        prereleases: false,
        surfaces: {},
        ignore: [],
        anchors: { include: [], exclude: [] },
      },
      release,
      findings: [],
    });
    expect(text).toMatch(/⋯ \d+ more lines of this hunk left out/);
    expect(text).toContain('`````diff');
    expect(listed(text)).toEqual({ 'gone.md': 'not in diff.patch' });
    expect(coverage.truncated).toBe(true);
  });
});
