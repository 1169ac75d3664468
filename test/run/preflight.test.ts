import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAgentReady, describePath } from '../../src/analysis/agent/preflight.js';
import { AGENT_FILE } from '../helpers/agent-fixture.js';
import { runCli } from '../helpers/cli.js';
import { servedUpstream } from '../helpers/served-upstream.js';
import { tempDir } from '../helpers/tmp.js';

// An agent that cannot start fails the command once, before anything is fetched or diffed.

let served: Awaited<ReturnType<typeof servedUpstream>>;
beforeAll(async () => {
  served = await servedUpstream();
});
afterAll(() => served?.close());

async function project(agent: Record<string, unknown>, withAgentFile: boolean): Promise<string> {
  const cwd = await tempDir('rw-preflight-project-');
  const upstream = served.config;
  await writeFile(
    join(cwd, 'release-watch.config.json'),
    JSON.stringify({ agent, upstreams: { one: upstream, two: upstream, three: upstream } }),
  );
  if (withAgentFile) {
    await mkdir(join(cwd, '.opencode/agent'), { recursive: true });
    await copyFile(AGENT_FILE, join(cwd, '.opencode/agent/release-impact.md'));
  }
  return cwd;
}

describe('agent preflight', () => {
  it('run: a missing agent file is one error, before any upstream is fetched', async () => {
    const cwd = await project({ kind: 'opencode', model: 'opencode/big-pickle' }, false);
    const before = served.server.requests.length;
    const result = await runCli(['run', '--dry-run'], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.match(/AGENT_DEFINITION_MISSING/g)).toHaveLength(1);
    expect(served.server.requests.length).toBe(before);
    await expect(readdir(join(cwd, '.release-watch'))).rejects.toThrow('ENOENT');
  });

  it('analyze: no model configured is refused before the diff it would run', async () => {
    const cwd = await project({ kind: 'opencode' }, true);
    const before = served.server.requests.length;
    const result = await runCli(['analyze', '--upstream', 'one'], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('AGENT_MODEL_MISSING');
    expect(result.stderr).toContain('agent.model');
    expect(served.server.requests.length).toBe(before);
  });

  it('--agent none needs none of it', async () => {
    const cwd = await project({ kind: 'opencode' }, false);
    const result = await runCli(['analyze', '--upstream', 'one', '--agent', 'none', '--json'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
  });

  it('passes with the binary, the agent file and a model (from the config or OPENCODE_CONFIG_CONTENT)', async () => {
    const cwd = await project({ kind: 'opencode' }, true);
    const input = { configDir: join(cwd, '.opencode'), agentName: 'release-impact' };
    await expect(checkAgentReady({ ...input, model: 'opencode/big-pickle' })).resolves.toMatchObject({
      binary: expect.stringContaining('opencode'),
    });
    await expect(
      checkAgentReady({ ...input, env: { ...process.env, OPENCODE_CONFIG_CONTENT: '{"model":"a/b"}' } }),
    ).resolves.toBeDefined();
    await expect(
      checkAgentReady({ ...input, env: { ...process.env, OPENCODE_CONFIG_CONTENT: '{}' } }),
    ).rejects.toThrow('No model is configured');
  });

  it('names how much of PATH it searched, not the whole PATH', () => {
    expect(describePath('/a:/b:/c')).toBe('3 folders on PATH searched');
    expect(describePath('')).toBe('PATH is empty');
  });
});
