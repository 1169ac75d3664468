import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { githubOf, inferTagPattern } from '../../src/init/propose.js';
import { type InitPrompter, initProject, type Question } from '../../src/init/service.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { createFixtureRepo, type FixtureRepo } from '../helpers/git-fixture.js';
import { type GitHttpServer, startGitHttpServer } from '../helpers/git-http-server.js';
import { type NpmRegistryStandIn, startNpmRegistry } from '../helpers/npm-registry.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * `init` in a project shaped like the open-hax/codex plugin: a TS file fetching a prompt from
 * openai/codex by tag, a peer dependency @opencode-ai/plugin whose package.json names sst/opencode,
 * both upstreams served over git's HTTP protocol with their real tag styles.
 */

let root: string;
let server: GitHttpServer;
let registry: NpmRegistryStandIn;

async function upstream(repo: string, tags: string[]): Promise<FixtureRepo> {
  await mkdir(join(root, `${repo}.git`), { recursive: true });
  const fixture = await createFixtureRepo({ dir: join(root, `${repo}.git`) });
  await fixture.commit({ 'README.md': repo });
  for (const tag of tags) await fixture.tag(tag);
  return fixture;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'rw-propose-'));
  await upstream('openai/codex', [
    'rust-v0.1.0',
    'rust-v0.2.0',
    'rust-v0.3.0-alpha.1',
    'latest',
    'codex-1.0.0',
  ]);
  await upstream('sst/opencode', ['v1.0.0', 'v1.1.0', 'v1.2.0', 'github-v1', 'rust-v0.0.1']);
  server = await startGitHttpServer(root);
  registry = await startNpmRegistry();
  // Not installed in node_modules: its repository comes from the registry's document.
  registry.packages.set('@acme/sdk', {
    versions: ['1.0.0'],
    repository: { type: 'git', url: 'git+https://github.com/acme/sdk.git' },
  });
  registry.packages.set('left-pad', { versions: ['1.3.0'], repository: 'github:stevemao/left-pad' });
});
afterAll(async () => {
  await server?.close();
  await registry?.close();
  await rm(root, { recursive: true, force: true });
});

const PROMPT_URL =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the fixture's own template literal
  'https://raw.githubusercontent.com/openai/codex/${tag}/codex-rs/core/gpt_5_codex_prompt.md';

/** The plugin checkout: tracked source and package.json, and an installed (untracked) node_modules. */
async function plugin(): Promise<string> {
  const repo = await createFixtureRepo({ dir: await tempDir('rw-plugin-') });
  await repo.commit({
    '.gitignore': 'node_modules/\n',
    // Docs link to repositories the code does not use: not upstreams.
    'README.md':
      '[act](https://github.com/nektos/act) runs CI locally; prompts: https://raw.githubusercontent.com/other/prompts/main/a.md\n',
    'docs/ci.yml': 'url: https://github.com/nektos/act\n',
    'package.json': JSON.stringify({
      name: '@openhax/codex',
      type: 'module',
      // The project itself: never proposed (also without GITHUB_REPOSITORY or an origin remote).
      repository: { type: 'git', url: 'git+https://github.com/open-hax/codex.git' },
      peerDependencies: { '@opencode-ai/plugin': '^0.13.7' },
      dependencies: { hono: '^4.10.4', '@acme/sdk': '^1.0.0' },
      devDependencies: { '@opencode-ai/plugin': '^0.13.7', vitest: '^3.2.4', 'left-pad': '^1.3.0' },
    }),
    'lib/prompts/codex.ts': `export async function fetchPrompt(tag: string) {\n  return fetch(\`${PROMPT_URL}\`);\n}\n`,
    'index.ts': [
      "import type { Plugin } from '@opencode-ai/plugin';",
      "import { client } from '@acme/sdk/client';",
      "export const home = 'https://github.com/open-hax/codex';",
      'export const plugin: Plugin = async () => ({ client });',
      '',
    ].join('\n'),
    // Imported by tests only: tooling, not an upstream.
    'test/prompt.test.ts':
      "import { it } from 'vitest';\nimport pad from 'left-pad';\nit('pads', () => pad);\n",
  });
  const installed = join(repo.dir, 'node_modules/@opencode-ai/plugin/package.json');
  await mkdir(dirname(installed), { recursive: true });
  await writeFile(
    installed,
    JSON.stringify({
      name: '@opencode-ai/plugin',
      repository: {
        type: 'git',
        url: 'git+https://github.com/sst/opencode.git',
        directory: 'packages/plugin',
      },
    }),
  );
  await mkdir(join(repo.dir, 'node_modules/hono'), { recursive: true });
  await writeFile(join(repo.dir, 'node_modules/hono/package.json'), '{"repository":"honojs/hono"}');
  return repo.dir;
}

const env = () => ({
  GITHUB_SERVER_URL: server.url,
  npm_config_registry: registry.url,
  HOME: root,
});

const EXPECTED = [
  { id: 'sdk', repo: 'acme/sdk', tags: 'v[0-9]*', tagsFrom: 'default' },
  {
    id: 'codex',
    repo: 'openai/codex',
    tags: 'rust-v*',
    tagsFrom: 'tags',
    surfaces: { files: ['codex-rs/core/gpt_5_codex_prompt.md'] },
  },
  {
    id: 'opencode',
    repo: 'sst/opencode',
    tags: 'v*',
    tagsFrom: 'tags',
    surfaces: { plugin: ['packages/plugin/**'] },
  },
];

describe('init --yes in a plugin that names its upstreams', () => {
  it('proposes openai/codex (rust-v*) and sst/opencode (v*), with where each was named, and writes them', async () => {
    const dir = await plugin();
    const result = await initProject({ dir, env: env() });
    expect(result.proposed.map(({ reasons: _r, ...p }) => p)).toEqual(EXPECTED);
    expect(Object.fromEntries(result.proposed.map((p) => [p.id, p.reasons]))).toEqual({
      codex: [{ kind: 'url', where: 'lib/prompts/codex.ts' }],
      opencode: [{ kind: 'dependency', where: '@opencode-ai/plugin' }],
      sdk: [{ kind: 'dependency', where: '@acme/sdk' }],
    });
    // hono is declared but never imported, vitest and left-pad are imported by tests only, the project is itself.
    expect(result.upstreams.map((u) => u.repo)).toEqual(['acme/sdk', 'openai/codex', 'sst/opencode']);
    // Only the package missing from node_modules was looked up in the registry, in its full document.
    expect(registry.requests.map((r) => [r.path, r.headers.accept])).toEqual([
      ['/@acme%2fsdk', 'application/json'],
    ]);

    const config = await readFile(join(dir, 'release-watch.config.ts'), 'utf8');
    expect(config).toContain(
      "surfaces: {\n        files: ['codex-rs/core/gpt_5_codex_prompt.md'],\n      },",
    );
    // The typed config imports release-watch: link this package in as npm would.
    await symlink(join(import.meta.dirname, '../..'), join(dir, 'node_modules/release-watch'), 'dir');
    const loaded = await loadConfig({ cwd: dir });
    expect(loaded.upstreams.codex).toMatchObject({ repo: 'openai/codex', tags: 'rust-v*' });
    expect(loaded.upstreams.opencode).toMatchObject({
      repo: 'sst/opencode',
      tags: 'v*',
      surfaces: { plugin: ['packages/plugin/**'] },
    });
  });

  it('the CLI does the same with --yes --json', async () => {
    const dir = await plugin();
    const result = await runCli(['init', '--yes', '--json', '--dir', dir], { cwd: dir, env: env() });
    expect(result.exitCode, result.stderr).toBe(0);
    const json = parseJson<{ upstreams: { id: string; repo: string; tags: string }[] }>(result);
    expect(json.upstreams.map((u) => `${u.id}=${u.repo}:${u.tags}`)).toEqual([
      'sdk=acme/sdk:v[0-9]*',
      'codex=openai/codex:rust-v*',
      'opencode=sst/opencode:v*',
    ]);
  });

  it('a terminal is asked about each proposal, and may add one the project does not name', async () => {
    const dir = await plugin();
    const asked: Question[] = [];
    const answers = ['n', 'y', '', 'extra=acme/extra:x-*', '', 'open-hax/codex', 'opencode/big-pickle'];
    const prompter: InitPrompter = {
      async ask(question) {
        asked.push(question);
        const answer = answers.shift()!;
        return answer === '' && question.default !== undefined ? question.default : answer;
      },
    };
    const result = await initProject({ dir, env: env(), prompter });
    expect(asked.map((q) => q.message)).toEqual([
      'Watch acme/sdk (tags v[0-9]*; named by package @acme/sdk)? [Y/n]',
      'Watch openai/codex (tags rust-v*; named by lib/prompts/codex.ts)? [Y/n]',
      'Watch sst/opencode (tags v*; named by package @opencode-ai/plugin)? [Y/n]',
      'Another upstream (leave empty when done)',
      'Another upstream (leave empty when done)',
      expect.stringMatching(/^Repository to file issues in/),
      expect.stringMatching(/^Model for the agent/),
    ]);
    expect(result.upstreams.map((u) => u.id)).toEqual(['codex', 'opencode', 'extra']);
  });

  it('a project that names nothing still needs --upstream, and says what it looked for', async () => {
    const dir = (await createFixtureRepo({ dir: await tempDir('rw-plain-') })).dir;
    await writeFile(join(dir, 'main.ts'), "export const x = 'https://example.com/a/b';\n");
    const error = await initProject({ dir, env: env() }).then(
      () => undefined,
      (e: { code: string; message: string }) => e,
    );
    expect(error?.code).toBe('INIT_INPUT_MISSING');
    expect(error?.message).toContain('no GitHub URL in its tracked source');
  });
});

describe('inferTagPattern', () => {
  it.each([
    [['rust-v0.1.0', 'rust-v0.2.0', 'rust-v0.3.0-alpha.1', 'latest', 'codex-1.0.0'], 'rust-v*'],
    [['v1.0.0', 'v1.1.0', 'github-v1', 'rust-v0.0.1'], 'v*'],
    [['1.0.0', '1.1.0', 'v0.9.0'], '[0-9]*'],
    [['pkg@1.0.0', 'pkg@1.1.0', 'other@2.0.0'], 'pkg@*'],
    // More stable releases win over more tags.
    [['a-v1.0.0-rc.1', 'a-v1.0.0-rc.2', 'a-v1.0.0-rc.3', 'v1.0.0', 'v2.0.0'], 'v*'],
    [['nightly', 'latest'], undefined],
  ])('%j → %s', (tags, pattern) => expect(inferTagPattern(tags)).toBe(pattern));
});

describe('githubOf', () => {
  it.each([
    [
      { repository: { url: 'git+https://github.com/sst/opencode.git', directory: 'packages/plugin' } },
      { repo: 'sst/opencode', directory: 'packages/plugin' },
    ],
    [{ repository: 'github:honojs/hono' }, { repo: 'honojs/hono' }],
    [{ repository: 'honojs/hono' }, { repo: 'honojs/hono' }],
    [{ homepage: 'https://github.com/acme/x#readme' }, { repo: 'acme/x' }],
    [
      { repository: 'https://gitlab.com/a/b', bugs: { url: 'https://github.com/acme/y/issues' } },
      { repo: 'acme/y' },
    ],
    [{ homepage: 'https://example.com' }, undefined],
    [undefined, undefined],
  ])('%j → %j', (metadata, expected) => expect(githubOf(metadata)).toEqual(expected));
});
