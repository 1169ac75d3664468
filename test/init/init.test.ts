import { mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { ReleaseWatchError } from '../../src/errors.js';
import { DEFAULT_TAGS, parseUpstreamSpec } from '../../src/init/config.js';
import {
  type InitOptions,
  type InitPrompter,
  initProject,
  type Question,
  repoFromRemote,
} from '../../src/init/service.js';
import {
  lockfileInstall,
  modelKeyFor,
  readWorkflowTemplate,
  renderWorkflow,
} from '../../src/init/workflow.js';
import { readState } from '../../src/state/store.js';
import { packageVersion } from '../../src/util/package.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STATE = '.github/release-watch/state.json';
const WORKFLOW = '.github/workflows/release-watch.yml';
const AGENT = '.opencode/agent/release-impact.md';
const CONFIG = 'release-watch.config.ts';
const ALL = [CONFIG, AGENT, WORKFLOW, STATE];
const CODEX = 'codex=openai/codex:rust-v*';
/** A GitHub Actions expression, `${{ text }}`. */
const expr = (text: string) => `\${{ ${text} }}`;

/** Every file under dir (relative), to show that a refused init wrote nothing. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

async function rejection(promise: Promise<unknown>): Promise<ReleaseWatchError> {
  try {
    await promise;
  } catch (error) {
    return error as ReleaseWatchError;
  }
  throw new Error('expected a rejection');
}

/** A prompter that answers from a script and records each question; answers failing `validate` are refused. */
function scripted(answers: string[]) {
  const asked: Question[] = [];
  const refused: string[] = [];
  const prompter: InitPrompter = {
    async ask(question) {
      asked.push(question);
      for (;;) {
        const next = answers.shift();
        if (next === undefined) throw new Error(`no scripted answer for "${question.message}"`);
        const answer = next === '' && question.default !== undefined ? question.default : next;
        const verdict = question.validate?.(answer) ?? true;
        if (verdict === true) return answer;
        refused.push(verdict);
      }
    },
  };
  return { prompter, asked, refused };
}

const init = (dir: string, options: Omit<InitOptions, 'dir'> = {}) =>
  initProject({ dir, env: {}, ...options });

describe('parseUpstreamSpec', () => {
  it.each([
    ['codex=openai/codex:rust-v*', { id: 'codex', repo: 'openai/codex', tags: 'rust-v*' }],
    ['sst/opencode', { id: 'opencode', repo: 'sst/opencode', tags: DEFAULT_TAGS }],
    ['My.Repo/Some_Thing:v*', { id: 'some_thing', repo: 'My.Repo/Some_Thing', tags: 'v*' }],
    // A RegExp pattern may contain ":" itself; only the first one ends the repository.
    [
      'c=openai/codex:/^rust-v(?:\\d+\\.){2}\\d+$/',
      { id: 'c', repo: 'openai/codex', tags: '/^rust-v(?:\\d+\\.){2}\\d+$/' },
    ],
  ])('%s', (spec, expected) => expect(parseUpstreamSpec(spec)).toEqual(expected));

  it.each([
    ['codex', 'expected OWNER/NAME'],
    ['codex=openai/codex:', 'the tag pattern after ":" is empty'],
    ['co dex=openai/codex:v*', '"co dex" is not a valid ID'],
  ])('refuses %s', (spec, message) => {
    expect(() => parseUpstreamSpec(spec)).toThrow(message);
  });
});

describe('modelKeyFor', () => {
  it.each([
    ['opencode/big-pickle', 'OPENCODE_API_KEY'],
    ['anthropic/claude-sonnet-4-5', 'ANTHROPIC_API_KEY'],
    ['google/gemini-2.5-pro', 'GOOGLE_GENERATIVE_AI_API_KEY'],
    ['my-gateway/some-model', 'MY_GATEWAY_API_KEY'],
    ['9router/x', 'MODEL_API_KEY'],
    [undefined, 'OPENCODE_API_KEY'],
  ])('%s → %s', (model, key) => expect(modelKeyFor(model)).toBe(key));
});

describe('repoFromRemote', () => {
  const server = 'https://github.com';
  it.each([
    ['https://github.com/open-hax/codex.git', 'open-hax/codex'],
    ['https://x-access-token:abc@github.com/open-hax/codex', 'open-hax/codex'],
    ['git@github.com:open-hax/codex.git', 'open-hax/codex'],
    ['ssh://git@github.com:22/open-hax/codex.git', 'open-hax/codex'],
    ['https://gitlab.example/open-hax/codex.git', undefined],
    ['/srv/git/codex.git', undefined],
  ])('%s → %s', (url, repo) => expect(repoFromRemote(url, server)).toBe(repo));
});

describe('initProject', () => {
  it('writes config, agent file, workflow and state that the real loaders accept', async () => {
    const dir = await tempProject();
    const result = await init(dir, {
      upstreams: [CODEX, 'opencode=sst/opencode:v[0-9]*'],
      downstream: 'open-hax/codex',
      model: 'anthropic/claude-sonnet-4-5',
    });
    expect(result.files.map((f) => [f.path, f.action])).toEqual(
      [...ALL, '.gitignore'].map((p) => [p, 'created']),
    );
    expect(await listFiles(dir)).toEqual([...ALL, '.gitignore'].sort());

    // The config as written is the config that was validated.
    const loaded = await loadConfig({ cwd: dir });
    expect(loaded.file).toBe(join(dir, CONFIG));
    expect(loaded.downstream.repo).toBe('open-hax/codex');
    expect(loaded.agent).toMatchObject({ kind: 'opencode', model: 'anthropic/claude-sonnet-4-5' });
    expect(loaded.upstreams.codex).toMatchObject({ repo: 'openai/codex', tags: 'rust-v*' });
    expect(loaded.upstreams.opencode).toMatchObject({ repo: 'sst/opencode', tags: 'v[0-9]*' });
    // Without a package.json the config cannot import release-watch, so it does not.
    expect(await readFile(join(dir, CONFIG), 'utf8')).not.toContain('import');

    expect(await readState(join(dir, STATE))).toEqual({
      version: 1,
      upstreams: { codex: { lastReviewed: null }, opencode: { lastReviewed: null } },
    });
    expect(await readFile(join(dir, AGENT), 'utf8')).toBe(await readFile(join(ROOT, AGENT), 'utf8'));

    const workflow = await readFile(join(dir, WORKFLOW), 'utf8');
    expect(workflow).toBe(
      renderWorkflow(await readWorkflowTemplate(), {
        install: `npx --yes release-watch@${packageVersion()} --version`,
        run: `npx --yes release-watch@${packageVersion()}`,
        modelKey: 'ANTHROPIC_API_KEY',
        state: STATE,
        artifacts: '.release-watch/artifacts',
        cache: '.release-watch/cache',
      }),
    );
    expect(workflow).toContain(`ANTHROPIC_API_KEY: ${expr('secrets.ANTHROPIC_API_KEY')}`);
    // Not a Node project: the published release of this version, through npx, on Node 24.
    expect(workflow).toContain(`run: npx --yes release-watch@${packageVersion()} diff `);
    expect(workflow).not.toContain('--no-install');
    expect(workflow.match(/node-version: (\d+)/g)).toEqual(Array(3).fill('node-version: 24'));
    expect(workflow).not.toMatch(/__[A-Z_]+__/);

    expect(result.secrets.map((s) => [s.name, s.required])).toEqual([
      ['ANTHROPIC_API_KEY', true],
      ['RELEASE_WATCH_PUSH_TOKEN', false],
    ]);
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe(
      '# release-watch: local artifacts and the upstream cache\n.release-watch/\n',
    );
  });

  it('adds .release-watch/ to an existing .gitignore once, and --force keeps it so', async () => {
    const dir = await tempProject({ '.gitignore': 'node_modules' });
    await init(dir, { upstreams: [CODEX] });
    const once = await readFile(join(dir, '.gitignore'), 'utf8');
    expect(once).toBe(
      'node_modules\n# release-watch: local artifacts and the upstream cache\n.release-watch/\n',
    );
    const again = await init(dir, { upstreams: [CODEX], force: true });
    expect(again.files.map((f) => f.path)).not.toContain('.gitignore');
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe(once);
  });

  it('in a Node project with a lockfile: typed config, `npm ci` in the workflow, and a hint to add the dependency', async () => {
    const dir = await tempProject({
      'package.json': JSON.stringify({ name: 'plugin', type: 'module', devDependencies: {} }),
      'package-lock.json': '{}',
      '.gitignore': 'node_modules\n/.release-watch/\n',
    });
    const result = await init(dir, { upstreams: [CODEX] });
    const config = await readFile(join(dir, CONFIG), 'utf8');
    expect(config.startsWith("import { defineConfig } from 'release-watch';\n")).toBe(true);
    expect(config).toContain('export default defineConfig({');
    // The import resolves once release-watch is installed; link this package in as npm would.
    await mkdir(join(dir, 'node_modules'));
    await symlink(ROOT, join(dir, 'node_modules', 'release-watch'), 'dir');
    const loaded = await loadConfig({ cwd: dir });
    expect(loaded.upstreams.codex).toMatchObject({ repo: 'openai/codex', tags: 'rust-v*' });
    expect(loaded.downstream).toEqual({
      path: dir,
      labels: ['release-watch'],
      minSeverity: 'medium',
      maxIssuesPerRun: 10,
      dashboard: false,
    });

    expect(await readFile(join(dir, WORKFLOW), 'utf8')).toContain('run: npm ci\n');
    const steps = result.nextSteps.join('\n');
    expect(steps).toContain('npm i -D release-watch');
    expect(steps).not.toContain('.gitignore');
  });

  it('refuses to overwrite: lists every file that exists and writes nothing', async () => {
    const dir = await tempProject({ [WORKFLOW]: 'name: mine\n', [STATE]: '{"version":1,"upstreams":{}}' });
    const before = await listFiles(dir);
    const error = await rejection(init(dir, { upstreams: [CODEX] }));
    expect(error.code).toBe('INIT_FILES_EXIST');
    expect(error.message).toContain(`These files already exist in ${dir}: ${WORKFLOW}, ${STATE}.`);
    expect(error.suggestion).toContain('--force');
    expect(await listFiles(dir)).toEqual(before);
    expect(await readFile(join(dir, WORKFLOW), 'utf8')).toBe('name: mine\n');
  });

  it('--force overwrites, and the state keeps tags already reviewed', async () => {
    const dir = await tempProject({
      [WORKFLOW]: 'name: mine\n',
      [STATE]: JSON.stringify({ version: 1, upstreams: { codex: { lastReviewed: 'rust-v0.139.0' } } }),
    });
    const result = await init(dir, { upstreams: [CODEX, 'sst/opencode'], force: true });
    expect(Object.fromEntries(result.files.map((f) => [f.path, f.action]))).toEqual({
      [CONFIG]: 'created',
      [AGENT]: 'created',
      [WORKFLOW]: 'overwritten',
      [STATE]: 'updated',
      '.gitignore': 'created',
    });
    expect(await readFile(join(dir, WORKFLOW), 'utf8')).toContain('name: release-watch');
    expect((await readState(join(dir, STATE))).upstreams).toEqual({
      codex: { lastReviewed: 'rust-v0.139.0' },
      opencode: { lastReviewed: null },
    });
  });

  it('--force keeps every state entry (also of upstreams no longer configured) and adds the new ones', async () => {
    const entries = {
      codex: {
        lastReviewed: 'rust-v0.139.0',
        reviewedAt: '2026-11-23T09:00:00Z',
        impact: 'medium',
        issues: [41],
      },
      gone: { lastReviewed: 'v9.0.0' },
    };
    const dir = await tempProject({ [STATE]: JSON.stringify({ version: 1, upstreams: entries }) });
    await init(dir, { upstreams: ['sst/opencode'], force: true });
    expect((await readState(join(dir, STATE))).upstreams).toEqual({
      ...entries,
      opencode: { lastReviewed: null },
    });
  });

  it.each([
    ['a syntax error', '{"version":1,"upstreams":{"codex":{"lastReviewed":"rust-v0.139.0"}'],
    ['unexpected content', '{"version":1,"upstreams":{"codex":{"lastReviewed":7}}}'],
  ])('--force refuses a state with %s and changes nothing', async (_what, text) => {
    const dir = await tempProject({ [WORKFLOW]: 'name: mine\n', [STATE]: text });
    const before = await listFiles(dir);
    const error = await rejection(init(dir, { upstreams: [CODEX], force: true }));
    expect(error.code).toBe('STATE_UNREADABLE');
    expect(error.message).toContain(join(dir, STATE));
    expect(await listFiles(dir)).toEqual(before);
    expect(await readFile(join(dir, STATE), 'utf8')).toBe(text);
    expect(await readFile(join(dir, WORKFLOW), 'utf8')).toBe('name: mine\n');
  });

  it('without a way to ask, a missing upstream is an error naming the flag', async () => {
    const dir = await tempProject();
    const error = await rejection(init(dir));
    expect(error.code).toBe('INIT_INPUT_MISSING');
    expect(error.suggestion).toContain('--upstream ID=OWNER/NAME:TAG-PATTERN');
    expect(await listFiles(dir)).toEqual([]);
  });

  it('validates with the real schema before writing, naming each bad key', async () => {
    const dir = await tempProject();
    const error = await rejection(
      init(dir, { upstreams: ['codex=-openai/codex:rust-v[0-9'], downstream: 'not a repo' }),
    );
    expect(error.code).toBe('INIT_CONFIG_INVALID');
    expect(error.message).toContain(join(dir, CONFIG));
    expect(error.message).toContain('upstreams.codex.repo: expected a repository as "owner/name"');
    expect(error.message).toContain('upstreams.codex.tags:');
    expect(error.message).toContain('downstream.repo:');
    expect(await listFiles(dir)).toEqual([]);
  });

  it('refuses a duplicate upstream ID and a config file that would shadow the new one', async () => {
    const dir = await tempProject();
    expect((await rejection(init(dir, { upstreams: [CODEX, 'codex=x/codex:v*'] }))).message).toContain(
      'the ID "codex" is given twice',
    );
    const withRc = await tempProject({ '.release-watchrc.json': '{}' });
    const error = await rejection(init(withRc, { upstreams: [CODEX], force: true }));
    expect(error.code).toBe('INIT_OTHER_CONFIG');
    expect(error.message).toContain(join(withRc, '.release-watchrc.json'));
    expect(await listFiles(withRc)).toEqual(['.release-watchrc.json']);
  });

  it('asks only for what the flags left out, re-asking on bad answers', async () => {
    const dir = await tempProject();
    const { prompter, asked, refused } = scripted([
      'openai/codex', // no ID given: the repository name is used
      'codex=x/y:v*', // the same ID again
      'sst/opencode:v[0-9]*',
      '',
      'not/a/repo',
      'open-hax/codex',
    ]);
    const result = await init(dir, { prompter, model: 'opencode/big-pickle' });
    expect(asked.map((q) => q.message.split(',')[0])).toEqual([
      'Upstream to watch',
      'Another upstream (leave empty when done)',
      'Another upstream (leave empty when done)',
      'Repository to file issues in',
    ]);
    expect(refused).toEqual(['the ID "codex" is already used', 'expected OWNER/NAME, like open-hax/codex']);
    expect(result.upstreams.map((u) => u.id)).toEqual(['codex', 'opencode']);
    expect(result.downstream).toBe('open-hax/codex');
  });

  it('offers the origin remote (or GITHUB_REPOSITORY) as the downstream, and the default model', async () => {
    const dir = await tempProject();
    await execa('git', ['init', '-q'], { cwd: dir });
    await execa('git', ['remote', 'add', 'origin', 'git@github.com:open-hax/codex.git'], { cwd: dir });
    const { prompter, asked } = scripted(['', '']);
    const result = await init(dir, { prompter, upstreams: [CODEX] });
    expect(asked.map((q) => q.default)).toEqual(['open-hax/codex', 'opencode/big-pickle']);
    expect(result).toMatchObject({ downstream: 'open-hax/codex', model: 'opencode/big-pickle' });

    const other = await tempProject();
    const quiet = await init(other, { upstreams: [CODEX], env: { GITHUB_REPOSITORY: 'me/plugin' } });
    expect(quiet.downstream).toBe('me/plugin');
  });
});

describe('release-watch init (CLI)', () => {
  it('--yes --json writes the files and returns them', async () => {
    const dir = await tempProject();
    const result = await runCli(
      ['init', '--yes', '--json', '--dir', dir, '-u', CODEX, '--downstream', 'me/plugin'],
      {
        cwd: ROOT,
      },
    );
    expect(result.exitCode).toBe(0);
    const json = parseJson<{ files: { path: string; action: string }[]; secrets: { name: string }[] }>(
      result,
    );
    expect(json.files.map((f) => f.path)).toEqual([...ALL, '.gitignore']);
    expect(json.secrets[0]!.name).toBe('OPENCODE_API_KEY');
  });

  it('with stdin not a terminal it does not ask, and says what is missing', async () => {
    const dir = await tempProject();
    const result = await runCli(['init'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('INIT_INPUT_MISSING');
    expect(result.stderr).toContain('stdin is not a terminal');
    expect(await listFiles(dir)).toEqual([]);
  });

  it('asks on a terminal (a real pseudo-terminal through `script`)', async () => {
    const dir = await tempProject();
    const command = `node ${JSON.stringify(join(ROOT, 'bin/run.js'))} init --dir ${JSON.stringify(dir)}`;
    const child = execa('script', ['-qfec', command, '/dev/null'], {
      reject: false,
      env: { NO_COLOR: '1', TERM: 'xterm', PATH: process.env.PATH, HOME: process.env.HOME },
      extendEnv: false,
      timeout: 60_000,
    });
    // Answer each question once it is on the screen.
    const script: [string, string][] = [
      ['Upstream to watch', CODEX],
      ['Another upstream', ''],
      ['Repository to file issues in', 'me/plugin'],
      ['Model for the agent', 'openai/gpt-5'],
    ];
    let screen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
      const next = script[0];
      if (next && screen.includes(next[0])) {
        script.shift();
        screen = '';
        child.stdin?.write(`${next[1]}\r`);
      }
    });
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(script).toEqual([]);
    expect(String(result.stdout)).toContain('Next steps:');
    const config = await loadConfig({ cwd: dir });
    expect(config.downstream.repo).toBe('me/plugin');
    expect(config.agent.model).toBe('openai/gpt-5');
    expect(await readFile(join(dir, WORKFLOW), 'utf8')).toContain(
      `OPENAI_API_KEY: ${expr('secrets.OPENAI_API_KEY')}`,
    );
  });
});

describe('lockfileInstall', () => {
  it.each([
    [
      { packageManager: 'pnpm@10.20.0' },
      ['pnpm-lock.yaml'],
      'corepack enable && pnpm install --frozen-lockfile',
    ],
    [{}, ['pnpm-lock.yaml'], 'corepack enable && pnpm install --frozen-lockfile'],
    [{ packageManager: 'yarn@4.5.0' }, ['yarn.lock'], 'corepack enable && yarn install --immutable'],
    [{ packageManager: 'yarn@1.22.22' }, ['yarn.lock'], 'corepack enable && yarn install --frozen-lockfile'],
    [{}, ['package-lock.json'], 'npm ci'],
    [{}, ['npm-shrinkwrap.json'], 'npm ci'],
    // packageManager names the tool, the lockfile must be there to install from it.
    [{ packageManager: 'pnpm@10.20.0' }, ['package-lock.json'], undefined],
    [{}, [], undefined],
  ])('%j with %j → %s', (pkg, files, expected) => {
    expect(lockfileInstall(pkg, new Set(files))).toBe(expected);
  });
});
