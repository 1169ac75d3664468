import picomatch from 'picomatch';
import type { ChangedFile } from '../artifacts/schema.js';
import type { UpstreamConfig } from '../config/schema.js';
import type { FileChange } from '../git/changes.js';

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
