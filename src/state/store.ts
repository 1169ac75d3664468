import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { z } from 'zod';
import { severitySchema } from '../config/schema.js';
import { Errors } from '../errors.js';
import { writeJsonAtomically } from '../util/fs.js';
import { withFileLock } from '../util/lock.js';
import { isWriteFileAtomicTemp, sweepDir } from '../util/sweep.js';
import { formatZodIssues } from '../util/zod.js';

export const upstreamStateSchema = z.strictObject({
  lastReviewed: z.string().nullable().default(null),
  reviewedAt: z.string().optional(),
  impact: severitySchema.optional(),
  issues: z.array(z.number().int().positive()).optional(),
});

export const stateSchema = z.strictObject({
  version: z.literal(1),
  upstreams: z.record(z.string(), upstreamStateSchema).default({}),
});

export type UpstreamState = z.output<typeof upstreamStateSchema>;
export type State = z.output<typeof stateSchema>;

export const emptyState = (): State => ({ version: 1, upstreams: {} });

/**
 * Reads the state file. A missing file is an empty state; anything unreadable (bad JSON, a directory,
 * an unknown version, a wrong shape) is an error and the file is left untouched.
 */
export async function readState(file: string): Promise<State> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return emptyState();
    if (code === 'EISDIR') throw Errors.stateUnreadable(file, 'it is a directory, not a file');
    throw Errors.stateUnreadable(file, (error as Error).message);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw Errors.stateUnreadable(file, `invalid JSON (${(error as Error).message})`);
  }
  if (json && typeof json === 'object' && 'version' in json && json.version !== 1) {
    throw Errors.stateVersion(file, json.version);
  }
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) {
    const problems = formatZodIssues(parsed.error);
    throw Errors.stateUnreadable(file, `unexpected content (${problems.join('; ')})`);
  }
  return parsed.data;
}

export async function writeState(file: string, state: State): Promise<void> {
  await writeJsonAtomically(file, stateSchema.parse(state));
}

export function upstreamState(state: State, id: string): UpstreamState {
  return state.upstreams[id] ?? { lastReviewed: null };
}

/**
 * Runs `fn` as the one writer of the state file (other processes wait, then are refused), after
 * removing the temp files that a killed writer left beside it (write-file-atomic's `state.json.<n>`).
 */
export function withStateLock<T>(
  file: string,
  fn: () => Promise<T>,
  onWait?: (message: string) => void,
): Promise<T> {
  const base = basename(file);
  const sweep = async () => {
    await sweepDir(dirname(file), (name, mtimeMs) => isWriteFileAtomicTemp(base, name, mtimeMs));
  };
  return withFileLock(file, { what: 'state file', onWait, onAcquire: sweep }, fn);
}

/**
 * Read-modify-write of one upstream's entry under the state lock; the file is replaced atomically,
 * the other entries are kept as they were.
 */
export function updateUpstreamState(
  file: string,
  id: string,
  update: (current: UpstreamState) => UpstreamState | undefined,
): Promise<State> {
  return withStateLock(file, async () => {
    const state = await readState(file);
    const next = update(upstreamState(state, id));
    const upstreams = { ...state.upstreams };
    if (next === undefined) delete upstreams[id];
    else upstreams[id] = next;
    const written: State = { ...state, upstreams };
    await writeState(file, written);
    return written;
  });
}
