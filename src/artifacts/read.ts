import type { z } from 'zod';
import { Errors } from '../errors.js';
import { readTextIfExists } from '../util/fs.js';
import { formatZodIssues } from '../util/zod.js';

/** Reads an artifact a previous stage wrote, validated at the boundary. */
export async function readArtifact<S extends z.ZodType>(
  file: string,
  schema: S,
  producer: string,
): Promise<z.output<S>> {
  const text = await readTextIfExists(file);
  if (text === undefined) throw Errors.artifactMissing(file, producer);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw Errors.artifactInvalid(file, [`invalid JSON: ${(error as Error).message}`]);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw Errors.artifactInvalid(file, formatZodIssues(parsed.error));
  }
  return parsed.data;
}
