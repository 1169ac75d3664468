import { touches } from '../patch/patch.js';
/**
 * A Rust file cut into runs of whole lines, each holding whole top-level items (with the comments and
 * attributes written before them), found by a lexer that knows Rust's strings, raw strings, chars,
 * lifetimes and nested comments. It lets a rule parse only the items a diff touches: tree-sitter then
 * reads a text where every other run is blank lines, so line numbers stay those of the file.
 */
export interface RustSegment {
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** Whether a depth-0 `struct`, `enum`, `union` or `mod` keyword is in it (where serde items live). */
  types: boolean;
  /**
   * Whether it holds a depth-0 `const`, `static` or `impl`: items whose values a reader may gather
   * across the file (the file's string constants, two `impl`s of one type) rather than item by item.
   */
  shared: boolean;
}

const TYPE_KEYWORDS = new Set(['struct', 'enum', 'union', 'mod']);
const SHARED_KEYWORDS = new Set(['const', 'static', 'impl']);

const isIdentStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
const isIdent = (c: number) => isIdentStart(c) || (c >= 48 && c <= 57);

const NL = 10;
const QUOTE = 34;
const APOS = 39;
const HASH = 35;
const SLASH = 47;
const STAR = 42;
const BACKSLASH = 92;

/** The index just past a `"…"` string whose opening quote is at `i` (escapes skipped). */
function skipString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) j++;
    else if (c === QUOTE) return j + 1;
  }
  return text.length;
}

/** At `i` (just after an `r`), a raw string's `#…#"`: the index past its end, or -1 if it is not one. */
function skipRawString(text: string, i: number): number {
  let hashes = 0;
  while (text.charCodeAt(i + hashes) === HASH) hashes++;
  if (text.charCodeAt(i + hashes) !== QUOTE) return -1;
  const close = `"${'#'.repeat(hashes)}`;
  const end = text.indexOf(close, i + hashes + 1);
  return end === -1 ? text.length : end + close.length;
}

/** At a `'`: past a char literal (`'x'`, `'\n'`, `'\u{1F600}'`), or just past the `'` of a lifetime. */
function skipQuote(text: string, i: number): number {
  const next = text.charCodeAt(i + 1);
  if (next === BACKSLASH) {
    const end = text.indexOf("'", i + 3);
    return end === -1 ? text.length : end + 1;
  }
  // One character, maybe two UTF-16 units, then the closing quote: a char literal.
  const width = next >= 0xd800 && next <= 0xdbff ? 2 : 1;
  if (text.charCodeAt(i + 1 + width) === APOS && next !== NL) return i + 2 + width;
  return i + 1;
}

/** At `/*`: past the comment and the ones nested in it. */
function skipBlockComment(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length - 1; j++) {
    const c = text.charCodeAt(j);
    if (c === SLASH && text.charCodeAt(j + 1) === STAR) {
      depth++;
      j++;
    } else if (c === STAR && text.charCodeAt(j + 1) === SLASH) {
      depth--;
      j++;
      if (depth === 0) return j + 1;
    }
  }
  return text.length;
}

const countLines = (text: string, from: number, to: number) => {
  let n = 0;
  for (let j = text.indexOf('\n', from); j !== -1 && j < to; j = text.indexOf('\n', j + 1)) n++;
  return n;
};

/**
 * The file's segments, in order, covering every line. A segment ends at a line end where an item has
 * just ended (a `}` or `;` at bracket depth 0) and the next token starts an item (`#`, a word, or the
 * end of the file): `}` followed by `.build();` on the next line is the same item.
 */
export function rustSegments(text: string): RustSegment[] {
  const segments: RustSegment[] = [];
  let line = 1;
  let start = 1;
  let depth = 0;
  let ended = false;
  /** A line end after an ended item: the segment ends there if an item starts next. */
  let pending: number | undefined;
  let types = false;
  let shared = false;
  const confirm = (itemStarts: boolean) => {
    if (pending !== undefined && itemStarts) {
      segments.push({ startLine: start, endLine: pending, types, shared });
      start = pending + 1;
      types = false;
      shared = false;
    }
    pending = undefined;
  };
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === NL) {
      if (depth === 0 && ended) pending = line;
      ended = false;
      line++;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) {
      i++;
      continue;
    }
    if (c === SLASH && text.charCodeAt(i + 1) === SLASH) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
      continue;
    }
    if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const end = skipBlockComment(text, i);
      line += countLines(text, i, end);
      i = end;
      continue;
    }
    // Every other token: a segment pending at the last line end ends only if this token starts an item.
    if (pending !== undefined) confirm(c === HASH || isIdentStart(c));
    ended = false;
    let end: number;
    if (c === QUOTE) end = skipString(text, i);
    else if (c === APOS) end = skipQuote(text, i);
    else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < text.length && isIdent(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      const next = text.charCodeAt(j);
      // Prefixed literals: b"…", c"…", b'…', r"…", r#"…"#, br"…", cr#"…"#.
      const raw = word === 'r' || word === 'br' || word === 'cr' ? skipRawString(text, j) : -1;
      if (raw !== -1) end = raw;
      else if ((word === 'b' || word === 'c') && next === QUOTE) end = skipString(text, j);
      else if (word === 'b' && next === APOS) end = skipQuote(text, j);
      else {
        if (depth === 0 && TYPE_KEYWORDS.has(word)) types = true;
        if (depth === 0 && SHARED_KEYWORDS.has(word)) shared = true;
        end = j;
      }
    } else {
      end = i + 1;
      if (c === 40 || c === 91 || c === 123) depth++;
      else if (c === 41 || c === 93 || c === 125) {
        depth = Math.max(0, depth - 1);
        ended = depth === 0 && c === 125;
      } else if (c === 59) ended = depth === 0;
    }
    if (end > i + 1) line += countLines(text, i, end);
    i = end;
  }
  if (pending !== undefined) confirm(true);
  if (start <= line) segments.push({ startLine: start, endLine: line, types, shared });
  return segments;
}

/**
 * The file with only the segments `keep` keeps, told whether the segment holds one of the `touched`
 * lines (sorted); every other line is left empty, so a parse of it gives the kept items at their lines
 * in the file. Undefined when no segment holds a touched line or none is kept.
 */
export function keepTouched(
  text: string,
  touched: readonly number[],
  keep: (segment: RustSegment, touched: boolean) => boolean,
): string | undefined {
  const segments = rustSegments(text);
  const hits = segments.map((s) => touches(s, touched));
  if (!hits.includes(true)) return undefined;
  return keepOf(text, segments, (_, k) => keep(segments[k]!, hits[k]!));
}

/**
 * The file with only the segments whose text `keep` keeps, every other line left empty (as
 * keepTouched); undefined when none is kept.
 */
export const keepSegments = (text: string, keep: (segment: string) => boolean): string | undefined =>
  keepOf(text, rustSegments(text), keep);

function keepOf(
  text: string,
  segments: readonly RustSegment[],
  keep: (segment: string, index: number) => boolean,
): string | undefined {
  const out: string[] = [];
  let at = 0;
  let kept = false;
  segments.forEach((s, k) => {
    // The text of lines startLine..endLine: from `at` to the newline ending endLine (or the end).
    let end = at;
    for (let l = s.startLine; l <= s.endLine && end !== -1; l++) {
      const nl = text.indexOf('\n', end);
      end = nl === -1 ? -1 : nl + 1;
    }
    const stop = end === -1 ? text.length : end;
    const body = text.slice(at, stop);
    if (keep(body, k)) {
      kept = true;
      out.push(body);
    } else out.push('\n'.repeat(Math.min(s.endLine - s.startLine + 1, countLines(text, at, stop))));
    at = stop;
  });
  return kept ? out.join('') : undefined;
}
