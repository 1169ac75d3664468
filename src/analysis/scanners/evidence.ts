import { type Side, splitLines } from '../../git/reader.js';
import { ownCopy } from '../../util/own-copy.js';
import { type FileDiff, numberedLines } from '../patch/patch.js';
import type { Evidence } from '../schema.js';

const MAX_EXCERPT = 300;
const MAX_LINES = 3;

/** Evidence over lines [start, end] of `lines` (1-based); the excerpt is their first few lines. */
export function linesEvidence(
  path: string,
  ref: Side,
  lines: readonly string[],
  start: number,
  end = start,
): Evidence {
  const last = Math.min(end, lines.length);
  const excerpt = lines
    .slice(start - 1, Math.min(last, start + MAX_LINES - 1))
    .join('\n')
    .trim();
  return {
    path,
    ref,
    startLine: start,
    endLine: Math.max(start, last),
    excerpt: ownCopy(excerpt.slice(0, MAX_EXCERPT)),
  };
}

/** Evidence for one line of a file, with the line's text as excerpt. */
export const lineEvidence = (path: string, ref: Evidence['ref'], line: number, text: string): Evidence => ({
  path,
  ref,
  startLine: line,
  endLine: line,
  excerpt: ownCopy(text.trim().slice(0, MAX_EXCERPT)),
});

/** The first lines of a whole file (added, deleted, renamed): shows it exists at that ref. */
export function fileHeadEvidence(path: string, ref: Side, content: string | undefined): Evidence[] {
  if (content === undefined) return [];
  const lines = splitLines(content);
  return [linesEvidence(path, ref, lines, 1, Math.min(lines.length, MAX_LINES) || 1)];
}

/**
 * Evidence for the changes of a diff: per hunk, the first run of added lines (at `to`), or of
 * removed lines (at `from`) when the hunk only removes.
 */
export function hunkEvidence(diff: FileDiff, max: number): Evidence[] {
  const evidence: Evidence[] = [];
  for (const hunk of diff.hunks) {
    if (evidence.length >= max) break;
    const lines = [...numberedLines(hunk)];
    const kind = lines.some((l) => l.kind === '+') ? '+' : '-';
    const first = lines.findIndex((l) => l.kind === kind);
    if (first === -1) continue;
    const run = [];
    for (let i = first; i < lines.length && lines[i]!.kind === kind && run.length < MAX_LINES; i++) {
      run.push(lines[i]!);
    }
    evidence.push({
      path: kind === '+' ? diff.newPath : diff.oldPath,
      ref: kind === '+' ? 'to' : 'from',
      startLine: run[0]!.line,
      endLine: run[run.length - 1]!.line,
      excerpt: ownCopy(
        run
          .map((l) => l.text)
          .join('\n')
          .trim()
          .slice(0, MAX_EXCERPT),
      ),
    });
  }
  return evidence;
}
