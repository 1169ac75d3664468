import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parseConfig, SEARCH_PLACES } from '../config/load.js';
import { configSchema, repoSchema } from '../config/schema.js';
import { Errors, isReleaseWatchError } from '../errors.js';
import { type GitRunner, runGit } from '../git/run.js';
import { githubEnv } from '../github/env.js';
import type { NpmRegistry } from '../sources/types.js';
import { readState, type State, writeState } from '../state/store.js';
import { readTextIfExists, writeFileAtomically } from '../util/fs.js';
import { packageFile, packageVersion } from '../util/package.js';
import {
  configObject,
  type InitAnswers,
  type InitUpstream,
  parseUpstreamSpec,
  renderConfig,
} from './config.js';
import { type ProposedUpstream, proposeUpstreams } from './propose.js';
import {
  DEFAULT_MODEL,
  lockfileInstall,
  modelKeyFor,
  readWorkflowTemplate,
  renderWorkflow,
  workflowValues,
} from './workflow.js';

export const CONFIG_FILE = 'release-watch.config.ts';
export const WORKFLOW_FILE = '.github/workflows/release-watch.yml';
export const PUSH_TOKEN_SECRET = 'RELEASE_WATCH_PUSH_TOKEN';

export interface Question {
  message: string;
  default?: string;
  /** true when the answer is acceptable, else what is wrong with it. */
  validate?: (answer: string) => true | string;
}

/** Asks one question and returns the answer; the command passes a terminal prompt, tests a script. */
export interface InitPrompter {
  ask(question: Question): Promise<string>;
}

export interface InitOptions {
  /** The downstream repository's root folder. */
  dir: string;
  /** `[ID=]OWNER/NAME[:TAG-PATTERN]` each. */
  upstreams?: readonly string[];
  downstream?: string;
  model?: string;
  force?: boolean;
  /** Without one, init never asks: missing required input is an error. */
  prompter?: InitPrompter;
  env?: NodeJS.ProcessEnv;
  git?: GitRunner;
  /** The registry asked for a dependency's repository when node_modules does not have it. */
  npm?: () => Promise<NpmRegistry>;
}

export interface InitFile {
  /** Relative to the repository, with "/". */
  path: string;
  file: string;
  action: 'created' | 'overwritten' | 'updated';
}

export interface InitSecret {
  name: string;
  required: boolean;
  purpose: string;
}

export interface InitResult {
  dir: string;
  files: InitFile[];
  upstreams: InitUpstream[];
  /** What the project named, when no --upstream was given: each with where it was found. */
  proposed: ProposedUpstream[];
  downstream?: string;
  model: string;
  secrets: InitSecret[];
  nextSteps: string[];
}

interface PlannedFile {
  path: string;
  file: string;
  exists: boolean;
}

/** Scaffolds config, agent file, workflow and state file in a downstream repository. */
export async function initProject(options: InitOptions): Promise<InitResult> {
  const dir = resolve(options.dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw Errors.initDirMissing(dir);
  await refuseOtherConfigs(dir);

  // The paths do not depend on the answers, so existing files are found before asking anything.
  const agentName = configSchema.shape.agent.parse(undefined).name;
  const planned = [
    CONFIG_FILE,
    `.opencode/agent/${agentName}.md`,
    WORKFLOW_FILE,
    configSchema.shape.state.parse(undefined),
  ].map((path): PlannedFile => {
    const file = join(dir, path);
    return { path, file, exists: existsSync(file) };
  });
  const existing = planned.filter((p) => p.exists).map((p) => p.path);
  if (existing.length > 0 && !options.force) throw Errors.initFilesExist(dir, existing);
  const [configFile, agentFile, workflowFile, stateFile] = planned as [
    PlannedFile,
    PlannedFile,
    PlannedFile,
    PlannedFile,
  ];

  const answers = await gatherAnswers(dir, options);
  const project = await inspectProject(dir);
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(configObject(answers), configFile.file);
  } catch (error) {
    if (isReleaseWatchError(error) && error.code === 'CONFIG_INVALID') {
      throw Errors.initConfigInvalid(
        configFile.file,
        (error.details?.problems as string[]) ?? [error.message],
      );
    }
    throw error;
  }

  const agentSource = packageFile('.opencode', 'agent', `${agentName}.md`);
  const agentText = await readTextIfExists(agentSource);
  if (agentText === undefined) throw Errors.packageFileMissing(agentSource);
  const workflow = renderWorkflow(await readWorkflowTemplate(), workflowValues(config, project.runner));
  // An unreadable state refuses before anything is written: its tags are never replaced.
  const state = await initialState(stateFile, answers.upstreams);
  const artifactsTop = relative(dir, config.artifacts).split(sep)[0]!;
  const gitignore = join(dir, '.gitignore');
  const ignoreText = await readTextIfExists(gitignore);

  await writeFileAtomically(configFile.file, renderConfig(answers, { typed: project.hasPackageJson }));
  await writeFileAtomically(agentFile.file, agentText);
  await writeFileAtomically(workflowFile.file, workflow);
  await writeState(stateFile.file, state);

  const files = planned.map(
    (p): InitFile => ({
      path: p.path,
      file: p.file,
      action: !p.exists ? 'created' : p === stateFile ? 'updated' : 'overwritten',
    }),
  );
  if (!ignores(ignoreText ?? '', artifactsTop)) {
    const separator = ignoreText && !ignoreText.endsWith('\n') ? '\n' : '';
    await writeFileAtomically(
      gitignore,
      `${ignoreText ?? ''}${separator}# release-watch: local artifacts and the upstream cache\n${artifactsTop}/\n`,
    );
    files.push({
      path: '.gitignore',
      file: gitignore,
      action: ignoreText === undefined ? 'created' : 'updated',
    });
  }
  const modelKey = modelKeyFor(answers.model);
  const secrets: InitSecret[] = [
    { name: modelKey, required: true, purpose: `API key of the model provider for ${answers.model}` },
    {
      name: PUSH_TOKEN_SECRET,
      required: false,
      purpose: 'a token that may push the state file to a protected default branch',
    },
  ];
  return {
    dir,
    files,
    upstreams: answers.upstreams,
    proposed: answers.proposed,
    ...(answers.downstream ? { downstream: answers.downstream } : {}),
    model: answers.model,
    secrets,
    nextSteps: nextSteps(answers, project, modelKey),
  };
}

/** Another config file would take precedence over (or compete with) the one init writes. */
async function refuseOtherConfigs(dir: string): Promise<void> {
  for (const place of SEARCH_PLACES) {
    if (place === CONFIG_FILE) continue;
    const file = join(dir, place);
    if (!existsSync(file)) continue;
    if (place === 'package.json') {
      const pkg = await readPackageJson(file);
      if (pkg && 'release-watch' in pkg)
        throw Errors.initOtherConfig(`${file} ("release-watch" key)`, CONFIG_FILE);
      continue;
    }
    throw Errors.initOtherConfig(file, CONFIG_FILE);
  }
}

async function gatherAnswers(
  dir: string,
  options: InitOptions,
): Promise<InitAnswers & { proposed: ProposedUpstream[] }> {
  const { prompter } = options;
  const env = options.env ?? process.env;
  const git = options.git ?? runGit;
  const upstreams: InitUpstream[] = [];
  const add = (spec: string) => {
    const upstream = parseUpstreamSpec(spec);
    if (upstreams.some((u) => u.id === upstream.id)) {
      throw Errors.initUpstreamInvalid(spec, `the ID "${upstream.id}" is given twice`);
    }
    upstreams.push(upstream);
  };
  for (const spec of options.upstreams ?? []) add(spec);

  let downstream = options.downstream;
  const detected = downstream === undefined ? await detectDownstream(dir, env, git) : undefined;
  let proposed: ProposedUpstream[] = [];
  if (upstreams.length === 0) {
    proposed = await proposeUpstreams({
      dir,
      downstream: downstream ?? detected,
      serverUrl: githubEnv(env).serverUrl,
      git,
      // npm's client is loaded only when a dependency is not installed.
      npm:
        options.npm ??
        (() => import('../sources/npm-registry.js').then((m) => m.createNpmRegistry({ cwd: dir, env }))),
    });
    for (const proposal of proposed) {
      const take =
        !prompter ||
        /^y/i.test(
          (
            await prompter.ask({
              message: `Watch ${proposal.repo} (tags ${proposal.tags}; named by ${describeReasons(proposal)})? [Y/n]`,
              default: 'y',
              validate: (text) => /^(y|yes|n|no)?$/i.test(text.trim()) || 'answer y or n',
            })
          ).trim() || 'y',
        );
      if (take) upstreams.push(withoutReasons(proposal));
    }
  }
  if (upstreams.length === 0 && !prompter) {
    throw Errors.initInputMissing(
      'at least one upstream to watch (the project names none: no GitHub URL in its tracked source, no dependency it imports whose package names a GitHub repository)',
      '--upstream ID=OWNER/NAME:TAG-PATTERN',
    );
  }
  // Without --upstream flags a terminal may add upstreams the project does not name.
  while (prompter && (options.upstreams ?? []).length === 0) {
    const answer = await prompter.ask({
      message:
        upstreams.length === 0
          ? 'Upstream to watch, as ID=OWNER/NAME:TAG-PATTERN (e.g. codex=openai/codex:rust-v*)'
          : 'Another upstream (leave empty when done)',
      validate: (text) => {
        if (!text.trim()) return upstreams.length > 0 || 'at least one upstream is needed';
        try {
          const id = parseUpstreamSpec(text).id;
          return upstreams.some((u) => u.id === id) ? `the ID "${id}" is already used` : true;
        } catch (error) {
          return (error as Error).message;
        }
      },
    });
    if (!answer.trim()) break;
    add(answer);
  }

  if (downstream === undefined) {
    downstream = prompter
      ? await prompter.ask({
          message: 'Repository to file issues in, as OWNER/NAME (empty: the repository the workflow runs in)',
          default: detected,
          validate: (text) =>
            !text.trim() ||
            repoSchema.safeParse(text.trim()).success ||
            'expected OWNER/NAME, like open-hax/codex',
        })
      : detected;
  }
  const model =
    options.model ??
    (prompter
      ? await prompter.ask({
          message: 'Model for the agent, as PROVIDER/MODEL',
          default: DEFAULT_MODEL,
          validate: (text) =>
            /^[^/\s]+\/\S+$/.test(text.trim()) || 'expected PROVIDER/MODEL, like opencode/big-pickle',
        })
      : DEFAULT_MODEL);
  return { upstreams, downstream: downstream?.trim() || undefined, model: model.trim(), proposed };
}

function withoutReasons({
  reasons: _reasons,
  tagsFrom: _tagsFrom,
  ...upstream
}: ProposedUpstream): InitUpstream {
  return upstream;
}

/** `lib/prompts/codex.ts, package @opencode-ai/plugin` */
export function describeReasons(proposal: ProposedUpstream): string {
  return proposal.reasons.map((r) => (r.kind === 'url' ? r.where : `package ${r.where}`)).join(', ');
}

/** GITHUB_REPOSITORY in Actions, else the `origin` remote when it points at the GitHub server. */
async function detectDownstream(
  dir: string,
  env: NodeJS.ProcessEnv,
  git: GitRunner,
): Promise<string | undefined> {
  if (env.GITHUB_REPOSITORY && repoSchema.safeParse(env.GITHUB_REPOSITORY).success)
    return env.GITHUB_REPOSITORY;
  let url: string;
  try {
    url = (await git(['remote', 'get-url', 'origin'], { cwd: dir })).stdout.trim();
  } catch {
    return undefined;
  }
  return repoFromRemote(url, githubEnv(env).serverUrl);
}

/** `owner/name` of an https, ssh or scp-style remote on `serverUrl`'s host. */
export function repoFromRemote(url: string, serverUrl: string): string | undefined {
  const match =
    /^(?:[a-z+]+:\/\/)?(?:[^@/\s]+@)?([^/:\s]+)(?::\d+)?[/:]([^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/i.exec(url);
  if (!match || match[1]!.toLowerCase() !== new URL(serverUrl).hostname.toLowerCase()) return undefined;
  const repo = `${match[2]}/${match[3]}`;
  return repoSchema.safeParse(repo).success ? repo : undefined;
}

interface ProjectFacts {
  hasPackageJson: boolean;
  dependsOnReleaseWatch: boolean;
  /** How the workflow installs and starts release-watch. */
  runner: { install: string; run: string };
}

async function readPackageJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    const json = JSON.parse((await readTextIfExists(file)) ?? 'null');
    return json && typeof json === 'object' ? json : undefined;
  } catch {
    return undefined;
  }
}

const LOCKFILES = ['pnpm-lock.yaml', 'yarn.lock', 'package-lock.json', 'npm-shrinkwrap.json'];

async function inspectProject(dir: string): Promise<ProjectFacts> {
  const pkg = await readPackageJson(join(dir, 'package.json'));
  const deps = { ...(pkg?.dependencies as object), ...(pkg?.devDependencies as object) };
  const version = packageVersion();
  const install = pkg
    ? lockfileInstall(pkg, new Set(LOCKFILES.filter((name) => existsSync(join(dir, name)))))
    : undefined;
  return {
    hasPackageJson: pkg !== undefined,
    dependsOnReleaseWatch: 'release-watch' in deps,
    runner: !pkg
      ? // Not a Node project: the published release of this very version, fetched once by npx.
        { install: `npx --yes release-watch@${version} --version`, run: `npx --yes release-watch@${version}` }
      : install
        ? // From the lockfile, with the project's own package manager: release-watch is (to be) a devDependency.
          { install, run: 'npx --no-install release-watch' }
        : {
            install: `npm install --no-save --no-audit --no-fund release-watch@${version}`,
            run: 'npx --no-install release-watch',
          },
  };
}

/** Whether .gitignore already ignores the top folder (`name`, `/name`, `name/`, `/name/`). */
function ignores(gitignore: string, top: string): boolean {
  return gitignore.split(/\r?\n/).some((line) => line.trim().replace(/^\//, '').replace(/\/$/, '') === top);
}

/** Every configured upstream starts unreviewed; with --force, every entry already recorded is kept. */
async function initialState(stateFile: PlannedFile, upstreams: InitUpstream[]): Promise<State> {
  const state: State = stateFile.exists ? await readState(stateFile.file) : { version: 1, upstreams: {} };
  const entries = { ...state.upstreams };
  for (const { id } of upstreams) entries[id] ??= { lastReviewed: null };
  return { ...state, upstreams: entries };
}

function nextSteps(answers: InitAnswers, project: ProjectFacts, modelKey: string): string[] {
  const steps: string[] = [];
  if (project.hasPackageJson && !project.dependsOnReleaseWatch) {
    steps.push(
      'Add release-watch to this repository: `npm i -D release-watch` (the config imports it, the workflow installs it).',
    );
  }
  steps.push(
    `Add the repository secret ${modelKey} with your model provider's API key, for ${answers.model} (Settings → Secrets and variables → Actions). Only the analyze step sees it; change the model in ${CONFIG_FILE}.`,
    'The workflow gives GITHUB_TOKEN "contents: write" and "issues: write" in its report job only. If your organization caps GITHUB_TOKEN at read-only, allow read and write under Settings → Actions → General → Workflow permissions.',
    `If the default branch is protected, add the secret ${PUSH_TOKEN_SECRET}: a fine-grained token with "Contents: read and write" on this repository; the report job uses it only to push the state file.`,
    `Name what this repository depends on in each upstream: \`surfaces\` (and \`focus\`) in ${CONFIG_FILE}.`,
  );
  steps.push(
    'Try it locally with `npx release-watch check`, commit the new files, then run the workflow by hand (Actions → release-watch → Run workflow, with dry-run) before its daily schedule.',
  );
  return steps;
}
