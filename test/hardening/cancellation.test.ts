import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../../src/git/run.js';
import { AGENT_FILE } from '../helpers/agent-fixture.js';
import { type ModelServer, startModelServer } from '../helpers/model-server.js';
import { isolatedOpenCode } from '../helpers/opencode-setup.js';
import { exists, processesIn, SHORT_TIMEOUTS, sampleProject } from './harness.js';
import { CLI } from './installed.js';
import { record } from './results.js';

// Defect 4: SIGINT/SIGTERM of `analyze` or `run` while the real opencode waits on the model must stop
// opencode's whole process group, put the checkout's own OpenCode config back, write no
// analysis.json, and exit 130/143.

let model: ModelServer;
beforeAll(async () => {
  model = await startModelServer();
});
afterAll(() => model.close());

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 120_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The sample upstream with an OpenCode config of its own at v1.1.0: a plugin that writes a marker if loaded. */
async function plantedProject(marker: string) {
  const p = await sampleProject();
  const git = (args: string[]) => runGit(['-C', p.upstreamDir, ...args]);
  await mkdir(join(p.upstreamDir, '.opencode', 'plugin'), { recursive: true });
  await writeFile(
    join(p.upstreamDir, '.opencode', 'plugin', 'plant.js'),
    `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport const Plant = async () => ({});\n`,
  );
  await writeFile(
    join(p.upstreamDir, 'opencode.json'),
    JSON.stringify({ plugin: ['./.opencode/plugin/plant.js'] }),
  );
  await git(['add', '-A']);
  await git(['-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', 'planted']);
  await git(['tag', '-f', 'v1.1.0']);
  await mkdir(join(p.cwd, '.opencode', 'agent'), { recursive: true });
  await copyFile(AGENT_FILE, join(p.cwd, '.opencode', 'agent', 'release-impact.md'));
  return p;
}

describe('interrupts', () => {
  for (const [command, signal, code] of [
    ['analyze', 'SIGINT', 130],
    ['run', 'SIGTERM', 143],
  ] as const) {
    it(`${signal} of \`${command}\` while the model holds a request open`, async () => {
      const marker = join(process.env.TMPDIR ?? '/tmp', `rw-plant-${process.pid}-${command}`);
      const p = await plantedProject(marker);
      const scenario = model.scenario([{ hang: true }]);
      const setup = await isolatedOpenCode(model, [scenario]);
      const worktree = join(p.cwd, '.release-watch', 'cache', 'worktrees', 'sample', 'v1.1.0');
      const args =
        command === 'analyze'
          ? ['analyze', '--tag', 'v1.1.0', '--agent', 'opencode', '--model', setup.model(scenario)]
          : ['run', '--dry-run', '--agent', 'opencode', '--model', setup.model(scenario)];
      const child = execa('node', [CLI, ...args], {
        cwd: p.cwd,
        env: { ...setup.env, ...SHORT_TIMEOUTS, NO_COLOR: '1' },
        extendEnv: false,
        reject: false,
        timeout: 240_000,
        killSignal: 'SIGKILL',
      });
      await until('the model request', () => scenario.requests().some((r) => r.kind === 'turn'));
      const hiddenDuring = await exists(join(worktree, '.opencode.release-watch-hidden'));
      const agents = await processesIn(worktree);
      child.kill(signal);
      const result = await child;
      // A killed group may take a moment to be reaped by init.
      let left: number[] = [];
      await until(
        'the agent to be gone',
        async () => {
          left = await processesIn(worktree);
          return left.length === 0;
        },
        10_000,
      ).catch(() => {});
      const restored =
        (await exists(join(worktree, '.opencode', 'plugin', 'plant.js'))) &&
        (await exists(join(worktree, 'opencode.json'))) &&
        !(await exists(join(worktree, '.opencode.release-watch-hidden')));
      const analysisWritten = await exists(join(p.artifacts, 'sample', 'v1.1.0', 'analysis.json'));
      const planted = await exists(marker);
      record({
        area: 'agent faults',
        name: `${signal} during ${command}`,
        trials: 1,
        faults: 1,
        inputs: 1,
        leaks: left.length + (restored ? 0 : 1) + (analysisWritten ? 1 : 0),
        hangs: result.timedOut ? 1 : 0,
        planted: planted ? 1 : 0,
        wrong: result.exitCode === code ? 0 : 1,
        note: `exit ${result.exitCode}, ${agents.length} agent processes stopped`,
      });
      expect(hiddenDuring).toBe(true);
      expect(agents.length).toBeGreaterThan(0);
      expect(result.exitCode, result.stderr).toBe(code);
      expect(left).toEqual([]);
      expect(restored).toBe(true);
      expect(analysisWritten).toBe(false);
      expect(planted).toBe(false);
    });
  }
});
