import { mkdir, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { buildSampleUpstream, sampleUpstreamConfig } from '../../src/demo/sample.js';
import { BIN } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

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

/** Runs the built CLI as a user would; a run that outlives `guardMs` is killed and counted as a hang. */
export async function drive(
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; guardMs?: number },
): Promise<Driven> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(GITHUB_|GH_|RUNNER_|ACTIONS_|RELEASE_WATCH_)/.test(key) || key === 'CI') delete env[key];
  }
  delete env.NODE_ENV;
  const started = performance.now();
  const result = await execa('node', [BIN, ...args], {
    cwd: options.cwd,
    env: { ...env, NO_COLOR: '1', ...SHORT_TIMEOUTS, ...options.env },
    extendEnv: false,
    reject: false,
    timeout: options.guardMs ?? 90_000,
    killSignal: 'SIGKILL',
    input: '',
  });
  return {
    stdout: result.stdout,
    stderr: result.stderr,
    exitCode: result.exitCode,
    hung: result.timedOut === true,
    durationMs: Math.round(performance.now() - started),
  };
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
