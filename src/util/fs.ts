import { mkdir, readFile } from 'node:fs/promises';
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
