import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { findPackagedBinary } from '../../src/analysis/agent/binary.js';
import { seedPluginDependency } from '../../src/analysis/agent/opencode.js';
import type { ModelServer, Scenario } from './model-server.js';
import { tempDir } from './tmp.js';

/**
 * An isolated OpenCode installation for one test: its own HOME and XDG folders in a temp dir, a
 * global opencode.json with a provider `rwtest` pointing at the scripted model server, and the
 * pinned `opencode` binary from the opencode-ai devDependency (never one on the developer's PATH).
 *
 * Offline on purpose: @ai-sdk/openai-compatible is bundled inside the opencode binary (nothing to
 * install); the @opencode-ai/plugin install OpenCode starts for every config folder is pre-empted
 * (seedPluginDependency); ripgrep, which OpenCode otherwise downloads for its grep/glob tools, comes
 * from the @vscode/ripgrep devDependency (a registry package that ships the binary) on PATH; and the
 * models.dev refresh is disabled by the runner itself.
 */

export const PROVIDER = 'rwtest';
export const PROVIDER_API_KEY = 'sk-scripted-provider-key';
/** In the parent environment of every e2e test; must never reach the agent or the provider. */
export const GITHUB_TOKEN = 'ghp_testtoken0123456789abcdefghijklmnopqrstuv';

export interface OpenCodeSetup {
  home: string;
  /** Environment to hand the runner (input.env), as a user's process.env would be. */
  env: Record<string, string>;
  binary: string;
  /** `-m` value for a scenario. */
  model(scenario: Scenario): string;
}

const require = createRequire(import.meta.url);

/** Folder holding the `rg` binary of @vscode/ripgrep for this platform. */
export function ripgrepDir(): string {
  const exe = process.platform === 'win32' ? 'rg.exe' : 'rg';
  return dirname(require.resolve(`@vscode/ripgrep-${process.platform}-${process.arch}/bin/${exe}`));
}

/** How the user set up the provider: the ways a real user's OpenCode setup reaches the runner. */
export interface ProviderSetup {
  /** `global`: $XDG_CONFIG_HOME/opencode/opencode.json; `OPENCODE_CONFIG`: a file that variable names. */
  config?: 'global' | 'OPENCODE_CONFIG';
  /** `env`: an *_API_KEY variable; `auth`: `opencode auth` credentials in $XDG_DATA_HOME/opencode/auth.json. */
  key?: 'env' | 'auth';
}

export async function isolatedOpenCode(
  server: ModelServer,
  scenarios: Scenario[],
  provider: ProviderSetup = {},
): Promise<OpenCodeSetup> {
  const home = await tempDir('rw-opencode-home-');
  const xdg = {
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
  };
  const globalDir = join(xdg.XDG_CONFIG_HOME, 'opencode');
  await mkdir(globalDir, { recursive: true });
  await mkdir(join(home, 'tmp'));
  await seedPluginDependency(globalDir);
  const models = Object.fromEntries(
    scenarios.map((s) => [
      s.id,
      {
        name: s.id,
        cost: { input: 1, output: 2 },
        limit: { context: 128_000, output: 4096 },
        tool_call: true,
        // Lets `--variant` map to a reasoning effort, as for real reasoning models.
        reasoning: true,
      },
    ]),
  );
  const key = provider.key ?? 'env';
  const config = {
    $schema: 'https://opencode.ai/config.json',
    provider: {
      [PROVIDER]: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Scripted test provider',
        options: { baseURL: server.url, ...(key === 'env' ? { apiKey: '{env:RWTEST_API_KEY}' } : {}) },
        models,
      },
    },
  };
  const env: Record<string, string> = {
    PATH: [ripgrepDir(), process.env.PATH ?? ''].join(delimiter),
    HOME: home,
    ...xdg,
    // A user's own temp dir: the runner gives each OpenCode run a folder under it and removes it after.
    TMPDIR: join(home, 'tmp'),
    LANG: 'C.UTF-8',
    GITHUB_TOKEN,
    GH_TOKEN: GITHUB_TOKEN,
    GITHUB_REPOSITORY: 'downstream/project',
  };
  if (key === 'env') env.RWTEST_API_KEY = PROVIDER_API_KEY;
  else {
    const dataDir = join(xdg.XDG_DATA_HOME, 'opencode');
    await mkdir(dataDir, { recursive: true });
    await writeFile(
      join(dataDir, 'auth.json'),
      JSON.stringify({ [PROVIDER]: { type: 'api', key: PROVIDER_API_KEY } }),
    );
  }
  if (provider.config === 'OPENCODE_CONFIG') {
    const file = join(home, 'elsewhere', 'my-opencode.json');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(config, null, 2));
    env.OPENCODE_CONFIG = file;
  } else {
    await writeFile(join(globalDir, 'opencode.json'), JSON.stringify(config, null, 2));
  }
  const binary = await findPackagedBinary();
  if (!binary) throw new Error('opencode-ai is not installed: run npm ci');
  return { home, binary, env, model: (scenario) => `${PROVIDER}/${scenario.id}` };
}
