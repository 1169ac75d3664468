import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { GitError, gitEnv, SAFE_GIT_CONFIG } from '../git/run.js';

export type Side = 'from' | 'to';

/** Reads a file of the upstream at either end of the compared range; undefined when it does not exist there. */
export interface RepoReader {
  readFile(ref: Side, path: string): Promise<string | undefined>;
}

/** A repository-relative path that cannot leave the repository: no absolute path, no `..`, no oddities. */
export function isSafeRepoPath(path: string): boolean {
  if (path === '' || path.startsWith('/') || /^[A-Za-z]:/.test(path)) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\\\x00-\x1f]/.test(path)) return false;
  return path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

const CACHE_ENTRIES = 64;

/** Wraps a reader with a small cache: scanners and the verifier read the same files. */
function cached(read: (ref: Side, path: string) => Promise<string | undefined>) {
  const cache = new Map<string, Promise<string | undefined>>();
  return (ref: Side, path: string) => {
    const key = `${ref}\0${path}`;
    let entry = cache.get(key);
    if (!entry) {
      entry = read(ref, path);
      cache.set(key, entry);
      if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    }
    return entry;
  };
}

/**
 * RepoReader over a git directory (the upstream cache, bare or not). One `git cat-file --batch`
 * process answers every read (a process per file costs seconds on a large release); a missing path
 * is an answer, not an error. Call close() when done.
 */
export function gitRepoReader(gitDir: string, commits: Record<Side, string>): RepoReader & { close(): void } {
  let batch: CatFileBatch | undefined;
  const read = async (ref: Side, path: string) => {
    if (!isSafeRepoPath(path)) return undefined;
    batch ??= new CatFileBatch(gitDir);
    return batch.read(`${commits[ref]}:${path}`);
  };
  return {
    readFile: cached(read),
    close: () => batch?.close(),
  };
}

/** A long-lived `git cat-file --batch`: requests go in on stdin, answers come back in order. */
class CatFileBatch {
  private readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  private readonly waiting: {
    resolve: (text: string | undefined) => void;
    reject: (error: Error) => void;
  }[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private stderr = '';
  private failed?: Error;

  constructor(gitDir: string) {
    this.child = spawn('git', [...SAFE_GIT_CONFIG, '--git-dir', gitDir, 'cat-file', '--batch'], {
      env: gitEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-2_000);
    });
    const fail = (error: Error) => {
      this.failed ??= error;
      for (const w of this.waiting.splice(0)) w.reject(this.failed);
    };
    this.child.on('error', fail);
    this.child.on('exit', (code) => {
      if (this.waiting.length > 0)
        fail(
          new GitError(
            ['cat-file', '--batch'],
            code ?? undefined,
            this.stderr || 'git cat-file exited early',
          ),
        );
    });
    this.child.stdin.on('error', fail);
  }

  read(spec: string): Promise<string | undefined> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(`${spec}\n`);
    });
  }

  private drain() {
    for (;;) {
      const newline = this.buffer.indexOf(10);
      if (newline === -1 || this.waiting.length === 0) return;
      const header = this.buffer.subarray(0, newline).toString().split(' ');
      if (header.length !== 3) {
        // "<spec> missing" or "<spec> ambiguous": no content follows.
        this.buffer = this.buffer.subarray(newline + 1);
        this.waiting.shift()!.resolve(undefined);
        continue;
      }
      const size = Number(header[2]);
      const end = newline + 1 + size;
      if (this.buffer.length < end + 1) return;
      const content = this.buffer.subarray(newline + 1, end);
      this.buffer = this.buffer.subarray(end + 1);
      this.waiting.shift()!.resolve(header[1] === 'blob' ? content.toString('utf8') : undefined);
    }
  }

  close() {
    this.child.stdin.end();
  }
}

/** Lines of a file as the evidence line numbers count them (1-based; a final newline ends the last line). */
export function splitLines(content: string): string[] {
  const lines = content.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
