import { describe, expect, it } from 'vitest';
import { parseRust } from '../../../src/analysis/parse/rust.js';
import { keepTouched, rustSegments } from '../../../src/analysis/parse/rust-segments.js';
import { readRust } from '../../../src/analysis/scanners/rust-items.js';

/** Items whose bodies hold what defeats a naive brace counter: strings, raw strings, chars, comments. */
const TRICKY = `//! Crate docs with a { brace.
use std::fmt;

/* A block /* nested } */ comment { */
const OPEN: char = '{';
const QUOTE: char = '\\'';
const RAW: &str = r#"a "}" b"#;
const BYTES: &[u8] = br"\\";

/// Docs } with a brace.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Wire<'a> {
    pub name: &'a str,
    #[serde(rename = "}")]
    pub close: String,
}

static BUILT: Thing = Thing {
    size: 1,
}
.build();

impl<'a> fmt::Display for Wire<'a> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", '}')
    }
}

macro_rules! flags {
    ($name:ident) => { pub struct $name; };
}
flags!(Generated);

mod inner {
    pub enum Kind {
        A,
        B,
    }
}
`;

const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

describe('rust segments', () => {
  it('cuts a file into whole items, past strings, raw strings, chars, lifetimes and nested comments', () => {
    const segments = rustSegments(TRICKY);
    const lines = TRICKY.split('\n').length;
    // Every line is in exactly one segment, in order.
    expect(segments[0]!.startLine).toBe(1);
    expect(segments.at(-1)!.endLine).toBe(lines);
    expect(segments.slice(1).map((s) => s.startLine)).toEqual(
      segments.slice(0, -1).map((s) => s.endLine + 1),
    );
    const holding = (needle: string) => {
      const line = lineOf(TRICKY, needle);
      return segments.findIndex((s) => s.startLine <= line && line <= s.endLine);
    };
    // A struct, its docs and attributes are one segment; the constants before it are not in it.
    expect(holding('/// Docs }')).toBe(holding('pub struct Wire'));
    expect(holding('#[serde(rename_all')).toBe(holding('pub close: String'));
    expect(holding('const BYTES')).not.toBe(holding('pub struct Wire'));
    expect(holding('const OPEN')).not.toBe(holding('const QUOTE'));
    expect(holding('const RAW')).not.toBe(holding('const BYTES'));
    // `}` followed by `.build();` on the next line is still the same item.
    expect(holding('static BUILT')).toBe(holding('.build();'));
    // A lifetime is not a char literal: the impl ends at its own closing brace.
    expect(holding("impl<'a>")).toBe(holding('write!(f, "{}", \'}\')'));
    expect(holding("impl<'a>")).not.toBe(holding('macro_rules!'));
    expect(holding('macro_rules!')).not.toBe(holding('flags!(Generated)'));
    expect(holding('pub enum Kind')).toBe(holding('mod inner'));
    // Types: struct, enum (inside a mod) and the macro's struct keyword only in its own segment.
    expect(segments[holding('pub struct Wire')]!.types).toBe(true);
    expect(segments[holding('mod inner')]!.types).toBe(true);
    expect(segments[holding('static BUILT')]!.types).toBe(false);
    expect(segments[holding('const RAW')]!.types).toBe(false);
    // Shared: constants, statics and impls (their values gather across items), not structs or macros.
    expect(segments[holding('const RAW')]!.shared).toBe(true);
    expect(segments[holding('static BUILT')]!.shared).toBe(true);
    expect(segments[holding("impl<'a>")]!.shared).toBe(true);
    expect(segments[holding('pub struct Wire')]!.shared).toBe(false);
    expect(segments[holding('macro_rules!')]!.shared).toBe(false);
  });

  it('never cuts through a top-level item tree-sitter sees, nor between an item and its attributes', async () => {
    const tree = await parseRust(TRICKY);
    const segments = rustSegments(TRICKY);
    const segmentOf = (row: number) =>
      segments.findIndex((s) => s.startLine <= row + 1 && row + 1 <= s.endLine);
    const top = tree.rootNode.namedChildren.filter((n) => n !== null);
    expect(top.some((n) => n.hasError)).toBe(false);
    top.forEach((node, k) => {
      expect(segmentOf(node.startPosition.row), node.text).toBe(segmentOf(node.endPosition.row));
      const next = top[k + 1];
      if (next && (node.type === 'attribute_item' || node.text.startsWith('///'))) {
        expect(segmentOf(node.startPosition.row), node.text).toBe(segmentOf(next.startPosition.row));
      }
    });
    tree.delete();
  });

  it('keeps only the wanted segments a line touches, blank elsewhere, at the same lines', async () => {
    const touched = [lineOf(TRICKY, 'pub close: String')];
    const kept = keepTouched(TRICKY, touched, (s, hit) => hit && s.types)!;
    expect(kept.split('\n').length).toBe(TRICKY.split('\n').length);
    const full = (await readRust(TRICKY)).items.filter((i) => i.name === 'Wire');
    const part = (await readRust(kept)).items;
    const at = (items: typeof full) =>
      items.map((i) => [i.name, i.startLine, i.members.map((m) => [m.name, m.startLine, m.endLine])]);
    expect(at(part)).toEqual(at(full));
    expect(part[0]!.members.map((m) => m.name)).toEqual(['name', 'close']);
    // A touched segment that is not wanted, or no touched line at all: nothing to parse.
    expect(keepTouched(TRICKY, [lineOf(TRICKY, 'size: 1')], (s, hit) => hit && s.types)).toBeUndefined();
    expect(keepTouched(TRICKY, [], () => true)).toBeUndefined();
  });

  it('ends the last segment at the end of a file without a final newline', () => {
    const text = 'struct A;\nstruct B { x: u8 }';
    expect(rustSegments(text)).toEqual([
      { startLine: 1, endLine: 1, types: true, shared: false },
      { startLine: 2, endLine: 2, types: true, shared: false },
    ]);
    expect(keepTouched(text, [2], (_s, hit) => hit)).toBe('\nstruct B { x: u8 }');
  });
});
