import { describe, expect, it } from 'vitest';
import type { Anchor, AnchorKind } from '../../../src/analysis/anchors/types.js';
import { AnchorIndex } from '../../../src/analysis/scanners/anchor-index.js';

const anchor = (kind: AnchorKind, value: string, module?: string): Anchor => ({
  kind,
  value,
  ...(module ? { module } : {}),
  uses: [],
  weight: 1,
  upstreamFiles: 1,
  upstreamSample: [],
});

const ANCHORS = [
  anchor('literal', 'gpt-5.1-codex'),
  anchor('literal', 'xhigh'),
  anchor('literal', 'a'),
  anchor('header', 'OpenAI-Beta'),
  anchor('env', 'CODEX_HOME'),
  anchor('url', 'https://chatgpt.com/backend-api/codex/responses'),
  anchor('hook', 'chat.params', '@opencode-ai/plugin'),
  anchor('symbol', 'Plugin', '@opencode-ai/plugin'),
];

/** The lookup as it was written first: TOKEN's regex matches, each looked up in every map. */
function reference(text: string, api: boolean): string[] {
  const tokens = text.match(/[A-Za-z0-9_][A-Za-z0-9_.-]*[A-Za-z0-9_]|[A-Za-z0-9_]/g) ?? [];
  const found = new Set<string>();
  for (const token of tokens)
    for (const a of ANCHORS) {
      if (a.kind === 'literal' || a.kind === 'env') {
        if (token === a.value) found.add(a.value);
      } else if (a.kind === 'header') {
        if (token.toLowerCase() === a.value.toLowerCase()) found.add(a.value);
      } else if (a.kind === 'hook' || a.kind === 'symbol') {
        if (api && token === a.value) found.add(a.value);
      } else if (
        a.kind === 'url' &&
        token === '/backend-api/codex/responses'.match(/[\w.-]+/g)!.sort((x, y) => y.length - x.length)[0]
      ) {
        if (text.includes('/backend-api/codex/responses')) found.add(a.value);
      }
    }
  return [...found].sort();
}

const found = (index: AnchorIndex, text: string, path = 'src/lib.rs') =>
  index
    .lineAnchors(text, path)
    .map((a) => a.value)
    .sort();

describe('AnchorIndex line lookups', () => {
  const index = new AnchorIndex(ANCHORS);

  it('finds whole tokens only, with the ends of a run of dots and dashes left out', () => {
    expect(found(index, 'let m = "gpt-5.1-codex";')).toEqual(['gpt-5.1-codex']);
    expect(found(index, 'model gpt-5.1-codex. and more')).toEqual(['gpt-5.1-codex']);
    expect(found(index, '--gpt-5.1-codex--')).toEqual(['gpt-5.1-codex']);
    expect(found(index, 'gpt-5.1-codex-max')).toEqual([]);
    expect(found(index, 'xgpt-5.1-codex')).toEqual([]);
    expect(found(index, 'é_xhigh é xhighé')).toEqual(['xhigh']);
    expect(found(index, 'a.b - a')).toEqual(['a']);
  });

  it('matches header names in any case, and API names only in JS/TS files', () => {
    expect(found(index, 'headers.insert("openai-beta", v)')).toEqual(['OpenAI-Beta']);
    expect(found(index, "hooks['chat.params'] = Plugin")).toEqual([]);
    expect(found(index, "hooks['chat.params'] = Plugin", 'src/index.ts')).toEqual(['Plugin', 'chat.params']);
  });

  it('finds a URL anchor by its longest token when the line holds its path', () => {
    expect(found(index, 'const U = "/backend-api/codex/responses";')).toEqual([
      'https://chatgpt.com/backend-api/codex/responses',
    ]);
    expect(found(index, 'const U = "/backend-api/codex/other"; // responses')).toEqual([]);
  });

  it('gives the same anchors as the regex tokens on random lines', () => {
    const pieces = [
      'gpt-5.1-codex',
      'xhigh',
      'a',
      'OPENAI-BETA',
      'CODEX_HOME',
      'chat.params',
      'Plugin',
      '.',
      '-',
      '_',
      ' ',
      '"',
      'é',
      '/backend-api/codex/responses',
      'q',
      '9',
    ];
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed >>> 12; // the low bits of this generator cycle
    };
    for (let n = 0; n < 3000; n++) {
      let line = '';
      const parts = 1 + (next() % 8);
      for (let p = 0; p < parts; p++) line += pieces[next() % pieces.length];
      const ts = n % 2 === 0;
      expect(found(index, line, ts ? 'a.ts' : 'a.rs'), line).toEqual(reference(line, ts));
    }
  });

  it('reads hunk lines past their +/-/space prefix', () => {
    const hunk = {
      header: '@@ -1,2 +1,2 @@',
      oldStart: 1,
      oldLines: 2,
      newStart: 1,
      newLines: 2,
      lines: ['-xhigh', '+a', ' -', '\\ No newline'],
    };
    expect(index.hunkLineAnchors(hunk, 'x.rs').map((l) => l.map((a) => a.value))).toEqual([
      ['xhigh'],
      ['a'],
      [],
      [],
    ]);
  });
});
