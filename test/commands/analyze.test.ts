import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { analysisSchema } from '../../src/analysis/schema.js';
import { artifactPaths } from '../../src/artifacts/paths.js';
import { analyzeProject } from '../helpers/analyze-project.js';
import { parseJson, runCli } from '../helpers/cli.js';

describe('release-watch analyze', () => {
  it('--agent none --tag picks the upstream by tag pattern and writes a schema-valid analysis.json', async () => {
    const { root, config } = await analyzeProject();
    const human = await runCli(['analyze', '--agent', 'none', '--tag', 'v2'], { cwd: root });
    // Progress in log lines (stderr is no terminal), and one note: no downstream checkout to mine anchors
    // from (analyze goes on without them).
    const lines = human.stderr.split('\n').map((line) => line.replace(/^\[[^\]]+\] /, ''));
    expect(lines[0]).toBe('analyze (none) …');
    expect(lines.at(-1)).toMatch(/^analyze \(none\): done in \d+\.\ds$/);
    expect(lines.slice(1, -1).join('\n')).toMatch(/^(?:up: no anchors from .*; scanning without them)?$/);
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toContain('up v1 → v2: impact medium');
    expect(human.stdout).toContain('findings: 1 (1 medium), 0 unverified');
    expect(human.stdout).toContain('  medium  `Hooks.event` signature changed: `input` gains `session`');
    const paths = artifactPaths(config.artifacts, 'up', 'v2');
    const analysis = analysisSchema.parse(JSON.parse(await readFile(paths.analysis, 'utf8')));
    expect(analysis.findings.every((f) => f.verified && f.source === 'scanner')).toBe(true);

    const json = await runCli(['analyze', '--agent', 'none', '--tag', 'v2', '--json'], { cwd: root });
    expect(json.exitCode).toBe(0);
    expect(parseJson(json)).toMatchObject({
      upstream: 'up',
      tag: 'v2',
      path: paths.analysis,
      impact: 'medium',
      findings: {
        total: 1,
        bySeverity: { breaking: 0, high: 0, medium: 1, low: 0, none: 0 },
        unverified: 0,
        list: [
          {
            id: 'ts-exports-member-changed-hooks-event',
            severity: 'medium',
            title: '`Hooks.event` signature changed: `input` gains `session`',
            verified: true,
          },
        ],
      },
      coverage: { filesChanged: 3, filesInContext: 2, surfacesTouched: ['plugin-hooks'], truncated: false },
    });
  });

  it('reports a tag no upstream matches as a usage error, as JSON under --json', async () => {
    const { root } = await analyzeProject({ withArtifacts: false });
    const result = await runCli(['analyze', '--agent', 'none', '--tag', 'nomatch-1', '--json'], {
      cwd: root,
    });
    expect(result.exitCode).toBe(2);
    const { error } = parseJson<{ error: { code: string; message: string } }>(result);
    expect(error.code).toBe('TAG_MATCHES_NO_UPSTREAM');
    // Names each upstream with its pattern.
    expect(error.message).toMatch(/matches no upstream's tag pattern \(up: [^)]+\)/);
  });
});
