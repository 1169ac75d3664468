import { describe, expect, it } from 'vitest';
import { isHostUnreachable, timedFetch } from '../../src/github/fetch.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { closedPort } from '../helpers/net.js';
import { tempProject } from '../helpers/project.js';

const failingFetch = (code: string, calls: string[]) =>
  (async (input: string | URL | Request) => {
    calls.push(String(input));
    throw new TypeError('fetch failed', { cause: Object.assign(new Error(`${code} x`), { code }) });
  }) as typeof fetch;

describe('a host that cannot be reached', () => {
  it('DNS and refused connections are retried briefly, saying so, then fail as unreachable', async () => {
    const calls: string[] = [];
    const notes: string[] = [];
    const fetch = timedFetch(5_000, failingFetch('ENOTFOUND', calls), {
      delaysMs: [0, 0],
      onNote: (m) => notes.push(m),
    });
    const error = await fetch('https://ghe.example/api/v3/repos/a/b/releases').catch((e: unknown) => e);
    expect(isHostUnreachable(error)).toBe(true);
    expect(error).toMatchObject({ host: 'ghe.example', reason: 'ENOTFOUND', attempts: 3 });
    expect(calls).toHaveLength(3);
    expect(notes).toEqual([
      'cannot reach ghe.example (ENOTFOUND); retrying… (attempt 2 of 3)',
      'cannot reach ghe.example (ENOTFOUND); retrying… (attempt 3 of 3)',
    ]);
  });

  it('a TLS failure is not retried (it would fail the same way); other errors pass through', async () => {
    const calls: string[] = [];
    const tls = await timedFetch(5_000, failingFetch('CERT_HAS_EXPIRED', calls), { delaysMs: [0, 0] })(
      'https://ghe.example/x',
    ).catch((e: unknown) => e);
    expect(tls).toMatchObject({ reason: 'CERT_HAS_EXPIRED', attempts: 1 });
    expect(calls).toHaveLength(1);
    const other = await timedFetch(
      5_000,
      failingFetch('EWHATEVER', []),
    )('https://x.example/').catch((e: unknown) => e);
    expect(isHostUnreachable(other)).toBe(false);
  });

  it.each([
    [
      'github-releases',
      (port: number) => ({ env: { GITHUB_API_URL: `http://127.0.0.1:${port}` }, extra: {} }),
    ],
    [
      'git-tags',
      (port: number) => ({
        env: {},
        extra: { source: 'git-tags', url: `http://127.0.0.1:${port}/codex.git` },
      }),
    ],
  ])('check through %s names the host and its own code, after "retrying…"', async (_source, setup) => {
    const port = await closedPort();
    const { env, extra } = setup(port);
    const cwd = await tempProject({
      'release-watch.config.json': JSON.stringify({
        upstreams: { codex: { repo: 'openai/codex', tags: 'rust-v*', ...extra } },
      }),
    });
    const text = await runCli(['check'], { cwd, env });
    expect(text.exitCode).toBe(3);
    expect(text.stderr).toContain('retrying…');
    // The failure is in check's report (stdout), the retries are progress notes (stderr).
    expect(text.stdout).toContain(
      `Error [NETWORK_UNREACHABLE]: cannot reach 127.0.0.1:${port} (check the network, GITHUB_API_URL, proxy)`,
    );
    expect(text.stdout).not.toContain('GitHub answered 500');
    const json = await runCli(['check', '--json'], { cwd, env });
    expect(json.exitCode).toBe(3);
    const [row] = parseJson<{ error: { code: string; details: { attempts: number } } }[]>(json);
    expect(row!.error).toMatchObject({ code: 'NETWORK_UNREACHABLE', details: { attempts: 3 } });
  });
});
