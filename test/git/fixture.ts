import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { parseConfig, type ResolvedConfig } from '../../src/config/load.js';
import type { DiffDeps } from '../../src/diff/service.js';
import { type GitRunner, runGit } from '../../src/git/run.js';
import type { GitHubEnv } from '../../src/github/client.js';
import { createFixtureRepo, type FixtureRepo } from '../helpers/git-fixture.js';
import { tempDir } from '../helpers/tmp.js';

export { gitBytes } from '../helpers/git-fixture.js';

/**
 * The upstream most diff tests use: history before the first release (with a large file no diff
 * ever touches, to prove the cache stays partial), then releases v1.0.0, v1.1.0 (annotated) and
 * v1.2.0. v1.0.0 → v1.1.0 has an add, a delete, a rename, a binary change, a symlink, a file in the
 * `plugin-hooks` surface, ignored files and a path with a space and non-ASCII letters.
 *
 * Served over file:// with `uploadpack.allowFilter=true`: without it upload-pack ignores `--filter`
 * and a partial clone silently becomes a full one. Fetching objects by id needs no
 * `uploadpack.allowAnySHA1InWant`, because the cache speaks protocol v2.
 */
export interface ReleaseFixture {
  repo: FixtureRepo;
  /** Blob id of `big/unchanged.txt`, which no release changes. */
  untouchedBlob: string;
}

export async function createReleaseFixture(
  options: { allowFilter?: boolean; dir?: string } = {},
): Promise<ReleaseFixture> {
  const repo = await createFixtureRepo({ dir: options.dir });
  if (options.allowFilter ?? true) await repo.git('config', 'uploadpack.allowFilter', 'true');
  const lines = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) => `${prefix} line ${i}`)
      .join('\n')
      .concat('\n');
  const initial: Record<string, string | Buffer> = {
    'README.md': '# widget\n',
    'big/unchanged.txt': lines('unchanged', 2000),
    'packages/plugin/src/hooks.ts': 'export interface Hooks {\n  auth(): void;\n}\n',
    'docs/guide.md': 'guide v1\n',
    'assets/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02, 0x03]),
    'old/name.txt': lines('name', 20),
  };
  for (let i = 0; i < 12; i++) initial[`src/a${i}.ts`] = lines(`a${i}`, 15);
  await repo.commit(initial, 'initial');
  for (let i = 0; i < 6; i++)
    await repo.commit({ [`src/a${i}.ts`]: lines(`a${i} rev ${i}`, 15) }, `history ${i}`);
  await repo.tag('v0.9.0');
  await repo.commit({ 'src/a0.ts': lines('a0 for 1.0', 15) }, 'prepare 1.0');
  await repo.tag('v1.0.0');

  await repo.commit(
    {
      'packages/plugin/src/hooks.ts': 'export interface Hooks {\n  auth(token: string): Promise<void>;\n}\n',
      'src/new.ts': 'export const added = true;\n',
      'src/a3.ts': null,
      'src/spaced name ü.ts': 'export const unicode = "ü";\n',
    },
    'feat: hooks take a token',
  );
  await repo.rename('old/name.txt', 'new/name.txt', 'refactor: move name');
  await symlink('../README.md', join(repo.dir, 'src/readme-link'));
  await repo.commit(
    {
      'assets/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x09, 0x08, 0x07, 0x06]),
      'docs/guide.md': 'guide v2\n',
      'bun.lock': '{ "lockfileVersion": 1 }\n',
    },
    'chore: assets and docs',
  );
  await repo.tag('v1.1.0', { annotated: true });

  await repo.commit({ 'src/a1.ts': lines('a1 for 1.2', 15) }, 'fix: a1');
  await repo.commit(
    {
      'packages/plugin/src/hooks.ts':
        'export interface Hooks {\n  auth(token: string): Promise<boolean>;\n}\n',
    },
    'feat!: auth returns a boolean',
  );
  await repo.tag('v1.2.0');
  const untouchedBlob = await repo.git('rev-parse', 'HEAD:big/unchanged.txt');
  return { repo, untouchedBlob };
}

/** One fixture for every test of a file that only reads it (built once: fixtures cost seconds). */
export function sharedReleaseFixture(): () => ReleaseFixture {
  let fixture: ReleaseFixture | undefined;
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rw-upstream-'));
    fixture = await createReleaseFixture({ dir });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  return () => {
    if (!fixture) throw new Error('the shared fixture is built in beforeAll');
    return fixture;
  };
}

export const UPSTREAM_ID = 'widget';

export function upstreamConfig(url: string) {
  return {
    repo: 'acme/widget',
    tags: 'v*',
    source: 'git-tags',
    url,
    surfaces: { 'plugin-hooks': ['packages/plugin/src/**'], names: ['old/**'] },
    ignore: ['docs/**', '**/bun.lock'],
  };
}

/** A project folder with a JSON config for the fixture upstream. */
export async function projectConfig(url: string): Promise<ResolvedConfig> {
  const dir = await tempDir('rw-project-');
  return parseConfig(
    { upstreams: { [UPSTREAM_ID]: upstreamConfig(url) } },
    join(dir, 'release-watch.config.json'),
  );
}

export const TEST_ENV: GitHubEnv = { apiUrl: 'http://127.0.0.1:9', serverUrl: 'https://github.example' };

/** A git runner that records every call (argument arrays and stdin) before running real git. */
export function countingGit(inner: GitRunner = runGit) {
  const calls: { args: readonly string[]; input?: string }[] = [];
  const git: GitRunner = (args, options) => {
    calls.push({ args, input: options?.input });
    return inner(args, options);
  };
  /** The git subcommand of a call, past `-c k=v` and `--git-dir=…` style options. */
  const subcommand = (args: readonly string[]) => {
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '-c' || args[i] === '-C') i++;
      else if (!args[i]!.startsWith('-')) return args[i];
    }
    return undefined;
  };
  return {
    git,
    calls,
    of: (name: string) => calls.filter((call) => subcommand(call.args) === name),
    reset: () => {
      calls.length = 0;
    },
  };
}

export function diffDeps(git: GitRunner, notes: string[] = []): DiffDeps {
  return {
    env: TEST_ENV,
    git,
    github: () => {
      throw new Error('git-tags upstreams never need GitHub');
    },
    npm: () => {
      throw new Error('git-tags upstreams never need npm');
    },
    onNote: (message) => notes.push(message),
    now: () => new Date('2026-11-23T09:00:00Z'),
  };
}
