import type { z } from 'zod';
import { Errors } from '../errors.js';
import { readTextIfExists } from '../util/fs.js';

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
    throw Errors.artifactInvalid(
      file,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  return parsed.data;
}
