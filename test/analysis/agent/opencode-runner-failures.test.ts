import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenCodeRunner } from '../../../src/analysis/agent/opencode.js';
import { type ProcessResult, type ProcessRunner, runProcess } from '../../../src/analysis/agent/process.js';
import { isReleaseWatchError, type ReleaseWatchError } from '../../../src/errors.js';
import { agentFixture, requestTexts } from '../../helpers/agent-fixture.js';
import { type ModelServer, startModelServer } from '../../helpers/model-server.js';
import { GITHUB_TOKEN, isolatedOpenCode } from '../../helpers/opencode-setup.js';

// End to end failures of the OpenCode runner: every one is a coded error naming the raw output folder.

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server.close();
});

async function rejection(promise: Promise<unknown>): Promise<ReleaseWatchError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isReleaseWatchError(error)) throw new Error(`expected a ReleaseWatchError, got ${String(error)}`);
  return error;
}

/** Process runner that records what the real one returned (for the process group id). */
function recording(): { run: ProcessRunner; results: ProcessResult[] } {
  const results: ProcessResult[] = [];
  return {
    results,
    run: async (request) => {
      const result = await runProcess(request);
      results.push(result);
      return result;
    },
  };
}

const groupAlive = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('OpenCode runner failures (real opencode, scripted model)', () => {
  it('fails when the answer is garbage twice, naming the raw output it kept', async () => {
    const fixture = await agentFixture();
    const scenario = server.scenario([
      { text: 'I could not decide, sorry.' },
      { text: 'Still no JSON here: {impact: breaking}' },
    ]);
    const setup = await isolatedOpenCode(server, [scenario]);

    const error = await rejection(
      createOpenCodeRunner({ binary: setup.binary })(fixture.input(setup, scenario)),
    );

    expect(error.code).toBe('AGENT_OUTPUT_INVALID');
    expect(error.message).toContain(fixture.rawDir);
    expect(error.message).toContain('no JSON object found');
    expect(scenario.remaining()).toBe(0);
    expect((await readdir(fixture.rawDir)).sort()).toEqual([
      'context.md',
      'opencode-config',
      'opencode-events.jsonl',
      'opencode-repair-events.jsonl',
      'opencode-repair-stderr.log',
      'opencode-stderr.log',
      'run.json',
    ]);
    expect(await readFile(join(fixture.rawDir, 'opencode-repair-events.jsonl'), 'utf8')).toContain(
      'Still no JSON',
    );
    for (const text of requestTexts(scenario.requests())) expect(text).not.toContain(GITHUB_TOKEN);
  });

  it('stops a hung run at the timeout and kills its whole process group', async () => {
    const fixture = await agentFixture();
    const scenario = server.scenario([
      { toolCalls: [{ name: 'read', arguments: { filePath: join(fixture.worktree, 'README.md') } }] },
      { hang: true },
    ]);
    const setup = await isolatedOpenCode(server, [scenario]);
    const recorder = recording();

    const error = await rejection(
      createOpenCodeRunner({ binary: setup.binary, run: recorder.run })(
        fixture.input(setup, scenario, { timeoutMs: 15_000 }),
      ),
    );

    expect(error.code).toBe('AGENT_TIMEOUT');
    expect(error.message).toContain(fixture.rawDir);
    expect(error.message).toContain('15s');
    const [result] = recorder.results;
    expect(result?.timedOut).toBe(true);
    expect(groupAlive(result!.pid!)).toBe(false);
    // The checkout's own config is back even though the run was killed, and its temp dir is gone.
    expect(await fixture.upstream.git('status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(await readdir(setup.env.TMPDIR!)).toEqual([]);
  });

  it('fails before starting OpenCode when the agent file is missing', async () => {
    const fixture = await agentFixture();
    const scenario = server.scenario([]);
    const setup = await isolatedOpenCode(server, [scenario]);
    const recorder = recording();

    const error = await rejection(
      createOpenCodeRunner({ binary: setup.binary, run: recorder.run })(
        fixture.input(setup, scenario, { agentName: 'no-such-agent' }),
      ),
    );

    expect(error.code).toBe('AGENT_DEFINITION_MISSING');
    expect(error.message).toContain(join(fixture.configDir, 'agent', 'no-such-agent.md'));
    expect(recorder.results).toEqual([]);
  });

  it('fails on OpenCode falling back to its default agent, and stops it at the warning', async () => {
    const fixture = await agentFixture();
    // A subagent cannot be run with --agent: OpenCode warns and carries on with its default agent.
    const file = join(fixture.configDir, 'agent', 'release-impact.md');
    await writeFile(file, (await readFile(file, 'utf8')).replace('mode: primary', 'mode: subagent'));
    const scenario = server.scenario([
      { text: JSON.stringify({ impact: 'none', summary: 'default agent', findings: [] }) },
    ]);
    const setup = await isolatedOpenCode(server, [scenario]);
    const recorder = recording();

    const error = await rejection(
      createOpenCodeRunner({ binary: setup.binary, run: recorder.run })(fixture.input(setup, scenario)),
    );

    expect(error.code).toBe('AGENT_NOT_LOADED');
    expect(error.message).toContain('"release-impact"');
    expect(error.message).toContain(fixture.rawDir);
    expect(await readFile(join(fixture.rawDir, 'opencode-stderr.log'), 'utf8')).toContain(
      'Falling back to default agent',
    );
    expect(recorder.results[0]?.aborted).toBe(true);
  });

  it('reports a provider error as a failed run with its message', async () => {
    const fixture = await agentFixture();
    const scenario = server.scenario([
      {
        status: 401,
        body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } },
      },
    ]);
    const setup = await isolatedOpenCode(server, [scenario]);

    const error = await rejection(
      createOpenCodeRunner({ binary: setup.binary })(fixture.input(setup, scenario)),
    );

    expect(error.code).toBe('AGENT_RUN_FAILED');
    expect(error.message).toContain('Incorrect API key provided');
    expect(error.message).toContain(fixture.rawDir);
    // It names the file that holds the cause, the event stream (stderr stays empty), and quotes it.
    const file = /\(in ([^)]+)\)/.exec(error.message)?.[1];
    expect(file).toBe(join(fixture.rawDir, 'opencode-events.jsonl'));
    expect(await readFile(file!, 'utf8')).toContain('Incorrect API key provided');
    expect(error.message).not.toContain('stderr.log');
    expect(error.suggestion).not.toContain('stderr');
  });
});
