import { describe, expect, it } from 'vitest';
import {
  allowListedEnv,
  enforcedConfig,
  openCodeEnv,
  READ_ONLY_PERMISSION,
} from '../../../src/analysis/agent/env.js';

/** What a user's environment may hold that OpenCode needs. */
const PASSED = {
  PATH: '/usr/bin',
  HOME: '/home/u',
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  XDG_CONFIG_HOME: '/home/u/.config',
  HTTPS_PROXY: 'http://proxy:3128',
  NO_PROXY: 'localhost',
  ANTHROPIC_API_KEY: 'sk-ant',
  OPENAI_API_KEY: 'sk-oai',
  AWS_REGION: 'eu-west-1',
  AZURE_RESOURCE_NAME: 'r',
  OPENCODE_CONFIG: '/home/u/custom.json',
};

/** What it may hold that the agent must never see, or that would loosen the enforced config. */
const BLOCKED = {
  GITHUB_TOKEN: 'ghp_x',
  GH_TOKEN: 'ghp_y',
  GITHUB_API_KEY: 'ghp_z',
  GH_ENTERPRISE_TOKEN: 'ghp_e',
  ACTIONS_RUNTIME_TOKEN: 'runtime',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc',
  RUNNER_TEMP: '/tmp/runner',
  NPM_TOKEN: 'npm_secret',
  NODE_OPTIONS: '--require /tmp/evil.js',
  SSH_AUTH_SOCK: '/tmp/ssh.sock',
  OPENCODE_PERMISSION: '{"bash":"allow"}',
  OPENCODE_AUTO_SHARE: '1',
  OPENCODE_CONFIG_CONTENT: '{"permission":{"edit":"allow"}}',
};

const USER_ENV = { ...PASSED, ...BLOCKED, UNSET: undefined };

describe('environment allow-list', () => {
  it('passes PATH, HOME, locale, XDG, proxies, provider keys and OpenCode settings; nothing else', () => {
    expect(allowListedEnv(USER_ENV)).toEqual(PASSED);
  });

  it('matches names case-insensitively (Windows), so a lower-case token is blocked too', () => {
    expect(allowListedEnv({ github_token: 'x', Path: 'p', https_proxy: 'h' })).toEqual({
      Path: 'p',
      https_proxy: 'h',
    });
  });

  it('adds the isolation switches and the enforced read-only config; the user may only undo the quiet defaults', () => {
    const env = openCodeEnv({
      env: {
        ...USER_ENV,
        OPENCODE_DISABLE_MODELS_FETCH: '0',
        OPENCODE_DISABLE_PROJECT_CONFIG: '0',
        OPENCODE_DISABLE_SHARE: 'false',
        OPENCODE_CONFIG_DIR: '/elsewhere',
      },
      configDir: '/raw/opencode-config',
      agentName: 'release-impact',
    });
    expect(env.GITHUB_TOKEN).toBeUndefined();
    expect(env.GH_TOKEN).toBeUndefined();
    expect(JSON.stringify(env)).not.toContain('ghp_');
    expect(env.OPENCODE_PERMISSION).toBeUndefined();
    expect(env).toMatchObject({
      OPENCODE_CONFIG_DIR: '/raw/opencode-config',
      OPENCODE_DISABLE_PROJECT_CONFIG: '1',
      OPENCODE_DISABLE_CLAUDE_CODE: '1',
      OPENCODE_DISABLE_EXTERNAL_SKILLS: '1',
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      OPENCODE_DISABLE_MODELS_FETCH: '0',
      OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
      OPENCODE_DISABLE_SHARE: '1',
      OPENCODE_CONFIG: '/home/u/custom.json',
      HOME: '/home/u',
    });
    const config = JSON.parse(env.OPENCODE_CONFIG_CONTENT!);
    expect(config).toEqual(enforcedConfig('release-impact'));
    expect(config.share).toBe('disabled');
    expect(config.agent['release-impact'].permission).toEqual(READ_ONLY_PERMISSION);
    expect(config.permission).toMatchObject({ edit: 'deny', bash: 'deny', webfetch: 'deny', read: 'allow' });
  });
});
