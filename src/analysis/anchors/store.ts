import { join } from 'node:path';
import { z } from 'zod';
import { readTextIfExists, writeFileAtomically } from '../../util/fs.js';
import { anchorKey, type FileAnchors } from './mine.js';
import { ANCHOR_KINDS, type AnchorKind } from './types.js';

/**
 * Compact on disk: each distinct anchor once (`[kind, value, repo, module]`), and per blob
 * `[anchorIndex, ...lines]` rows; a 10k-file downstream's store is a few MB.
 */
const storedSchema = z.object({
  version: z.string(),
  anchors: z.array(z.unknown()),
  blobs: z.record(z.string(), z.unknown()),
});
const KINDS = new Set<string>(ANCHOR_KINDS);
type Named = FileAnchors[number]['named'];

/** Rows are checked by hand: zod over 100k tuples took seconds. */
function toNamed(value: unknown): Named | undefined {
  if (!Array.isArray(value) || value.length !== 4 || !KINDS.has(value[0]) || typeof value[1] !== 'string') {
    return undefined;
  }
  const [kind, text, repo, module] = value as [AnchorKind, string, unknown, unknown];
  if ((repo !== null && typeof repo !== 'string') || (module !== null && typeof module !== 'string'))
    return undefined;
  return { kind, value: text, ...(repo === null ? {} : { repo }), ...(module === null ? {} : { module }) };
}

const isRow = (row: unknown, anchors: number): row is number[] =>
  Array.isArray(row) &&
  row.length >= 2 &&
  row.every((n, i) => Number.isInteger(n) && (i === 0 ? n >= 0 && n < anchors : n > 0));

/**
 * Mined anchors per blob, content-addressed: a new downstream commit re-parses only the files it
 * changed, and a dirty checkout's clean files still come from here. One file per mining-code version.
 */
const fileOf = (dir: string, version: string) => join(dir, `mined-${version}.json`);

export async function readMined(dir: string, version: string): Promise<Map<string, FileAnchors>> {
  const text = await readTextIfExists(fileOf(dir, version)).catch(() => undefined);
  const none = new Map<string, FileAnchors>();
  if (text === undefined) return none;
  let parsed: ReturnType<typeof storedSchema.safeParse>;
  try {
    parsed = storedSchema.safeParse(JSON.parse(text));
  } catch {
    return none;
  }
  // A damaged or foreign store is mined again, never trusted.
  if (!parsed.success || parsed.data.version !== version) return none;
  const named = parsed.data.anchors.map(toNamed);
  if (named.some((entry) => entry === undefined)) return none;
  const blobs = new Map<string, FileAnchors>();
  for (const [key, rows] of Object.entries(parsed.data.blobs)) {
    if (!Array.isArray(rows) || !rows.every((row) => isRow(row, named.length))) return none;
    blobs.set(
      key,
      rows.map(([index, ...lines]) => ({ named: named[index!]!, lines })),
    );
  }
  return blobs;
}

/** Writes the blobs the checkout holds now (older ones are dropped, so the store tracks one tree). */
export async function writeMined(dir: string, version: string, blobs: ReadonlyMap<string, FileAnchors>) {
  const index = new Map<string, number>();
  const anchors: [AnchorKind, string, string | null, string | null][] = [];
  const stored: Record<string, number[][]> = {};
  for (const [key, entries] of blobs) {
    stored[key] = entries.map(({ named, lines }) => {
      const id = anchorKey(named);
      let at = index.get(id);
      if (at === undefined) {
        at = anchors.push([named.kind, named.value, named.repo ?? null, named.module ?? null]) - 1;
        index.set(id, at);
      }
      return [at, ...lines];
    });
  }
  // Compact JSON: this file is read on every run.
  await writeFileAtomically(fileOf(dir, version), JSON.stringify({ version, anchors, blobs: stored }));
}
