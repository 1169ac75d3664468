import { spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { killGroup, trackGroup } from '../../util/shutdown.js';

/**
 * Runs a program in its own process group with stdin closed, streams its stdout line by line to the
 * caller, keeps stdout and stderr in files, and on timeout kills the whole group (the program and
 * anything it started), first with SIGTERM and then with SIGKILL.
 */

export interface ProcessRequest {
  command: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Raw stdout and stderr are written here as they arrive. */
  stdoutFile: string;
  stderrFile: string;
  onLine?: (line: string) => void;
  onStderr?: (text: string) => void;
  /** Stops the program early (its whole process group), as a timeout does. */
  signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL on timeout or abort. */
  killGraceMs?: number;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Stopped through `signal`. */
  aborted: boolean;
  stderr: string;
  durationMs: number;
  /** Process group id (the child's pid). */
  pid?: number;
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  spawnError?: Error;
}

export type ProcessRunner = (request: ProcessRequest) => Promise<ProcessResult>;

const MAX_STDERR_KEPT = 256 * 1024;

const closeStream = (stream: WriteStream) => new Promise<void>((resolve) => stream.end(resolve));

export const runProcess: ProcessRunner = async (request) => {
  await mkdir(dirname(request.stdoutFile), { recursive: true });
  await mkdir(dirname(request.stderrFile), { recursive: true });
  const stdoutFile = createWriteStream(request.stdoutFile);
  const stderrFile = createWriteStream(request.stderrFile);
  const started = performance.now();
  let stderr = '';
  let timedOut = false;

  const child = spawn(request.command, [...request.args], {
    cwd: request.cwd,
    env: request.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a timeout can kill everything it started.
    detached: process.platform !== 'win32',
    windowsHide: true,
  });
  // An interrupt (SIGINT/SIGTERM of release-watch) stops the group too: being detached, it never sees the terminal's signal.
  const untrack = trackGroup(child.pid);

  const lines = createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on('line', (line) => request.onLine?.(line));
  child.stdout.on('data', (chunk: Buffer) => stdoutFile.write(chunk));
  child.stderr.on('data', (chunk: Buffer) => {
    stderrFile.write(chunk);
    const text = chunk.toString('utf8');
    if (stderr.length < MAX_STDERR_KEPT) stderr += text;
    request.onStderr?.(text);
  });

  let graceTimer: NodeJS.Timeout | undefined;
  let stopping = false;
  const stop = () => {
    if (stopping || child.pid === undefined) return;
    stopping = true;
    killGroup(child.pid, 'SIGTERM');
    graceTimer = setTimeout(
      () => child.pid !== undefined && killGroup(child.pid, 'SIGKILL'),
      request.killGraceMs ?? 3000,
    );
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, request.timeoutMs);
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    stop();
  };
  if (request.signal?.aborted) onAbort();
  else request.signal?.addEventListener('abort', onAbort, { once: true });

  const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
      // Whatever the program left running in its group (servers, tool processes) goes with it; this
      // also releases stdout when a leftover had inherited it.
      child.once('exit', () => child.pid !== undefined && killGroup(child.pid, 'SIGKILL'));
      // 'close': the process exited and its stdio is drained.
      child.once('close', (code, signal) => resolve({ code, signal }));
    },
  );
  clearTimeout(timer);
  clearTimeout(graceTimer);
  untrack();
  request.signal?.removeEventListener('abort', onAbort);
  lines.close();
  await Promise.all([closeStream(stdoutFile), closeStream(stderrFile)]);

  return {
    exitCode: outcome.code,
    signal: outcome.signal,
    timedOut,
    aborted,
    stderr,
    durationMs: Math.round(performance.now() - started),
    pid: child.pid,
    ...(outcome.error ? { spawnError: outcome.error } : {}),
  };
};
