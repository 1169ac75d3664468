import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tagOfFolderName } from '../util/tag-folder.js';

/** Tags that have an artifact folder under `<artifacts>/<upstream>/` (folder names decoded), unordered. */
export async function artifactTags(artifactsRoot: string, upstream: string): Promise<string[]> {
  try {
    const entries = await readdir(join(artifactsRoot, upstream), { withFileTypes: true });
    // Names starting with "." are the staging, swap and lock folders of release batches, never tags.
    return entries
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => tagOfFolderName(e.name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
