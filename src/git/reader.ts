import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { cacheGit, ensureTrees, fetchMissingObjects, type UpstreamCache } from './cache.js';
import { GitError, gitEnv, runGit, SAFE_GIT_CONFIG } from './run.js';

export type Side = 'from' | 'to';

/** Reads a file of the upstream at either end of the compared range; undefined when it does not exist there. */
export interface RepoReader {
  readFile(ref: Side, path: string): Promise<string | undefined>;
  /**
   * Which of these paths have a line that matches `pattern` at either end (git grep, in its own
   * process): a question a rule asks before it reads files only to look for something. The pattern
   * is a POSIX extended regular expression matched byte by byte (write only what Perl's regexes
   * read the same: git grep uses those where it has them, being faster). Not every reader answers.
   */
  filesMatching?(ref: Side, paths: readonly string[], pattern: string): Promise<Set<string>>;
  /** Every file path of the tree at one end (git ls-tree). Not every reader answers. */
  listFiles?(ref: Side): Promise<string[]>;
}

/** Paths handed to one `git grep`: well under any system's limit on a command line. */
const GREP_PATHS = 2_000;

/** A repository-relative path that cannot leave the repository: no absolute path, no `..`, no oddities. */
export function isSafeRepoPath(path: string): boolean {
  if (path === '' || path.startsWith('/') || /^[A-Za-z]:/.test(path)) return false;
  // Tabs are legal in git paths; other control characters (a line break ends a batch request) are not.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\\\x00-\x08\x0a-\x1f\x7f]/.test(path)) return false;
  return path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

const CACHE_ENTRIES = 64;
/** Blobs asked for ahead of the one being read. */
const BLOB_WINDOW = 32;

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
    return (await batch.read(`${commits[ref]}:${path}`))?.toString('utf8');
  };
  return {
    readFile: cached(read),
    async filesMatching(ref, paths, pattern) {
      const found = new Set<string>();
      const prefix = `${commits[ref]}:`;
      const safe = paths.filter(isSafeRepoPath);
      const grep = (syntax: '-P' | '-E', batch: readonly string[]) =>
        // Binary files too and no textconv: what readFile's text holds. The C locale: bytes.
        runGit(
          [
            ...[
              '--git-dir',
              gitDir,
              '--literal-pathspecs',
              'grep',
              '-l',
              '-z',
              '--no-color',
              '--no-textconv',
            ],
            ...[syntax, '-e', pattern, commits[ref], '--', ...batch],
          ],
          { okExitCodes: [1] },
        );
      let syntax: '-P' | '-E' = '-P';
      for (let at = 0; at < safe.length; at += GREP_PATHS) {
        const batch = safe.slice(at, at + GREP_PATHS);
        // A git built without Perl's regexes refuses -P: the extended ones then.
        const { stdout } = await grep(syntax, batch).catch((error: unknown) => {
          if (syntax === '-E') throw error;
          syntax = '-E';
          return grep(syntax, batch);
        });
        for (const name of stdout.split('\0'))
          if (name.startsWith(prefix)) found.add(name.slice(prefix.length));
      }
      return found;
    },
    async listFiles(ref) {
      const { stdout } = await runGit([
        '--git-dir',
        gitDir,
        'ls-tree',
        '-r',
        '-z',
        '--name-only',
        commits[ref],
      ]);
      return stdout.split('\0').filter((path) => path !== '');
    },
    close: () => batch?.close(),
  };
}

/** A long-lived `git cat-file --batch`: requests go in on stdin, answers come back in order. */
class CatFileBatch {
  private readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  private readonly waiting: {
    spec: string;
    resolve: (content: Buffer | undefined) => void;
    reject: (error: Error) => void;
  }[] = [];
  /** Unread output as received: joined only once a whole answer is there, so a large blob costs linear time. */
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The answer being read: its header is parsed, its content (size bytes + LF) is still arriving. */
  private pending?: { size: number; blob: boolean };
  private stderr = '';
  private failed?: Error;

  constructor(gitDir: string) {
    this.child = spawn('git', [...SAFE_GIT_CONFIG, '--git-dir', gitDir, 'cat-file', '--batch'], {
      env: gitEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
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

  /** The object's content when it is a blob; undefined when missing, ambiguous or not a blob. */
  read(spec: string): Promise<Buffer | undefined> {
    if (this.failed) return Promise.reject(this.failed);
    // The request is one line: a path with a line break cannot be asked for (and cannot be a blob we list).
    if (/[\n\r]/.test(spec)) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.waiting.push({ spec, resolve, reject });
      this.child.stdin.write(`${spec}\n`);
    });
  }

  /** The first n buffered bytes, removed from the buffer (one copy, however many chunks they span). */
  private take(n: number): Buffer {
    // Only the chunks that hold the n bytes are joined: many answers may be buffered behind them.
    let count = 0;
    let length = 0;
    while (length < n) length += this.chunks[count++]!.length;
    const span = this.chunks.splice(0, count);
    const all = span.length === 1 ? span[0]! : Buffer.concat(span, length);
    const rest = all.subarray(n);
    if (rest.length > 0) this.chunks.unshift(rest);
    this.buffered -= n;
    return all.subarray(0, n);
  }

  /** Index of the first LF in the buffer, or -1. */
  private newline(): number {
    let offset = 0;
    for (const chunk of this.chunks) {
      const at = chunk.indexOf(10);
      if (at !== -1) return offset + at;
      offset += chunk.length;
    }
    return -1;
  }

  private drain() {
    while (this.waiting.length > 0) {
      if (!this.pending) {
        const newline = this.newline();
        if (newline === -1) return;
        const header = this.take(newline + 1)
          .subarray(0, newline)
          .toString('utf8');
        const match = /^[0-9a-f]{40,64} (\w+) (\d+)$/.exec(header);
        if (!match) {
          // "<spec> missing" / "<spec> ambiguous" carry no content. The spec may hold spaces, so the
          // reply is told from an object header by its shape, never by splitting on spaces.
          if (/ (missing|ambiguous)$/.test(header)) {
            this.waiting.shift()!.resolve(undefined);
            continue;
          }
          this.failed ??= new GitError(
            ['cat-file', '--batch'],
            undefined,
            `unexpected answer: ${header.slice(0, 200)}`,
          );
          for (const w of this.waiting.splice(0)) w.reject(this.failed);
          this.child.kill();
          return;
        }
        this.pending = { size: Number(match[2]), blob: match[1] === 'blob' };
      }
      const { size, blob } = this.pending;
      if (this.buffered < size + 1) return;
      const content = this.take(size + 1).subarray(0, size);
      this.pending = undefined;
      this.waiting.shift()!.resolve(blob ? content : undefined);
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

const HEX_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * Files at a commit, read from the cache, fetching the missing blobs in one request first (a lazy
 * fetch per blob costs seconds each). Paths that do not exist there, or are folders or submodules,
 * are absent from the map.
 */
export async function readFilesAtRef(
  cache: UpstreamCache,
  commit: string,
  paths: readonly string[],
): Promise<Map<string, string>> {
  const contents = new Map<string, string>();
  if (!HEX_ID.test(commit)) throw new Error(`readFilesAtRef needs a full commit id, got "${commit}"`);
  // A path that cannot be in the tree (absolute, `..`, control characters) is simply absent.
  const wanted = [...new Set(paths)].filter(isSafeRepoPath);
  if (wanted.length === 0) return contents;
  await ensureTrees(cache, [commit]);
  const { stdout } = await cacheGit(cache, [
    '--literal-pathspecs',
    'ls-tree',
    '-z',
    '--full-tree',
    '--end-of-options',
    commit,
    '--',
    ...wanted,
  ]);
  const blobs = new Map<string, string>();
  const asked = new Set(wanted);
  for (const entry of stdout.split('\0')) {
    const match = /^(\d+) (\w+) ([0-9a-f]+)\t([\s\S]*)$/.exec(entry);
    // A folder that was asked for and also leads to another asked path lists its whole content.
    if (match?.[2] === 'blob' && asked.has(match[4]!)) blobs.set(match[4]!, match[3]!);
  }
  const ids = [...new Set(blobs.values())];
  await fetchMissingObjects(cache, ids);
  const texts = new Map<string, string>();
  await forEachBlob(cache, ids, (id, content) => texts.set(id, content.toString('utf8')));
  for (const path of wanted) {
    const text = texts.get(blobs.get(path) ?? '');
    if (text) contents.set(path, text);
  }
  return contents;
}

/**
 * Streams blobs of the cache to `onBlob` in the given order, one `git cat-file --batch` for all.
 * Call after the blobs are local: an id the cache lacks is skipped (reported as missing), never fatal.
 */
export async function forEachBlob(
  cache: UpstreamCache,
  ids: readonly string[],
  onBlob: (id: string, content: Buffer) => void,
): Promise<void> {
  if (ids.length === 0) return;
  const batch = new CatFileBatch(cache.dir);
  try {
    // Requests go out a window ahead of the answers read: a round trip per blob costs seconds on a big tree.
    const inFlight: Promise<Buffer | undefined>[] = [];
    let next = 0;
    for (let index = 0; index < ids.length; index++) {
      while (next < ids.length && next < index + BLOB_WINDOW) inFlight.push(batch.read(ids[next++]!));
      const content = await inFlight.shift()!;
      if (content) onBlob(ids[index]!, content);
    }
  } finally {
    batch.close();
  }
}

/** One file at a commit, or undefined when it does not exist there. */
export async function readFileAtRef(cache: UpstreamCache, commit: string, path: string) {
  return (await readFilesAtRef(cache, commit, [path])).get(path);
}
