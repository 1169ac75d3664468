import { AsyncLocalStorage } from 'node:async_hooks';
import * as fs from 'node:fs';
import { mkdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Errors } from '../errors.js';
import { isProcessAlive } from './sweep.js';
import { timeoutSetting } from './timeouts.js';

/**
 * One writer at a time for a file (the state file, an artifact folder), across processes:
 * proper-lockfile's `mkdir` lock at `<file>.lock`, kept fresh while held and taken over once its
 * mtime is older than {@link STALE_MS}. The holder writes its pid and host into the lock folder, so a
 * second process can name it, and can take over at once when that process is gone (a crash on this
 * machine) instead of waiting for the mtime to age.
 */

/** A lock whose holder stopped refreshing it for this long is stale (proper-lockfile refreshes every half of it). */
const STALE_MS = 60_000;
const OWNER_FILE = 'owner.json';
/**
 * The holder writes its owner file right after creating the lock folder; a folder still without one
 * after this long was left by a process killed in between, and is taken over.
 */
const OWNER_GRACE_MS = 5_000;

interface LockHolder {
  pid: number;
  hostname: string;
  since: string;
}

export interface LockOptions {
  /** What is locked, for messages: "state file", "artifact folder". */
  what: 'state file' | 'artifact folder';
  /** Called once when the lock is held by another process and this one starts waiting. */
  onWait?: (message: string) => void;
  /** Runs right after the lock is taken, not when a caller up the chain holds it already (sweeps). */
  onAcquire?: () => Promise<void>;
  /** Staleness bound (default {@link STALE_MS}; the lock is refreshed every half of it). Tests shorten it. */
  staleMs?: number;
}

/** proper-lockfile removes its lock folder with rmdir; ours holds owner.json, so removal is recursive. */
const lockFs = {
  ...fs,
  rmdir: (path: string, callback: (error: NodeJS.ErrnoException | null) => void) =>
    fs.rm(path, { recursive: true }, callback),
  rmdirSync: (path: string) => fs.rmSync(path, { recursive: true, force: true }),
};

const held = new AsyncLocalStorage<ReadonlySet<string>>();

const lockPathOf = (file: string) => `${file}.lock`;

/** Loaded on first lock: read-only commands (check, state show) never load it or its signal handlers. */
type Lockfile = typeof import('proper-lockfile');
let lockfileLoaded: Promise<Lockfile> | undefined;
const lockfileModule = () =>
  // A CommonJS package: its exports arrive as the default export of the ESM namespace.
  (lockfileLoaded ??= import('proper-lockfile').then((m) => (m as { default?: Lockfile }).default ?? m));

/**
 * Runs `fn` holding the lock of `file`. Re-entrant within one async call chain (run → report →
 * state advance takes it once); a lock held elsewhere is waited for, then refused with a coded error
 * naming the lock folder and its holder.
 */
export async function withFileLock<T>(file: string, options: LockOptions, fn: () => Promise<T>): Promise<T> {
  const lockPath = lockPathOf(file);
  const mine = held.getStore();
  if (mine?.has(lockPath)) return fn();
  const lock = await acquire(file, lockPath, options);
  let result: T;
  try {
    await options.onAcquire?.();
    result = await held.run(new Set([...(mine ?? []), lockPath]), fn);
  } finally {
    await lock.release();
  }
  if (lock.lost()) throw Errors.lockLost(options.what, file, lockPath);
  return result;
}

async function acquire(file: string, lockPath: string, options: LockOptions) {
  await mkdir(dirname(file), { recursive: true });
  // How long a held lock is waited for: RELEASE_WATCH_LOCK_WAIT (`30s`, `500ms`), default 30 s.
  const waitMs = timeoutSetting('lock');
  const deadline = Date.now() + waitMs;
  let compromised: Error | undefined;
  let waited = false;
  for (let delay = 25; ; delay = Math.min(delay * 2, 500)) {
    try {
      const release = await (await lockfileModule()).lock(file, {
        lockfilePath: lockPath,
        realpath: false,
        stale: options.staleMs ?? STALE_MS,
        retries: 0,
        fs: lockFs,
        onCompromised: (error) => {
          compromised = error;
        },
      });
      const owner: LockHolder = { pid: process.pid, hostname: hostname(), since: new Date().toISOString() };
      // Writing into the folder changes its mtime, which proper-lockfile checks at each refresh as proof
      // that the lock is still its own: put the mtime it recorded back, or the first refresh says "compromised".
      const created = await stat(lockPath);
      await writeFile(join(lockPath, OWNER_FILE), `${JSON.stringify(owner)}\n`);
      await utimes(lockPath, created.atime, created.mtime);
      return {
        release: () => release().catch(() => undefined),
        lost: () => compromised !== undefined,
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    }
    const holder = await readHolder(lockPath);
    if (holder ? holder.hostname === hostname() && !isProcessAlive(holder.pid) : await ownerless(lockPath)) {
      // Its holder crashed: age the lock so proper-lockfile's own stale handling takes it over.
      await utimes(lockPath, 0, 0).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) {
      throw options.what === 'state file'
        ? Errors.stateLocked(file, lockPath, holder, waitMs)
        : Errors.artifactsLocked(file, lockPath, holder, waitMs);
    }
    if (!waited) {
      waited = true;
      options.onWait?.(
        `${file} is locked by ${holder ? `process ${holder.pid} on ${holder.hostname}` : 'another process'}; waiting up to ${Math.round(waitMs / 1000)}s`,
      );
    }
    await sleep(delay);
  }
}

/** A lock folder that has had no owner file for longer than a live holder takes to write one. */
async function ownerless(lockPath: string): Promise<boolean> {
  const info = await stat(lockPath).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > OWNER_GRACE_MS;
}

async function readHolder(lockPath: string): Promise<LockHolder | undefined> {
  try {
    const parsed = JSON.parse(await readFile(join(lockPath, OWNER_FILE), 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.hostname !== 'string') return undefined;
    return { pid: parsed.pid, hostname: parsed.hostname, since: String(parsed.since ?? '') };
  } catch {
    return undefined;
  }
}
