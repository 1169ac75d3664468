import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for an npm registry on 127.0.0.1: serves package documents (`GET /<name>`, scoped names
 * as `/@scope%2fname`) with ETags and 304s, optionally requires a bearer token, and records requests.
 */

export interface FakePackage {
  versions: string[];
  distTags?: Record<string, string>;
  /** Version → publish time; omitted from abbreviated documents like the real registry does. */
  time?: Record<string, string>;
  /** Top-level metadata of full documents (left out of abbreviated ones, like the real registry does). */
  repository?: string | { type?: string; url: string; directory?: string };
  homepage?: string;
  bugs?: string | { url: string };
}

export interface NpmRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  status: number;
}

export interface NpmRegistryStandIn {
  url: string;
  packages: Map<string, FakePackage>;
  requests: NpmRequest[];
  close(): Promise<void>;
}

export async function startNpmRegistry(options: { token?: string } = {}): Promise<NpmRegistryStandIn> {
  const packages = new Map<string, FakePackage>();
  const requests: NpmRequest[] = [];

  const answer = (
    req: IncomingMessage,
  ): { status: number; body?: string; headers?: Record<string, string> } => {
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      return { status: 401, body: JSON.stringify({ error: 'authentication required' }) };
    }
    const name = decodeURIComponent((req.url ?? '/').split('?')[0]!.slice(1));
    const pkg = packages.get(name);
    if (req.method !== 'GET' || !pkg) return { status: 404, body: JSON.stringify({ error: 'Not found' }) };
    const abbreviated = /application\/vnd\.npm\.install-v1\+json/.test(req.headers.accept ?? '');
    const document = {
      name,
      'dist-tags': pkg.distTags ?? { latest: pkg.versions.at(-1) },
      versions: Object.fromEntries(
        pkg.versions.map((v) => [v, { name, version: v, dist: { tarball: `/${name}/-/${v}.tgz` } }]),
      ),
      ...(abbreviated
        ? { modified: '2026-01-01T00:00:00.000Z' }
        : { time: pkg.time ?? {}, repository: pkg.repository, homepage: pkg.homepage, bugs: pkg.bugs }),
    };
    const body = JSON.stringify(document);
    const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
    const headers = {
      etag,
      'content-type': abbreviated ? 'application/vnd.npm.install-v1+json' : 'application/json',
      'cache-control': 'public, max-age=300',
    };
    if (req.headers['if-none-match'] === etag) return { status: 304, headers };
    return { status: 200, body, headers };
  };

  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const { status, body, headers } = answer(req);
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, status });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    packages,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
