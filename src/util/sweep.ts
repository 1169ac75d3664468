import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** When this process started (epoch ms): temp files of ours older than that are left from another run. */
const processStartedAt = Date.now() - Math.round(process.uptime() * 1000);

/** Whether a process with this id runs on this machine (EPERM: it runs, as another user). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a temp entry that names the process that made it is left over: that process is gone, or
 * the id is ours but the entry is older than this process (a crashed run whose id was reused).
 */
export function isLeftOver(pid: number, mtimeMs: number): boolean {
  if (pid === process.pid) return mtimeMs < processStartedAt;
  return !isProcessAlive(pid);
}

/**
 * Removes the entries of `dir` that `stale` calls left over (given the name and the entry's mtime);
 * a missing folder, or an entry another sweeper removed first, is fine.
 */
export async function sweepDir(
  dir: string,
  stale: (name: string, mtimeMs: number) => boolean,
): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (!info || !stale(name, info.mtimeMs)) continue;
    await rm(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}

/** write-file-atomic's temp name: `<file>.<decimal hash>`; it holds no process id, so age decides. */
export const isWriteFileAtomicTemp = (base: string, name: string, mtimeMs: number) =>
  name.startsWith(`${base}.`) && /^\d+$/.test(name.slice(base.length + 1)) && mtimeMs < processStartedAt;
