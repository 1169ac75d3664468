import { mkdir, readdir, readFile, readlink, stat, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { buildSampleUpstream, sampleUpstreamConfig } from '../../src/demo/sample.js';
import { PRINT_LOGS_FINDING } from '../helpers/agent-fixture.js';
import { tempDir } from '../helpers/tmp.js';
import { CLI } from './installed.js';

export interface Driven {
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
  /** Killed by the guard: the CLI did not end on its own. */
  hung: boolean;
  durationMs: number;
}

/** Network bounds the suite runs the CLI with, so a hang ends in seconds. */
export const SHORT_TIMEOUTS = { RELEASE_WATCH_GIT_TIMEOUT: '4s', RELEASE_WATCH_HTTP_TIMEOUT: '3s' };

/** The environment a user's shell would give the CLI: none of CI's or the developer's GitHub settings. */
export function userEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(GITHUB_|GH_|RUNNER_|ACTIONS_|RELEASE_WATCH_)/.test(key) || key === 'CI') delete env[key];
  }
  delete env.NODE_ENV;
  return { ...env, NO_COLOR: '1', ...SHORT_TIMEOUTS, ...extra };
}

/** Starts the installed CLI (see install.ts) in a process group of its own, so a kill takes its children too. */
export function startCli(args: string[], options: { cwd: string; env?: Record<string, string | undefined> }) {
  return execa('node', [CLI, ...args], {
    cwd: options.cwd,
    env: userEnv(options.env),
    extendEnv: false,
    reject: false,
    input: '',
    detached: true,
  });
}

/** SIGKILL of a whole process group (the CLI and what it started), as when the machine goes away. */
export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Runs the installed CLI as a user would; a run that outlives `guardMs` is killed and counted as a hang. */
export async function drive(
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; guardMs?: number },
): Promise<Driven> {
  const started = performance.now();
  const child = startCli(args, options);
  let hung = false;
  const guard = setTimeout(() => {
    hung = true;
    killGroup(child.pid);
  }, options.guardMs ?? 90_000);
  const result = await child;
  clearTimeout(guard);
  return {
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    exitCode: hung ? undefined : result.exitCode,
    hung,
    durationMs: Math.round(performance.now() - started),
  };
}

/** Runs `trial` for each item, `parallel` at a time (trials that mostly wait: rate-limit gaps, locks). */
export async function inParallel<T, R>(
  items: readonly T[],
  parallel: number,
  trial: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) results[i] = await trial(items[i]!, i);
    }),
  );
  return results;
}

/** The coded error of a --json run, if it printed one (top level or in a check row). */
export function errorCodes(out: Driven): string[] {
  try {
    const parsed = JSON.parse(out.stdout) as unknown;
    const codes: string[] = [];
    const walk = (value: unknown) => {
      if (!value || typeof value !== 'object') return;
      if (Array.isArray(value)) return value.forEach(walk);
      const record = value as Record<string, unknown>;
      if (record.error && typeof record.error === 'object' && 'code' in (record.error as object)) {
        codes.push(String((record.error as { code: unknown }).code));
      }
      Object.values(record).forEach(walk);
    };
    walk(parsed);
    return codes;
  } catch {
    return [];
  }
}

/** A coded, actionable error: a code from the catalogue, not a catch-all. */
export const isCoded = (code: string | undefined) =>
  code !== undefined && !['UNEXPECTED', 'CHECK_FAILED'].includes(code);

export interface Silent {
  url: string;
  port: number;
  /** Connections accepted so far. */
  accepted: () => number;
  close(): Promise<void>;
}

/** A TCP server that accepts and never says a word (git://, and https before the TLS handshake). */
export async function startSilentTcp(): Promise<Silent> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createTcpServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `127.0.0.1:${port}`,
    port,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP server that reads each request and never answers (smart-HTTP git, the GitHub API). */
export async function startSilentHttp(): Promise<Silent> {
  let accepted = 0;
  const server = createHttpServer((req: IncomingMessage, _res: ServerResponse) => {
    accepted++;
    req.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Project {
  root: string;
  cwd: string;
  upstreamDir: string;
  statePath: string;
  artifacts: string;
}

/**
 * A downstream project watching the sample upstream (two releases, v1.1.0 with findings), with its
 * config JSON; `upstream` overrides the sample's settings (source, url, repo).
 */
export async function sampleProject(
  options: {
    upstream?: Record<string, unknown>;
    config?: Record<string, unknown>;
    upstreamDir?: string;
  } = {},
): Promise<Project> {
  const root = await tempDir('rw-hard-');
  const upstreamDir = options.upstreamDir ?? (await buildSampleUpstream(join(root, 'upstream')));
  const cwd = join(root, 'project');
  await mkdir(cwd, { recursive: true });
  const config = {
    downstream: { repo: 'acme/plugin', minSeverity: 'medium' },
    agent: { kind: 'none' },
    ...options.config,
    upstreams: { sample: { ...sampleUpstreamConfig(upstreamDir), ...options.upstream } },
  };
  await writeFile(join(cwd, 'release-watch.config.json'), JSON.stringify(config, null, 2));
  return {
    root,
    cwd,
    upstreamDir,
    statePath: join(cwd, '.github/release-watch/state.json'),
    artifacts: join(cwd, '.release-watch/artifacts'),
  };
}

/** The sample upstream's last-reviewed tag in a state file: null when none, 'unreadable' when it does not parse. */
export async function lastReviewed(statePath: string): Promise<string | null | 'unreadable'> {
  const text = await readFile(statePath, 'utf8').catch(() => undefined);
  if (text === undefined) return null;
  try {
    return (
      (JSON.parse(text) as { upstreams: { sample?: { lastReviewed: string | null } } }).upstreams.sample
        ?.lastReviewed ?? null
    );
  } catch {
    return 'unreadable';
  }
}

/** Processes whose working directory is inside `dir` (opencode and what it started). */
export async function processesIn(dir: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => '');
    if (cwd === dir || cwd.startsWith(`${dir}/`)) found.push(Number(entry));
  }
  return found;
}

export const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** A valid agent answer about the sample upstream's v1.1.0 (its removed --print-logs flag, verifiable). */
export const SAMPLE_ANSWER = {
  impact: 'high',
  summary: 'v1.1.0 drops --print-logs.',
  findings: [PRINT_LOGS_FINDING],
};
