import { chmod, copyFile, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../../src/git/run.js';
import { AGENT_FILE } from '../helpers/agent-fixture.js';
import { type ModelServer, type ScriptedTurn, startModelServer } from '../helpers/model-server.js';
import { isolatedOpenCode } from '../helpers/opencode-setup.js';
import {
  drive,
  errorCodes,
  exists,
  inParallel,
  isCoded,
  processesIn,
  SAMPLE_ANSWER,
  sampleProject,
} from './harness.js';
import { record } from './results.js';

// Agent faults: `analyze --agent opencode` with the real opencode against the scripted model. An
// answer that is not one, a provider that breaks or never answers, a program that fails or cannot
// start, a missing agent file: each is a coded error, with no analysis.json, the checkout's own
// OpenCode config put back, no process left, and the checkout unchanged. An answer in prose, and a
// model that asks for edits and shell writes (denied), still give an analysis.

const ANSWER = SAMPLE_ANSWER;
const answer = JSON.stringify(ANSWER);

interface Case {
  name: string;
  turns: (worktree: string, outside: string) => ScriptedTurn[];
  /** `ok`: an analysis; `coded`: a coded error; `either`: one or the other, never a hang or a crash. */
  expect: 'ok' | 'coded' | 'either';
  /** The agent's budget; only the case about a model that never answers needs a short one. */
  timeout?: string;
  /** A stand-in `opencode` placed first on PATH (shell script text). */
  program?: string;
  noAgentFile?: boolean;
}

const CASES: Case[] = [
  {
    name: 'non-JSON answer',
    turns: () => [{ text: 'I could not decide.' }, { text: 'Still nothing.' }],
    expect: 'coded',
  },
  {
    name: 'wrong-shape JSON',
    turns: () => [{ text: '{"verdict": "fine"}' }, { text: '{"verdict": "still fine"}' }],
    expect: 'coded',
  },
  {
    name: 'JSON in prose',
    turns: () => [{ text: `Here is what I found: ${answer} Hope this helps.` }],
    expect: 'ok',
  },
  {
    name: 'truncated stream',
    turns: () => [{ truncated: answer }, { truncated: answer }, { truncated: answer }, { truncated: answer }],
    expect: 'either',
  },
  {
    name: '10 MB answer',
    turns: () => [
      { text: JSON.stringify({ ...ANSWER, summary: 'x'.repeat(10 * 1024 * 1024) }) },
      { text: answer },
    ],
    expect: 'either',
  },
  { name: 'model never answers', turns: () => [{ hang: true }], expect: 'coded', timeout: '8s' },
  { name: 'provider 500s', turns: () => Array.from({ length: 8 }, () => ({ status: 500 })), expect: 'coded' },
  {
    name: 'program exits non-zero',
    turns: () => [],
    expect: 'coded',
    program: '#!/bin/sh\necho "opencode: internal error" >&2\nexit 3\n',
  },
  { name: 'program cannot start', turns: () => [], expect: 'coded', program: '#!/nonexistent/interpreter\n' },
  { name: 'agent file missing', turns: () => [{ text: answer }], expect: 'coded', noAgentFile: true },
  {
    name: 'model asks for edits and shell writes',
    turns: (worktree, outside) => [
      {
        toolCalls: [
          {
            name: 'edit',
            arguments: { filePath: join(worktree, 'src/cli.ts'), oldString: 'model', newString: 'pwned' },
          },
          { name: 'write', arguments: { filePath: join(worktree, 'pwned.txt'), content: 'pwned' } },
          { name: 'bash', arguments: { command: `touch ${outside}`, description: 'write a file' } },
        ],
      },
      { text: answer },
    ],
    expect: 'ok',
  },
];

// The budget of every other case. These cases check what each fault becomes, not how fast OpenCode
// is: in CI this file runs beside the crash and concurrency files on two cores, where one OpenCode
// turn took over 45 s and a 90 s budget turned a denied edit (which must give an analysis) into
// AGENT_TIMEOUT. The notes give each case's seconds, so a slow one shows in the table.
const BUDGET_S = 300;
/** Past the budget, with room for the CLI's own start and the cleanup after a timeout. */
const GUARD_MS = (BUDGET_S + 100) * 1000;
/** Cases at once; the test's timeout follows: every lane's guards, plus the setup. */
const LANES = 4;
const TEST_MS = Math.ceil(CASES.length / LANES) * GUARD_MS + 120_000;

let model: ModelServer;
beforeAll(async () => {
  model = await startModelServer();
});
afterAll(() => model.close());

describe('agent faults', () => {
  it(
    `analyze with the real opencode through ${CASES.length} faults`,
    async () => {
      const template = await sampleProject();
      const diffed = await drive(['diff', '--json'], { cwd: template.cwd });
      expect(diffed.exitCode, diffed.stdout).toBe(0);
      let wrong = 0;
      let leaks = 0;
      let hangs = 0;
      const notes: string[] = [];
      await inParallel(CASES, LANES, async (c, n) => {
        const cwd = join(template.root, `agent${n}`);
        await cp(template.cwd, cwd, { recursive: true });
        const worktree = join(cwd, '.release-watch', 'cache', 'worktrees', 'sample', 'v1.1.0');
        const outside = join(template.root, `outside-${n}.txt`);
        const scenario = model.scenario(c.turns(worktree, outside));
        const setup = await isolatedOpenCode(model, [scenario]);
        if (!c.noAgentFile) {
          await mkdir(join(cwd, '.opencode', 'agent'), { recursive: true });
          await copyFile(AGENT_FILE, join(cwd, '.opencode', 'agent', 'release-impact.md'));
        }
        const configFile = join(cwd, 'release-watch.config.json');
        const config = JSON.parse(await readFile(configFile, 'utf8'));
        config.agent = {
          kind: 'opencode',
          model: setup.model(scenario),
          timeout: c.timeout ?? `${BUDGET_S}s`,
        };
        await writeFile(configFile, JSON.stringify(config, null, 2));
        const env: Record<string, string> = { ...setup.env };
        if (c.program) {
          const bin = join(template.root, `bin${n}`);
          await mkdir(bin);
          await writeFile(join(bin, 'opencode'), c.program);
          await chmod(join(bin, 'opencode'), 0o755);
          env.PATH = `${bin}${delimiter}${env.PATH}`;
        }
        const out = await drive(['analyze', '--tag', 'v1.1.0', '--json'], { cwd, env, guardMs: GUARD_MS });
        const codes = errorCodes(out);
        const analysis = await exists(
          join(cwd, '.release-watch', 'artifacts', 'sample', 'v1.1.0', 'analysis.json'),
        );
        const ok = out.exitCode === 0 && analysis;
        const coded = out.exitCode !== 0 && codes.length > 0 && codes.every(isCoded) && !analysis;
        const right = c.expect === 'ok' ? ok : c.expect === 'coded' ? coded : ok || coded;
        // What must never be left: processes in the checkout, its config hidden, files the model wrote.
        const left = [
          ...(await processesIn(worktree)).map((pid) => `process ${pid}`),
          ...((await exists(join(worktree, '.opencode.release-watch-hidden'))) ? ['hidden config'] : []),
          ...((await exists(outside)) ? ['file written by bash'] : []),
          ...((await exists(join(worktree, 'pwned.txt'))) ? ['file written by write'] : []),
          ...((await exists(worktree))
            ? (await runGit(['-C', worktree, 'status', '--porcelain'])).stdout
                .split('\n')
                .filter(Boolean)
                .map((line) => `checkout changed: ${line}`)
            : []),
        ];
        if (out.hung) hangs++;
        if (!right && !out.hung) wrong++;
        leaks += left.length;
        notes.push(
          `${c.name}: ${out.hung ? 'hung' : ok ? 'analysis' : codes.join(',') || `exit ${out.exitCode}`} ${Math.round(out.durationMs / 1000)}s${right ? '' : ' (WRONG)'}${left.length ? ` left ${left.join(', ')}` : ''}`,
        );
      });
      record({
        area: 'agent faults',
        name: 'analyze: answers, provider, program, agent file',
        trials: CASES.length,
        faults: CASES.length,
        inputs: 0,
        wrong,
        leaks,
        hangs,
        planted: 0,
        note: notes.join('; ').slice(0, 800),
      });
      expect({ wrong, leaks, hangs }, notes.join('\n')).toEqual({ wrong: 0, leaks: 0, hangs: 0 });
    },
    TEST_MS,
  );
});
