import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '../../util/fs.js';
import type { Named } from './strings.js';
import { ANCHOR_KINDS, type AnchorKind } from './types.js';

/** Anchors are the same when kind, value and the repo/module they name agree. */
export const anchorKey = (named: Pick<Named, 'kind' | 'value' | 'repo' | 'module'>) =>
  `${named.kind}\0${named.value}\0${named.repo ?? ''}\0${named.module ?? ''}`;

/** Every distinct anchor once: blobs name anchors by their index here. */
export class AnchorTable {
  readonly named: Named[] = [];
  private readonly index = new Map<string, number>();

  intern(named: Named): number {
    const key = anchorKey(named);
    let at = this.index.get(key);
    if (at === undefined) {
      at = this.named.push(named) - 1;
      this.index.set(key, at);
    }
    return at;
  }
}

/**
 * One blob's anchors, path-free (one entry serves every path that holds the blob): `pairs` is a flat
 * list of (anchor, slot) in line order, the anchor an index into the table, the slot one into `lines`
 * (line numbers, ascending) and `excerpts` (those lines' trimmed text, so a cached file is never read).
 * Arrays, not objects: a 10k-file downstream holds 300k of these pairs.
 */
export type BlobAnchors = [pairs: number[], lines: number[], excerpts: string[]];

export interface MinedStore {
  table: AnchorTable;
  blobs: Map<string, BlobAnchors>;
}

export const emptyStore = (): MinedStore => ({ table: new AnchorTable(), blobs: new Map() });

const KINDS = new Set<string>(ANCHOR_KINDS);

/** Tuples are checked by hand: zod over 100k tuples took seconds. */
function toNamed(value: unknown): Named | undefined {
  if (!Array.isArray(value) || value.length !== 4 || !KINDS.has(value[0]) || typeof value[1] !== 'string') {
    return undefined;
  }
  const [kind, text, repo, module] = value as [AnchorKind, string, unknown, unknown];
  if ((repo !== null && typeof repo !== 'string') || (module !== null && typeof module !== 'string'))
    return undefined;
  return { kind, value: text, ...(repo === null ? {} : { repo }), ...(module === null ? {} : { module }) };
}

/** Checks one stored `[key, pairs, lines]` row; its excerpts follow the header, `lines.length` of them. */
function isStoredBlob(row: unknown, anchors: number): row is [string, number[], number[]] {
  if (!Array.isArray(row) || row.length !== 3 || typeof row[0] !== 'string') return false;
  const [, pairs, lines] = row as unknown[];
  if (!Array.isArray(pairs) || !Array.isArray(lines) || pairs.length % 2 !== 0) return false;
  for (const line of lines) if (!Number.isInteger(line) || line <= 0) return false;
  for (let i = 0; i < pairs.length; i += 2) {
    const anchor = pairs[i];
    const slot = pairs[i + 1];
    if (!Number.isInteger(anchor) || anchor < 0 || anchor >= anchors) return false;
    if (!Number.isInteger(slot) || slot < 0 || slot >= lines.length) return false;
  }
  return true;
}

/**
 * Mined anchors per blob, content-addressed: mining the same commit again reads this one file and no
 * other, a new commit parses only the files it changed, and a dirty checkout's clean files still come
 * from here. One file per mining-code version.
 */
const fileOf = (dir: string, version: string) => join(dir, `mined-${version}.txt`);
/** Names this store had, in any version (`.json` before excerpts were kept). */
const STORE_NAME = /^mined-[0-9a-f]{16}\.(?:txt|json)$/;

/**
 * The file: one line of JSON (version, the anchor table, `[key, pairs, lines]` per blob), then every
 * excerpt on a line of its own, blob after blob (an excerpt holds no line break). Excerpts as raw
 * lines, not JSON strings: most of the bytes are theirs, and splitting is faster than JSON.parse.
 */
export async function readMined(dir: string, version: string): Promise<MinedStore> {
  const bytes = await readFile(fileOf(dir, version)).catch(() => undefined);
  const header = bytes?.indexOf(10) ?? -1;
  if (!bytes || header === -1) return emptyStore();
  let data: { version?: unknown; anchors?: unknown; blobs?: unknown };
  try {
    data = JSON.parse(bytes.toString('utf8', 0, header));
  } catch {
    return emptyStore();
  }
  // A damaged or foreign store is mined again, never trusted.
  if (data === null || typeof data !== 'object' || data.version !== version) return emptyStore();
  const { anchors, blobs } = data;
  if (!Array.isArray(anchors) || !Array.isArray(blobs)) return emptyStore();
  const store = emptyStore();
  for (const tuple of anchors) {
    const named = toNamed(tuple);
    if (!named || store.table.intern(named) !== store.table.named.length - 1) return emptyStore();
  }
  const excerpts = bytes.toString('utf8', header + 1).split('\n');
  let next = 0;
  for (const row of blobs) {
    if (!isStoredBlob(row, anchors.length)) return emptyStore();
    const [key, pairs, lines] = row;
    store.blobs.set(key, [pairs, lines, excerpts.slice(next, next + lines.length)]);
    next += lines.length;
  }
  // A store cut short (or with excerpts of no blob) is damaged too. An empty tail splits to [''].
  if (next !== (next === 0 && excerpts.length === 1 && excerpts[0] === '' ? 0 : excerpts.length))
    return emptyStore();
  return store;
}

/**
 * Writes these blobs (the ones the checkout holds now: older ones are dropped, so the store tracks one
 * tree), with a table of just the anchors they name.
 */
export async function writeMined(
  dir: string,
  version: string,
  table: AnchorTable,
  blobs: ReadonlyMap<string, BlobAnchors>,
) {
  // Anchors no blob names any more are dropped, the others renumbered in order (none, usually).
  const used = new Uint8Array(table.named.length);
  for (const [pairs] of blobs.values()) for (let i = 0; i < pairs.length; i += 2) used[pairs[i]!] = 1;
  const renumbered = new Int32Array(table.named.length);
  const kept: Named[] = [];
  table.named.forEach((named, at) => {
    if (used[at]) renumbered[at] = kept.push(named) - 1;
  });
  const same = kept.length === table.named.length;
  const rows: [string, number[], number[]][] = [];
  const excerpts: string[] = [];
  for (const [key, [pairs, lines, texts]] of blobs) {
    rows.push([key, same ? pairs : pairs.map((n, i) => (i % 2 === 0 ? renumbered[n]! : n)), lines]);
    for (const text of texts) excerpts.push(text);
  }
  const anchors = kept.map((n) => [n.kind, n.value, n.repo ?? null, n.module ?? null]);
  const file = fileOf(dir, version);
  await writeFileAtomically(
    file,
    `${JSON.stringify({ version, anchors, blobs: rows })}\n${excerpts.join('\n')}`,
  );
  // Stores of other mining-code versions are never read again (tens of MB on a large downstream).
  for (const name of await readdir(dir).catch(() => [])) {
    if (STORE_NAME.test(name) && join(dir, name) !== file) await rm(join(dir, name), { force: true });
  }
}
