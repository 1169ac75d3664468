/**
 * Just enough Rust structure for the CLI and wire rules: structs and enums with their attributes,
 * and their fields/variants with theirs. Comments and string contents are masked before any
 * bracket is counted, so `"]"` or `// {` cannot derail it. Not a Rust parser: items it cannot
 * read (macros generating structs, cfg-gated duplicates) are simply not seen.
 */

export interface AttrEntry {
  /** `long`, `alias`, `rename_all`, or a bare word like `flatten`, `Parser` (last path segment). */
  key: string;
  /** String/char literal values: `long = "x"` → ["x"], `aliases = ["a", "b"]` → ["a", "b"]. */
  values: string[];
}

export interface Attr {
  /** `arg`, `clap`, `command`, `serde`, `derive`, … */
  name: string;
  entries: AttrEntry[];
}

export interface RustMember {
  name: string;
  /** A struct field's type, as written (masked); empty for enum variants. */
  type: string;
  attrs: Attr[];
  startLine: number;
  endLine: number;
}

export interface RustItem {
  kind: 'struct' | 'enum';
  name: string;
  attrs: Attr[];
  members: RustMember[];
  startLine: number;
}

/** Same length as `text`: comments blanked, string/char literal contents blanked, newlines kept. */
export function maskRust(text: string): string {
  const out = text.split('');
  const blank = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (out[i] !== '\n') out[i] = ' ';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      let j = i + 2;
      while (j < text.length && depth > 0) {
        const pair = text.slice(j, j + 2);
        if (pair === '/*' || pair === '*/') {
          depth += pair === '/*' ? 1 : -1;
          j += 2;
        } else j++;
      }
      blank(i, j);
      i = j;
    } else if (c === 'r' && /^r#*"/.test(text.slice(i, i + 260)) && !/[\w]/.test(text[i - 1] ?? '')) {
      const hashes = /^r(#*)"/.exec(text.slice(i, i + 260))![1]!;
      const close = `"${hashes}`;
      const start = i + 2 + hashes.length;
      const end = text.indexOf(close, start);
      const stop = end === -1 ? text.length : end;
      blank(start, stop);
      i = stop + close.length;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      blank(i + 1, j);
      i = j + 1;
    } else if (c === "'") {
      // A char literal ('x', '\n', '\u{1F600}'), not a lifetime ('a).
      const m = /^'(?:\\(?:u\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}|.)|[^\\'\n])'/.exec(text.slice(i, i + 12));
      if (m) {
        blank(i + 1, i + m[0].length - 1);
        i += m[0].length;
      } else i++;
    } else i++;
  }
  return out.join('');
}

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Index of the bracket closing the one at `open` (in masked code), or -1. */
function closing(code: string, open: number): number {
  const stack: string[] = [];
  for (let i = open; i < code.length; i++) {
    const c = code[i]!;
    if (OPEN[c]) stack.push(OPEN[c]!);
    else if (c === ')' || c === ']' || c === '}') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

/** Splits [start, end) at commas outside brackets. */
function splitTopLevel(code: string, start: number, end: number): [number, number][] {
  const parts: [number, number][] = [];
  let depth = 0;
  let from = start;
  for (let i = start; i < end; i++) {
    const c = code[i]!;
    if (c === '(' || c === '[' || c === '{' || (c === '<' && code[i - 1] !== '-' && code[i - 1] !== '='))
      depth++;
    else if (c === ')' || c === ']' || c === '}' || (c === '>' && code[i - 1] !== '-' && code[i - 1] !== '='))
      depth--;
    else if (c === ',' && depth === 0) {
      parts.push([from, i]);
      from = i + 1;
    }
  }
  parts.push([from, end]);
  return parts;
}

const LITERAL = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'/g;

function parseAttr(raw: string, code: string, start: number, end: number): Attr {
  // start: index of '#', end: index of the closing ']'
  const inner = code.slice(start + 2, end);
  const name = /^\s*([\w:]+)/.exec(inner)?.[1]?.split('::').pop() ?? '';
  const open = code.indexOf('(', start + 2);
  if (open === -1 || open > end) return { name, entries: [] };
  const close = closing(code, open);
  const entries: AttrEntry[] = [];
  for (const [from, to] of splitTopLevel(code, open + 1, close === -1 ? end : close)) {
    const key = /^\s*([\w:]+)/.exec(code.slice(from, to))?.[1]?.split('::').pop();
    if (!key) continue;
    const values = [...raw.slice(from, to).matchAll(LITERAL)].map((m) => m[1] ?? m[2] ?? '');
    entries.push({ key, values });
  }
  return { name, entries };
}

/** Reads `#[...]` attributes starting at `pos` (skipping whitespace); returns them and where they end. */
function readAttrs(raw: string, code: string, pos: number): { attrs: Attr[]; next: number } {
  const attrs: Attr[] = [];
  let i = pos;
  for (;;) {
    while (i < code.length && /\s/.test(code[i]!)) i++;
    if (code[i] !== '#' || code[i + 1] !== '[') return { attrs, next: i };
    const end = closing(code, i + 1);
    if (end === -1) return { attrs, next: i };
    attrs.push(parseAttr(raw, code, i, end));
    i = end + 1;
  }
}

/** Structs (with named fields) and enums of a Rust file, with attributes. */
export function rustItems(raw: string): RustItem[] {
  const code = maskRust(raw);
  const lineStarts = [0];
  for (let i = 0; i < raw.length; i++) if (raw[i] === '\n') lineStarts.push(i + 1);
  const lineOf = (pos: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const items: RustItem[] = [];
  // Each attribute run, followed by optional visibility and `struct`/`enum`.
  for (const match of code.matchAll(/#\[/g)) {
    const at = match.index;
    // Only the first attribute of a run starts an item.
    let before = at - 1;
    while (before >= 0 && /\s/.test(code[before]!)) before--;
    if (code[before] === ']') continue;
    const { attrs, next } = readAttrs(raw, code, at);
    const head = /^(?:pub(?:\s*\([^)]*\))?\s+)?(struct|enum)\s+([A-Za-z_]\w*)/.exec(
      code.slice(next, next + 200),
    );
    if (!head) continue;
    const bodyAt = code.slice(next + head[0].length).search(/[{;(]/);
    if (bodyAt === -1) continue;
    const open = next + head[0].length + bodyAt;
    if (code[open] !== '{') continue;
    const close = closing(code, open);
    if (close === -1) continue;
    const members: RustMember[] = [];
    for (const [from, to] of splitTopLevel(code, open + 1, close)) {
      const member = readAttrs(raw, code, from);
      const rest = code.slice(member.next, to);
      const field = /^(?:pub(?:\s*\([^)]*\))?\s+)?(?:r#)?([A-Za-z_]\w*)\s*:/.exec(rest);
      const name = head[1] === 'struct' ? field?.[1] : /^([A-Za-z_]\w*)/.exec(rest)?.[1];
      if (!name) continue;
      const type = head[1] === 'struct' && field ? rest.slice(field[0].length).trim() : '';
      const first = from + (to - from - code.slice(from, to).trimStart().length);
      const last = member.next + rest.trimEnd().length - 1;
      members.push({
        name,
        type,
        attrs: member.attrs,
        startLine: lineOf(first),
        endLine: lineOf(Math.max(first, last)),
      });
    }
    items.push({
      kind: head[1] as 'struct' | 'enum',
      name: head[2]!,
      attrs,
      members,
      startLine: lineOf(next),
    });
  }
  return items;
}

/** All values of `key` across the attributes named `names`. */
export const attrValues = (attrs: readonly Attr[], names: readonly string[], key: string) =>
  attrs.filter((a) => names.includes(a.name)).flatMap((a) => a.entries.filter((e) => e.key === key));

export const hasAttrKey = (attrs: readonly Attr[], names: readonly string[], key: string) =>
  attrValues(attrs, names, key).length > 0;

const words = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());

/** serde/clap `rename_all` casing conventions. */
export function applyCase(name: string, casing: string): string {
  const w = words(name);
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  switch (casing) {
    case 'kebab-case':
      return w.join('-');
    case 'snake_case':
      return w.join('_');
    case 'SCREAMING_SNAKE_CASE':
      return w.join('_').toUpperCase();
    case 'SCREAMING-KEBAB-CASE':
      return w.join('-').toUpperCase();
    case 'camelCase':
      return w[0] + w.slice(1).map(cap).join('');
    case 'PascalCase':
      return w.map(cap).join('');
    case 'lowercase':
      return w.join('');
    case 'UPPERCASE':
      return w.join('').toUpperCase();
    default:
      return name;
  }
}
