import { createFixtureRepo, type FixtureRepo } from './git-fixture.js';

/**
 * A downstream plugin and the upstream it depends on, built for the anchor tests.
 *
 * The plugin (TypeScript) fetches an upstream prompt file by a raw URL with a `${tag}` template,
 * sends two upstream-defined headers (`Engine-Beta`, `engine-account-id`), maps three model names,
 * reads `ENGINE_HOME`, and implements the `'chat.params'` hook of `@opencode-ai/plugin`'s `Plugin`
 * (reading the `model` and `provider` of its input).
 * It also names things the upstream does not have (`zebra-stripes`, `banana-split`), and a
 * .gitignored file names an upstream model it must not be credited with.
 */
export const UPSTREAM_REPO = 'acme/engine';
export const PROMPT_PATH = 'core/prompts/base_prompt.md';

export const DOWNSTREAM_FILES: Record<string, string> = {
  '.gitignore': 'ignored/\n',
  'index.ts': `import type { Hooks, Plugin } from '@opencode-ai/plugin';
import { MODEL_MAP } from './lib/models.js';

export const promptUrl = (tag: string) =>
  \`https://raw.githubusercontent.com/${UPSTREAM_REPO}/\${tag}/${PROMPT_PATH}\`;

export const EnginePlugin: Plugin = async () => ({
  'chat.params': async (input: { model: string; provider: string }, output: { options: Record<string, unknown> }) => {
    output.options.reasoningEffort = MODEL_MAP[input.model] === 'engine-max' ? 'xhigh' : 'low';
    for (const key of ['model', 'provider'] as const) output.options[\`engine-\${key}\`] = input[key];
  },
});

export type { Hooks };
`,
  'lib/models.ts': `export const MODEL_MAP: Record<string, string> = {
  large: 'engine-large',
  mini: 'engine-mini',
  max: 'engine-max',
};
export const FLAVOUR = 'zebra-stripes';
`,
  'lib/request.ts': `export async function send(token: string, body: unknown) {
  const home = process.env.ENGINE_HOME ?? '~/.engine';
  return fetch('https://api.engine.test/v1/responses', {
    method: 'POST',
    headers: {
      'Engine-Beta': 'responses=v1',
      'engine-account-id': token,
    },
    body: JSON.stringify({ body, home, dessert: 'banana-split' }),
  });
}
`,
  'package.json': `${JSON.stringify(
    { name: 'engine-plugin', type: 'module', dependencies: { '@opencode-ai/plugin': '^1.0.0' } },
    null,
    2,
  )}\n`,
  'README.md': 'Set `ENGINE_HOME` to choose where the engine keeps its state. Models: `engine-large`.\n',
  'ignored/extra.ts': "export const hidden = 'engine-secret-model';\n",
};

/** The engine's plugin interface at `v1.0.0`: the plugin implements `chat.params`, not `chat.message`. */
export const HOOKS = `export interface Hooks {
  'chat.params'?: (input: { model: string; provider: string }, output: { options: Record<string, unknown> }) => Promise<void>;
  'chat.message'?: (input: { sessionID: string }, output: { parts: string[] }) => Promise<void>;
}
export type Plugin = () => Promise<Hooks>;
`;

/** The upstream at `v1.0.0`: the names the plugin uses, each in one or few files, and generic words in many. */
export async function createEngineUpstream(): Promise<FixtureRepo> {
  const repo = await createFixtureRepo();
  await repo.git('config', 'uploadpack.allowFilter', 'true');
  const files: Record<string, string> = {
    [PROMPT_PATH]: 'You are the engine. Answer briefly.\n',
    'core/src/headers.rs':
      'pub const BETA: &str = "Engine-Beta";\npub const ACCOUNT: &str = "Engine-Account-Id";\n',
    'core/src/models.rs': `pub const PRESETS: &[Preset] = &[
    Preset { id: "engine-large", model: "engine-large", effort: Effort::Low },
    Preset { id: "engine-mini", model: "engine-mini", effort: Effort::Low },
    Preset { id: "engine-max", model: "engine-max", effort: Effort::XHigh },
];
`,
    'core/src/effort.rs':
      '#[serde(rename_all = "lowercase")]\npub enum Effort { Low, High, XHigh }\n// "xhigh" "low"\n',
    'core/src/env.rs': 'pub fn home() -> String { std::env::var("ENGINE_HOME").unwrap() }\n',
    'core/src/server.rs': 'fn route() { post("/v1/responses") }\n',
    'packages/plugin/src/index.ts': HOOKS,
    // Where the engine calls the hook: the object it passes is the hook's input.
    'packages/engine/src/session.ts': `export async function prompt(trigger: Trigger, model: string, provider: string) {
  await trigger('chat.params', { model, provider }, { options: {} });
}
`,
    'packages/plugin/package.json': '{ "name": "@opencode-ai/plugin" }\n',
    'docs/models.md': 'engine-secret-model is internal.\n',
  };
  // A word every file has: found, but weighs little.
  for (let i = 0; i < 7; i++) files[`core/src/generic${i}.rs`] = `// low level helper ${i}: POST the body\n`;
  await repo.commit(files, 'engine 1.0');
  await repo.tag('v1.0.0');
  return repo;
}

/** The downstream checkout: a git repository with the plugin committed. */
export async function createPluginDownstream(): Promise<FixtureRepo> {
  const repo = await createFixtureRepo();
  await repo.commit(DOWNSTREAM_FILES, 'plugin');
  return repo;
}
