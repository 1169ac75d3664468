import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Git's smart HTTP protocol on 127.0.0.1: `git http-backend` behind a small CGI bridge, serving the
 * repositories under `root` (partial clones allowed). With `basicAuth` every request must carry those
 * credentials (401 with a Basic challenge otherwise). Each request is recorded with its headers.
 */
export interface GitHttpServer {
  /** `http://127.0.0.1:<port>`; a repository at `<root>/x.git` is `${url}/x.git`. */
  url: string;
  requests: { method: string; url: string; headers: IncomingHttpHeaders; status: number }[];
  /** Requests being answered now, and the most there ever were at once. */
  inFlight: { now: number; max: number };
  close(): Promise<void>;
}

export async function startGitHttpServer(
  root: string,
  options: {
    basicAuth?: { user: string; password: string };
    /** Every answer waits this long first (so requests sent at once overlap, as over a real link). */
    latencyMs?: number;
  } = {},
): Promise<GitHttpServer> {
  const requests: GitHttpServer['requests'] = [];
  const inFlight = { now: 0, max: 0 };
  const expected = options.basicAuth
    ? `Basic ${Buffer.from(`${options.basicAuth.user}:${options.basicAuth.password}`).toString('base64')}`
    : undefined;
  const server = createServer(async (req, res) => {
    inFlight.max = Math.max(inFlight.max, ++inFlight.now);
    res.on('close', () => inFlight.now--);
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record = (status: number) =>
      requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, status });
    if (expected && req.headers.authorization !== expected) {
      record(401);
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' });
      res.end();
      return;
    }
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH ?? '',
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_CONFIG_COUNT: '2',
        GIT_CONFIG_KEY_0: 'uploadpack.allowFilter',
        GIT_CONFIG_VALUE_0: 'true',
        GIT_CONFIG_KEY_1: 'uploadpack.allowAnySHA1InWant',
        GIT_CONFIG_VALUE_1: 'true',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
        REMOTE_ADDR: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let started = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (started) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      started = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        const [name, value] = [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      record(status);
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    cgi.on('close', () => {
      if (!started) {
        record(500);
        res.writeHead(500);
      }
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    inFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
