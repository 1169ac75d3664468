import {
  copyFile,
  link,
  mkdir,
  open,
  readdir,
  readlink,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { withFileLock } from '../util/lock.js';
import { isLeftOver, isWriteFileAtomicTemp, sweepDir } from '../util/sweep.js';

/**
 * All-or-none writes of a release folder `<artifacts>/<upstream>/<tag>/`.
 *
 * Three stages write into one folder: diff (release.json, diff.patch, diff.stat, log.txt,
 * files.json), analyze (context.md, analysis.json, agent/) and report (report.md). So that each
 * stage's write is all-or-none and keeps the other stages' files, a stage writes its files into a
 * staging folder beside the release folder, and `commit()` then hard-links every other entry of the
 * current folder into it (copy-forward: cheap, the staging folder is on the same file system), fsyncs
 * the files and the folder, and swaps the two folders by renames. A reader sees the old set or the
 * new one, never a mix. Why not per-file renames: a crash between two of them leaves a mix that
 * nothing can tell apart from a real set. Why not per-stage subfolders: the layout of the folder is
 * the contract later stages and users read.
 *
 * Names beside the release folder, all starting with "." (never a tag: git refuses such names):
 * `.<tag>.staging-<pid>-<n>` (being written), `.<tag>.ready-<pid>-<n>` (complete, about to be swapped
 * in), `.<tag>.old-<pid>-<n>` (swapped out, being removed), `.<tag>.lock` (one commit at a time).
 * A crash leaves some of these: the next batch of the upstream sweeps those of processes that are
 * gone, rolling a complete `ready` set forward when the release folder is missing.
 */

let counter = 0;
const SWAP_ENTRY = /^\.(.+)\.(staging|ready|old)-(\d+)-\d+$/;
/** Our per-process temp names: `<file>.<pid>.<time>[.<n>].tmp`. */
const PID_TEMP = /\.(\d+)\.\d+(?:\.\d+)?\.tmp$/;
/** write-file-atomic's temp names of artifact files (written that way by earlier versions). */
const ARTIFACT_EXTENSIONS = ['.json', '.md', '.patch', '.stat', '.txt'];

export class ReleaseBatch {
  private readonly written = new Set<string>();
  /** Folders this batch writes whole: the current folder's copies are not carried forward. */
  private readonly owned = new Set<string>();
  private readonly pending = new Set<Promise<unknown>>();

  private constructor(
    /** The release folder. */
    readonly dir: string,
    private readonly staging: string,
    private readonly n: number,
  ) {}

  /** A batch for this release folder; first sweeps what crashed runs left beside it. */
  static async open(dir: string): Promise<ReleaseBatch> {
    const parent = dirname(dir);
    await mkdir(parent, { recursive: true });
    await sweepReleaseFolders(parent);
    await sweepTemps(dir);
    counter += 1;
    const staging = join(parent, `.${basename(dir)}.staging-${process.pid}-${counter}`);
    await mkdir(staging);
    return new ReleaseBatch(dir, staging, counter);
  }

  /** Where `file` (a path inside the release folder) is written until the commit. */
  private stagedPath(file: string): string {
    const inside = relative(this.dir, file);
    if (inside === '' || inside.startsWith('..')) throw new Error(`${file} is not inside ${this.dir}`);
    return join(this.staging, inside);
  }

  /** `produce` writes the content to the path it is given (streaming, e.g. a child's stdout). */
  async stream<T>(file: string, produce: (stagedPath: string) => Promise<T>): Promise<T> {
    const staged = this.stagedPath(file);
    this.written.add(relative(this.dir, file));
    const run = mkdir(dirname(staged), { recursive: true }).then(() => produce(staged));
    this.pending.add(run);
    try {
      return await run;
    } finally {
      this.pending.delete(run);
    }
  }

  /** `folder` (inside the release folder) is replaced whole by what this batch writes there, even nothing. */
  own(folder: string): void {
    this.stagedPath(folder); // refuses a folder outside the release folder
    this.owned.add(relative(this.dir, folder));
  }

  async write(file: string, data: string | Buffer): Promise<void> {
    await this.stream(file, (staged) => writeFile(staged, data));
  }

  async writeJson(file: string, value: unknown): Promise<void> {
    await this.write(file, `${JSON.stringify(value, null, 2)}\n`);
  }

  /** Swaps the new set into place (under the folder's lock, so two stages never swap at once). */
  async commit(): Promise<void> {
    await this.settle();
    try {
      await Promise.all([...this.written].map((name) => fsync(join(this.staging, name))));
      await withFileLock(join(dirname(this.dir), `.${basename(this.dir)}`), { what: 'artifact folder' }, () =>
        this.swap(),
      );
    } catch (error) {
      await rm(this.staging, { recursive: true, force: true });
      throw error;
    }
  }

  /** Drops the staged files once every producer has stopped (a late one would write after the removal). */
  async discard(): Promise<void> {
    await this.settle();
    await rm(this.staging, { recursive: true, force: true });
  }

  private async settle() {
    await Promise.allSettled([...this.pending]);
  }

  private async swap() {
    const parent = dirname(this.dir);
    const tag = basename(this.dir);
    const current = await stat(this.dir).catch(() => undefined);
    if (current?.isDirectory()) await copyForward(this.dir, this.staging, this.owned);
    await fsync(this.staging);
    const ready = join(parent, `.${tag}.ready-${process.pid}-${this.n}`);
    const old = join(parent, `.${tag}.old-${process.pid}-${this.n}`);
    await rename(this.staging, ready);
    if (current) await rename(this.dir, old);
    await rename(ready, this.dir);
    await fsync(parent);
    if (current) await rm(old, { recursive: true, force: true });
  }
}

/**
 * Hard-links (or copies) every entry of `from` that `to` does not have yet, folders recursively,
 * except the `skip` folders (relative to the top).
 */
async function copyForward(
  from: string,
  to: string,
  skip: ReadonlySet<string> = new Set(),
  at = '',
): Promise<void> {
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    const inside = at ? join(at, entry.name) : entry.name;
    if (entry.isDirectory()) {
      if (skip.has(inside)) continue;
      await mkdir(target, { recursive: true });
      await copyForward(source, target, skip, inside);
      continue;
    }
    if (await stat(target).catch(() => undefined)) continue;
    if (entry.isSymbolicLink()) await symlink(await readlink(source), target);
    else if (entry.isFile() && !isTempName(entry.name))
      await link(source, target).catch(() => copyFile(source, target));
  }
}

/** The base file of write-file-atomic's temp name of an artifact (`diff.patch.123` → `diff.patch`). */
function atomicTempBase(name: string): string | undefined {
  for (const ext of ARTIFACT_EXTENSIONS) {
    const at = name.lastIndexOf(`${ext}.`);
    if (at > 0 && /^\d+$/.test(name.slice(at + ext.length + 1))) return name.slice(0, at + ext.length);
  }
  return undefined;
}

/** A temp file of ours (what the sweep may remove): never carried into the next set. A user's `notes.2` is. */
const isTempName = (name: string) => PID_TEMP.test(name) || atomicTempBase(name) !== undefined;

async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Staging, ready and old folders of processes that are gone: a complete set missing from its place is rolled forward. */
async function sweepReleaseFolders(parent: string): Promise<void> {
  const entries = await readdir(parent).catch(() => [] as string[]);
  const parsed = entries
    .map((name) => ({ name, match: SWAP_ENTRY.exec(name) }))
    .filter((e): e is { name: string; match: RegExpExecArray } => e.match !== null)
    // A complete new set first, so it wins over the old one it replaced.
    .sort((a, b) => (a.match[2] === 'ready' ? -1 : 0) - (b.match[2] === 'ready' ? -1 : 0));
  for (const { name, match } of parsed) {
    const path = join(parent, name);
    const info = await stat(path).catch(() => undefined);
    if (!info || !isLeftOver(Number(match[3]), info.mtimeMs)) continue;
    const home = join(parent, match[1]!);
    const kind = match[2];
    if (kind !== 'staging' && !(await stat(home).catch(() => undefined))) {
      await rename(path, home).catch(() => undefined);
      continue;
    }
    await rm(path, { recursive: true, force: true });
  }
}

/** Temp files a killed writer left inside a release folder (ours name the process; write-file-atomic's go by age). */
async function sweepTemps(dir: string): Promise<void> {
  await sweepDir(dir, (name, mtimeMs) => {
    const pid = PID_TEMP.exec(name)?.[1];
    if (pid) return isLeftOver(Number(pid), mtimeMs);
    const base = atomicTempBase(name);
    return base !== undefined && isWriteFileAtomicTemp(base, name, mtimeMs);
  });
}
