import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJson, runCli } from '../helpers/cli.js';
import { TWO_UPSTREAMS_JSON, tempProject } from '../helpers/project.js';

const STATE = '.github/release-watch/state.json';

describe('release-watch state', () => {
  it('shows the seeded state of this repository as JSON', async () => {
    const result = await runCli(['state', 'show', '--json'], { cwd: process.cwd() });
    expect(result.exitCode).toBe(0);
    expect(parseJson(result)).toEqual([
      { id: 'opencode', repo: 'sst/opencode', lastReviewed: null },
      { id: 'codex', repo: 'openai/codex', lastReviewed: null },
    ]);
  });

  it('sets, shows and resets an upstream, with a table for humans', async () => {
    const cwd = await tempProject({ '.release-watchrc.json': TWO_UPSTREAMS_JSON });
    const set = await runCli(['state', 'set', 'codex', 'rust-v0.130.0'], { cwd });
    expect(set.exitCode).toBe(0);
    expect(set.stdout).toContain('codex: last reviewed is now rust-v0.130.0');
    const table = await runCli(['state', 'show'], { cwd });
    expect(table.stdout).toMatch(/codex\s+openai\/codex\s+rust-v0\.130\.0/);
    expect(table.stdout).toMatch(/opencode\s+sst\/opencode\s+\(never\)/);
    const one = parseJson<{ id: string; lastReviewed: string }[]>(
      await runCli(['state', 'show', 'codex', '--json'], { cwd }),
    );
    expect(one).toHaveLength(1);
    expect(one[0]!.lastReviewed).toBe('rust-v0.130.0');
    expect((await runCli(['state', 'reset', 'codex'], { cwd })).exitCode).toBe(0);
    const state = JSON.parse(await readFile(join(cwd, STATE), 'utf8'));
    expect(state).toEqual({ version: 1, upstreams: { codex: { lastReviewed: null } } });
  });

  it('refuses a tag that does not match the pattern unless --force', async () => {
    const cwd = await tempProject({ '.release-watchrc.json': TWO_UPSTREAMS_JSON });
    const refused = await runCli(['state', 'set', 'codex', 'v1.2.3'], { cwd });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('TAG_PATTERN_MISMATCH');
    expect(refused.stderr).toContain('"v1.2.3" does not match upstream "codex"\'s tag pattern rust-v*');
    const forced = await runCli(['state', 'set', 'codex', 'v1.2.3', '--force', '--json'], { cwd });
    expect(forced.exitCode).toBe(0);
    expect(parseJson<{ lastReviewed: string }>(forced).lastReviewed).toBe('v1.2.3');
  });

  it('an unknown upstream lists the known ones, as text and as JSON', async () => {
    const cwd = await tempProject({ '.release-watchrc.json': TWO_UPSTREAMS_JSON });
    const text = await runCli(['state', 'set', 'claude', 'v1.0.0'], { cwd });
    expect(text.exitCode).toBe(2);
    expect(text.stderr).toContain('Unknown upstream "claude". Known upstreams: opencode, codex.');
    const json = await runCli(['state', 'show', 'claude', '--json'], { cwd });
    expect(json.exitCode).toBe(2);
    expect(parseJson<{ error: { code: string } }>(json).error.code).toBe('UNKNOWN_UPSTREAM');
  });

  it.each([
    ['truncated JSON', '{"version":1,"upstreams":{"codex":', 'invalid JSON'],
    ['version 99', '{"version":99,"upstreams":{}}', 'has version 99'],
  ])('a state file with %s fails every state command and stays as it was', async (_n, content, message) => {
    const cwd = await tempProject({ '.release-watchrc.json': TWO_UPSTREAMS_JSON, [STATE]: content });
    for (const args of [
      ['state', 'show'],
      ['state', 'set', 'codex', 'rust-v0.1.0'],
      ['state', 'reset', 'codex'],
    ]) {
      const result = await runCli(args, { cwd });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain(join(cwd, STATE));
    }
    expect(await readFile(join(cwd, STATE), 'utf8')).toBe(content);
  });

  it('a state path that is a directory is refused', async () => {
    const cwd = await tempProject({ '.release-watchrc.json': TWO_UPSTREAMS_JSON });
    await mkdir(join(cwd, STATE), { recursive: true });
    const result = await runCli(['state', 'set', 'codex', 'rust-v0.1.0'], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('is a directory');
  });
});

describe('config errors through the CLI', () => {
  it('a missing config exits 2 and says how to create one', async () => {
    const cwd = await tempProject();
    const result = await runCli(['state', 'show'], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('No release-watch config found');
    expect(result.stderr).toContain('release-watch init');
  });

  it('a TypeScript syntax error names the file', async () => {
    const cwd = await tempProject({ 'release-watch.config.ts': 'export default {{ upstreams' });
    const result = await runCli(['state', 'show', '--json'], { cwd });
    expect(result.exitCode).toBe(2);
    const { error } = parseJson<{ error: { code: string; message: string } }>(result);
    expect(error.code).toBe('CONFIG_LOAD_FAILED');
    expect(error.message).toContain(join(cwd, 'release-watch.config.ts'));
  });

  it('wrong types, unknown keys and a bad repo are all listed with their paths', async () => {
    const cwd = await tempProject({
      'custom.json': JSON.stringify({
        upstreams: { codex: { repo: 'openai-codex', tags: ['rust-v*'], extra: 1 } },
      }),
    });
    const result = await runCli(['state', 'show', '--config', 'custom.json'], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`Invalid config in ${join(cwd, 'custom.json')}`);
    expect(result.stderr).toContain('upstreams.codex.repo: expected a repository as "owner/name"');
    expect(result.stderr).toContain('upstreams.codex.tags: expected a string or RegExp');
    expect(result.stderr).toContain('upstreams.codex.extra: unknown key');
  });
});

describe('commands', () => {
  it('--help lists every command of the design', async () => {
    const result = await runCli(['--help'], { cwd: process.cwd() });
    for (const command of ['analyze', 'check', 'diff', 'init', 'report', 'run', 'state']) {
      expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\s`, 'm'));
    }
    const state = await runCli(['state', '--help'], { cwd: process.cwd() });
    for (const sub of ['state reset', 'state set', 'state show']) expect(state.stdout).toContain(sub);
  });
});
