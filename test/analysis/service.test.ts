import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { AgentRunner } from '../../src/analysis/agent/types.js';
import { analysisSchema } from '../../src/analysis/schema.js';
import { type AnalyzeDeps, analyzeRelease } from '../../src/analysis/service.js';
import { artifactPaths } from '../../src/artifacts/paths.js';
import { analyzeProject, HOOKS_V2 } from '../helpers/analyze-project.js';

const deps = (more: Partial<AnalyzeDeps> = {}): AnalyzeDeps => ({
  runDiffStage: vi.fn(async () => {
    throw new Error('diff must not run');
  }),
  prepareWorktree: vi.fn(async () => '/tmp/worktree'),
  agentRunner: vi.fn<AgentRunner>(async () => {
    throw new Error('agent must not run');
  }),
  ...more,
});

const eventLine = HOOKS_V2.split('\n').findIndex((l) => l.includes('event?:')) + 1;

describe('analyzeRelease', () => {
  it('with --agent none: scanner findings verified, context.md and a schema-valid analysis.json written', async () => {
    const { config } = await analyzeProject();
    const d = deps();
    const result = await analyzeRelease(config, { tag: 'v2', agent: 'none' }, d);
    const paths = artifactPaths(config.artifacts, 'up', 'v2');
    const analysis = analysisSchema.parse(JSON.parse(await readFile(paths.analysis, 'utf8')));
    expect(analysis).toMatchObject({
      upstream: { id: 'up', repo: 'owner/up', from: 'v1', to: 'v2' },
      impact: 'medium',
      coverage: { filesChanged: 3, filesInContext: 2, surfacesTouched: ['plugin-hooks'], truncated: false },
      agent: { kind: 'none', durationMs: 0, tokens: 0, cost: 0 },
    });
    expect(analysis.summary).toContain('Scanners only');
    // The hook change explains the one surface file it touches: no "file changed" low beside it.
    expect(analysis.findings.map((f) => [f.id, f.severity, f.verified, f.title])).toEqual([
      [
        'ts-exports-member-changed-hooks-event',
        'medium',
        true,
        '`Hooks.event` signature changed: `input` gains `session`',
      ],
    ]);
    expect(result).toMatchObject({
      path: paths.analysis,
      impact: 'medium',
      findings: { total: 1, bySeverity: { medium: 1 }, unverified: 0 },
    });
    const context = await readFile(paths.context, 'utf8');
    expect(context).toContain('ts-exports-member-changed-hooks-event');
    expect(context).toContain('- `yarn.lock` — ignored');
    expect(d.runDiffStage).not.toHaveBeenCalled();
    expect(d.agentRunner).not.toHaveBeenCalled();
  });

  it('notes in coverage the upstream files anchor matching could not read (a mirror lacking blobs)', async () => {
    const { config } = await analyzeProject();
    const notes: string[] = [];
    const d = deps({
      onNote: (note) => notes.push(note),
      anchors: async ({ upstream, from }) => ({
        upstream,
        from,
        downstreamCommit: 'worktree',
        anchors: [],
        unread: ['big/models.json'],
      }),
    });
    await analyzeRelease(config, { tag: 'v2', agent: 'none' }, d);
    const analysis = analysisSchema.parse(
      JSON.parse(await readFile(artifactPaths(config.artifacts, 'up', 'v2').analysis, 'utf8')),
    );
    const note =
      'up: 1 upstream file at v1 not searched for anchors, the remote could not serve its blob: big/models.json';
    expect(analysis.coverage.notes).toEqual([note]);
    expect(notes).toContain(note);
  });

  it('with a fake agent: its answer is merged and verified; impact counts verified findings only', async () => {
    const { config } = await analyzeProject();
    const agentRunner = vi.fn<AgentRunner>(async (input) => {
      expect(await readFile(input.contextFile, 'utf8')).toContain('## Changes');
      return {
        model: 'fake/model',
        durationMs: 1234,
        tokens: 999,
        cost: 0.5,
        output: {
          impact: 'high',
          summary: 'The event hook now receives a session.',
          findings: [
            {
              id: 'event-hook-session',
              title: 'event hook gained a required session field',
              severity: 'high',
              surface: 'plugin-hooks',
              description: 'Plugins that construct the input break.',
              recommendation: 'Pass the session.',
              confidence: 0.8,
              evidence: [
                {
                  path: 'src/plugin/index.ts',
                  ref: 'to',
                  startLine: eventLine,
                  endLine: eventLine,
                  excerpt: 'session: string',
                },
              ],
            },
            {
              id: 'made-up',
              title: 'A claim about a file that does not exist',
              severity: 'breaking',
              surface: 'other',
              description: 'Hallucinated.',
              recommendation: '',
              confidence: 0.3,
              evidence: [{ path: 'src/nope.ts', ref: 'to', startLine: 1, endLine: 1, excerpt: 'x' }],
            },
          ],
        },
      };
    });
    const d = deps({ agentRunner });
    const result = await analyzeRelease(config, { tag: 'v2', agent: 'opencode', model: 'fake/model' }, d);
    const input = agentRunner.mock.calls[0]![0];
    expect(input).toMatchObject({
      worktree: '/tmp/worktree',
      model: 'fake/model',
      agentName: 'release-impact',
    });
    expect(input.rawDir).toBe(join(config.artifacts, 'up', 'v2', 'agent'));
    const analysis = analysisSchema.parse(JSON.parse(await readFile(result.path, 'utf8')));
    expect(analysis.summary).toBe('The event hook now receives a session.');
    // The hallucinated `breaking` finding is listed (first: most severe), unverified, and raises nothing.
    expect(analysis.impact).toBe('high');
    expect(analysis.findings.map((f) => [f.id, f.severity, f.verified])).toEqual([
      ['made-up', 'breaking', false],
      ['ts-exports-member-changed-hooks-event', 'high', true],
    ]);
    expect(analysis.agent).toEqual({
      kind: 'opencode',
      model: 'fake/model',
      durationMs: 1234,
      tokens: 999,
      cost: 0.5,
    });
    const byId = Object.fromEntries(analysis.findings.map((f) => [f.id, f]));
    expect(byId['ts-exports-member-changed-hooks-event']).toMatchObject({
      title: 'event hook gained a required session field',
      severity: 'high',
      source: 'scanner',
      verified: true,
    });
    expect(byId['made-up']).toMatchObject({ source: 'agent', verified: false });
    expect(result.unverified).toEqual([{ finding: 'made-up', problem: 'src/nope.ts@to: no such file' }]);
  });

  it('notes an agent verdict above what the verified findings support, and keeps the verified impact', async () => {
    const { config } = await analyzeProject();
    const agentRunner = vi.fn<AgentRunner>(async () => ({
      durationMs: 1,
      tokens: 0,
      cost: 0,
      output: { impact: 'breaking', summary: 'Everything breaks.', findings: [] },
    }));
    const result = await analyzeRelease(config, { tag: 'v2', agent: 'opencode' }, deps({ agentRunner }));
    const analysis = analysisSchema.parse(JSON.parse(await readFile(result.path, 'utf8')));
    expect(analysis.impact).toBe('medium');
    expect(analysis.coverage.notes).toContain(
      'The agent judged the impact breaking; the verified findings support medium.',
    );
  });

  it.each([
    ['throws', async () => Promise.reject(new Error('opencode exited with 1'))],
    [
      'answers outside the schema',
      async () => ({ durationMs: 1, tokens: 0, cost: 0, output: { impact: 'dire' } }),
    ],
  ])('when the agent %s: AGENT_FAILED naming the raw output, earlier files untouched', async (_name, run) => {
    const { config } = await analyzeProject();
    const paths = artifactPaths(config.artifacts, 'up', 'v2');
    await writeFile(paths.analysis, 'EARLIER ANALYSIS');
    await writeFile(paths.context, 'EARLIER CONTEXT');
    const error = await analyzeRelease(
      config,
      { tag: 'v2', agent: 'opencode' },
      deps({ agentRunner: run as unknown as AgentRunner }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AGENT_FAILED', exitCode: 3 });
    expect((error as Error).message).toContain(join(paths.dir, 'agent'));
    expect(await readFile(paths.analysis, 'utf8')).toBe('EARLIER ANALYSIS');
    expect(await readFile(paths.context, 'utf8')).toBe('EARLIER CONTEXT');
  });

  it('picks the newest release folder that has diff artifacts, and the upstream from the tag pattern', async () => {
    const { config } = await analyzeProject();
    await mkdir(artifactPaths(config.artifacts, 'up', 'v9').dir, { recursive: true });
    await writeFile(artifactPaths(config.artifacts, 'up', 'v9').release, '{}');
    const byTag = await analyzeRelease(config, { tag: 'v2', agent: 'none' }, deps());
    expect(byTag.upstream).toBe('up');
    const newest = await analyzeRelease(config, { upstream: 'up', agent: 'none' }, deps());
    expect(newest.tag).toBe('v2');
  });

  it('runs the diff stage first when artifacts are missing or compare another --from', async () => {
    const { config, writeArtifacts } = await analyzeProject({ withArtifacts: false });
    const stage = vi.fn(async (request: { from?: string; to?: string }) => {
      await writeArtifacts(request.from ?? 'v1', request.to ?? 'v2');
      return { to: request.to ?? 'v2' };
    });
    const first = await analyzeRelease(
      config,
      { upstream: 'up', agent: 'none' },
      deps({ runDiffStage: stage }),
    );
    expect(stage).toHaveBeenCalledWith(expect.objectContaining({ upstream: 'up', to: undefined }));
    expect(first).toMatchObject({ tag: 'v2', from: 'v1' });
    stage.mockClear();
    await analyzeRelease(config, { tag: 'v2', agent: 'none' }, deps({ runDiffStage: stage }));
    expect(stage).not.toHaveBeenCalled();
    const again = await analyzeRelease(
      config,
      { tag: 'v2', from: 'v2', agent: 'none' },
      deps({ runDiffStage: stage }),
    );
    expect(stage).toHaveBeenCalledWith(expect.objectContaining({ upstream: 'up', from: 'v2', to: 'v2' }));
    expect(again).toMatchObject({ from: 'v2', findings: { total: 0 }, impact: 'none' });
  });

  it('runs the diff stage when artifacts are missing, and refuses tags that are paths', async () => {
    const { config } = await analyzeProject({ withArtifacts: false });
    const stage = vi.fn(async () => {
      throw new Error('diff stage failed');
    });
    await expect(
      analyzeRelease(config, { tag: 'v2', agent: 'none' }, deps({ runDiffStage: stage })),
    ).rejects.toThrow('diff stage failed');
    expect(stage).toHaveBeenCalledWith(expect.objectContaining({ upstream: 'up', to: 'v2' }));
    await expect(analyzeRelease(config, { upstream: 'up', tag: '../../etc' }, deps())).rejects.toMatchObject({
      code: 'INVALID_REF',
    });
  });

  it('names the missing upstream cache instead of failing inside git', async () => {
    const { config } = await analyzeProject();
    await rm(join(config.cache, 'up.git'), { recursive: true });
    const error = await analyzeRelease(config, { tag: 'v2', agent: 'none' }, deps()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ARTIFACT_MISSING' });
    expect((error as Error).message).toContain(join(config.cache, 'up.git'));
  });
});
