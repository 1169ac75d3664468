import { relative, sep } from 'node:path';
import type { ResolvedConfig } from '../config/load.js';
import { Errors } from '../errors.js';
import { readTextIfExists } from '../util/fs.js';
import { packageFile } from '../util/package.js';

/** The one source of the GitHub workflow: `init` renders it for a downstream, scripts/workflow.mjs for this repository. */
export const WORKFLOW_TEMPLATE = packageFile('templates', 'release-watch.yml');

export interface WorkflowValues {
  /** Shell command that makes `run` work in a fresh checkout. */
  install: string;
  /** The command that starts release-watch: `npx --no-install release-watch`, or `npx --yes release-watch@<version>`. */
  run: string;
  /** Environment variable (and secret) holding the model provider's key, e.g. OPENCODE_API_KEY. */
  modelKey: string;
  /** Repository-relative paths of the state file, the artifacts folder and the upstream cache. */
  state: string;
  artifacts: string;
  cache: string;
}

const PLACEHOLDERS: Record<string, keyof WorkflowValues> = {
  __INSTALL__: 'install',
  __RUN__: 'run',
  __MODEL_KEY__: 'modelKey',
  __STATE__: 'state',
  __ARTIFACTS__: 'artifacts',
  __CACHE__: 'cache',
};

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
// Plain YAML scalars that need no quoting: no indicator first, no ": " or " #", no flow characters.
const PLAIN_SCALAR = /^[A-Za-z0-9_./~][A-Za-z0-9_./~ @+=&-]*$/;

const yamlScalar = (value: string) =>
  PLAIN_SCALAR.test(value) && !value.endsWith(' ') ? value : JSON.stringify(value);

export function renderWorkflow(template: string, values: WorkflowValues): string {
  // The key is both a YAML key and part of a `${{ secrets.X }}` expression: it must be a plain name.
  if (!ENV_NAME.test(values.modelKey))
    throw new Error(`not an environment variable name: ${values.modelKey}`);
  return template.replace(/__[A-Z_]+?__/g, (token) => {
    const key = PLACEHOLDERS[token];
    if (!key) throw new Error(`unknown placeholder ${token} in the workflow template`);
    if (key === 'modelKey') return values.modelKey;
    // Also used inside block scalars, where quotes would be part of the command.
    if (key === 'run' && !PLAIN_SCALAR.test(values.run))
      throw new Error(`not a plain command: ${values.run}`);
    return yamlScalar(values[key]);
  });
}

export async function readWorkflowTemplate(file = WORKFLOW_TEMPLATE): Promise<string> {
  const text = await readTextIfExists(file);
  if (text === undefined) throw Errors.packageFileMissing(file);
  return text;
}

/** Environment variables OpenCode reads a provider's key from; others follow `<PROVIDER>_API_KEY`. */
const PROVIDER_KEYS: Record<string, string> = {
  opencode: 'OPENCODE_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  openai: 'OPENAI_API_KEY',
  google: 'GOOGLE_GENERATIVE_AI_API_KEY',
  openrouter: 'OPENROUTER_API_KEY',
  groq: 'GROQ_API_KEY',
  mistral: 'MISTRAL_API_KEY',
  deepseek: 'DEEPSEEK_API_KEY',
  xai: 'XAI_API_KEY',
};

export const DEFAULT_MODEL = 'opencode/big-pickle';

/** The secret a model needs: `anthropic/claude-sonnet-4` → ANTHROPIC_API_KEY. */
export function modelKeyFor(model: string | undefined): string {
  const provider = (model ?? DEFAULT_MODEL).split('/')[0]!.toLowerCase();
  const key = PROVIDER_KEYS[provider] ?? `${provider.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_API_KEY`;
  return ENV_NAME.test(key) ? key : 'MODEL_API_KEY';
}

/** Workflow values from a config: its paths relative to the repository root (the config's folder). */
export function workflowValues(
  config: ResolvedConfig,
  runner: Pick<WorkflowValues, 'install' | 'run'>,
): WorkflowValues {
  const rel = (path: string) => relative(config.rootDir, path).split(sep).join('/');
  return {
    ...runner,
    modelKey: modelKeyFor(config.agent.model),
    state: rel(config.state),
    artifacts: rel(config.artifacts),
    cache: rel(config.cache),
  };
}

/** How a Node project installs its dependencies from its lockfile, with the package manager it uses. */
export function lockfileInstall(
  pkg: { packageManager?: unknown } | undefined,
  files: ReadonlySet<string>,
): string | undefined {
  const declared = typeof pkg?.packageManager === 'string' ? pkg.packageManager.split('@')[0] : undefined;
  const manager =
    declared ??
    (files.has('pnpm-lock.yaml')
      ? 'pnpm'
      : files.has('yarn.lock')
        ? 'yarn'
        : files.has('package-lock.json') || files.has('npm-shrinkwrap.json')
          ? 'npm'
          : undefined);
  const version = typeof pkg?.packageManager === 'string' ? pkg.packageManager.split('@')[1] : undefined;
  switch (manager) {
    // corepack (shipped with Node) provides the version packageManager names, or its default.
    case 'pnpm':
      return files.has('pnpm-lock.yaml') ? 'corepack enable && pnpm install --frozen-lockfile' : undefined;
    case 'yarn':
      if (!files.has('yarn.lock')) return undefined;
      return version && !version.startsWith('1.')
        ? 'corepack enable && yarn install --immutable'
        : 'corepack enable && yarn install --frozen-lockfile';
    case 'npm':
      return files.has('package-lock.json') || files.has('npm-shrinkwrap.json') ? 'npm ci' : undefined;
    default:
      return undefined;
  }
}
