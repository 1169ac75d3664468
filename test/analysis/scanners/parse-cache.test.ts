import { describe, expect, it } from 'vitest';
import { readRust } from '../../../src/analysis/scanners/rust-items.js';
import { compareApi, extractApi, parseSource } from '../../../src/analysis/scanners/ts-api.js';

describe('parse cache: each side of a changed file is parsed once for all rules', () => {
  it('hands the rules after the first the same TypeScript tree, API and comparison', () => {
    const before = 'export function f(a: string): void {}\n';
    const after = 'export function f(a: string, b: number): void {}\n';
    expect(parseSource('src/a.ts', before)).toBe(parseSource('src/a.ts', before));
    // Another side of the same file, or the same text under another name, is parsed on its own.
    expect(parseSource('src/a.ts', after)).not.toBe(parseSource('src/a.ts', before));
    expect(parseSource('src/b.ts', before)).not.toBe(parseSource('src/a.ts', before));
    const [from, to] = [extractApi(before, 'src/a.ts'), extractApi(after, 'src/a.ts')];
    expect(extractApi(before, 'src/a.ts')).toBe(from);
    expect(compareApi(from, to)).toBe(compareApi(from, to));
    expect(compareApi(from, to).map((c) => c.kind)).toEqual(['export-changed']);
  });

  it('reads a Rust file side once for the cli and serde rules', async () => {
    const text = '#[derive(Serialize)]\npub struct A {\n    pub x: String,\n}\n';
    const first = readRust(text);
    expect(readRust(text)).toBe(first);
    expect((await first).items.map((i) => i.name)).toEqual(['A']);
  });
});
