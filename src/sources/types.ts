import { z } from 'zod';

export const releaseSchema = z.strictObject({
  tag: z.string(),
  /** Semver version the tag stands for (from the tag pattern). */
  version: z.string(),
  date: z.string().optional(),
  prerelease: z.boolean(),
  notes: z.string().optional(),
  url: z.string().optional(),
});
export type Release = z.infer<typeof releaseSchema>;
