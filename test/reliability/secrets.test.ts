import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReleaseFixture, type ReleaseFixture, upstreamConfig } from '../git/fixture.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { type GitHttpServer, startGitHttpServer } from '../helpers/git-http-server.js';
import { startGitHubStandIn } from '../helpers/github-server.js';
import { tempProject } from '../helpers/project.js';

/** Canary credentials: none may show up in any output, artifact or the cache. */
const URL_TOKEN = 'ghs_canaryInCloneUrl0123456789';
const QUERY_TOKEN = 'canaryInQueryString9876543210';
const GITHUB_TOKEN = 'ghp_canaryGitHubToken5555555555';
const CANARIES = [URL_TOKEN, QUERY_TOKEN, GITHUB_TOKEN];

let fixture: ReleaseFixture;
let server: GitHttpServer;
beforeAll(async () => {
  const root = await import('node:fs/promises').then((fs) =>
    fs.mkdtemp(join(process.env.TMPDIR ?? '/tmp', 'rw-secrets-')),
  );
  await import('node:fs/promises').then((fs) => fs.mkdir(join(root, 'widget')));
  fixture = await createReleaseFixture({ dir: join(root, 'widget') });
  server = await startGitHttpServer(root, { basicAuth: { user: 'x-access-token', password: URL_TOKEN } });
});
afterAll(async () => {
  await server.close();
  await import('node:fs/promises').then((fs) =>
    fs.rm(dirname(fixture.repo.dir), { recursive: true, force: true }),
  );
});

const plainUrl = () => `${server.url}/${basename(fixture.repo.dir)}`;
const withToken = (token: string) => plainUrl().replace('http://', `http://x-access-token:${token}@`);

async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) found.push(join(entry.parentPath, entry.name));
  }
  return found;
}

function expectNoCanary(texts: string[]) {
  for (const text of texts) for (const canary of CANARIES) expect(text).not.toContain(canary);
}

async function project(url: string, extra: Record<string, unknown> = {}) {
  return tempProject({
    'release-watch.config.json': JSON.stringify({
      agent: { kind: 'none' },
      upstreams: { widget: { ...upstreamConfig(url), ...extra } },
    }),
  });
}

const env = { GITHUB_TOKEN, GITHUB_SERVER_URL: 'https://git.example' };

describe('credentials never leave the environment', () => {
  it('a token in the clone URL reaches git as a header: absent from output, artifacts and the cache', async () => {
    const cwd = await project(withToken(URL_TOKEN));
    const outputs: string[] = [];
    for (const args of [['check'], ['check', '--json'], ['diff', '--json'], ['run', '--dry-run']]) {
      const result = await runCli(args, { cwd, env });
      expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      outputs.push(result.stdout, result.stderr);
    }
    expect(outputs.join('\n')).toContain('v1.2.0');
    const stored = [
      ...(await filesUnder(join(cwd, '.release-watch/artifacts'))),
      ...(await filesUnder(join(cwd, '.release-watch/cache'))),
    ];
    expect(stored.length).toBeGreaterThan(5);
    expectNoCanary([...outputs, ...(await Promise.all(stored.map((f) => readFile(f, 'latin1'))))]);
    const cacheConfig = await readFile(join(cwd, '.release-watch/cache/widget.git/config'), 'utf8');
    expect(cacheConfig).toContain(`url = "${plainUrl()}"`);
    const release = JSON.parse(
      await readFile(join(cwd, '.release-watch/artifacts/widget/v1.2.0/release.json'), 'utf8'),
    );
    expect(release.url).toBe(plainUrl());
    // git did authenticate: every request after the challenge carried the header.
    expect(server.requests.some((r) => r.status === 200 && r.headers.authorization)).toBe(true);
  }, 300_000);

  it('a refused token and a token in the query string are redacted in text and in details.url', async () => {
    for (const url of [
      withToken('ghs_wrongCanaryToken77777777'),
      `${plainUrl()}?access_token=${QUERY_TOKEN}`,
    ]) {
      const cwd = await project(url);
      const outputs: string[] = [];
      for (const args of [['check'], ['diff', '--to', 'v1.2.0', '--json'], ['run']]) {
        const result = await runCli(args, { cwd, env });
        expect(result.exitCode, `${args.join(' ')}: ${result.stdout}`).not.toBe(0);
        outputs.push(result.stdout, result.stderr);
      }
      const check = parseJson<{ error?: { details?: { url?: string } } }[]>(
        await runCli(['check', '--json'], { cwd, env }),
      );
      expect(check[0]!.error!.details!.url).toMatch(
        /^http:\/\/(\*\*\*@)?127\.0\.0\.1:\d+\/widget(\?access_token=\*\*\*)?$/,
      );
      expectNoCanary(outputs);
      for (const text of outputs) expect(text).not.toContain('ghs_wrongCanaryToken77777777');
      const cache = join(cwd, '.release-watch/cache');
      if (await stat(cache).catch(() => undefined)) {
        const texts = await Promise.all((await filesUnder(cache)).map((f) => readFile(f, 'latin1')));
        for (const text of texts) {
          expect(text).not.toContain(QUERY_TOKEN);
          expect(text).not.toContain('ghs_wrongCanaryToken77777777');
        }
      }
    }
  }, 300_000);

  it('a token GitHub echoes in an error message is not printed by check', async () => {
    const gh = await startGitHubStandIn();
    try {
      gh.repo('acme/widget').releases.push({ tag_name: 'v1.0.0' });
      gh.fault({
        method: 'GET',
        path: /\/releases$/,
        status: 403,
        times: 10,
        body: { message: `Resource not accessible by integration (token ${GITHUB_TOKEN})` },
      });
      const cwd = await tempProject({
        'release-watch.config.json': JSON.stringify({
          upstreams: { widget: { repo: 'acme/widget', tags: 'v*', source: 'github-releases' } },
        }),
      });
      const ghEnv = { ...env, GITHUB_API_URL: gh.url };
      const text = await runCli(['check'], { cwd, env: ghEnv });
      const json = await runCli(['check', '--json'], { cwd, env: ghEnv });
      expect(text.exitCode).not.toBe(0);
      expect(text.stdout + text.stderr).toContain('Resource not accessible by integration');
      expectNoCanary([text.stdout, text.stderr, json.stdout, json.stderr]);
    } finally {
      await gh.close();
    }
  }, 120_000);
});
