import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisSchema } from '../../src/analysis/schema.js';
import { buildSampleUpstream, sampleUpstreamConfig } from '../../src/demo/sample.js';
import { AGENT_FILE, PRINT_LOGS_FINDING, requestTexts } from '../helpers/agent-fixture.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { type ModelServer, startModelServer } from '../helpers/model-server.js';
import { GITHUB_TOKEN, isolatedOpenCode } from '../helpers/opencode-setup.js';
import { tempDir } from '../helpers/tmp.js';

// The whole analyze stage through the CLI: real diff of a real upstream, the real `opencode` binary
// against the scripted model, evidence verified by release-watch.

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(() => server.close());

describe('analyze --agent opencode', () => {
  it('reads the checkout, answers JSON, and gets a merged, verified analysis.json', async () => {
    const root = await tempDir('rw-analyze-e2e-');
    const upstream = await buildSampleUpstream(join(root, 'upstream'));
    const cwd = join(root, 'project');
    await mkdir(join(cwd, '.opencode', 'agent'), { recursive: true });
    await copyFile(AGENT_FILE, join(cwd, '.opencode', 'agent', 'release-impact.md'));
    const worktree = join(cwd, '.release-watch', 'cache', 'worktrees', 'sample', 'v1.1.0');
    // Models copy analysis.json's schemaVersion: dropped and noted, not a failed run.
    const answer = {
      schemaVersion: 1,
      impact: 'high',
      summary: 'v1.1.0 drops --print-logs, which the plugin passes when it spawns the host.',
      findings: [
        PRINT_LOGS_FINDING,
        {
          id: 'invented-file',
          title: 'A change in a file that does not exist',
          severity: 'medium',
          surface: 'other',
          description: 'Cites a file that is not in the release.',
          recommendation: 'None.',
          confidence: 0.2,
          evidence: [{ path: 'src/nowhere.ts', ref: 'to', startLine: 1, endLine: 2, excerpt: 'nothing' }],
        },
      ],
    };
    const scenario = server.scenario([
      { toolCalls: [{ name: 'read', arguments: { filePath: join(worktree, 'src/cli.ts') } }] },
      { text: `Here is my analysis:\n\n\`\`\`json\n${JSON.stringify(answer, null, 2)}\n\`\`\`\n` },
    ]);
    const setup = await isolatedOpenCode(server, [scenario]);
    await writeFile(
      join(cwd, 'release-watch.config.json'),
      JSON.stringify({
        agent: { kind: 'opencode', model: setup.model(scenario), timeout: '4m' },
        upstreams: {
          sample: sampleUpstreamConfig(upstream),
        },
      }),
    );

    const result = await runCli(['analyze', '--tag', 'v1.1.0', '--json'], {
      cwd,
      env: setup.env,
      timeout: 300_000,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(parseJson<{ impact: string }>(result).impact).toBe('high');

    const analysis = analysisSchema.parse(
      JSON.parse(await readFile(join(cwd, '.release-watch/artifacts/sample/v1.1.0/analysis.json'), 'utf8')),
    );
    expect(analysis.agent).toMatchObject({ kind: 'opencode', model: setup.model(scenario) });
    expect(analysis.agent.tokens).toBeGreaterThan(0);
    expect(analysis.agent.adjustments).toEqual(['dropped the top-level key "schemaVersion"']);
    expect(analysis.summary).toContain('--print-logs');
    // The agent's finding about the removed flag merged with the scanner's, evidence verified.
    const flag = analysis.findings.find((f) => f.title === 'The --print-logs flag is gone');
    expect(flag).toMatchObject({ severity: 'high', verified: true });
    expect(flag!.evidence.some((e) => e.path === 'src/cli.ts' && e.ref === 'from' && e.startLine === 6)).toBe(
      true,
    );
    // The invented file is kept, marked unverified.
    expect(analysis.findings.find((f) => f.title.includes('does not exist'))).toMatchObject({
      verified: false,
    });
    // The scanner's hook finding is still there.
    expect(analysis.findings.some((f) => f.surface === 'plugin-hooks' && f.source === 'scanner')).toBe(true);

    // The model really read the checkout, and never saw the GitHub token.
    const texts = requestTexts(scenario.requests());
    expect(texts.some((t) => t.includes('print logs to stderr'))).toBe(true);
    for (const t of texts) expect(t).not.toContain(GITHUB_TOKEN);
    expect(result.stdout + result.stderr).not.toContain(GITHUB_TOKEN);
    expect((await stat(join(worktree, 'src/cli.ts'))).isFile()).toBe(true);
  }, 360_000);
});
