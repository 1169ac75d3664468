import { readFile, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { isSafeRepoPath } from '../git/reader.js';
import { getOrCreate } from '../util/group.js';

/** Reads files of the downstream checkout; undefined when the path does not name a file inside it. */
export interface DownstreamReader {
  readFile(path: string): Promise<string | undefined>;
}

/**
 * Downstream evidence is checked against the checkout's working files, not HEAD: anchors are mined
 * from the files as they are on disk, and a maintainer runs analyze on the checkout they edit. The
 * path must stay inside the checkout: no `..`, no absolute path, and no symlink that resolves outside.
 */
export function downstreamReader(root: string): DownstreamReader {
  let realRoot: Promise<string | undefined> | undefined;
  const files = new Map<string, Promise<string | undefined>>();
  const read = async (path: string): Promise<string | undefined> => {
    if (!isSafeRepoPath(path)) return undefined;
    realRoot ??= realpath(root).catch(() => undefined);
    const base = await realRoot;
    if (base === undefined) return undefined;
    try {
      const real = await realpath(join(base, path));
      if (!real.startsWith(base + sep)) return undefined;
      if (!(await stat(real)).isFile()) return undefined;
      return await readFile(real, 'utf8');
    } catch {
      return undefined;
    }
  };
  return {
    readFile: (path) => getOrCreate(files, path, read),
  };
}
