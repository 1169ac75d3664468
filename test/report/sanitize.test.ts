import { describe, expect, it } from 'vitest';
import { findingMarker, fingerprintOf, parseFindingMarker } from '../../src/report/markers.js';
import { permalink } from '../../src/report/render.js';
import {
  cutText,
  defangReferences,
  fitBody,
  sanitizeInline,
  sanitizeMarkdown,
  sanitizeText,
  stripHtmlComments,
  stripInvisible,
  ZWSP,
} from '../../src/report/sanitize.js';
import { headingsOf, parseMarkdown } from './fixtures.js';

const Z = ZWSP;

describe('defangReferences', () => {
  it('breaks mentions, team mentions and every issue reference form', () => {
    expect(defangReferences('@octocat, (@acme/team) and @x-y')).toBe(
      `@${Z}octocat, (@${Z}acme/team) and @${Z}x-y`,
    );
    expect(defangReferences('#12 owner/repo#3 GH-7 gh-8')).toBe(`#${Z}12 owner/repo#${Z}3 GH-${Z}7 gh-${Z}8`);
  });

  it('leaves e-mail addresses, anchors and words alone', () => {
    expect(defangReferences('mail a.b@example.com, see #readme, C# and @ alone')).toBe(
      'mail a.b@example.com, see #readme, C# and @ alone',
    );
  });
});

describe('stripInvisible and stripHtmlComments', () => {
  it('removes bidi controls, zero-width and tag characters, controls; keeps emoji and newlines', () => {
    const input = `a\u202Eb\u2066c\u200Bd\u200De\uFEFFf\u00ADg\u{E0041}h\u0007i\r\nj\u2028k ❤️`;
    expect(stripInvisible(input)).toBe('abcdefghi\nj\nk ❤️');
  });

  it('removes comments, nested tricks and unterminated openers until none are left', () => {
    expect(stripHtmlComments('a<!-- x -->b')).toBe('ab');
    expect(stripHtmlComments('a<!<!-- x -->-- y -->b')).toBe('ab');
    expect(stripHtmlComments('a <!-- never closed')).toBe('a  never closed');
    expect(stripHtmlComments('a <!-- x --> b <!-- open')).toBe('a  b  open');
    expect(stripHtmlComments('<<!--!---->-->')).not.toContain('<!--');
    expect(stripHtmlComments('<!<!<!-- a -->-- b -->-- c -->d')).toBe('d');
    expect(stripHtmlComments('A --> B')).toBe('A --> B');
  });

  it('is idempotent, so defanged text can be defanged again', () => {
    const input = 'hi @bob #3 <!-- c --> \u202Ex';
    expect(sanitizeText(sanitizeText(input))).toBe(sanitizeText(input));
  });

  it('cannot be tricked into a marker by invisible characters between the comment characters', () => {
    const sneaky = `<!\u200B-- release-watch:finding fingerprint=00 upstream=x tag=y --\u200B>`;
    expect(sanitizeText(sneaky)).toBe('');
  });
});

describe('sanitizeMarkdown', () => {
  const html = (md: string) => JSON.stringify(parseMarkdown(md)).includes('"html"');

  it('keeps ordinary formatting, lists, tables, links and closed code blocks', () => {
    const md = [
      'Some `code <b>`, **bold** and a [link](https://example.com/x) <https://example.com/auto>.',
      '',
      '- one',
      '  - two',
      '',
      '| a | b |',
      '| - | - |',
      '',
      '```ts',
      'const x: Array<string> = [];',
      '```',
    ].join('\n');
    expect(sanitizeMarkdown(md)).toBe(md);
  });

  it('turns headings (also in quotes and lists) into text and raw HTML into visible text', () => {
    const out = sanitizeMarkdown(
      '# Evidence\n> ## quoted\n- ### listed\n\nTitle\n===\n\n<details><summary>x</summary>\n\ninline <b>bold</b>',
    );
    expect(headingsOf(out)).toEqual([]);
    expect(html(out)).toBe(false);
    expect(out).toContain('\\# Evidence');
    expect(out).toContain('\\<details>');
  });

  it('shows a fence that is never closed as text, so it cannot swallow what follows', () => {
    const out = sanitizeMarkdown('text\n```js\nping @bob #4');
    expect(out).toBe(`text\n\\\`\`\`js\nping @${Z}bob #${Z}4`);
    expect(headingsOf(`${out}\n\n### After`)).toEqual(['After']);
    // A fence closed later stays a fence; its code is defanged but otherwise verbatim.
    expect(sanitizeMarkdown('~~~~\n<b> @x\n~~~~')).toBe(`~~~~\n<b> @${Z}x\n~~~~`);
  });

  it('removes link and footnote definitions, which would act on the whole document', () => {
    const out = sanitizeMarkdown(
      '[docs][d] and a note[^n].\n\n[d]: https://example.com/docs\n> [^n]: @carol said so',
    );
    const tree = parseMarkdown(out);
    expect(JSON.stringify(tree)).not.toMatch(/"definition"|"footnoteDefinition"/);
    expect(out).toContain(`@${Z}carol`);
  });

  it('sends links to github.com issues and pull requests through redirect.github.com (no backlink)', () => {
    expect(
      sanitizeMarkdown('See https://github.com/o/r/pull/4 and [x](https://www.github.com/o/r/issues/5).'),
    ).toBe('See https://redirect.github.com/o/r/pull/4 and [x](https://redirect.github.com/o/r/issues/5).');
    expect(sanitizeMarkdown('https://github.com/o/r/blob/main/x.ts')).toBe(
      'https://github.com/o/r/blob/main/x.ts',
    );
  });

  it('takes linear time on inputs that make markdown parsers quadratic', () => {
    const n = 200_000;
    const fill = (unit: string) => unit.repeat(n / unit.length);
    for (const unit of [
      '- a\n  - b\n',
      '> ',
      '`a ``b ',
      '```a`',
      '<b>',
      '[a](',
      `${' '.repeat(99)}#\n`,
      '<!<!--',
      '<!--',
      'a<!-- b',
    ]) {
      const out = sanitizeMarkdown(fill(unit));
      expect(out).not.toContain('<!--');
      expect(out.length).toBeLessThanOrEqual(n * 1.5);
    }
  });
});

describe('sanitizeInline and cutText', () => {
  it('makes one defanged line, cut with an ellipsis', () => {
    expect(sanitizeInline('a\n  b @c', 100)).toBe(`a b @${Z}c`);
    expect(sanitizeInline('x'.repeat(300), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  it('says how much was cut and never splits a surrogate pair', () => {
    expect(cutText('short', 10)).toBe('short');
    const cut = cutText('😀'.repeat(10), 5);
    expect(cut.startsWith('😀😀')).toBe(true);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(cut).toMatch(/\((?:16|17) more characters cut\)$/);
  });
});

describe('fitBody', () => {
  const marker = findingMarker({ fingerprint: 'abcdef0123456789', upstream: 'codex', tag: 'rust-v1.0.0' });

  it('cuts the largest field until the body fits, and keeps the marker last', () => {
    const fields = [
      { source: 'small', render: sanitizeMarkdown, size: (s: string) => s.length },
      { source: '@x *y* '.repeat(40_000), render: sanitizeMarkdown, size: (s: string) => s.length },
    ];
    const body = fitBody(fields, (r) => r.join('\n\n'), marker, 10_000);
    expect(body.length).toBeLessThanOrEqual(10_000);
    expect(body.length).toBeGreaterThan(8_000);
    expect(body.startsWith('small')).toBe(true);
    expect(body.endsWith(`${marker}\n`)).toBe(true);
    expect(parseFindingMarker(body)).toEqual({
      fingerprint: 'abcdef0123456789',
      upstream: 'codex',
      tag: 'rust-v1.0.0',
    });
  });

  it('falls back to notes when the fixed part alone is too long', () => {
    const fields = [{ source: 'x'.repeat(50), render: (s: string) => s, size: (s: string) => s.length }];
    const body = fitBody(fields, (r) => `${'F'.repeat(900)}${r[0]}`, marker, 1000);
    expect(body.length).toBeLessThanOrEqual(1000);
    expect(body.endsWith(`${marker}\n`)).toBe(true);
  });
});

describe('markers and links', () => {
  it('fingerprints ignore the tag and differ by upstream, finding and surface', () => {
    const fp = fingerprintOf('codex', 'token-moved', 'auth');
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprintOf('codex', 'token-moved', 'auth')).toBe(fp);
    expect(
      new Set([
        fp,
        fingerprintOf('opencode', 'token-moved', 'auth'),
        fingerprintOf('codex', 'x', 'auth'),
        fingerprintOf('codex', 'token-moved', 'other'),
      ]).size,
    ).toBe(4);
  });

  it('round-trips tags with any characters through the marker', () => {
    const m = { fingerprint: 'ab', upstream: 'up', tag: 'release/1.0-->x' };
    expect(findingMarker(m)).toBe(
      '<!-- release-watch:finding fingerprint=ab upstream=up tag=release%2F1.0--%3Ex -->',
    );
    expect(parseFindingMarker(`text\n${findingMarker(m)}\n`)).toEqual(m);
  });

  it('builds permalinks with one line or a range, encoding paths', () => {
    expect(permalink('https://gh.test/o/r', 'v1.0.0', { path: 'a b/c.ts', startLine: 3, endLine: 3 })).toBe(
      'https://gh.test/o/r/blob/v1.0.0/a%20b/c.ts#L3',
    );
    expect(permalink('https://gh.test/o/r', 'v1.0.0', { path: '/x.ts', startLine: 10, endLine: 24 })).toBe(
      'https://gh.test/o/r/blob/v1.0.0/x.ts#L10-L24',
    );
  });
});
