import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the GitHub REST API on 127.0.0.1: real pagination (`Link` headers), rate-limit
 * headers, ETags with 304s, renamed-repo redirects, and scripted faults. State lives in memory so
 * tests can assert on issues, comments and labels, and on every request made.
 */

export interface FakeRelease {
  id?: number;
  tag_name: string;
  name?: string;
  body?: string;
  draft?: boolean;
  prerelease?: boolean;
  created_at?: string;
  published_at?: string | null;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  comments: { id: number; body: string }[];
  created_at: string;
}

export interface FakeRepo {
  releases: FakeRelease[];
  issues: FakeIssue[];
  labels: { name: string; color: string; description?: string }[];
  /** Requests for this repo answer 301 to the new name. */
  renamedTo?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  status: number;
  /** When the request arrived (epoch ms). */
  at: number;
}

export interface ScriptedFault {
  method?: string;
  /** Matched against the path without query string. */
  path: RegExp;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** How many matching requests to answer this way (default 1). */
  times?: number;
  /** Let this many matching requests through first. */
  after?: number;
  /** Carry the request out, then answer with the fault anyway (a 502 for an issue GitHub did create). */
  apply?: boolean;
  /** Send this text as the body instead of JSON (an HTML error page, malformed JSON). */
  raw?: { text: string; contentType: string };
  /** Accept the request and never answer it. */
  hang?: boolean;
  /** Send the headers and part of the body, then reset the connection. */
  reset?: boolean;
}

/**
 * GitHub's answer to a write that tripped the secondary rate limit: 403, `Retry-After`, and the
 * message GitHub sends. With `apply`, the write went through all the same (as GitHub does at times).
 */
export function secondaryRateLimit(
  fault: Omit<ScriptedFault, 'status' | 'headers' | 'body'> & { retryAfter?: number },
): ScriptedFault {
  const { retryAfter, ...rest } = fault;
  return {
    ...rest,
    status: 403,
    headers: retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) },
    body: {
      message:
        'You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.',
      documentation_url:
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
    },
  };
}

interface ActiveFault extends ScriptedFault {
  remaining: number;
  skip: number;
}

export interface GitHubStandIn {
  url: string;
  /** Use as GITHUB_SERVER_URL-style web base in permalinks. */
  webUrl: string;
  requests: RecordedRequest[];
  repo(fullName: string): FakeRepo;
  /** Answer the next matching request(s) with this status instead. */
  fault(fault: ScriptedFault): void;
  /** Drops the scripted faults not used up yet. */
  clearFaults(): void;
  /** Remaining primary rate limit; when 0, requests get 403 with x-ratelimit-remaining: 0. */
  rateLimit: { limit: number; remaining: number; resetAt: number };
  /** Requests being answered now, and the most there ever were at once. */
  inFlight: { now: number; max: number };
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
};

function etagOf(text: string): string {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) | 0;
  return `W/"${(hash >>> 0).toString(16)}-${text.length}"`;
}

export async function startGitHubStandIn(
  options: {
    token?: string;
    /** Every answer waits this long (so requests sent at once overlap, as over a real link). */
    latencyMs?: number;
  } = {},
): Promise<GitHubStandIn> {
  const repos = new Map<string, FakeRepo>();
  const faults: ActiveFault[] = [];
  const requests: RecordedRequest[] = [];
  let nextId = 1000;
  const rateLimit = { limit: 5000, remaining: 5000, resetAt: Math.floor(Date.now() / 1000) + 3600 };

  const repo = (fullName: string): FakeRepo => {
    const key = fullName.toLowerCase();
    let found = repos.get(key);
    if (!found) {
      found = { releases: [], issues: [], labels: [] };
      repos.set(key, found);
    }
    return found;
  };

  let base = '';
  const paginate = (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    items: unknown[],
    extra: Record<string, string> = {},
  ) => {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30) || 30, 100);
    const page = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const link = (p: number, rel: string) => {
      const u = new URL(url.href);
      u.searchParams.set('page', String(p));
      u.searchParams.set('per_page', String(perPage));
      return `<${base}${u.pathname}${u.search}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
    const text = JSON.stringify(slice);
    const etag = etagOf(text);
    const headers: Record<string, string> = { etag, ...extra };
    if (links.length) headers.link = links.join(', ');
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return 304;
    }
    json(res, 200, slice, headers);
    return 200;
  };

  const releaseJson = (owner: string, name: string, r: FakeRelease) => ({
    id: r.id,
    tag_name: r.tag_name,
    name: r.name ?? r.tag_name,
    body: r.body ?? '',
    draft: r.draft ?? false,
    prerelease: r.prerelease ?? false,
    created_at: r.created_at ?? '2026-01-01T00:00:00Z',
    published_at: r.draft ? null : (r.published_at ?? r.created_at ?? '2026-01-01T00:00:00Z'),
    html_url: `${base}/${owner}/${name}/releases/tag/${r.tag_name}`,
  });
  const issueJson = (owner: string, name: string, i: FakeIssue) => ({
    id: i.number + 100_000,
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    labels: i.labels.map((l) => ({ name: l })),
    comments: i.comments.length,
    created_at: i.created_at,
    html_url: `${base}/${owner}/${name}/issues/${i.number}`,
  });

  const commentJson = (owner: string, name: string, i: FakeIssue, c: { id: number; body: string }) => ({
    id: c.id,
    body: c.body,
    html_url: `${base}/${owner}/${name}/issues/${i.number}#issuecomment-${c.id}`,
  });

  // Swallows the answer of a request carried out under an `apply` fault.
  const sink = {
    setHeader: () => sink,
    writeHead: () => sink,
    end: () => sink,
  } as unknown as ServerResponse;

  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    body: string,
    underFault = false,
  ): Promise<number> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/^\/api\/v3/, '');
    const method = req.method ?? 'GET';
    const rateHeaders = () => ({
      'x-ratelimit-limit': String(rateLimit.limit),
      'x-ratelimit-remaining': String(Math.max(rateLimit.remaining, 0)),
      'x-ratelimit-reset': String(rateLimit.resetAt),
      'x-ratelimit-used': String(rateLimit.limit - rateLimit.remaining),
      'x-ratelimit-resource': 'core',
    });
    for (const [k, v] of Object.entries(rateHeaders())) res.setHeader(k, v);

    if (
      options.token &&
      req.headers.authorization !== `token ${options.token}` &&
      req.headers.authorization !== `Bearer ${options.token}`
    ) {
      json(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      return 401;
    }
    const fault = underFault
      ? undefined
      : faults.find((f) => f.remaining > 0 && (!f.method || f.method === method) && f.path.test(path));
    if (fault) {
      if (fault.skip > 0) fault.skip--;
      else {
        fault.remaining--;
        if (fault.apply) await handle(req, sink, body, true);
        if (fault.hang) return fault.status;
        if (fault.reset) {
          res.writeHead(fault.status, {
            'content-type': 'application/json; charset=utf-8',
            ...fault.headers,
          });
          res.write('[{"tag_name": "v');
          setTimeout(() => res.socket?.resetAndDestroy(), 20);
          return fault.status;
        }
        if (fault.raw) {
          res.writeHead(fault.status, { 'content-type': fault.raw.contentType, ...fault.headers });
          res.end(fault.raw.text);
          return fault.status;
        }
        json(res, fault.status, fault.body ?? { message: `scripted ${fault.status}` }, fault.headers);
        return fault.status;
      }
    }
    if (rateLimit.remaining <= 0) {
      json(res, 403, { message: 'API rate limit exceeded for 127.0.0.1.' }, rateHeaders());
      return 403;
    }
    if (req.headers['if-none-match'] === undefined || method !== 'GET') rateLimit.remaining--;

    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    if (!m) {
      if (path === '/rate_limit') {
        json(res, 200, {
          resources: {
            core: { limit: rateLimit.limit, remaining: rateLimit.remaining, reset: rateLimit.resetAt },
          },
        });
        return 200;
      }
      json(res, 404, { message: 'Not Found' });
      return 404;
    }
    const [, owner, name, rest = ''] = m as unknown as [string, string, string, string | undefined];
    const fullName = `${owner}/${name}`;
    const r = repos.get(fullName.toLowerCase());
    if (!r) {
      json(res, 404, { message: 'Not Found' });
      return 404;
    }
    if (r.renamedTo) {
      res.writeHead(301, { location: `${base}/repos/${r.renamedTo}${rest}${url.search}` });
      res.end(JSON.stringify({ message: 'Moved Permanently' }));
      return 301;
    }
    const data = JSON.parse(body || 'null');

    if (method === 'GET' && rest === '') {
      json(res, 200, { full_name: fullName, name, owner: { login: owner } });
      return 200;
    }
    if (method === 'GET' && rest === '/releases') {
      const sorted = [...r.releases].reverse().map((rel) => releaseJson(owner!, name!, rel));
      return paginate(req, res, url, sorted);
    }
    if (method === 'GET' && rest === '/issues') {
      const wanted = (url.searchParams.get('labels') ?? '').split(',').filter(Boolean);
      const state = url.searchParams.get('state') ?? 'open';
      const items = [...r.issues]
        .reverse()
        .filter((i) => state === 'all' || i.state === state)
        .filter((i) => wanted.every((l) => i.labels.includes(l)))
        .map((i) => issueJson(owner!, name!, i));
      return paginate(req, res, url, items);
    }
    if (method === 'POST' && rest === '/issues') {
      const issue: FakeIssue = {
        number: r.issues.length + 1,
        title: data.title,
        body: data.body ?? '',
        state: 'open',
        labels: (data.labels ?? []).map((l: string | { name: string }) =>
          typeof l === 'string' ? l : l.name,
        ),
        comments: [],
        created_at: new Date().toISOString(),
      };
      if (String(issue.body).length > 65_536) {
        json(res, 422, {
          message: 'Validation Failed',
          errors: [
            { field: 'body', code: 'custom', message: 'body is too long (maximum is 65536 characters)' },
          ],
        });
        return 422;
      }
      for (const l of issue.labels)
        if (!r.labels.some((x) => x.name === l)) r.labels.push({ name: l, color: 'ededed' });
      r.issues.push(issue);
      json(res, 201, issueJson(owner!, name!, issue));
      return 201;
    }
    const issueMatch = /^\/issues\/(\d+)(\/comments)?$/.exec(rest);
    if (issueMatch) {
      const issue = r.issues.find((i) => i.number === Number(issueMatch[1]));
      if (!issue) {
        json(res, 404, { message: 'Not Found' });
        return 404;
      }
      if (!issueMatch[2] && method === 'GET') {
        json(res, 200, issueJson(owner!, name!, issue));
        return 200;
      }
      if (!issueMatch[2] && method === 'PATCH') {
        if (data.title !== undefined) issue.title = data.title;
        if (data.body !== undefined) issue.body = data.body;
        if (data.state !== undefined) issue.state = data.state;
        if (data.labels !== undefined) issue.labels = data.labels;
        json(res, 200, issueJson(owner!, name!, issue));
        return 200;
      }
      if (issueMatch[2] && method === 'GET')
        return paginate(
          req,
          res,
          url,
          issue.comments.map((c) => commentJson(owner!, name!, issue, c)),
        );
      if (issueMatch[2] && method === 'POST') {
        const comment = { id: nextId++, body: data.body };
        issue.comments.push(comment);
        json(res, 201, commentJson(owner!, name!, issue, comment));
        return 201;
      }
    }
    if (method === 'GET' && rest === '/labels') return paginate(req, res, url, r.labels);
    const labelMatch = /^\/labels\/(.+)$/.exec(rest);
    if (method === 'GET' && labelMatch) {
      const label = r.labels.find((l) => l.name === decodeURIComponent(labelMatch[1]!));
      if (label) json(res, 200, label);
      else json(res, 404, { message: 'Not Found' });
      return label ? 200 : 404;
    }
    if (method === 'POST' && rest === '/labels') {
      if (r.labels.some((l) => l.name === data.name)) {
        json(res, 422, {
          message: 'Validation Failed',
          errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }],
        });
        return 422;
      }
      r.labels.push({ name: data.name, color: data.color ?? 'ededed', description: data.description });
      json(res, 201, data);
      return 201;
    }
    json(res, 404, { message: 'Not Found' });
    return 404;
  };

  const inFlight = { now: 0, max: 0 };
  const server: Server = createServer((req, res) => {
    const at = Date.now();
    inFlight.max = Math.max(inFlight.max, ++inFlight.now);
    res.on('close', () => inFlight.now--);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
      handle(req, res, body)
        .then((status) =>
          requests.push({
            method: req.method ?? 'GET',
            path: url.pathname,
            query: url.searchParams,
            headers: req.headers,
            body,
            status,
            at,
          }),
        )
        .catch((error) => {
          json(res, 500, { message: String(error) });
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    webUrl: base,
    requests,
    repo,
    rateLimit,
    inFlight,
    fault: (f) => faults.push({ ...f, remaining: f.times ?? 1, skip: f.after ?? 0 }),
    clearFaults: () => {
      faults.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
