import type { RepoReader } from '../../git/reader.js';
import { addTo } from '../../util/group.js';
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
    let index = indexes.get(anchors);
    if (!index) {
      index = new AnchorIndex(anchors);
      indexes.set(anchors, index);
    }
    return index;
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
  }

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
    return this.scanLine(text, this.apiIn(path));
  }

  /** lineAnchors of each line of a hunk (by its index in `hunk.lines`, the +/-/space prefix left out), worked out once. */
  hunkLineAnchors(hunk: Hunk, path: string): readonly (readonly Anchor[])[] {
    let lines = this.hunkLines.get(hunk);
    if (!lines) {
      const api = this.apiIn(path);
      lines = hunk.lines.map((line) => this.scanLine(line.slice(1), api));
      this.hunkLines.set(hunk, lines);
    }
    return lines;
  }

  /** Whether any line of the hunk holds an anchor. */
  touches(hunk: Hunk, path: string): boolean {
    return this.hunkLineAnchors(hunk, path).some((found) => found.length > 0);
  }

  /** Whether symbol and hook keys count in this file (JS/TS only). */
  private apiIn(path: string): boolean {
    return this.api.size > 0 && isScriptPath(path);
  }

  /** The anchors on one line; allocation-free for the many lines that hold none. */
  private scanLine(text: string, api: boolean): readonly Anchor[] {
    const tokens = text.match(TOKEN);
    if (!tokens) return NONE;
    let found: Anchor[] | undefined;
    const add = (a: Anchor) => {
      if (!found) found = [a];
      else if (!found.includes(a)) found.push(a);
    };
    const folded = this.folded.size > 0;
    for (const token of tokens) {
      const exact = this.exact.get(token);
      if (exact) for (const a of exact) add(a);
      if (folded) {
        const any = this.folded.get(/[A-Z]/.test(token) ? token.toLowerCase() : token);
        if (any) for (const a of any) add(a);
      }
      if (api) {
        const named = this.api.get(token);
        if (named) for (const a of named) add(a);
      }
      const urls = this.urls.get(token);
      if (urls) for (const u of urls) if (text.includes(u.needle)) add(u.anchor);
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

/**
 * The npm package an upstream file belongs to: the `name` of the nearest package.json above it (at
 * `from`, else `to`), cached per folder.
 */
export function packageResolver(reader: RepoReader) {
  const byDir = new Map<string, Promise<string | undefined>>();
  const nameAt = async (dir: string): Promise<string | undefined> => {
    const file = dir ? `${dir}/package.json` : 'package.json';
    const text = (await reader.readFile('from', file)) ?? (await reader.readFile('to', file));
    if (text !== undefined) {
      try {
        const name = (JSON.parse(text) as { name?: unknown }).name;
        if (typeof name === 'string') return name;
      } catch {
        // An unreadable package.json names no package; look further up.
      }
    }
    return dir === '' ? undefined : of(dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '');
  };
  const of = (dir: string) => {
    let entry = byDir.get(dir);
    if (!entry) {
      entry = nameAt(dir);
      byDir.set(dir, entry);
    }
    return entry;
  };
  return (path: string) => of(path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
}

/** Whether an import specifier (`@opencode-ai/plugin/tool`) names a package (`@opencode-ai/plugin`). */
export const importsPackage = (modules: ReadonlySet<string>, name: string) =>
  modules.has(name) || [...modules].some((m) => m.startsWith(`${name}/`));
