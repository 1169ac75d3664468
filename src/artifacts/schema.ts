import { z } from 'zod';
import { releaseSchema } from '../sources/types.js';

const endpointSchema = z.strictObject({ tag: z.string(), commit: z.string().regex(/^[0-9a-f]{40,64}$/) });

/** release.json: what was compared, and the releases in between. */
export const releaseArtifactSchema = z.strictObject({
  schemaVersion: z.literal(1),
  upstream: z.string(),
  repo: z.string(),
  /** Clone URL the cache fetched from (never carries a token). */
  url: z.string(),
  from: endpointSchema,
  to: endpointSchema,
  /** Releases after `from` up to and including `to`, oldest first, with their notes. */
  releases: z.array(releaseSchema),
  compareUrl: z.string(),
  commits: z.number().int().nonnegative(),
  generatedAt: z.string(),
});

export const fileStatusSchema = z.enum(['added', 'deleted', 'modified', 'renamed', 'copied', 'type-changed']);

export const changedFileSchema = z.strictObject({
  path: z.string(),
  /** Previous path of a rename or copy. */
  oldPath: z.string().optional(),
  status: fileStatusSchema,
  additions: z.number().int().nonnegative(),
  deletions: z.number().int().nonnegative(),
  binary: z.boolean(),
  /** Configured surfaces the file falls in (old or new path). */
  surfaces: z.array(z.string()),
  /** Dropped by the upstream's `ignore` globs. */
  ignored: z.boolean(),
});

/** files.json: each changed file. */
export const filesArtifactSchema = z.strictObject({
  schemaVersion: z.literal(1),
  from: z.string(),
  to: z.string(),
  files: z.array(changedFileSchema),
});

export type ReleaseArtifact = z.infer<typeof releaseArtifactSchema>;
export type ChangedFile = z.infer<typeof changedFileSchema>;
export type FilesArtifact = z.infer<typeof filesArtifactSchema>;
