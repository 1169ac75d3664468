import picomatch from 'picomatch';
import type { ChangedFile } from '../artifacts/schema.js';
import type { UpstreamConfig } from '../config/schema.js';

type FileStatus = ChangedFile['status'];
export type FileChange = Omit<ChangedFile, 'surfaces' | 'ignored'>;

const STATUS: Record<string, FileStatus> = {
  A: 'added',
  D: 'deleted',
  M: 'modified',
  R: 'renamed',
  C: 'copied',
  T: 'type-changed',
};

/** `git diff` options that list the files (with the patch's own options, so renames match). */
export const CHANGES_DIFF_ARGS = ['--raw', '--numstat', '-z', '--no-abbrev'] as const;

/**
 * Parses `git diff --raw --numstat -z` output (all raw records, then all numstat records, in the
 * same order) into one entry per changed file.
 */
export function parseRawNumstat(output: string): FileChange[] {
  const tokens = output.split('\0');
  const raw: { status: FileStatus; path: string; oldPath?: string }[] = [];
  const stats: { additions: number; deletions: number; binary: boolean; path: string }[] = [];
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i++]!;
    if (token === '' || token === '\n') continue;
    if (token.startsWith(':')) {
      const letter = token.split(' ')[4]?.[0] ?? 'M';
      const status = STATUS[letter] ?? 'modified';
      if (letter === 'R' || letter === 'C') {
        raw.push({ status, oldPath: tokens[i]!, path: tokens[i + 1]! });
        i += 2;
      } else {
        raw.push({ status, path: tokens[i]! });
        i += 1;
      }
      continue;
    }
    // numstat: "added\tdeleted\tpath", or "added\tdeleted\t" followed by old and new path for a rename.
    const first = token.indexOf('\t');
    const second = token.indexOf('\t', first + 1);
    const added = token.slice(0, first);
    const deleted = token.slice(first + 1, second);
    let path = token.slice(second + 1);
    if (path === '') {
      path = tokens[i + 1]!;
      i += 2;
    }
    const binary = added === '-' && deleted === '-';
    stats.push({
      additions: binary ? 0 : Number(added),
      deletions: binary ? 0 : Number(deleted),
      binary,
      path,
    });
  }
  if (raw.length !== stats.length) {
    throw new Error(`git diff listed ${raw.length} raw records but ${stats.length} numstat records`);
  }
  return raw.map((entry, index) => {
    const stat = stats[index]!;
    if (stat.path !== entry.path) {
      throw new Error(`git diff records out of step: ${entry.path} vs ${stat.path}`);
    }
    return {
      path: entry.path,
      ...(entry.oldPath !== undefined ? { oldPath: entry.oldPath } : {}),
      status: entry.status,
      additions: stat.additions,
      deletions: stat.deletions,
      binary: stat.binary,
    };
  });
}

export type FileClassifier = (file: FileChange) => ChangedFile;

/**
 * Matches each file's old and new path against the upstream's surface globs and `ignore` globs
 * (picomatch, dotfiles included). A file is ignored when every path it has is ignored, so a rename
 * out of an ignored folder still counts.
 */
export function fileClassifier(upstream: Pick<UpstreamConfig, 'surfaces' | 'ignore'>): FileClassifier {
  const surfaces = Object.entries(upstream.surfaces).map(
    ([name, globs]) => [name, picomatch(globs, { dot: true })] as const,
  );
  const ignore = upstream.ignore.length > 0 ? picomatch(upstream.ignore, { dot: true }) : () => false;
  return (file) => {
    const paths = file.oldPath !== undefined ? [file.oldPath, file.path] : [file.path];
    return {
      ...file,
      surfaces: surfaces.filter(([, matches]) => paths.some((path) => matches(path))).map(([name]) => name),
      ignored: paths.every((path) => ignore(path)),
    };
  };
}

export interface ChangeTotals {
  files: number;
  ignored: number;
  binary: number;
  additions: number;
  deletions: number;
  /** Surface → files in it that are not ignored; only surfaces with at least one. */
  surfaces: Record<string, number>;
}

export function changeTotals(files: readonly ChangedFile[]): ChangeTotals {
  const totals: ChangeTotals = {
    files: files.length,
    ignored: 0,
    binary: 0,
    additions: 0,
    deletions: 0,
    surfaces: {},
  };
  for (const file of files) {
    totals.additions += file.additions;
    totals.deletions += file.deletions;
    if (file.binary) totals.binary += 1;
    if (file.ignored) {
      totals.ignored += 1;
      continue;
    }
    for (const surface of file.surfaces) totals.surfaces[surface] = (totals.surfaces[surface] ?? 0) + 1;
  }
  return totals;
}
