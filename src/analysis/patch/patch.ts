import { createReadStream } from 'node:fs';
import { parsePatch } from 'diff';
import type { ChangedFile } from '../../artifacts/schema.js';
import { ownCopy } from '../../util/own-copy.js';

/** One hunk of a file's diff: `lines` keep their `+`/`-`/` `/`\` prefix, exactly as in the patch. */
export interface Hunk {
  /** The `@@ -a,b +c,d @@ heading` line. */
  header: string;
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: string[];
}

/** One file of diff.patch, parsed. */
export interface FileDiff {
  /** New path, or the old one for a deletion: the key files.json uses. */
  path: string;
  oldPath: string;
  newPath: string;
  status: ChangedFile['status'];
  binary: boolean;
  hunks: Hunk[];
  /** The file's diff was larger than the per-file cap (or unparseable): hunks were dropped. */
  oversized: boolean;
  /** Left unparsed on request (`skip`): hunks were dropped. */
  skipped?: boolean;
}

export interface NumberedLine {
  kind: '+' | '-' | ' ';
  text: string;
  /** Its index in `hunk.lines`. */
  at: number;
  /** Line number on the side the line exists on (`from` for `-`, `to` for `+` and context). */
  line: number;
  oldLine?: number;
  newLine?: number;
}

/** The hunk's lines with their line numbers on each side (the `\ No newline` markers left out). */
export function* numberedLines(hunk: Hunk): Generator<NumberedLine> {
  let oldLine = hunk.oldStart;
  let newLine = hunk.newStart;
  for (let at = 0; at < hunk.lines.length; at++) {
    const raw = hunk.lines[at]!;
    const kind = raw[0];
    const text = raw.slice(1);
    if (kind === '-') yield { kind, text, at, line: oldLine, oldLine: oldLine++ };
    else if (kind === '+') yield { kind, text, at, line: newLine, newLine: newLine++ };
    else if (kind === ' ') yield { kind, text, at, line: newLine, oldLine: oldLine++, newLine: newLine++ };
  }
}

/**
 * Lines of one side a file's change touches: its own changed lines, and both neighbours of each place
 * where the other side has lines this one lacks (so an item a line was added to or removed from counts
 * as touched on both sides). Sorted.
 */
export function touchedLines(diff: FileDiff, side: 'from' | 'to'): number[] {
  const own = side === 'from' ? '-' : '+';
  const marked: number[] = [];
  for (const hunk of diff.hunks) {
    let at = side === 'from' ? hunk.oldStart : hunk.newStart;
    for (const raw of hunk.lines) {
      const kind = raw[0];
      if (kind === ' ') at++;
      else if (kind === own) marked.push(at++);
      else if (kind === '-' || kind === '+') marked.push(at - 1, at);
    }
  }
  return marked.sort((a, b) => a - b);
}

/** Whether a sorted list of lines (`touchedLines`) has one in a span of lines. */
export function touches(segment: { startLine: number; endLine: number }, sorted: readonly number[]): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < segment.startLine) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo]! <= segment.endLine;
}

export const isDeletionOnly = (hunk: Hunk) => hunk.newLines === 0 || !hunk.lines.some((l) => l[0] === '+');
export const isAdditionOnly = (hunk: Hunk) => !hunk.lines.some((l) => l[0] === '-');

const DEFAULT_MAX_FILE_CHARS = 4_000_000;

/**
 * Chunks of 64 KiB: one await per chunk, not per line, and each chunk small enough for V8's young
 * generation. A string of 128 KiB or more is a large object to V8: it moves to the old generation the
 * first time it outlives a scavenge (its lines are still being read) and stays until a full collection.
 * 1 MiB chunks made about 55 MiB of the bench's peak RSS.
 */
const CHUNK = 1 << 16;

/**
 * Splits a text stream into lines on `\n` only (a lone `\r` inside a diff line is content),
 * a chunk's worth of lines at a time (one await per line would dominate the run time).
 */
async function* readLines(file: string): AsyncGenerator<string[]> {
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: CHUNK })) {
    const lines = (rest + (chunk as string)).split('\n');
    rest = lines.pop()!;
    yield lines;
  }
  if (rest !== '') yield [rest];
}

/**
 * A file name of the patch without its `a/`/`b/` prefix. Paths outlive the file's diff (in findings
 * and evidence): an own copy, not a slice that keeps the patch text alive.
 */
const stripPrefix = (name: string | undefined, prefix: 'a/' | 'b/') =>
  name === undefined || name === '/dev/null'
    ? undefined
    : ownCopy(name.startsWith(prefix) ? name.slice(2) : name);

/** `diff --git a/x b/y` for a file with no ---/+++ lines (binary, pure rename, mode change, empty file). */
function statusOf(patch: ReturnType<typeof parsePatch>[number]): FileDiff['status'] {
  if (patch.isCreate) return 'added';
  if (patch.isDelete) return 'deleted';
  if (patch.isRename) return 'renamed';
  if (patch.isCopy) return 'copied';
  return 'modified';
}

/** The lines before the first hunk: `diff --git`, modes, rename/index lines, `---`/`+++`. */
function headerLines(lines: string[]): string[] {
  const first = lines.findIndex((l) => l.startsWith('@@ '));
  return first === -1 ? lines : lines.slice(0, first);
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * The hunks of one file's lines from `first` (its first `@@` line) on, read with jsdiff's rules (an
 * empty line inside a hunk is context, `\ No newline` lines belong to the hunk before, counts must add
 * up): undefined when they do not. The lines are taken as they are, never joined and split again.
 */
function readHunks(lines: readonly string[], first: number): Hunk[] | undefined {
  const hunks: Hunk[] = [];
  let i = first;
  while (i < lines.length) {
    const header = lines[i]!;
    if (header === '') {
      i++;
      continue;
    }
    const m = HUNK_HEADER.exec(header);
    if (!m) return undefined;
    const oldCount = m[2] === undefined ? 1 : Number(m[2]);
    const newCount = m[4] === undefined ? 1 : Number(m[4]);
    let removed = 0;
    let added = 0;
    const start = ++i;
    for (; i < lines.length && (removed < oldCount || added < newCount || lines[i]!.startsWith('\\')); i++) {
      const line = lines[i]!;
      const kind = line.length === 0 && i !== lines.length - 1 ? ' ' : line[0];
      if (kind === '+') added++;
      else if (kind === '-') removed++;
      else if (kind === ' ') {
        added++;
        removed++;
      } else if (kind !== '\\') return undefined;
    }
    // A one-line count with no such line is an empty side (jsdiff's reading).
    const oldLines = removed === 0 && oldCount === 1 ? 0 : oldCount;
    const newLines = added === 0 && newCount === 1 ? 0 : newCount;
    if (removed !== oldLines || added !== newLines) return undefined;
    // Starts as the patch gives them: for an empty side, the line after which the other side's lines go.
    hunks.push({
      header,
      oldStart: Number(m[1]),
      oldLines,
      newStart: Number(m[3]),
      newLines,
      lines: lines.slice(start, i),
    });
  }
  return hunks;
}

/**
 * Parses one file's slice of the patch: jsdiff reads the header lines (renames, binary, modes), the
 * hunks are read in place (`readHunks`).
 */
export function parseFileChunk(lines: string[], oversized = false): FileDiff | undefined {
  const header = headerLines(lines);
  const patch = parsePatch(header.join('\n'))[0];
  if (!patch) return undefined;
  const oldPath = stripPrefix(patch.oldFileName, 'a/');
  const newPath = stripPrefix(patch.newFileName, 'b/');
  const path = newPath ?? oldPath;
  if (!path) return undefined;
  // A hunk whose counts do not add up: keep the file, drop its hunks.
  const hunks = readHunks(lines, header.length);
  return {
    path,
    oldPath: oldPath ?? path,
    newPath: newPath ?? path,
    status: statusOf(patch),
    binary: patch.isBinary === true,
    oversized: oversized || hunks === undefined,
    hunks: hunks ?? [],
  };
}

/**
 * Streams diff.patch one file at a time: memory holds one file's diff, never the whole patch.
 * A file whose diff exceeds `maxFileChars` keeps its headers only and is marked oversized.
 */
export async function* streamPatch(
  file: string,
  options: { maxFileChars?: number; skip?: (path: string) => boolean } = {},
): AsyncGenerator<FileDiff> {
  const max = options.maxFileChars ?? DEFAULT_MAX_FILE_CHARS;
  let lines: string[] = [];
  let size = 0;
  let oversized = false;
  let inHunks = false;
  let skipped: FileDiff | undefined;
  const flush = () => {
    const parsed = skipped ?? (lines.length > 0 ? parseFileChunk(lines, oversized) : undefined);
    lines = [];
    size = 0;
    oversized = false;
    inHunks = false;
    skipped = undefined;
    return parsed;
  };
  for await (const chunk of readLines(file)) {
    for (const line of chunk) {
      if (line.startsWith('diff --git ')) {
        const done = flush();
        if (done) yield done;
      } else if (!inHunks && line.startsWith('@@ ')) {
        inHunks = true;
        // Files the caller does not want (lockfiles, ignored): read the header, skip the hunks.
        const header = options.skip ? parseFileChunk(lines) : undefined;
        if (header && options.skip!(header.path)) skipped = { ...header, skipped: true };
      }
      if (oversized || skipped) continue;
      size += line.length + 1;
      if (size > max) {
        // Keep the header lines only; the counts in files.json still tell the size.
        oversized = true;
        lines = headerLines(lines);
        continue;
      }
      lines.push(line);
    }
  }
  const done = flush();
  if (done) yield done;
}
