import { describe, expect, it } from 'vitest';
import { renderDiff } from '../../src/diff/render.js';
import type { DiffResult } from '../../src/diff/service.js';
import { runCli } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const help = async (...command: string[]) => {
  const result = await runCli([...command, '--help'], { cwd: await tempProject() });
  expect(result.exitCode).toBe(0);
  // Wrapped to the terminal's width: compared as one line.
  return result.stdout.replace(/\s+/g, ' ');
};

describe('help text', () => {
  it('diff says what it does and names only its own flags', async () => {
    const text = await help('diff');
    expect(text).toContain('DESCRIPTION');
    expect(text).toContain('`analyze` runs this itself when the artifacts are missing');
    expect(text).toContain("May be left out when --to matches exactly one upstream's tag pattern.");
    expect(text).not.toContain('when --tag matches');
  });

  it('analyze says it runs diff when needed and what the agent needs', async () => {
    const text = await help('analyze');
    expect(text).toContain('Runs `diff` first when the release has no diff artifacts yet.');
    expect(text).toMatch(/OpenCode agent \(the opencode program/);
    expect(text).toContain('a provider with a model');
  });

  it('init --model says it sets agent.model; init and demo list no --config, commands that read one do', async () => {
    const init = await help('init');
    expect(init).toContain('written to agent.model in the config');
    expect(init).not.toContain('--config');
    expect(await help('demo')).not.toContain('--config');
    expect(await help('check')).toContain('-c, --config=<value>');
  });

  it('counts read right: 1 commit, 1 file, 1 release', () => {
    const result = {
      upstream: 'codex',
      from: { tag: 'a', commit: '1' },
      to: { tag: 'b', commit: '2' },
      counts: { commits: 1, releases: 1, files: 1, additions: 1, deletions: 0, ignored: 0, binary: 0 },
      surfacesTouched: [],
      surfaceFiles: {},
      dir: '/x',
    } as unknown as DiffResult;
    expect(renderDiff(result).split('\n').slice(0, 2)).toEqual([
      'codex: a → b: 1 commit, 1 release',
      '  1 file changed (+1 −0)',
    ]);
  });
});
