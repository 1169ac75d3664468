import { readdirSync, readFileSync, writeSync } from 'node:fs';

/**
 * SIGINT/SIGTERM: every process group we started (the agent, git) is stopped, what was moved aside
 * is put back, and the process exits 130/143 at once. The handler is synchronous on purpose: no
 * other code of ours runs between the signal and the exit, so nothing partial gets written (every
 * file we write goes through temp + rename).
 */

const groups = new Set<number>();
const cleanups = new Set<() => void>();
let installed = false;
let interrupted: NodeJS.Signals | undefined;

/** Signals a process group; a group that is already gone is fine. */
export function killGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Registers a process group to stop on interruption; call the returned function once it has ended. */
export function trackGroup(pid: number | undefined): () => void {
  if (pid === undefined) return () => {};
  groups.add(pid);
  return () => groups.delete(pid);
}

/** Registers a synchronous undo step (e.g. putting a renamed folder back) to run on interruption. */
export function onInterrupt(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** The signal that is ending this process, if any: error rendering stays quiet then. */
export const interruptedBy = (): NodeJS.Signals | undefined => interrupted;

export const INTERRUPT_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

export function installInterruptHandlers(options: { json?: boolean } = {}): void {
  if (installed) return;
  installed = true;
  for (const signal of Object.keys(INTERRUPT_EXIT_CODES) as (keyof typeof INTERRUPT_EXIT_CODES)[]) {
    process.on(signal, () => interrupt(signal, options.json ?? false));
  }
}

function interrupt(signal: keyof typeof INTERRUPT_EXIT_CODES, json: boolean): void {
  const exitCode = INTERRUPT_EXIT_CODES[signal];
  if (interrupted) process.exit(exitCode);
  interrupted = signal;
  stopGroups([...groups]);
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // Best effort: the next run picks up what is left (see hideProjectConfig).
    }
  }
  const message = `Interrupted by ${signal}: stopped the processes release-watch started and restored the checkout; nothing more was written.`;
  const text = json
    ? `${JSON.stringify({ error: { code: 'INTERRUPTED', message, exitCode } })}\n`
    : `Error [INTERRUPTED]: ${message}\n`;
  try {
    writeSync(json ? 1 : 2, text);
  } catch {
    // The terminal may be gone already.
  }
  process.exit(exitCode);
}

/** SIGTERM (git removes its lock files), up to 2 s for the groups to end, then SIGKILL. */
function stopGroups(pids: number[]): void {
  if (pids.length === 0) return;
  for (const pid of pids) killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + 2000;
  let alive = pids;
  while (alive.length > 0 && Date.now() < deadline) {
    sleepSync(25);
    const running = runningGroups(alive);
    alive = alive.filter((pid) => running.has(pid));
  }
  for (const pid of alive) killGroup(pid, 'SIGKILL');
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Which of these process groups still have a running process, in one pass over /proc. Our own child
 * stays a zombie until the event loop reaps it, which it cannot during this synchronous wait, so on
 * Linux zombies are not counted.
 */
export function runningGroups(pgids: readonly number[]): Set<number> {
  if (process.platform !== 'linux') return new Set(pgids.filter((pgid) => killGroup(pgid, 0)));
  const wanted = new Set(pgids);
  const running = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so split after the last ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pgrp = Number(fields[2]);
    if (wanted.has(pgrp) && fields[0] !== 'Z') {
      running.add(pgrp);
      if (running.size === wanted.size) break;
    }
  }
  return running;
}
