/**
 * Defanging text that came from an upstream or the agent before it reaches GitHub (issue bodies,
 * comments, job summaries) or the agent's brief (release notes in context.md).
 *
 * GitHub links `@user`, `@org/team`, `#123`, `GH-123` and `owner/repo#123` in rendered markdown, and
 * notifies or cross-links the target. Backticks stop that only in the rendered view: text quoted back
 * in an e-mail reply is parsed again as plain text (Dependabot had to move from code spans to
 * zero-width spaces for that reason). A zero-width space between `@`/`#` and the name survives every
 * rendering, reads the same, and GitHub's patterns no longer match.
 */
export const ZWSP = '\u200B';

/** GitHub's limit on an issue or comment body, in characters. */
export const GITHUB_BODY_LIMIT = 65_536;

// Format characters (zero-width, bidi controls, BOM, soft hyphen, tag characters), invisible
// letters (Hangul fillers) and variation selectors that are not the emoji ones (FE0E/FE0F).
const INVISIBLE =
  /\p{Cf}|[\u115F\u1160\u3164\uFFA0]|\u034F|\u17B4|\u17B5|[\u180B-\u180F]|[\uFE00-\uFE0D]|[\u{E0100}-\u{E01EF}]/gu;
// Control characters other than tab and newline.
const CONTROL = /(?![\t\n])\p{Cc}/gu;

/** Normalizes line ends and removes invisible, bidi and control characters. */
export function stripInvisible(input: string): string {
  return input
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(INVISIBLE, '')
    .replace(CONTROL, '');
}

/**
 * Removes HTML comments (`<!--` up to the next `-->`) and openers never closed, in one pass that also
 * catches comments formed by removing others (`<!<!-- -->--`). A comment can hide text, swallow the
 * rest of a body, or fake release-watch's own markers; after this, no `<!--` is left.
 */
export function stripHtmlComments(input: string): string {
  const kept: string[] = [];
  const tail = () => {
    let text = '';
    for (let k = kept.length - 1; k >= 0 && text.length < 3; k--) text = kept[k]! + text;
    return text.slice(-3);
  };
  const drop = (count: number) => {
    for (let left = count; left > 0; ) {
      const last = kept.pop()!;
      if (last.length > left) kept.push(last.slice(0, last.length - left));
      left -= Math.min(left, last.length);
    }
  };
  // Past the comment whose opener ends before `from`: its closer, or only the opener when unclosed.
  const lastClose = input.lastIndexOf('-->');
  const skip = (from: number) => (from > lastClose ? from : input.indexOf('-->', from) + 3);
  let i = 0;
  for (;;) {
    // Removing a comment can join kept text and what follows into a new opener (`<!` + `--`).
    const end = tail();
    const across = (end + input.slice(i, i + 3)).indexOf('<!--');
    if (across >= 0 && across < end.length) {
      drop(end.length - across);
      i = skip(i + 4 - (end.length - across));
      continue;
    }
    const open = input.indexOf('<!--', i);
    const chunk = input.slice(i, open < 0 ? undefined : open);
    if (chunk) kept.push(chunk);
    if (open < 0) return kept.join('');
    i = skip(open + 4);
  }
}

/** Breaks mentions and issue references (see {@link ZWSP}); e-mail addresses stay as they are. */
export function defangReferences(input: string): string {
  return input
    .replace(/(?<!\w)@(?=[A-Za-z0-9])/g, `@${ZWSP}`)
    .replace(/#(?=\d)/g, `#${ZWSP}`)
    .replace(/\b(GH-)(?=\d)/gi, `$1${ZWSP}`);
}

/** Plain text from elsewhere, made safe to embed: invisible characters and comments gone, mentions and references broken. */
export function sanitizeText(input: string): string {
  return defangReferences(stripHtmlComments(stripInvisible(input)));
}

/** One line of plain text (titles, table cells), cut to `max` characters. */
export function sanitizeInline(input: string, max = Number.POSITIVE_INFINITY): string {
  const line = sanitizeText(input).replace(/\s+/g, ' ').trim();
  return line.length > max ? `${sliceChars(line, max - 1).trimEnd()}…` : line;
}

// A line's container prefix: blockquote markers and one list marker (`> - `, `1. `); bounded, so no backtracking blow-up.
const CONTAINER = String.raw`^((?:[ \t]{0,3}>)*[ \t]{0,8}(?:(?:[-*+]|\d{1,9}[.)])[ \t]{1,4})?)`;
const HEADING = new RegExp(`${CONTAINER}(#{1,6})(?=[ \\t]|$)`);
const DEFINITION = new RegExp(`${CONTAINER}\\[(?=[^\\]]+\\]:)`);
const SETEXT_OR_RULE = /^( {0,3})([=-])(?=[ \t=-]*$)/;
const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;
// `<` that would start raw HTML (a tag, comment, declaration, processing instruction), not an autolink.
const HTML_START = /<(?=[A-Za-z/!?])(?![A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>)/g;
// Links GitHub turns into a cross-reference ("mentioned this" on the target); its redirect host does not.
const CROSS_REFERENCE =
  /\bhttps?:\/\/(?:www\.)?github\.com\/(?=[^/\s]+\/[^/\s]+\/(?:issues|pull|discussions)\/\d)/gi;

/** Redirects links to github.com issues, pull requests and discussions through redirect.github.com (no backlink). */
export function defangLinks(input: string): string {
  return input.replace(CROSS_REFERENCE, 'https://redirect.github.com/');
}

/** Where each code span of a line starts and ends: a backtick run closed by the next run of the same length. */
function codeSpans(line: string): [number, number][] {
  const runs = [...line.matchAll(/`+/g)].map((m) => ({ at: m.index, length: m[0].length }));
  const next = new Map<number, number>();
  const following = runs.map(() => -1);
  for (let k = runs.length - 1; k >= 0; k--) {
    following[k] = next.get(runs[k]!.length) ?? -1;
    next.set(runs[k]!.length, k);
  }
  const spans: [number, number][] = [];
  for (let k = 0; k < runs.length; k++) {
    const close = following[k]!;
    if (close < 0) continue;
    spans.push([runs[k]!.at, runs[close]!.at + runs[close]!.length]);
    k = close;
  }
  return spans;
}

/** One line of prose: raw HTML shown as text outside code spans; references and links defanged everywhere. */
function neutraliseProse(line: string): string {
  let out = '';
  let from = 0;
  for (const [start, end] of codeSpans(line)) {
    out += line.slice(from, start).replace(HTML_START, '\\<') + line.slice(start, end);
    from = end;
  }
  out += line.slice(from).replace(HTML_START, '\\<');
  return defangReferences(defangLinks(out))
    .replace(HEADING, '$1\\$2')
    .replace(DEFINITION, '$1\\[')
    .replace(SETEXT_OR_RULE, '$1\\$2');
}

/**
 * Markdown from elsewhere made safe to put between sections of a document, in one linear pass: it
 * cannot add headings, raw HTML, link or footnote definitions (they act on the whole document), or a
 * code fence that stays open (an opener without its closer becomes text); mentions, issue references
 * and links to issues are defanged, in code too. Formatting, lists, tables and code are kept.
 * Separate the result from what follows by a blank line.
 */
export function sanitizeMarkdown(markdown: string): string {
  const lines = stripHtmlComments(stripInvisible(markdown)).split('\n');
  // Fence openers that have a closer (opener line → closer line): only those stay fences.
  const fences = new Map<number, number>();
  for (let i = 0, open: { at: number; run: string } | undefined; i < lines.length; i++) {
    const fence = FENCE.exec(lines[i]!);
    if (!fence) continue;
    const [, , run, info] = fence as unknown as [string, string, string, string];
    if (!open) {
      if (!(run[0] === '`' && info.includes('`'))) open = { at: i, run };
    } else if (run[0] === open.run[0] && run.length >= open.run.length && info.trim() === '') {
      fences.set(open.at, i);
      open = undefined;
    }
  }
  const out: string[] = [];
  let closer: number | undefined;
  let indentedCode = false;
  let previousBlank = true;
  for (const [i, line] of lines.entries()) {
    const fence = FENCE.exec(line);
    if (closer !== undefined) {
      out.push(i === closer ? line : defangReferences(line));
      if (i === closer) closer = undefined;
    } else if (fence && fences.has(i)) {
      closer = fences.get(i);
      const lang = fence[3]!
        .trim()
        .split(/\s/)[0]!
        .replace(/[^\w+#.-]/g, '')
        .slice(0, 30);
      out.push(`${fence[1]}${fence[2]}${lang}`);
    } else if (line.trim() === '') {
      out.push('');
    } else if (/^(?: {4}|\t)/.test(line) && (previousBlank || indentedCode)) {
      indentedCode = true;
      out.push(defangReferences(line));
    } else {
      indentedCode = false;
      // An opener never closed would swallow everything after this text: show it as text.
      out.push(fence ? `\\${neutraliseProse(line.trimStart())}` : neutraliseProse(line));
    }
    previousBlank = line.trim() === '';
  }
  return out.join('\n').trim();
}

/** Cuts `input` to at most `max` characters plus a note saying how much was cut, at a line end when one is near. */
export function cutText(input: string, max: number): string {
  if (input.length <= max) return input;
  let cut = sliceChars(input, Math.max(0, max));
  const newline = cut.lastIndexOf('\n');
  if (newline > cut.length * 0.8) cut = cut.slice(0, newline);
  return `${cut.trimEnd()}\n\n… (${input.length - cut.length} more characters cut)`;
}

/** Slices without splitting a surrogate pair. */
function sliceChars(input: string, end: number): string {
  const code = input.charCodeAt(end - 1);
  return input.slice(0, code >= 0xd800 && code <= 0xdbff ? end - 1 : end);
}

/** A piece of text from elsewhere that may be cut to make a body fit, and how to render it once cut. */
export interface CuttableField<T> {
  source: string;
  render: (source: string) => T;
  /** Length of the rendered value, for choosing what to cut. */
  size: (rendered: T) => number;
}

/**
 * Renders a body that fits `limit` characters with `marker` intact at its end: while too long, the
 * largest field is cut (in proportion to the overflow) and rendered again, so cut markdown is still
 * well-formed. As a last resort every field is replaced by a short note.
 */
export function fitBody<T>(
  fields: CuttableField<T>[],
  assemble: (rendered: T[]) => string,
  marker: string,
  limit = GITHUB_BODY_LIMIT,
): string {
  // No field can be longer than the whole body: cut before rendering anything.
  const sources = fields.map((f) => cutText(f.source, limit));
  const rendered = fields.map((f, i) => f.render(sources[i]!));
  const withMarker = (body: string) => `${body}\n\n${marker}\n`;
  for (let round = 0; round < 12; round++) {
    const body = withMarker(assemble(rendered));
    if (body.length <= limit) return body;
    const sizes = rendered.map((r, i) => fields[i]!.size(r));
    const largest = sizes.indexOf(Math.max(...sizes));
    if (largest < 0 || sizes[largest] === 0) break;
    const over = body.length - limit;
    const keep = Math.max(0, (sizes[largest]! - over - 256) / sizes[largest]!);
    sources[largest] = cutText(sources[largest]!, Math.floor(sources[largest]!.length * keep));
    rendered[largest] = fields[largest]!.render(sources[largest]!);
  }
  const notes = fields.map((f) => f.render('(too long to show here)'));
  const body = withMarker(assemble(notes));
  return body.length <= limit ? body : withMarker(sliceChars(assemble(notes), limit - marker.length - 4));
}
