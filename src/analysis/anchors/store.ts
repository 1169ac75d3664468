import { join } from 'node:path';
import { z } from 'zod';
import { readTextIfExists, writeJsonAtomically } from '../../util/fs.js';
import type { FileAnchors } from './mine.js';
import type { AnchorKind } from './types.js';

const KIND = z.enum([
  'upstream-path',
  'url',
  'header',
  'env',
  'literal',
  'module',
  'symbol',
  'hook',
] as const satisfies readonly AnchorKind[]);

/** Compact on disk: `[kind, value, repo, module, [[line, excerpt], …]]` per anchor of a blob. */
const entrySchema = z.tuple([
  KIND,
  z.string(),
  z.string().nullable(),
  z.string().nullable(),
  z.array(z.tuple([z.number().int().positive(), z.string()])),
]);
const storedSchema = z.object({
  version: z.string(),
  blobs: z.record(z.string(), z.array(entrySchema)),
});

/**
 * Mined anchors per blob, content-addressed: a new downstream commit re-reads only the files it
 * changed, and a dirty checkout's clean files still come from here. One file per mining-code version.
 */
const fileOf = (dir: string, version: string) => join(dir, `mined-${version}.json`);

export async function readMined(dir: string, version: string): Promise<Map<string, FileAnchors>> {
  const text = await readTextIfExists(fileOf(dir, version)).catch(() => undefined);
  const blobs = new Map<string, FileAnchors>();
  if (text === undefined) return blobs;
  let parsed: ReturnType<typeof storedSchema.safeParse>;
  try {
    parsed = storedSchema.safeParse(JSON.parse(text));
  } catch {
    return blobs;
  }
  // A damaged or foreign store is mined again, never trusted.
  if (!parsed.success || parsed.data.version !== version) return blobs;
  for (const [key, entries] of Object.entries(parsed.data.blobs)) {
    blobs.set(
      key,
      entries.map(([kind, value, repo, module, uses]) => ({
        named: { kind, value, ...(repo === null ? {} : { repo }), ...(module === null ? {} : { module }) },
        uses: uses.map(([line, excerpt]) => ({ line, excerpt })),
      })),
    );
  }
  return blobs;
}

/** Writes the blobs the checkout holds now (older ones are dropped, so the store tracks one tree). */
export async function writeMined(dir: string, version: string, blobs: ReadonlyMap<string, FileAnchors>) {
  const stored: z.input<typeof storedSchema> = { version, blobs: {} };
  for (const [key, anchors] of blobs) {
    stored.blobs[key] = anchors.map(({ named, uses }) => [
      named.kind,
      named.value,
      named.repo ?? null,
      named.module ?? null,
      uses.map((use) => [use.line, use.excerpt] as [number, string]),
    ]);
  }
  await writeJsonAtomically(fileOf(dir, version), stored);
}
