import { defineConfig } from 'release-watch';

// release-watch watching the two upstreams of the open-hax/codex OpenCode plugin.
export default defineConfig({
  downstream: { repo: 'open-hax/codex', labels: ['release-watch'], minSeverity: 'medium' },
  state: '.github/release-watch/state.json',
  artifacts: '.release-watch/artifacts',
  agent: { kind: 'opencode', name: 'release-impact', model: 'opencode/big-pickle', timeout: '20m' },
  upstreams: {
    opencode: {
      repo: 'sst/opencode',
      tags: 'v[0-9]*',
      source: 'github-releases',
      npm: 'opencode-ai',
      prereleases: false,
      surfaces: {
        'plugin-hooks': ['packages/plugin/src/**', 'packages/opencode/src/plugin/**'],
        auth: ['packages/opencode/src/auth/**', 'packages/opencode/src/provider/auth.ts'],
        provider: [
          'packages/opencode/src/provider/**',
          'packages/opencode/src/session/llm.ts',
          'packages/opencode/src/session/system.ts',
        ],
        prompts: ['packages/opencode/src/session/prompt/**', 'packages/opencode/src/**/*.txt'],
        cli: ['packages/opencode/src/cli/**'],
      },
      ignore: ['**/bun.lock', '**/*.snap', '**/*.svg', '**/*.png', 'packages/web/**', 'packages/console/**'],
      focus:
        'Plugin hook signatures (the Hooks interface), the auth hook and OAuth flow, provider options and headers sent to OpenAI, codex prompt files and their paths.',
    },
    codex: {
      repo: 'openai/codex',
      tags: 'rust-v*',
      source: 'github-releases',
      prereleases: false,
      surfaces: {
        auth: ['codex-rs/login/**', 'codex-rs/core/src/auth.rs', 'codex-rs/core/src/auth/**'],
        endpoints: [
          'codex-rs/core/src/client.rs',
          'codex-rs/core/src/client_common.rs',
          'codex-rs/core/src/model_provider_info.rs',
          'codex-rs/backend-client/**',
          'codex-rs/codex-api/**',
        ],
        headers: ['codex-rs/core/src/default_client.rs', 'codex-rs/core/src/client.rs'],
        prompts: [
          'codex-rs/core/prompt.md',
          'codex-rs/core/*.md',
          'codex-rs/core/templates/**',
          'codex-rs/core/src/prompts/**',
        ],
        cli: ['codex-rs/cli/src/**', 'codex-rs/exec/src/cli.rs', 'codex-rs/tui/src/cli.rs'],
      },
      ignore: ['**/Cargo.lock', '**/*.snap', '**/pnpm-lock.yaml', 'codex-cli/**', 'docs/**'],
      focus:
        'OAuth login flow and token refresh (client id, scopes, endpoints), request headers and the Responses API payload, the base instructions/prompt files the plugin fetches by path, model names and CLI flags.',
    },
  },
});
