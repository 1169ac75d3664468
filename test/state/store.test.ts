import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReleaseWatchError } from '../../src/errors.js';
import { readState, updateUpstreamState, withStateLock, writeState } from '../../src/state/store.js';
import { tempDir } from '../helpers/tmp.js';

describe('state store', () => {
  it('a missing file is an empty state', async () => {
    const dir = await tempDir();
    expect(await readState(join(dir, 'state.json'))).toEqual({ version: 1, upstreams: {} });
  });

  it('round-trips the DESIGN.md shape and updates one upstream without touching others', async () => {
    const file = join(await tempDir(), 'nested/state.json');
    await writeState(file, {
      version: 1,
      upstreams: {
        codex: {
          lastReviewed: 'rust-v0.139.0',
          reviewedAt: '2026-11-23T09:00:00Z',
          impact: 'medium',
          issues: [41, 42],
        },
        opencode: { lastReviewed: null },
      },
    });
    await updateUpstreamState(file, 'opencode', () => ({ lastReviewed: 'v1.2.3' }));
    const state = JSON.parse(await readFile(file, 'utf8'));
    expect(state.upstreams.codex.issues).toEqual([41, 42]);
    expect(state.upstreams.opencode.lastReviewed).toBe('v1.2.3');
  });

  it.each([
    ['truncated JSON', '{ "version": 1, "upstreams": { "codex": { "lastRev', /invalid JSON/],
    ['version 99', '{ "version": 99, "upstreams": {} }', /version 99/],
    [
      'a wrong shape',
      '{ "version": 1, "upstreams": { "codex": { "lastReviewed": 5 } } }',
      /unexpected content/,
    ],
  ])('refuses %s and leaves the file as it was', async (_name, content, message) => {
    const file = join(await tempDir(), 'state.json');
    await writeFile(file, content);
    await expect(readState(file)).rejects.toThrow(message);
    await expect(updateUpstreamState(file, 'codex', () => ({ lastReviewed: 'x' }))).rejects.toBeInstanceOf(
      ReleaseWatchError,
    );
    expect(await readFile(file, 'utf8')).toBe(content);
  });

  it('refuses a directory', async () => {
    const file = join(await tempDir(), 'state.json');
    await mkdir(file);
    await expect(readState(file)).rejects.toThrow(/is a directory/);
  });

  it("sweeps a killed writer's temp files when it takes the lock, not again when the lock is re-entered", async () => {
    const dir = await tempDir();
    const file = join(dir, 'state.json');
    const plantTemp = async (name: string) => {
      await writeFile(join(dir, name), '{"version":1');
      const old = new Date(Date.now() - 3_600_000);
      await utimes(join(dir, name), old, old);
    };
    await plantTemp('state.json.111');
    await withStateLock(file, async () => {
      expect(await readdir(dir)).not.toContain('state.json.111');
      // Left while this process holds the lock: the nested update (run → report → state) keeps it.
      await plantTemp('state.json.222');
      await updateUpstreamState(file, 'codex', () => ({ lastReviewed: 'rust-v0.1.0' }));
      expect(await readdir(dir)).toContain('state.json.222');
    });
    await updateUpstreamState(file, 'codex', () => ({ lastReviewed: 'rust-v0.2.0' }));
    expect(await readdir(dir)).not.toContain('state.json.222');
  });
});
