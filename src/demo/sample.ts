import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type GitRunner, runGit } from '../git/run.js';

/** The provider file: v1.1.0 stops sending the `OpenAI-Beta` header. */
function providerFile(beta: boolean): string {
  return [
    "export const CODEX_BASE_URL = 'https://chatgpt.com/backend-api/codex';",
    '',
    'export function headers(accountId: string): Record<string, string> {',
    "  const headers: Record<string, string> = { 'chatgpt-account-id': accountId, originator: 'codex_cli_rs' };",
    ...(beta ? ["  headers['OpenAI-Beta'] = 'responses=experimental';"] : []),
    '  return headers;',
    '}',
    '',
  ].join('\n');
}

/**
 * Two releases of a small plugin host: v1.1.0 removes a CLI flag, changes an exported hook and stops
 * sending a header.
 */
export const SAMPLE_RELEASES: { tag: string; message: string; files: Record<string, string | null> }[] = [
  {
    tag: 'v1.0.0',
    message: 'Release 1.0.0',
    files: {
      'README.md': '# sample-host\n\nA plugin host used by the release-watch demo.\n',
      'package.json': '{ "name": "sample-host", "version": "1.0.0", "type": "module" }\n',
      'bun.lock': 'lockfile v1\n',
      'packages/plugin/src/index.ts': [
        'export type Model = { id: string; providerID: string };',
        '',
        '/** Hooks a plugin may implement. */',
        'export interface Hooks {',
        "  'chat.params'?: (input: { model: Model }, output: { temperature: number }) => Promise<void>;",
        "  'chat.headers'?: (input: { model: Model }, output: { headers: Record<string, string> }) => Promise<void>;",
        '  event?: (input: { type: string }) => Promise<void>;',
        '}',
        '',
        'export type Plugin = (context: { directory: string }) => Promise<Hooks>;',
        '',
      ].join('\n'),
      'src/cli.ts': [
        "import { Command } from 'commander';",
        '',
        'export const program = new Command()',
        "  .name('sample-host')",
        "  .option('--model <id>', 'model to use')",
        "  .option('--print-logs', 'print logs to stderr')",
        "  .option('--port <port>', 'port to listen on');",
        '',
      ].join('\n'),
      'src/provider/openai.ts': providerFile(true),
      'prompts/codex.md': 'You are Codex, a coding agent.\n',
      'packages/plugin/package.json':
        '{ "name": "@sample-host/plugin", "version": "1.0.0", "type": "module" }\n',
    },
  },
  {
    tag: 'v1.1.0',
    message:
      'Release 1.1.0: chat.params takes model and provider ids, drop --print-logs and the OpenAI-Beta header',
    files: {
      'package.json': '{ "name": "sample-host", "version": "1.1.0", "type": "module" }\n',
      'bun.lock': 'lockfile v2\n',
      'packages/plugin/src/index.ts': [
        'export type Model = { id: string; providerID: string };',
        '',
        '/** Hooks a plugin may implement. */',
        'export interface Hooks {',
        "  'chat.params'?: (",
        '    input: { modelID: string; providerID: string; sessionID: string },',
        '    output: { temperature: number; topP: number; options: Record<string, unknown> },',
        '  ) => Promise<void>;',
        "  'chat.headers'?: (input: { model: Model }, output: { headers: Record<string, string> }) => Promise<void>;",
        '  event?: (input: { type: string }) => Promise<void>;',
        '}',
        '',
        'export type Plugin = (context: { directory: string }) => Promise<Hooks>;',
        '',
      ].join('\n'),
      'src/cli.ts': [
        "import { Command } from 'commander';",
        '',
        'export const program = new Command()',
        "  .name('sample-host')",
        "  .option('--model <id>', 'model to use')",
        "  .option('--port <port>', 'port to listen on');",
        '',
      ].join('\n'),
      'src/provider/openai.ts': providerFile(false),
      'README.md': '# sample-host\n\nA plugin host used by the release-watch demo. Now with `topP`.\n',
    },
  },
];

const IDENTITY = [
  '-c',
  'user.name=release-watch demo',
  '-c',
  'user.email=demo@release-watch.invalid',
  '-c',
  'commit.gpgsign=false',
  '-c',
  'tag.gpgsign=false',
];

/** Builds the sample upstream as a git repository in `dir` with one commit and one tag per release. */
export async function buildSampleUpstream(dir: string, git: GitRunner = runGit): Promise<string> {
  await mkdir(dir, { recursive: true });
  await git(['init', '-q', '-b', 'main', dir]);
  for (const release of SAMPLE_RELEASES) {
    await commitFiles(dir, release.files, release.message, git);
    await git([...IDENTITY, 'tag', '-a', '-m', release.message, release.tag], { cwd: dir });
  }
  return dir;
}

/** Writes (or removes) these files and commits only them: nothing else in the folder is ever committed. */
async function commitFiles(
  dir: string,
  files: Record<string, string | null>,
  message: string,
  git: GitRunner,
) {
  for (const [path, content] of Object.entries(files)) {
    const file = join(dir, path);
    await mkdir(dirname(file), { recursive: true });
    if (content === null) await rm(file, { force: true });
    else await writeFile(file, content);
  }
  await git(['add', '-A', '--', ...Object.keys(files)], { cwd: dir });
  await git([...IDENTITY, 'commit', '-q', '-m', message], { cwd: dir });
}

/**
 * The downstream of the demo: a small plugin of the sample host that implements its `chat.params`
 * hook, sends the `OpenAI-Beta` header and runs the host's CLI. Committed, because anchors are mined
 * from a checkout's tracked files: v1.1.0's findings then name the plugin's own lines.
 */
export const SAMPLE_PLUGIN: Record<string, string> = {
  'package.json': `${JSON.stringify(
    {
      name: 'sample-plugin',
      version: '0.1.0',
      type: 'module',
      scripts: { host: 'sample-host --print-logs' },
      dependencies: { '@sample-host/plugin': '^1.0.0', 'sample-host': '^1.0.0' },
    },
    null,
    2,
  )}\n`,
  'src/index.ts': [
    "import type { Plugin } from '@sample-host/plugin';",
    '',
    'export const SamplePlugin: Plugin = async () => ({',
    "  'chat.params': async (input, output) => {",
    "    output.temperature = input.model.providerID === 'openai' ? 0.2 : 1;",
    '  },',
    '});',
    '',
  ].join('\n'),
  'src/request.ts': [
    'export function requestHeaders(accountId: string): Record<string, string> {',
    "  const headers = { 'chatgpt-account-id': accountId, 'OpenAI-Beta': 'responses=experimental' };",
    '  return headers;',
    '}',
    '',
  ].join('\n'),
  '.gitignore': '.release-watch/\n',
};

/** Builds the demo's downstream checkout in `dir`: a git repository with the sample plugin committed. */
export async function buildSampleDownstream(dir: string, git: GitRunner = runGit): Promise<string> {
  await mkdir(dir, { recursive: true });
  await git(['init', '-q', '-b', 'main', dir]);
  await commitFiles(dir, SAMPLE_PLUGIN, 'sample plugin', git);
  return dir;
}

/** The config entry of the sample upstream, served from `dir` over file:// (demo and tests). */
export function sampleUpstreamConfig(dir: string) {
  return {
    repo: 'example/sample-host',
    tags: 'v[0-9]*',
    source: 'git-tags' as const,
    url: `file://${dir}`,
    surfaces: {
      'plugin-hooks': ['packages/plugin/src/**'],
      cli: ['src/cli.ts'],
      endpoints: ['src/provider/**'],
      prompts: ['prompts/**'],
    },
    ignore: ['**/bun.lock'],
  };
}
