import { mkdir, open, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOnPath, findPackagedBinary, resolveOpenCodeBinary } from '../../../src/analysis/agent/binary.js';
import { hideProjectConfig, prepareConfigDir } from '../../../src/analysis/agent/opencode.js';
import { isReleaseWatchError } from '../../../src/errors.js';
import { tempDir } from '../../helpers/tmp.js';

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('hideProjectConfig', () => {
  it('renames the checkout root OpenCode config away and puts it back', async () => {
    const worktree = await tempDir();
    await mkdir(join(worktree, '.opencode', 'plugin'), { recursive: true });
    await writeFile(join(worktree, '.opencode', 'plugin', 'p.js'), 'x');
    await writeFile(join(worktree, 'opencode.json'), '{}');
    await writeFile(join(worktree, 'AGENTS.md'), 'kept');

    const restore = await hideProjectConfig(worktree);
    expect((await readdir(worktree)).sort()).toEqual([
      '.opencode.release-watch-hidden',
      'AGENTS.md',
      'opencode.json.release-watch-hidden',
    ]);
    await restore();
    expect((await readdir(worktree)).sort()).toEqual(['.opencode', 'AGENTS.md', 'opencode.json']);
    expect(await readFile(join(worktree, '.opencode', 'plugin', 'p.js'), 'utf8')).toBe('x');
  });

  it('restores what a killed run left hidden, and drops a stale copy when the original came back', async () => {
    const worktree = await tempDir();
    await mkdir(join(worktree, '.opencode.release-watch-hidden'));
    await writeFile(join(worktree, 'opencode.json'), 'new');
    await writeFile(join(worktree, 'opencode.json.release-watch-hidden'), 'stale');

    const restore = await hideProjectConfig(worktree);
    expect(await exists(join(worktree, '.opencode'))).toBe(false);
    expect(await exists(join(worktree, 'opencode.json'))).toBe(false);
    await restore();
    expect((await readdir(worktree)).sort()).toEqual(['.opencode', 'opencode.json']);
    expect(await readFile(join(worktree, 'opencode.json'), 'utf8')).toBe('new');
  });
});

describe('prepareConfigDir', () => {
  it('copies only the agent file, keeps the user OPENCODE_CONFIG_CONTENT, and pre-empts the plugin install', async () => {
    const source = await tempDir();
    await mkdir(join(source, 'agents'), { recursive: true });
    await mkdir(join(source, 'plugin'), { recursive: true });
    await writeFile(join(source, 'agents', 'judge.md'), '---\nmode: primary\n---\nJudge.\n');
    await writeFile(join(source, 'plugin', 'own.js'), 'x');
    await writeFile(join(source, 'opencode.json'), '{"plugin":["x"]}');
    const dir = join(await tempDir(), 'opencode-config');
    await mkdir(dir);
    await writeFile(join(dir, 'stale.txt'), 'from an earlier run');

    await prepareConfigDir({
      dir,
      sourceDir: source,
      agentName: 'judge',
      userConfigContent: '{"provider":{}}',
    });

    expect((await readdir(dir)).sort()).toEqual([
      'agent',
      'node_modules',
      'opencode.jsonc',
      'package-lock.json',
    ]);
    expect(await readFile(join(dir, 'agent', 'judge.md'), 'utf8')).toContain('Judge.');
    expect(await readFile(join(dir, 'opencode.jsonc'), 'utf8')).toBe('{"provider":{}}');
    const lock = JSON.parse(await readFile(join(dir, 'package-lock.json'), 'utf8'));
    expect(Object.keys(lock.packages[''].dependencies)).toEqual(['@opencode-ai/plugin']);
    expect(await readdir(join(dir, 'node_modules'))).toEqual([]);
  });

  it('fails with a coded error naming the files it looked for', async () => {
    const source = await tempDir();
    const error = await prepareConfigDir({
      dir: join(source, 'out'),
      sourceDir: source,
      agentName: 'judge',
    }).catch((e: unknown) => e);
    expect(isReleaseWatchError(error) && error.code).toBe('AGENT_DEFINITION_MISSING');
    expect((error as Error).message).toContain(join(source, 'agent', 'judge.md'));
  });
});

describe('opencode binary', () => {
  it('prefers an opencode on PATH', async () => {
    const dir = await tempDir();
    const fake = join(dir, 'opencode');
    await writeFile(fake, '#!/bin/sh\n', { mode: 0o755 });
    await writeFile(join(dir, 'not-executable'), '', { mode: 0o644 });
    expect(await resolveOpenCodeBinary(`/nonexistent:${dir}`)).toBe(fake);
    expect(await findOnPath('not-executable', dir)).toBeUndefined();
  });

  it('falls back to the platform binary of the installed opencode-ai package, not its postinstall shim', async () => {
    const binary = await resolveOpenCodeBinary('/nonexistent');
    expect(binary).toBe(await findPackagedBinary());
    expect(binary).toMatch(/node_modules\/opencode-(linux|darwin|windows)-[^/]+\/bin\/opencode(\.exe)?$/);
    // A real executable, not the shell stub npm leaves when install scripts are skipped.
    const file = await open(binary!);
    const { buffer } = await file.read({ buffer: Buffer.alloc(2), position: 0 });
    await file.close();
    expect(buffer.toString()).not.toBe('#!');
  });
});
