import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeEvents } from '../../../src/analysis/agent/events.js';
import { createOpenCodeRunner } from '../../../src/analysis/agent/opencode.js';
import {
  AGENT_FILE,
  AUTH_TS,
  agentFixture,
  CONTEXT_MARKER,
  PLANTED,
  requestTexts,
} from '../../helpers/agent-fixture.js';
import { type ModelServer, type Scenario, startModelServer } from '../../helpers/model-server.js';
import { GITHUB_TOKEN, isolatedOpenCode, PROVIDER_API_KEY } from '../../helpers/opencode-setup.js';

// End to end: the real `opencode` binary (opencode-ai, pinned) against the scripted model server.
// Each OpenCode start costs seconds, so one server serves the whole file.

const VALID = { impact: 'none', summary: 'Nothing in this release touches the downstream.', findings: [] };

const FINDING = {
  id: 'auth-token-endpoint-moved',
  title: 'Token endpoint moved to /oauth2/token',
  severity: 'breaking',
  surface: 'auth',
  description: 'exchangeCode() posts to the new endpoint.',
  recommendation: 'Follow the new endpoint.',
  confidence: 0.8,
  evidence: [
    {
      path: 'src/auth.ts',
      ref: 'to',
      startLine: 3,
      endLine: 3,
      excerpt: "export const TOKEN_URL = 'https://auth.example.test/oauth2/token';",
    },
  ],
};

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server.close();
});

interface ChatBody {
  messages: { role: string; content?: unknown; tool_calls?: unknown[] }[];
  tools?: { function: { name: string } }[];
}
const bodyOf = (r: { body: string }) => JSON.parse(r.body) as ChatBody;
const turnsOf = (scenario: Scenario) => scenario.requests().filter((r) => r.kind === 'turn');
const text = (content: unknown) => (typeof content === 'string' ? content : JSON.stringify(content));

/** The GitHub token reached no request, and the upstream's OpenCode config was not loaded. */
async function expectIsolated(scenario: Scenario, fixture: Awaited<ReturnType<typeof agentFixture>>) {
  const texts = requestTexts(scenario.requests());
  expect(texts.length).toBeGreaterThan(0);
  for (const t of texts) {
    expect(t).not.toContain(GITHUB_TOKEN);
    for (const planted of [
      PLANTED.rootAgentsMd,
      PLANTED.claudeMd,
      PLANTED.contextMd,
      PLANTED.instructions,
      PLANTED.agentPrompt,
      PLANTED.skill,
      PLANTED.command,
    ]) {
      expect(t).not.toContain(planted);
    }
  }
  // No planted plugin, tool or MCP server ran, and neither did the downstream's own plugin.
  expect(await fixture.ranMarkers()).toEqual([]);
  // The checkout is as it was: the hidden config is back and nothing else changed.
  expect(await fixture.upstream.git('status', '--porcelain', '--untracked-files=all')).toBe('');
  expect((await stat(join(fixture.worktree, '.opencode', 'plugin', 'planted.js'))).isFile()).toBe(true);
  // OpenCode installed nothing into the downstream's .opencode.
  expect((await readdir(fixture.configDir)).sort()).toEqual(['agent', 'plugin']);
  // Nothing kept in the raw output folder carries the token either.
  for (const entry of await readdir(fixture.rawDir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      expect(await readFile(join(entry.parentPath, entry.name), 'utf8')).not.toContain(GITHUB_TOKEN);
  }
}

describe('OpenCode runner (real opencode, scripted model)', () => {
  it('lets the model read and grep the checkout, then returns its validated JSON answer with usage', async () => {
    const fixture = await agentFixture();
    const scenario = server.scenario([
      { toolCalls: [{ name: 'read', arguments: { filePath: join(fixture.worktree, 'src/auth.ts') } }] },
      { toolCalls: [{ name: 'grep', arguments: { pattern: 'TOKEN_URL' } }] },
      {
        text: JSON.stringify({
          impact: 'breaking',
          summary: 'The token endpoint moved.',
          findings: [FINDING],
        }),
      },
    ]);
    const setup = await isolatedOpenCode(server, [scenario]);
    const notes: string[] = [];
    const run = createOpenCodeRunner({ binary: setup.binary });

    // A short heartbeat, so this run (which takes seconds) shows some: in use it is every 15 s.
    const result = await run(
      fixture.input(setup, scenario, { onNote: (n) => notes.push(n), heartbeatMs: 100 }),
    );

    expect(result.output).toEqual({
      impact: 'breaking',
      summary: 'The token endpoint moved.',
      findings: [FINDING],
    });
    expect(result.repaired).toBe(false);
    // OpenCode unpacked its native library into the run's own temp dir, which is gone with it.
    expect(await readdir(setup.env.TMPDIR!)).toEqual([]);
    expect(result.model).toBe(setup.model(scenario));
    expect(result.sessionId).toMatch(/^ses_/);
    // Tokens and cost are the sums over the step_finish events kept in the raw folder.
    const events = summarizeEvents(await readFile(join(fixture.rawDir, 'opencode-events.jsonl'), 'utf8'));
    expect(events.steps).toBe(3);
    expect(result.tokens).toBe(events.tokens);
    expect(result.tokens).toBeGreaterThan(300);
    expect(result.cost).toBeCloseTo(events.cost, 10);
    expect(result.cost).toBeGreaterThan(0);
    expect(events.tools.map((t) => [t.tool, t.status])).toEqual([
      ['read', 'completed'],
      ['grep', 'completed'],
    ]);
    expect(notes.some((n) => n.includes('read') && n.includes('src/auth.ts'))).toBe(true);
    const beats = notes.filter((n) => n.startsWith('opencode: agent still working'));
    expect(beats.length).toBeGreaterThan(0);
    for (const beat of beats)
      expect(beat).toMatch(/^opencode: agent still working, \d+s, \d+ tool calls?, \d+ tokens so far$/);

    const turns = turnsOf(scenario);
    expect(turns).toHaveLength(3);
    // The runner names the session itself, which spares OpenCode's title-generation call.
    expect(scenario.requests().filter((r) => r.kind === 'title')).toEqual([]);
    expect(scenario.remaining()).toBe(0);
    const first = bodyOf(turns[0]!);
    // Our agent's instructions are the system prompt; context.md is attached to the first message.
    expect(text(first.messages[0]?.content)).toContain('You are release-impact');
    expect(text(first.messages.at(-1)?.content)).toContain(CONTEXT_MARKER);
    // Only read-only tools are offered at all.
    expect(first.tools?.map((t) => t.function.name).sort()).toEqual(['glob', 'grep', 'read']);
    // The tool results are the checkout's files.
    const last = bodyOf(turns[2]!);
    const toolResults = last.messages.filter((m) => m.role === 'tool').map((m) => text(m.content));
    expect(toolResults[0]).toContain("export const TOKEN_URL = 'https://auth.example.test/oauth2/token';");
    expect(toolResults[1]).toContain('src/auth.ts');
    // The provider key came through the environment allow-list; the GitHub token did not.
    expect(turns.every((r) => r.headers.authorization === `Bearer ${PROVIDER_API_KEY}`)).toBe(true);
    await expectIsolated(scenario, fixture);
    // OpenCode's read tool appends a nested AGENTS.md of the upstream to the tool result (there is no
    // switch for it); it never becomes part of the system prompt.
    for (const turn of turns) {
      const { messages } = bodyOf(turn);
      for (const m of messages.filter((m) => m.role !== 'tool'))
        expect(text(m.content)).not.toContain(PLANTED.nestedAgentsMd);
    }
    // No npm install ran in the isolated HOME (the provider package is bundled in opencode).
    expect(await readdir(setup.home)).not.toContain('.npm');
    const run1 = JSON.parse(await readFile(join(fixture.rawDir, 'run.json'), 'utf8'));
    expect(run1.turns).toHaveLength(1);
    expect(JSON.stringify(run1)).not.toContain(GITHUB_TOKEN);
    expect(await readFile(join(fixture.worktree, 'src/auth.ts'), 'utf8')).toBe(AUTH_TS);
    expect(AGENT_FILE).toContain('release-impact.md');
  });

  it('finds the JSON answer in a code fence with prose around it', async () => {
    const fixture = await agentFixture();
    const answer = `I checked src/auth.ts.\n\n\`\`\`json\n${JSON.stringify(VALID, null, 2)}\n\`\`\`\n\nLet me know if you need more.`;
    const scenario = server.scenario([{ text: answer }]);
    // The provider key comes from `opencode auth` credentials here, not from the environment.
    const setup = await isolatedOpenCode(server, [scenario], { key: 'auth' });

    const result = await createOpenCodeRunner({ binary: setup.binary })(
      fixture.input(setup, scenario, { variant: 'high' }),
    );

    expect(result.output).toEqual(VALID);
    expect(result.repaired).toBe(false);
    // --variant reaches the provider as its reasoning effort.
    expect(JSON.parse(turnsOf(scenario)[0]!.body).reasoning_effort).toBe('high');
    expect(turnsOf(scenario)[0]?.headers.authorization).toBe(`Bearer ${PROVIDER_API_KEY}`);
    await expectIsolated(scenario, fixture);
  });

  it('repairs an answer that does not fit the schema with one more turn in the same session', async () => {
    const fixture = await agentFixture();
    const scenario = server.scenario([
      { text: JSON.stringify({ impact: 'catastrophic', summary: 'Bad.', findings: [{ id: 'Not Kebab' }] }) },
      { text: JSON.stringify(VALID) },
    ]);
    // The provider is defined in a file named by OPENCODE_CONFIG here.
    const setup = await isolatedOpenCode(server, [scenario], { config: 'OPENCODE_CONFIG' });
    const notes: string[] = [];

    const result = await createOpenCodeRunner({ binary: setup.binary })(
      fixture.input(setup, scenario, { onNote: (n) => notes.push(n) }),
    );

    expect(result.output).toEqual(VALID);
    expect(result.repaired).toBe(true);
    const first = summarizeEvents(await readFile(join(fixture.rawDir, 'opencode-events.jsonl'), 'utf8'));
    const repair = summarizeEvents(
      await readFile(join(fixture.rawDir, 'opencode-repair-events.jsonl'), 'utf8'),
    );
    expect(repair.sessionId).toBe(first.sessionId);
    expect(result.tokens).toBe(first.tokens + repair.tokens);
    expect(result.cost).toBeCloseTo(first.cost + repair.cost, 10);
    // The repair turn continues the conversation: it carries the rejected answer and the problems.
    const turns = turnsOf(scenario);
    expect(turns).toHaveLength(2);
    const messages = bodyOf(turns[1]!).messages;
    expect(messages.some((m) => m.role === 'assistant' && text(m.content).includes('catastrophic'))).toBe(
      true,
    );
    const repairPrompt = text(messages.at(-1)?.content);
    expect(repairPrompt).toContain('impact:');
    expect(repairPrompt).toContain('findings.0.id');
    expect(notes.some((n) => n.includes('repair'))).toBe(true);
    await expectIsolated(scenario, fixture);
  });

  it('denies edits, writes, shell commands and web fetches: the checkout stays unchanged', async () => {
    const fixture = await agentFixture();
    const auth = join(fixture.worktree, 'src/auth.ts');
    const scenario = server.scenario([
      {
        toolCalls: [
          { name: 'edit', arguments: { filePath: auth, oldString: 'oauth2', newString: 'pwned' } },
          { name: 'write', arguments: { filePath: join(fixture.worktree, 'pwned.txt'), content: 'pwned' } },
          {
            name: 'bash',
            arguments: { command: 'echo pwned > pwned-by-bash.txt', description: 'write a file' },
          },
          { name: 'webfetch', arguments: { url: `${server.url}/models`, format: 'text' } },
        ],
      },
      {
        toolCalls: [{ name: 'bash', arguments: { command: 'touch pwned-again.txt', description: 'retry' } }],
      },
      { text: JSON.stringify(VALID) },
    ]);
    const setup = await isolatedOpenCode(server, [scenario]);

    const result = await createOpenCodeRunner({ binary: setup.binary })(fixture.input(setup, scenario));

    expect(result.output).toEqual(VALID);
    expect(await readFile(auth, 'utf8')).toBe(AUTH_TS);
    // git status covers the edit, both new files and anything else written into the checkout.
    await expectIsolated(scenario, fixture);
    // The web fetch never reached the (local) URL it asked for.
    expect(server.requests.filter((r) => r.path === '/v1/models')).toEqual([]);
    const events = summarizeEvents(await readFile(join(fixture.rawDir, 'opencode-events.jsonl'), 'utf8'));
    expect(events.tools.length).toBeGreaterThanOrEqual(5);
    expect(events.tools.filter((t) => t.status === 'completed')).toEqual([]);
  });
});

describe('an answer with harmless deviations (real opencode, scripted model)', () => {
  it('drops schemaVersion and fills a missing excerpt without a repair turn, and says so', async () => {
    const fixture = await agentFixture();
    const { excerpt: _excerpt, ...noExcerpt } = FINDING.evidence[0]!;
    const scenario = server.scenario([
      {
        text: JSON.stringify({
          schemaVersion: 1,
          impact: 'breaking',
          summary: 'Moved.',
          findings: [{ ...FINDING, evidence: [noExcerpt] }],
        }),
      },
    ]);
    const setup = await isolatedOpenCode(server, [scenario]);
    const result = await createOpenCodeRunner({ binary: setup.binary })(fixture.input(setup, scenario));
    expect(result.repaired).toBe(false);
    expect(turnsOf(scenario)).toHaveLength(1);
    expect(result.output.findings[0]!.evidence[0]).toEqual({ ...noExcerpt, excerpt: '' });
    expect(result.adjustments).toEqual([
      'dropped the top-level key "schemaVersion"',
      'filled the missing excerpt of findings[0].evidence[0] (src/auth.ts)',
    ]);
  });
});
