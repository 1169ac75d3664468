import { createReadStream } from 'node:fs';

export type FileStatus = 'added' | 'deleted' | 'modified' | 'renamed' | 'copied' | 'type-changed';

/** One changed file as git reports it (files.json adds the surfaces and whether it is ignored). */
export interface FileChange {
  status: FileStatus;
  path: string;
  oldPath?: string;
  additions: number;
  deletions: number;
  binary: boolean;
}

const STATUS: Record<string, FileStatus> = {
  A: 'added',
  D: 'deleted',
  M: 'modified',
  R: 'renamed',
  C: 'copied',
  T: 'type-changed',
};

/**
 * One `git diff` for three artifacts: raw and numstat records (NUL-separated, for files.json), then
 * the stat, a NUL, and the patch. Computing the diff once instead of three times is most of what
 * makes a large cold diff cheap.
 */
export const COMBINED_DIFF_ARGS = ['--raw', '--numstat', '-z', '--patch'] as const;

interface RawRecord {
  status: FileStatus;
  path: string;
  oldPath?: string;
}
interface StatRecord {
  additions: number;
  deletions: number;
  binary: boolean;
  path: string;
}

/**
 * Reads `git diff --raw --numstat -z` records one NUL-separated token at a time: all raw records,
 * then as many numstat records, in the same order. `push` answers false at the first token past them.
 */
export class RawNumstatParser {
  private readonly raw: RawRecord[] = [];
  private readonly stats: StatRecord[] = [];
  private pending?: { paths: string[]; needs: number; finish: (paths: string[]) => void };

  push(token: string): boolean {
    if (this.pending) {
      this.pending.paths.push(token);
      if (this.pending.paths.length === this.pending.needs) {
        const { finish, paths } = this.pending;
        this.pending = undefined;
        finish(paths);
      }
      return true;
    }
    if (this.stats.length === 0 && token.startsWith(':')) {
      const letter = token.split(' ')[4]?.[0] ?? 'M';
      const status = STATUS[letter] ?? 'modified';
      const renamed = letter === 'R' || letter === 'C';
      this.pending = {
        paths: [],
        needs: renamed ? 2 : 1,
        finish: ([first, second]) =>
          this.raw.push(renamed ? { status, oldPath: first!, path: second! } : { status, path: first! }),
      };
      return true;
    }
    if (this.stats.length >= this.raw.length) return false;
    // "added\tdeleted\tpath", or "added\tdeleted\t" followed by the old and the new path of a rename.
    const [added = '', deleted = ''] = token.split('\t', 2);
    const path = token.slice(added.length + deleted.length + 2);
    const binary = added === '-' && deleted === '-';
    const record = (name: string) =>
      this.stats.push({
        additions: binary ? 0 : Number(added),
        deletions: binary ? 0 : Number(deleted),
        binary,
        path: name,
      });
    if (path !== '') record(path);
    else this.pending = { paths: [], needs: 2, finish: (paths) => record(paths[1]!) };
    return true;
  }

  /** One entry per changed file; throws when the two halves do not line up. */
  files(): FileChange[] {
    if (this.pending || this.raw.length !== this.stats.length) {
      throw new Error(
        `git diff listed ${this.raw.length} raw records but ${this.stats.length} numstat records`,
      );
    }
    return this.raw.map((entry, index) => {
      const stat = this.stats[index]!;
      if (stat.path !== entry.path)
        throw new Error(`git diff records out of step: ${entry.path} vs ${stat.path}`);
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
}

/** Parses complete `git diff --raw --numstat -z` output. */
export function parseRawNumstat(output: string): FileChange[] {
  const parser = new RawNumstatParser();
  for (const token of output.split('\0')) if (!parser.push(token)) break;
  return parser.files();
}

/**
 * Reads the head of a combined diff file (records and stat) without loading the patch: returns the
 * files, the stat text and the byte offset where the patch starts.
 */
export async function readCombinedDiff(
  file: string,
): Promise<{ files: FileChange[]; stat: string; patchOffset: number }> {
  const parser = new RawNumstatParser();
  let carry: Buffer = Buffer.alloc(0);
  let consumed = 0;
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const buffer: Buffer = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      let start = 0;
      for (let nul = buffer.indexOf(0); nul !== -1; nul = buffer.indexOf(0, start)) {
        // UTF-8 never has a 0 byte inside a character, so splitting bytes on NUL is safe.
        const token = buffer.toString('utf8', start, nul);
        start = nul + 1;
        if (!parser.push(token)) return { files: parser.files(), stat: token, patchOffset: consumed + start };
      }
      consumed += start;
      carry = buffer.subarray(start);
    }
  } finally {
    stream.destroy();
  }
  // No patch follows (nothing changed): what is left is the stat, if anything.
  return { files: parser.files(), stat: carry.toString('utf8'), patchOffset: consumed + carry.length };
}
