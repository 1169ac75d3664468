/**
 * What the OpenCode process gets to see: an allow-listed environment (never the GitHub token), and
 * the settings that keep the upstream's own OpenCode config, downloads and sharing out of the run.
 */

/** Exact names passed through (compared upper-cased, as Windows does). */
const PASS_NAMES = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TMPDIR',
  'TMP',
  'TEMP',
  'TZ',
  'LANG',
  'LANGUAGE',
  'NO_COLOR',
  // proxies and TLS trust, so providers stay reachable behind a corporate proxy
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  // Windows essentials
  'SYSTEMROOT',
  'WINDIR',
  'COMSPEC',
  'PATHEXT',
  'USERPROFILE',
  'APPDATA',
  'LOCALAPPDATA',
  // model-provider settings that are not *_API_KEY
  'GOOGLE_APPLICATION_CREDENTIALS',
  'GOOGLE_CLOUD_PROJECT',
  'GOOGLE_CLOUD_LOCATION',
  'VERTEX_LOCATION',
]);

/** Name patterns passed through: locale, XDG dirs, OpenCode's own settings, provider credentials. */
const PASS_PATTERNS = [/^LC_/, /^XDG_/, /^OPENCODE_/, /_API_KEY$/, /^AWS_/, /^AZURE_/];

/** Never passed, whatever the patterns say: GitHub credentials and CI runner tokens. */
const BLOCK_PATTERNS = [/^GITHUB_/, /^GH_/, /^ACTIONS_/, /^RUNNER_/];

/** OpenCode settings a user may have exported that would loosen or redirect the enforced config. */
const OVERRIDDEN = new Set(['OPENCODE_PERMISSION', 'OPENCODE_AUTO_SHARE', 'OPENCODE_CONFIG_CONTENT']);

export function isPassedThrough(name: string): boolean {
  const upper = name.toUpperCase();
  if (BLOCK_PATTERNS.some((p) => p.test(upper)) || OVERRIDDEN.has(upper)) return false;
  return PASS_NAMES.has(upper) || PASS_PATTERNS.some((p) => p.test(upper));
}

/** The allow-listed subset of `env`. */
export function allowListedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && isPassedThrough(name)) out[name] = value;
  }
  return out;
}

/**
 * Permissions for the agent: read and search only. Bash is denied outright rather than allow-listed,
 * because a pattern over a shell string cannot tell reading from writing (`git diff --output=…`,
 * `rg --pre …`, `find -delete`, redirections). Keys are listed explicitly so a config merged earlier
 * (the agent file, the user's global config) cannot re-allow them.
 */
export const READ_ONLY_PERMISSION = {
  '*': 'deny',
  read: 'allow',
  grep: 'allow',
  glob: 'allow',
  list: 'allow',
  edit: 'deny',
  bash: 'deny',
  webfetch: 'deny',
  websearch: 'deny',
  codesearch: 'deny',
  task: 'deny',
  skill: 'deny',
  lsp: 'deny',
  question: 'deny',
  todowrite: 'deny',
  doom_loop: 'deny',
  external_directory: 'deny',
} as const;

/**
 * The config injected last (OPENCODE_CONFIG_CONTENT), so it wins over every file OpenCode merges
 * before it: the read-only permissions (top level and on the agent itself, which would otherwise
 * override the top level), no sharing, no updates, no language servers or formatters to download,
 * no snapshot copy of the upstream tree.
 */
export function enforcedConfig(agentName: string) {
  return {
    $schema: 'https://opencode.ai/config.json',
    share: 'disabled',
    autoupdate: false,
    snapshot: false,
    lsp: false,
    formatter: false,
    permission: READ_ONLY_PERMISSION,
    agent: { [agentName]: { permission: READ_ONLY_PERMISSION } },
  };
}

/**
 * Switches that only save time and network (the user may set them otherwise): no self-update, no
 * models.dev refresh (OpenCode's bundled catalogue and the user's cached one serve), no language
 * server downloads, no file watcher on the upstream tree.
 */
const QUIET_DEFAULTS = {
  OPENCODE_DISABLE_AUTOUPDATE: '1',
  OPENCODE_DISABLE_MODELS_FETCH: '1',
  OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
  OPENCODE_EXPERIMENTAL_DISABLE_FILEWATCHER: '1',
  OPENCODE_DISABLE_TERMINAL_TITLE: '1',
  NO_COLOR: '1',
};

/**
 * Environment for one OpenCode run: the allow-listed user environment (providers, credentials and
 * the user's own global OpenCode config keep working), plus the switches that isolate the run,
 * which always win.
 */
export function openCodeEnv(options: {
  env: NodeJS.ProcessEnv;
  configDir: string;
  agentName: string;
}): Record<string, string> {
  return {
    ...QUIET_DEFAULTS,
    ...allowListedEnv(options.env),
    // Our agent (and only it) comes from this private folder; see prepareConfigDir.
    OPENCODE_CONFIG_DIR: options.configDir,
    OPENCODE_CONFIG_CONTENT: JSON.stringify(enforcedConfig(options.agentName)),
    // The upstream's opencode.json, .opencode/ and AGENTS.md are not loaded.
    OPENCODE_DISABLE_PROJECT_CONFIG: '1',
    // No ~/.claude/CLAUDE.md, no skill scans of ~/.claude and ~/.agents.
    OPENCODE_DISABLE_CLAUDE_CODE: '1',
    OPENCODE_DISABLE_EXTERNAL_SKILLS: '1',
    // No share links, whatever the user's config says.
    OPENCODE_DISABLE_SHARE: '1',
  };
}
