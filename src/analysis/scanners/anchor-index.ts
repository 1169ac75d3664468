import type { RepoReader } from '../../git/reader.js';
import { addTo, getOrCreate } from '../../util/group.js';
import type { Anchor } from '../anchors/types.js';
import { isScriptPath } from '../patch/classify.js';
import type { FileDiff, Hunk } from '../patch/patch.js';

/** Anchor kinds found by their text on a line of upstream code. */
const TEXT_KINDS = new Set<Anchor['kind']>(['header', 'env', 'literal', 'url']);
/** Anchor kinds that name TypeScript API: found by text only in JS/TS files. */
const API_KINDS = new Set<Anchor['kind']>(['symbol', 'hook']);

/** Runs of characters an identifier-like value is made of: model ids, header names, env vars, hook keys. */
const NONE: readonly Anchor[] = [];
const indexes = new WeakMap<readonly Anchor[], AnchorIndex>();

const TOKEN = /[A-Za-z0-9_][A-Za-z0-9_.-]*[A-Za-z0-9_]|[A-Za-z0-9_]/g;

/** Weight of an anchor found in about 15 upstream files: commoner ones say little on their own. */
export const RARE_WEIGHT = 0.2;

/** Header names are case-insensitive on the wire; everything else is matched as written. */
export const anchorKey = (kind: Anchor['kind'], value: string) =>
  kind === 'header' ? value.toLowerCase() : value;

/** The part of a URL anchor upstream code is likely to spell out: its path, else its host. */
function urlNeedle(value: string): string {
  const bare = value.replace(/^[a-z]+:\/\//i, '');
  const slash = bare.indexOf('/');
  return slash > 0 && slash < bare.length - 1 ? bare.slice(slash) : bare;
}

/** Character classes of TOKEN: 1 = a word character, 2 = `.` or `-` (inside a token only). */
const TOKEN_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_')
  TOKEN_CHAR[c.charCodeAt(0)] = 1;
TOKEN_CHAR['.'.charCodeAt(0)] = 2;
TOKEN_CHAR['-'.charCodeAt(0)] = 2;

/** FNV-1a of text[start, end) with ASCII letters lowercased: exact and any-case keys hash alike. */
function foldedHash(text: string, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    hash = Math.imul(hash ^ (c >= 65 && c <= 90 ? c + 32 : c), 0x01000193);
  }
  return hash >>> 0;
}

/** `found` with `anchor` added once (a list made on the first). */
function addAnchor(found: Anchor[] | undefined, anchor: Anchor): Anchor[] {
  if (!found) return [anchor];
  if (!found.includes(anchor)) found.push(anchor);
  return found;
}

const longestToken = (text: string) =>
  (text.match(TOKEN) ?? []).reduce((a, b) => (b.length > a.length ? b : a), '');

/**
 * The anchors of one upstream, indexed for the diff pass: which anchors a path names, and which occur
 * on a line (one token split per line and map lookups, however many anchors there are).
 */
export class AnchorIndex {
  private readonly paths = new Map<string, Anchor[]>();
  private readonly exact = new Map<string, Anchor[]>();
  private readonly folded = new Map<string, Anchor[]>();
  private readonly api = new Map<string, Anchor[]>();
  private readonly urls = new Map<string, { anchor: Anchor; needle: string }[]>();
  /** npm packages the downstream imports (module anchors, and the modules of symbols and hooks). */
  readonly modules: ReadonlySet<string>;

  /** One index per list of anchors: the context, the scanners and the anchor rule share it (and its line cache). */
  static of(anchors: readonly Anchor[]): AnchorIndex {
    return getOrCreate(indexes, anchors, () => new AnchorIndex(anchors));
  }

  constructor(readonly anchors: readonly Anchor[]) {
    const modules = new Set<string>();
    for (const anchor of anchors) {
      if (anchor.kind === 'upstream-path') addTo(this.paths, anchor.value, anchor);
      else if (anchor.kind === 'module') modules.add(anchor.value);
      else if (anchor.kind === 'url') {
        const needle = urlNeedle(anchor.value);
        const token = longestToken(needle);
        if (token) addTo(this.urls, token, { anchor, needle });
      } else if (anchor.kind === 'header') addTo(this.folded, anchor.value.toLowerCase(), anchor);
      else if (TEXT_KINDS.has(anchor.kind)) addTo(this.exact, anchor.value, anchor);
      else if (API_KINDS.has(anchor.kind)) addTo(this.api, anchor.value, anchor);
      if (anchor.module) modules.add(anchor.module);
    }
    this.modules = modules;
    const keys = [this.exact, this.folded, this.api, this.urls].flatMap((map) => [...map.keys()]);
    this.tokenLengths = new Uint8Array(Math.max(0, ...keys.map((key) => key.length)) + 1);
    for (const key of keys) {
      this.tokenHashes.add(foldedHash(key, 0, key.length));
      this.tokenLengths[key.length] = 1;
    }
  }

  /** Lengths of the tokens anchors are looked up by (1 where some key has that length). */
  private readonly tokenLengths: Uint8Array;
  /** Hashes of every token some anchor is looked up by: a line none of whose tokens hash so holds none. */
  private readonly tokenHashes = new Set<number>();

  get size() {
    return this.anchors.length;
  }

  /** upstream-path anchors naming this file. */
  pathAnchors(path: string): Anchor[] {
    return this.paths.get(path) ?? [];
  }

  /** Per hunk, each line's anchors: the context and the anchor rule's passes read the same hunks in turn. */
  private readonly hunkLines = new WeakMap<Hunk, readonly (readonly Anchor[])[]>();

  /** Text anchors (header, env, literal, url; symbol and hook keys in JS/TS files) occurring on one line. */
  lineAnchors(text: string, path: string): readonly Anchor[] {
    return this.scanLine(text, 0, this.apiIn(path));
  }

  /** lineAnchors of each line of a hunk (by its index in `hunk.lines`, the +/-/space prefix left out), worked out once. */
  hunkLineAnchors(hunk: Hunk, path: string): readonly (readonly Anchor[])[] {
    return getOrCreate(this.hunkLines, hunk, () => {
      const api = this.apiIn(path);
      return hunk.lines.map((line) => this.scanLine(line, 1, api));
    });
  }

  /** Whether any line of the hunk holds an anchor. */
  touches(hunk: Hunk, path: string): boolean {
    return this.hunkLineAnchors(hunk, path).some((found) => found.length > 0);
  }

  /** Whether symbol and hook keys count in this file (JS/TS only). */
  private apiIn(path: string): boolean {
    return this.api.size > 0 && isScriptPath(path);
  }

  /**
   * The anchors on a line (read from `from`, past a diff line's +/-/space prefix), allocation-free
   * for the many lines that hold none. The tokens are TOKEN's matches, found by hand: each maximal
   * run of `[A-Za-z0-9_.-]` with its leading and trailing `.`/`-` left out. Only a token as long as
   * some key, whose case-folded hash is some key's, is made into a string and looked up.
   */
  private scanLine(text: string, from: number, api: boolean): readonly Anchor[] {
    let found: Anchor[] | undefined;
    const { tokenLengths, tokenHashes } = this;
    const folded = this.folded.size > 0;
    const length = text.length;
    let i = from;
    while (i < length) {
      const c = text.charCodeAt(i);
      if (c >= 128 || TOKEN_CHAR[c] !== 1) {
        i++;
        continue;
      }
      const start = i;
      let end = i + 1;
      for (i++; i < length; i++) {
        const d = text.charCodeAt(i);
        const kind = d < 128 ? TOKEN_CHAR[d] : 0;
        if (kind === 0) break;
        if (kind === 1) end = i + 1;
      }
      const size = end - start;
      if (size >= tokenLengths.length || tokenLengths[size] !== 1) continue;
      if (!tokenHashes.has(foldedHash(text, start, end))) continue;
      const token = text.slice(start, end);
      for (const a of this.exact.get(token) ?? NONE) found = addAnchor(found, a);
      if (folded) for (const a of this.folded.get(token.toLowerCase()) ?? NONE) found = addAnchor(found, a);
      if (api) for (const a of this.api.get(token) ?? NONE) found = addAnchor(found, a);
      for (const u of this.urls.get(token) ?? [])
        if (text.includes(u.needle, from)) found = addAnchor(found, u.anchor);
    }
    return found ?? NONE;
  }

  /**
   * For the context: per hunk (by index), the anchors it touches: every hunk of a file a path anchor
   * names, and hunks whose lines hold a text anchor.
   */
  hunkAnchors(diff: FileDiff): Map<number, Anchor[]> {
    const touched = new Map<number, Anchor[]>();
    const byPath = [
      ...this.pathAnchors(diff.oldPath),
      ...(diff.newPath !== diff.oldPath ? this.pathAnchors(diff.newPath) : []),
    ];
    diff.hunks.forEach((hunk, i) => {
      const found = new Set<Anchor>(byPath);
      // Context lines count too: a value added beside named ones touches them.
      for (const line of this.hunkLineAnchors(hunk, diff.path)) for (const a of line) found.add(a);
      if (found.size > 0) touched.set(i, [...found]);
    });
    if (diff.hunks.length === 0 && byPath.length > 0) touched.set(-1, byPath);
    return touched;
  }
}

/** An npm package of the upstream: its name, its folder (repository-relative, "" at the root) and manifest. */
export interface UpstreamPackage {
  name: string;
  dir: string;
  manifest: Record<string, unknown>;
}

/**
 * The npm package an upstream file belongs to: the nearest package.json above it with a `name` (at
 * `from`, else `to`), cached per folder.
 */
export function packageInfoResolver(reader: RepoReader) {
  const byDir = new Map<string, Promise<UpstreamPackage | undefined>>();
  const at = async (dir: string): Promise<UpstreamPackage | undefined> => {
    const file = dir ? `${dir}/package.json` : 'package.json';
    const text = (await reader.readFile('from', file)) ?? (await reader.readFile('to', file));
    if (text !== undefined) {
      try {
        const manifest = JSON.parse(text) as Record<string, unknown>;
        if (typeof manifest.name === 'string') return { name: manifest.name, dir, manifest };
      } catch {
        // An unreadable package.json names no package; look further up.
      }
    }
    return dir === '' ? undefined : of(parentDir(dir));
  };
  const of = (dir: string): Promise<UpstreamPackage | undefined> => getOrCreate(byDir, dir, at);
  return (path: string) => of(parentDir(path));
}

const parentDir = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

/** The name of the npm package an upstream file belongs to (see packageInfoResolver). */
export function packageResolver(reader: RepoReader) {
  const info = packageInfoResolver(reader);
  return async (path: string) => (await info(path))?.name;
}

/** Whether an import specifier (`@opencode-ai/plugin/tool`) names a package (`@opencode-ai/plugin`). */
export const importsPackage = (modules: ReadonlySet<string>, name: string) =>
  modules.has(name) || [...modules].some((m) => m.startsWith(`${name}/`));
