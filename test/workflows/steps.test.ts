import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempDir } from '../helpers/tmp.js';

/**
 * The shell of release-watch.yml's steps, run as GitHub runs it (`bash --noprofile --norc -eo
 * pipefail`) with the env the workflow gives it, and an `npx` stand-in that records its arguments.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const workflow = parse(await readFile(join(ROOT, '.github/workflows/release-watch.yml'), 'utf8')) as {
  jobs: Record<string, { steps: { name?: string; run?: string; env?: Record<string, string> }[] }>;
};

function script(job: string, step: string): { run: string; env: Record<string, string> } {
  const found = workflow.jobs[job]!.steps.find((s) => s.name === step);
  if (!found?.run) throw new Error(`no run step "${step}" in job ${job}`);
  return { run: found.run, env: found.env ?? {} };
}

/** A bin folder whose `npx` records each call's arguments (one per line) and fails for upstream "bad". */
async function fakeNpx(): Promise<{ bin: string; calls: () => Promise<string[][]> }> {
  const dir = await tempDir('rw-steps-bin-');
  const log = join(dir, 'calls');
  await writeFile(
    join(dir, 'npx'),
    `#!/usr/bin/env bash\nprintf '%s\\n' "$@" >> ${JSON.stringify(log)}\necho '--end--' >> ${JSON.stringify(log)}\nfor a in "$@"; do [ "$a" = bad ] && exit 1; done\nexit 0\n`,
  );
  await chmod(join(dir, 'npx'), 0o755);
  return {
    bin: dir,
    calls: async () =>
      ((await readFile(log, 'utf8').catch(() => '')) as string)
        .split('--end--\n')
        .filter(Boolean)
        .map((call) => call.trimEnd().split('\n')),
  };
}

async function runStep(
  run: string,
  options: { cwd: string; bin?: string; env: Record<string, string> },
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const result = await execa('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', run], {
    cwd: options.cwd,
    env: {
      PATH: options.bin ? `${options.bin}:${process.env.PATH}` : process.env.PATH,
      HOME: process.env.HOME,
      ...options.env,
    },
    extendEnv: false,
    reject: false,
  });
  return { exitCode: result.exitCode ?? 1, stdout: result.stdout, stderr: result.stderr };
}

describe('check step', () => {
  const { run } = script('check', 'Check for new releases');

  it('a tag given by hand becomes a one-upstream matrix, with hostile input kept as data', async () => {
    const cwd = await tempDir('rw-steps-');
    const output = join(cwd, 'output');
    const npx = await fakeNpx();
    const hostile = 'x"; touch pwned; echo "$(id)';
    const result = await runStep(run, {
      cwd,
      bin: npx.bin,
      env: { TAG: 'rust-v0.139.0', UPSTREAM: hostile, GITHUB_OUTPUT: output },
    });
    expect(result.exitCode).toBe(0);
    const lines = (await readFile(output, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe('has-updates=true');
    expect(JSON.parse(lines[1]!.slice('matrix='.length))).toEqual({ upstream: [hostile] });
    expect(await npx.calls()).toEqual([]);
    await expect(readFile(join(cwd, 'pwned'))).rejects.toThrow('ENOENT');
  });

  it('otherwise runs check, passing --upstream only when one was asked for', async () => {
    const cwd = await tempDir('rw-steps-');
    const npx = await fakeNpx();
    await runStep(run, { cwd, bin: npx.bin, env: { TAG: '', UPSTREAM: '', GITHUB_OUTPUT: '/dev/null' } });
    await runStep(run, {
      cwd,
      bin: npx.bin,
      env: { TAG: '', UPSTREAM: 'my codex', GITHUB_OUTPUT: '/dev/null' },
    });
    expect(await npx.calls()).toEqual([
      ['--no-install', 'release-watch', 'check', '--github-output'],
      ['--no-install', 'release-watch', 'check', '--github-output', '--upstream', 'my codex'],
    ]);
  });
});

describe('diff and analyze steps', () => {
  it('pass the upstream, and the tag only when one was given by hand', async () => {
    const cwd = await tempDir('rw-steps-');
    const npx = await fakeNpx();
    const diff = script('analyze', 'Diff').run;
    const analyze = script('analyze', 'Analyze').run;
    await runStep(diff, { cwd, bin: npx.bin, env: { UPSTREAM: 'codex', TAG: '' } });
    await runStep(analyze, { cwd, bin: npx.bin, env: { UPSTREAM: 'codex', TAG: '' } });
    await runStep(diff, { cwd, bin: npx.bin, env: { UPSTREAM: '', TAG: 'rust-v1.0.0 $(id)' } });
    await runStep(analyze, { cwd, bin: npx.bin, env: { UPSTREAM: '', TAG: 'rust-v1.0.0 $(id)' } });
    expect(await npx.calls()).toEqual([
      ['--no-install', 'release-watch', 'diff', '--upstream', 'codex'],
      ['--no-install', 'release-watch', 'analyze', '--upstream', 'codex'],
      ['--no-install', 'release-watch', 'diff', '--to', 'rust-v1.0.0 $(id)'],
      ['--no-install', 'release-watch', 'analyze', '--tag', 'rust-v1.0.0 $(id)'],
    ]);
  });
});

describe('report step', () => {
  const { run, env } = script('report', 'Report');

  async function artifacts(cwd: string, entries: [string, string][]) {
    for (const [upstream, tag] of entries) {
      await mkdir(join(cwd, env.ARTIFACTS!, upstream, tag), { recursive: true });
      await writeFile(join(cwd, env.ARTIFACTS!, upstream, tag, 'analysis.json'), '{}');
    }
    // A leg that failed before analysis.json is not reported.
    await mkdir(join(cwd, env.ARTIFACTS!, 'half', 'v1.0.0'), { recursive: true });
    await writeFile(join(cwd, env.ARTIFACTS!, 'half', 'v1.0.0', 'release.json'), '{}');
  }

  it('reports every analyzed release, keeps going past a failure, and then fails', async () => {
    const cwd = await tempDir('rw-steps-');
    const npx = await fakeNpx();
    await artifacts(cwd, [
      ['bad', 'v2.0.0'],
      ['codex', 'rust-v0.139.0'],
      ['opencode', 'pkg%2Fv1.2.3'],
    ]);
    const result = await runStep(run, { cwd, bin: npx.bin, env: { ARTIFACTS: env.ARTIFACTS!, DRY_RUN: '' } });
    expect(result.exitCode).toBe(1);
    expect(await npx.calls()).toEqual([
      ['--no-install', 'release-watch', 'report', '--upstream', 'bad', '--tag', 'v2.0.0'],
      ['--no-install', 'release-watch', 'report', '--upstream', 'codex', '--tag', 'rust-v0.139.0'],
      ['--no-install', 'release-watch', 'report', '--upstream', 'opencode', '--tag', 'pkg/v1.2.3'],
    ]);
  });

  it('passes --dry-run when asked, and succeeds when every report did', async () => {
    const cwd = await tempDir('rw-steps-');
    const npx = await fakeNpx();
    await artifacts(cwd, [['codex', 'rust-v0.139.0']]);
    const result = await runStep(run, {
      cwd,
      bin: npx.bin,
      env: { ARTIFACTS: env.ARTIFACTS!, DRY_RUN: 'true' },
    });
    expect(result.exitCode).toBe(0);
    expect(await npx.calls()).toEqual([
      [
        '--no-install',
        'release-watch',
        'report',
        '--upstream',
        'codex',
        '--tag',
        'rust-v0.139.0',
        '--dry-run',
      ],
    ]);
  });
});

describe('commit step', () => {
  const { run, env } = script('report', 'Commit the state');
  const git = (cwd: string, ...args: string[]) =>
    execa('git', args, { cwd, env: { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });

  async function checkout() {
    const remote = await tempDir('rw-steps-remote-');
    const cwd = await tempDir('rw-steps-checkout-');
    await git(remote, 'init', '-q', '--bare', '-b', 'main');
    await git(cwd, 'clone', '-q', remote, '.');
    await git(
      cwd,
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@t',
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      'start',
    );
    await git(cwd, 'push', '-q', 'origin', 'HEAD:main');
    const stepEnv = {
      STATE_FILE: env.STATE_FILE!,
      GITHUB_REF_NAME: 'main',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
    };
    return { remote, cwd, stepEnv };
  }

  it('does nothing when the state did not change', async () => {
    const { remote, cwd, stepEnv } = await checkout();
    const result = await runStep(run, { cwd, env: stepEnv });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('The state did not change.');
    expect((await git(remote, 'rev-list', '--count', 'main')).stdout).toBe('1');
  });

  it('commits only the state file as github-actions[bot] and pushes it', async () => {
    const { remote, cwd, stepEnv } = await checkout();
    await mkdir(join(cwd, env.STATE_FILE!, '..'), { recursive: true });
    await writeFile(join(cwd, env.STATE_FILE!), '{"version":1,"upstreams":{}}\n');
    await writeFile(join(cwd, 'unrelated.txt'), 'not committed');
    const result = await runStep(run, { cwd, env: stepEnv });
    expect(result.exitCode, result.stderr).toBe(0);
    const log = await git(remote, 'log', '-1', '--format=%an <%ae>%n%s', '--name-only', 'main');
    expect(log.stdout.split('\n')).toEqual([
      'github-actions[bot] <41898283+github-actions[bot]@users.noreply.github.com>',
      'release-watch: record reviewed releases',
      '',
      env.STATE_FILE,
    ]);
  });
});
