import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '../../util/fs.js';
import type { Needle } from './find.js';

/**
 * Which needles each upstream blob holds, for one set of needles: matching the anchors at a new
 * `from` tag reads only the blobs that tag's tree does not share with the last one matched (in a
 * daily run, the files of the last release), not the whole tree again. Blob ids name content, so an
 * entry never goes stale; the store keeps the blobs of the last tree matched.
 */
export interface MatchStore {
  /** Needle keys, in the order stored hits index them. */
  keys: readonly string[];
  /** Blob id → indexes into `keys` of the needles it holds (empty: searched, none found). */
  blobs: Map<string, number[]>;
}

const VERSION = 1;
const STORE_NAME = /^[0-9a-f]{16}\.json$/;

/** One store per needle set: a new downstream commit that mines other anchors starts afresh. */
export function needlesId(needles: readonly Needle<string>[]): string {
  const hash = createHash('sha256');
  for (const n of [...needles].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)))
    hash.update(`${n.key}\0${n.value}\0${n.anyCase ? 1 : 0}\n`);
  return hash.digest('hex').slice(0, 16);
}

const fileOf = (dir: string, id: string) => join(dir, `${id}.json`);

/** The stored hits for this needle set; empty when there are none or the file is damaged. */
export async function readMatches(dir: string, id: string): Promise<MatchStore> {
  const empty: MatchStore = { keys: [], blobs: new Map() };
  const text = await readFile(fileOf(dir, id), 'utf8').catch(() => undefined);
  if (text === undefined) return empty;
  let data: { version?: unknown; keys?: unknown; blobs?: unknown };
  try {
    data = JSON.parse(text);
  } catch {
    return empty;
  }
  if (data === null || typeof data !== 'object' || data.version !== VERSION) return empty;
  const { keys, blobs } = data;
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) return empty;
  if (blobs === null || typeof blobs !== 'object' || Array.isArray(blobs)) return empty;
  const store: MatchStore = { keys, blobs: new Map() };
  for (const [blob, hits] of Object.entries(blobs as Record<string, unknown>)) {
    if (
      !/^[0-9a-f]{40,64}$/.test(blob) ||
      !Array.isArray(hits) ||
      !hits.every((h) => Number.isInteger(h) && h >= 0 && h < keys.length)
    )
      return empty;
    store.blobs.set(blob, hits as number[]);
  }
  return store;
}

/** Writes the hits of these blobs (the tree just matched) and drops stores of other needle sets. */
export async function writeMatches(dir: string, id: string, store: MatchStore): Promise<void> {
  const file = fileOf(dir, id);
  await writeFileAtomically(
    file,
    JSON.stringify({ version: VERSION, keys: store.keys, blobs: Object.fromEntries(store.blobs) }),
  );
  for (const name of await readdir(dir).catch(() => [])) {
    if (STORE_NAME.test(name) && join(dir, name) !== file) await rm(join(dir, name), { force: true });
  }
}
