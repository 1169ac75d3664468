import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/**
 * The one write path: every file release-watch writes goes through here (temp file + fsync + rename),
 * so a crash never leaves a half-written state file or artifact.
 */
export async function writeFileAtomically(file: string, data: string | Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, data);
}

export async function writeJsonAtomically(file: string, value: unknown): Promise<void> {
  await writeFileAtomically(file, `${JSON.stringify(value, null, 2)}\n`);
}

export async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Appends `text` on a line of its own by replacing the file atomically (job summaries, step outputs). */
export async function appendFileAtomically(file: string, text: string): Promise<void> {
  const existing = (await readTextIfExists(file)) ?? '';
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  await writeFileAtomically(file, existing + separator + text);
}

let batchCounter = 0;

/**
 * Files that change together or not at all (a stage's artifact set): each is produced at a temp
 * path beside its target; `commit()` renames them into place in the order they were staged, and
 * `discard()` removes the temps, leaving the earlier files as they were.
 */
export class AtomicBatch {
  private readonly staged: { temp: string; file: string }[] = [];

  /** `produce` writes the content to the temp path it is given (streaming, e.g. a child's stdout). */
  async stream<T>(file: string, produce: (tempPath: string) => Promise<T>): Promise<T> {
    await mkdir(dirname(file), { recursive: true });
    batchCounter += 1;
    const temp = `${file}.${process.pid}.${Date.now()}.${batchCounter}.tmp`;
    this.staged.push({ temp, file });
    return produce(temp);
  }

  async write(file: string, data: string | Buffer): Promise<void> {
    await this.stream(file, (temp) => writeFile(temp, data));
  }

  async writeJson(file: string, value: unknown): Promise<void> {
    await this.write(file, `${JSON.stringify(value, null, 2)}\n`);
  }

  async commit(): Promise<void> {
    for (const { temp, file } of this.staged) await rename(temp, file);
    this.staged.length = 0;
  }

  async discard(): Promise<void> {
    await Promise.all(this.staged.map(({ temp }) => rm(temp, { force: true })));
    this.staged.length = 0;
  }
}
