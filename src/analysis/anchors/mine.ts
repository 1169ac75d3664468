import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Errors } from '../../errors.js';
import { GitError, type GitRunner, runGit } from '../../git/run.js';
import type { Emit } from './extract-ts.js';
import { type AnchorTable, type BlobAnchors, emptyStore, type MinedStore } from './store.js';
import type { MinedAnchor } from './types.js';

/** What mining a downstream checkout gave. */
export interface MinedDownstream {
  /** HEAD commit mined, or "worktree" when tracked files differ from it (or there is no commit yet). */
  commit: string;
  anchors: MinedAnchor[];
  /** Tracked files of a mined kind. */
  files: number;
  /** Files read and parsed in this call: 0 when the cache answered. */
  parsed: number;
}

const TS_EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.jsx']);
const JSON_EXTENSIONS = new Set(['.json', '.jsonc', '.json5']);
const YAML_EXTENSIONS = new Set(['.yaml', '.yml']);
const MARKDOWN_EXTENSIONS = new Set(['.md', '.mdx', '.markdown']);
/** Lock files list every package of the tree: what the downstream installs, not what its code uses. */
const LOCK_FILES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'pnpm-lock.yaml',
  'yarn.lock',
  'bun.lock',
  'deno.lock',
]);
/** Larger files are generated or vendored, not written against the upstream. */
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_EXCERPT = 200;

type Miner = (path: string, text: string, emit: Emit) => void;
type MinerKind = 'ts' | 'json' | 'yaml' | 'markdown';
type Miners = Record<MinerKind, Miner>;

function minerFor(path: string): MinerKind | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (LOCK_FILES.has(name) || /\.min\.[cm]?js$/.test(name) || name.endsWith('.d.ts')) return undefined;
  const extension = extname(name).toLowerCase();
  if (TS_EXTENSIONS.has(extension)) return 'ts';
  if (JSON_EXTENSIONS.has(extension)) return 'json';
  if (YAML_EXTENSIONS.has(extension)) return 'yaml';
  if (MARKDOWN_EXTENSIONS.has(extension)) return 'markdown';
  return undefined;
}

/**
 * The parsers, loaded only when some file needs parsing: the TypeScript compiler alone takes 0.15 s
 * to load, about what a whole mining costs when the store answers.
 */
async function loadMiners(): Promise<Miners> {
  const [{ mineTypeScript }, { mineJson, mineYaml, mineMarkdown }] = await Promise.all([
    import('./extract-ts.js'),
    import('./extract-text.js'),
  ]);
  return {
    ts: mineTypeScript,
    json: mineJson,
    yaml: (_path, text, emit) => mineYaml(text, emit),
    markdown: (_path, text, emit) => mineMarkdown(text, emit),
  };
}

/** A tracked file: its path (relative to the checkout) and the blob the index holds for it. */
export interface TrackedFile {
  path: string;
  blob: string;
}

/** The checkout's state: the tracked files (as `git ls-files` lists them, so .gitignore holds), HEAD, what is dirty. */
export async function downstreamFiles(
  path: string,
  git: GitRunner = runGit,
): Promise<{ commit: string; files: TrackedFile[]; dirty: Set<string> }> {
  const isDir = await stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (!isDir) throw Errors.downstreamNotRepository(path, 'no such folder');
  let listed: string;
  let status: string;
  let head: string | undefined;
  try {
    // Relative to `path` (both run there), also when it is a folder inside a larger repository.
    [listed, status, head] = await Promise.all([
      git(['ls-files', '-z', '--stage', '--', '.'], { cwd: path }).then((r) => r.stdout),
      git(['status', '--porcelain=v1', '-z', '--untracked-files=no', '--no-renames', '--', '.'], {
        cwd: path,
      }).then((r) => r.stdout),
      git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd: path, okExitCodes: [1] }).then(
        (r) => r.stdout.trim() || undefined,
      ),
    ]);
  } catch (error) {
    if (error instanceof GitError) {
      throw Errors.downstreamNotRepository(path, error.stderr.trim().split('\n')[0] || error.message);
    }
    throw error;
  }
  const files: TrackedFile[] = [];
  for (const record of listed.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab === -1) continue;
    const [mode, blob] = record.slice(0, tab).split(' ');
    // Submodules (160000) and symlinks (120000) hold no text of the downstream's own.
    if (blob && mode?.startsWith('100')) files.push({ path: record.slice(tab + 1), blob });
  }
  // Status paths are relative to the repository's top; ls-files' to `path`: compare by suffix-free prefix.
  const prefix = status === '' ? '' : await repoPrefix(path, git);
  const dirty = new Set(
    status
      .split('\0')
      .filter((entry) => entry.length > 3)
      .map((entry) => entry.slice(3))
      .filter((file) => file.startsWith(prefix))
      .map((file) => file.slice(prefix.length)),
  );
  return { commit: head && dirty.size === 0 ? head : 'worktree', files, dirty };
}

async function repoPrefix(path: string, git: GitRunner): Promise<string> {
  return (await git(['rev-parse', '--show-prefix'], { cwd: path })).stdout.trim();
}

/** Cache key of a file's anchors: its blob and what decides which miner reads it. */
export function blobKey(file: TrackedFile): string {
  const name = file.path.slice(file.path.lastIndexOf('/') + 1);
  return `${file.blob}:${name === 'package.json' ? name : extname(name).toLowerCase()}`;
}

export const isMinable = (path: string) => minerFor(path) !== undefined;

/** Unreadable (too large, binary): nothing to mine, kept so the file is not read again. */
const NOTHING: BlobAnchors = [[], [], []];

/**
 * Mines these tracked files of the checkout at `root` (paths in uses are relative to it). A clean
 * file whose blob the store holds is not read at all (its excerpts are stored too); the others are
 * read and parsed, and the clean ones among them are returned for the store (a dirty file is read
 * from the worktree every time, never stored). Reads are synchronous: for thousands of small files
 * that beats the thread pool several times over.
 */
export async function mineFiles(
  root: string,
  files: readonly TrackedFile[],
  dirty: ReadonlySet<string>,
  store: MinedStore = emptyStore(),
): Promise<{ anchors: MinedAnchor[]; parsed: Map<string, BlobAnchors>; parsedCount: number }> {
  const { table } = store;
  const mined = [...files]
    .map((file) => ({ file, kind: minerFor(file.path), key: blobKey(file), dirty: dirty.has(file.path) }))
    .filter((entry) => entry.kind !== undefined)
    .sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0));
  const miners = mined.some((entry) => entry.dirty || !store.blobs.has(entry.key))
    ? await loadMiners()
    : undefined;
  const byIndex: MinedAnchor[] = [];
  const parsed = new Map<string, BlobAnchors>();
  let parsedCount = 0;
  for (const { file, kind, key, dirty: isDirty } of mined) {
    let entry = isDirty ? undefined : (store.blobs.get(key) ?? parsed.get(key));
    if (!entry) {
      const text = readSmallFile(`${root}/${file.path}`);
      if (text === undefined) {
        // A dirty file may be gone from the worktree; only a clean one is known unreadable for good.
        if (!isDirty) parsed.set(key, NOTHING);
        continue;
      }
      entry = mineOne(file.path, text, miners![kind!], table);
      parsedCount += 1;
      if (!isDirty) parsed.set(key, entry);
    }
    const [pairs, lines, excerpts] = entry;
    for (let i = 0; i < pairs.length; i += 2) {
      const at = pairs[i]!;
      const slot = pairs[i + 1]!;
      let anchor = byIndex[at];
      if (!anchor) {
        anchor = { ...table.named[at]!, uses: [] };
        byIndex[at] = anchor;
      }
      anchor.uses.push({ path: file.path, line: lines[slot]!, excerpt: excerpts[slot]! });
    }
  }
  // Uses are in order already: files are sorted, and pairs are in line order within a file.
  const anchors = byIndex.filter((anchor) => anchor !== undefined).sort(compareAnchors);
  return { anchors, parsed, parsedCount };
}

/** Line numbers are below this (a mined file is at most 1 MiB), so (anchor, line) fits one number. */
const LINE_SPAN = 2 ** 21;

function mineOne(path: string, text: string, miner: Miner, table: AnchorTable): BlobAnchors {
  let lineStarts: number[] | undefined;
  const seen = new Set<number>();
  const found: number[] = [];
  const emit: Emit = (named, offset) => {
    lineStarts ??= computeLineStarts(text);
    const pair = table.intern(named) * LINE_SPAN + lineIndex(lineStarts, offset);
    if (!seen.has(pair)) {
      seen.add(pair);
      found.push(pair);
    }
  };
  try {
    miner(path, text, emit);
  } catch {
    // A file the parsers cannot read (YAML with tabs, broken Markdown) names nothing we can trust.
    return NOTHING;
  }
  if (found.length === 0 || !lineStarts) return NOTHING;
  // Line order (then anchor): each anchor's uses come out ascending.
  found.sort((a, b) => (a % LINE_SPAN) - (b % LINE_SPAN) || a - b);
  const pairs: number[] = [];
  const lines: number[] = [];
  const excerpts: string[] = [];
  for (const pair of found) {
    const index = pair % LINE_SPAN;
    if (lines[lines.length - 1] !== index + 1) {
      lines.push(index + 1);
      excerpts.push(excerptAt(text, lineStarts, index));
    }
    pairs.push((pair - index) / LINE_SPAN, lines.length - 1);
  }
  return [pairs, lines, excerpts];
}

export function compareAnchors(a: MinedAnchor, b: MinedAnchor): number {
  return a.kind === b.kind ? (a.value < b.value ? -1 : a.value > b.value ? 1 : 0) : a.kind < b.kind ? -1 : 1;
}

function readSmallFile(file: string): string | undefined {
  try {
    const buffer = readFileSync(file);
    if (buffer.length > MAX_FILE_BYTES || buffer.includes(0)) return undefined;
    return buffer.toString('utf8');
  } catch {
    // Listed but gone from the worktree (deleted, not yet committed), or a folder (submodule).
    return undefined;
  }
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

function lineIndex(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

function excerptAt(text: string, starts: readonly number[], index: number): string {
  const end = index + 1 < starts.length ? starts[index + 1]! - 1 : text.length;
  const line = text.slice(starts[index], end).trim();
  // Cut, never marked: evidence made from a use is checked as a substring of the line. Never inside a
  // surrogate pair: half of one is no text of the line (and would not survive the store).
  const cut = isHighSurrogate(line.charCodeAt(MAX_EXCERPT - 1)) ? MAX_EXCERPT - 1 : MAX_EXCERPT;
  return line.slice(0, cut);
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

let codeVersion: Promise<string> | undefined;

/**
 * A hash of the mining code itself (these modules, and the parser's version), so a cache written by
 * another version of release-watch is never read back.
 */
export function miningCodeVersion(): Promise<string> {
  codeVersion ??= (async () => {
    const own = fileURLToPath(import.meta.url);
    const extension = extname(own);
    // The parser's version from its package.json: loading the compiler only for this costs 0.15 s.
    const parser: { version: string } = createRequire(import.meta.url)('typescript/package.json');
    const hash = createHash('sha256').update(parser.version);
    for (const name of ['mine', 'store', 'extract-ts', 'extract-text', 'strings']) {
      hash.update(
        await readFile(new URL(`./${name}${extension}`, import.meta.url)).catch(() => Buffer.alloc(0)),
      );
    }
    return hash.digest('hex').slice(0, 16);
  })();
  return codeVersion;
}
